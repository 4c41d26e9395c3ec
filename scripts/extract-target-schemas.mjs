#!/usr/bin/env node
// Copies the column types of the tables each target queries from the shared reference schemas
// (../shared/reference/schemas, see its SOURCES.md) into src/targets/<id>/tables.json, so the
// product carries its own copy and never needs the reference data at run time.
//
//   node scripts/extract-target-schemas.mjs [--check]
//
// --check exits 1 when a committed tables.json differs from what the reference data gives.
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const refDir = join(repo, '..', 'shared', 'reference', 'schemas');
if (!existsSync(refDir)) {
  console.error(`reference schemas not found at ${refDir}`);
  process.exit(2);
}
const load = (f) => JSON.parse(readFileSync(join(refDir, f), 'utf8'));
const asim = load('asim.json');
const xdr = load('defender_xdr.json');
const monitor = load('azure_monitor.json');

const MONITOR_TABLES = [
  'SecurityEvent', 'WindowsEvent', 'Event', 'Syslog', 'SigninLogs', 'AADNonInteractiveUserSignInLogs',
  'AuditLogs', 'AzureActivity', 'OfficeActivity', 'CommonSecurityLog', 'DnsEvents', 'W3CIISLog',
];
const ASIM_TABLES = [
  'imProcessCreate', 'imNetworkSession', 'imFileEvent', 'imRegistry', 'imDns', 'imWebSession',
  'imAuthentication', 'imAuditEvent',
];
const XDR_TABLES = [
  'DeviceProcessEvents', 'DeviceNetworkEvents', 'DeviceFileEvents', 'DeviceRegistryEvents',
  'DeviceImageLoadEvents', 'DeviceEvents', 'DeviceLogonEvents',
];

function pick(source, names, label) {
  const out = {};
  for (const n of names) {
    if (!source[n]) throw new Error(`${label}: table ${n} missing from the reference schemas`);
    // Sorted columns make diffs readable when the reference data changes.
    out[n] = Object.fromEntries(Object.entries(source[n]).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

const outputs = {
  'azure-monitor': pick(monitor, MONITOR_TABLES, 'azure_monitor.json'),
  'defender-xdr': pick(xdr, XDR_TABLES, 'defender_xdr.json'),
  // The ASIM target falls back to the Sentinel tables (SecurityEvent, WindowsEvent, ...) for
  // logsources without an ASIM schema; those come from its sibling azure-monitor/tables.json.
  'sentinel-asim': pick(asim, ASIM_TABLES, 'asim.json'),
};

const check = process.argv.includes('--check');
let stale = 0;
for (const [id, tables] of Object.entries(outputs)) {
  const file = join(repo, 'src', 'targets', id, 'tables.json');
  const text = JSON.stringify(tables, null, 1) + '\n';
  if (check) {
    const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (current !== text) {
      console.error(`${file} is stale`);
      stale++;
    }
  } else {
    writeFileSync(file, text);
    console.log(`${file}: ${Object.keys(tables).length} tables, ${Object.values(tables).reduce((n, t) => n + Object.keys(t).length, 0)} columns`);
  }
}
process.exit(stale ? 1 : 0);
