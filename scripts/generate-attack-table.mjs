#!/usr/bin/env node
/**
 * Builds src/attack/attack-enterprise.json: MITRE ATT&CK Enterprise tactics and techniques
 * (id → name, tactic shortname → name and TA id), the table the rule card and the exports read.
 *
 * Usage: node scripts/generate-attack-table.mjs <mitre-cti checkout>
 *
 * Input: the STIX objects of github.com/mitre/cti (enterprise-attack/attack-pattern/*.json and
 * enterprise-attack/x-mitre-tactic/*.json); the checked-in table was built from ATT&CK v18.1
 * (mitre/cti commit 421deacb77191b38bdd1bf63268954e93da91365).
 *
 * ATT&CK v19 (2026) retired the Defense Evasion tactic and split it into Stealth (TA0005, the
 * same id) and Defense Impairment (TA0112), and added techniques T1684-T1690. SigmaHQ already
 * tags rules with them (attack.stealth, attack.defense-impairment, attack.t1685.001), but v19
 * is not in mitre/cti yet, so V19 below carries those changes; each name was checked against a
 * catalogue generated from attack-stix-data's v19 enterprise-attack.json. The technique →
 * tactic lists of the v18.1 data are therefore not shipped (they would still say
 * defense-evasion); tactics come from a rule's own tactic tags.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const V19 = {
  tactics: {
    TA0005: { name: 'Stealth', shortname: 'stealth', formerly: { name: 'Defense Evasion', shortname: 'defense-evasion' } },
    TA0112: { name: 'Defense Impairment', shortname: 'defense-impairment' },
  },
  techniques: {
    T1684: 'Social Engineering',
    'T1684.001': 'Impersonation',
    'T1684.002': 'Email Spoofing',
    T1685: 'Disable or Modify Tools',
    'T1685.001': 'Disable or Modify Windows Event Log',
    'T1685.002': 'Disable or Modify Cloud Log',
    'T1685.003': 'Modify or Spoof Tool UI',
    'T1685.004': 'Disable or Modify Linux Audit System Log',
    'T1685.005': 'Clear Windows Event Logs',
    'T1685.006': 'Clear Linux or Mac System Logs',
    T1686: 'Disable or Modify System Firewall',
    'T1686.001': 'Cloud Firewall',
    'T1686.002': 'Network Device Firewall',
    'T1686.003': 'Windows Host Firewall',
    T1687: 'Exploitation for Defense Impairment',
    T1688: 'Safe Mode Boot',
    T1689: 'Downgrade Attack',
    T1690: 'Prevent Command History Logging',
  },
};

function readObjects(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')).objects ?? []);
}

function externalId(o) {
  return (o.external_references ?? []).find((r) => r.source_name === 'mitre-attack')?.external_id;
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node scripts/generate-attack-table.mjs <mitre-cti checkout>');
  process.exit(2);
}
const tactics = {};
for (const o of readObjects(path.join(root, 'enterprise-attack/x-mitre-tactic'))) {
  if (o.type !== 'x-mitre-tactic' || o.revoked || o.x_mitre_deprecated) continue;
  tactics[externalId(o)] = { name: o.name, shortname: o.x_mitre_shortname };
}
for (const [id, t] of Object.entries(V19.tactics)) tactics[id] = t;

const techniques = {};
for (const o of readObjects(path.join(root, 'enterprise-attack/attack-pattern'))) {
  if (o.type !== 'attack-pattern') continue;
  const id = externalId(o);
  if (!id) continue;
  const entry = { name: o.name };
  if (o.revoked) entry.revoked = true;
  if (o.x_mitre_deprecated) entry.deprecated = true;
  techniques[id] = entry;
}
for (const [id, name] of Object.entries(V19.techniques)) techniques[id] = { name };

const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
const out = {
  source: 'MITRE ATT&CK Enterprise v18.1 (github.com/mitre/cti 421deacb) with the v19 tactic split and techniques T1684-T1690',
  tactics: sorted(tactics),
  techniques: sorted(techniques),
};
const target = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'src', 'attack', 'attack-enterprise.json');
writeFileSync(target, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${target}: ${Object.keys(out.tactics).length} tactics, ${Object.keys(out.techniques).length} techniques`);
