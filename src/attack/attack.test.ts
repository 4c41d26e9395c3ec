import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTACK_TACTICS, attackFromTags, attackTactic, attackTechnique, classifyTag } from './attack.ts';

const SIGMA = path.resolve(__dirname, '../../../shared/sigma');

function* ruleFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) yield* ruleFiles(p);
    else if (/\.ya?ml$/.test(name)) yield p;
  }
}

describe('ATT&CK table', () => {
  it('knows the v19 tactics and still reads the retired defense-evasion shortname', () => {
    expect(ATTACK_TACTICS).toHaveLength(15);
    expect(attackTactic('stealth')).toMatchObject({ id: 'TA0005', name: 'Stealth' });
    expect(attackTactic('defense-evasion')?.id).toBe('TA0005');
    expect(attackTactic('defense_evasion')?.id).toBe('TA0005');
    expect(attackTactic('defense-impairment')).toMatchObject({ id: 'TA0112', name: 'Defense Impairment' });
    expect(attackTactic('Command and Control')).toMatchObject({ id: 'TA0011', shortname: 'command-and-control' });
    expect(attackTactic('TA0002')?.name).toBe('Execution');
    expect(attackTactic('nonsense')).toBeUndefined();
  });

  it('names techniques and sub-techniques with their links', () => {
    expect(attackTechnique('t1059.001')).toMatchObject({
      id: 'T1059.001',
      name: 'PowerShell',
      fullName: 'Command and Scripting Interpreter: PowerShell',
      parentId: 'T1059',
      url: 'https://attack.mitre.org/techniques/T1059/001/',
    });
    expect(attackTechnique('T1003')).toMatchObject({ name: 'OS Credential Dumping', url: 'https://attack.mitre.org/techniques/T1003/' });
    expect(attackTechnique('T1685.005')?.fullName).toBe('Disable or Modify Tools: Clear Windows Event Logs');
    expect(attackTechnique('T9999')).toBeUndefined();
    expect(attackTechnique('__proto__')).toBeUndefined();
  });

  it('classifies every kind of tag', () => {
    expect(classifyTag('attack.g0032')).toEqual({ kind: 'group', tag: 'attack.g0032', id: 'G0032', url: 'https://attack.mitre.org/groups/G0032/' });
    expect(classifyTag('attack.s0002').kind).toBe('software');
    expect(classifyTag('attack.ds0005').kind).toBe('data-source');
    expect(classifyTag('cve.2021-44228')).toMatchObject({ kind: 'cve', id: 'CVE-2021-44228', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228' });
    expect(classifyTag('car.2016-04-005')).toMatchObject({ kind: 'car', id: 'CAR-2016-04-005' });
    expect(classifyTag('detection.threat-hunting')).toEqual({ kind: 'other', tag: 'detection.threat-hunting', namespace: 'detection', value: 'threat-hunting' });
    expect(classifyTag('attack.t9999')).toMatchObject({ kind: 'unknown-attack' });
    expect(classifyTag('attack.made-up-tactic')).toMatchObject({ kind: 'unknown-attack' });
  });

  it('summarises tags in kill-chain order, each once', () => {
    const s = attackFromTags(['attack.impact', 'attack.execution', 'attack.t1059.001', 'attack.t1059.001', 'attack.reconnaissance']);
    expect(s.tactics.map((t) => t.name)).toEqual(['Reconnaissance', 'Execution', 'Impact']);
    expect(s.techniques.map((t) => t.id)).toEqual(['T1059.001']);
  });

  it.skipIf(!existsSync(SIGMA))('covers every tactic and technique tag used in the SigmaHQ corpus', () => {
    const unknown = new Map<string, string>();
    let seen = 0;
    for (const dir of readdirSync(SIGMA).filter((d) => d.startsWith('rules'))) {
      for (const file of ruleFiles(path.join(SIGMA, dir))) {
        for (const m of readFileSync(file, 'utf8').matchAll(/^\s*-\s*(attack\.[A-Za-z0-9._-]+)\s*$/gm)) {
          const info = classifyTag(m[1]);
          seen++;
          if (info.kind === 'unknown-attack') unknown.set(m[1], path.relative(SIGMA, file));
        }
      }
    }
    expect(seen).toBeGreaterThan(5000);
    expect(Object.fromEntries(unknown)).toEqual({});
  });
});
