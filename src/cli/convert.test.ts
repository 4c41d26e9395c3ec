import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertCommand, parseMappingFile, parsePlaceholdersFile } from './convert.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'siglab-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RULE = `title: Uncommon port
id: 6d8c3d20-a5e1-494f-8412-4571d716cf5c
logsource:
    category: network_connection
    product: windows
detection:
    selection:
        Initiated: 'true'
        DestinationPort:
            - 8080
            - 8888
    filter:
        Image|startswith: 'C:\\Program Files\\'
    condition: selection and not filter
level: medium
`;

const UNMAPPED = `title: Unmapped
logsource:
    category: process_creation
    product: windows
detection:
    sel:
        NoSuchSysmonField: x
    condition: sel
`;

function write(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await convertCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('siglab convert', () => {
  const good = write('good.yml', RULE);
  const bad = write('sub-bad.yml', UNMAPPED);

  it('prints the query and exits 0', async () => {
    const r = await run([good, '--target', 'sentinel-asim', '--no-validate']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('imNetworkSession');
    expect(r.out).toContain('DstPortNumber in (8080, 8888)');
    expect(r.out).toContain('NetworkDirection == "Outbound"');
  });

  it('--json prints one line per file with file, ok, query, diagnostics', async () => {
    const r = await run([good, bad, '--target', 'azure-monitor', '--json', '--no-validate']);
    expect(r.code).toBe(1);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ file: good, ok: true });
    expect(typeof lines[0].query).toBe('string');
    expect(lines[1].ok).toBe(false);
    expect(lines[1].diagnostics.some((d: { code: string }) => d.code === 'unmapped-field')).toBe(true);
    expect(r.err).toMatch(/1 of 2 rules converted for azure-monitor.*unmapped-field: 1/);
  });

  it('validates with the language service by default', async () => {
    const r = await run([good, '--target', 'defender-xdr', '--json']);
    const line = JSON.parse(r.out.trim());
    expect(line.diagnostics.filter((d: { code: string }) => d.code.startsWith('kql-') || d.code === 'kql-not-validated')).toEqual([]);
    expect(line.ok).toBe(true);
  });

  it('--mapping maps a field the target does not know', async () => {
    const m = write('map.yml', 'fields:\n  NoSuchSysmonField: TargetProcessCommandLine\n');
    const r = await run([bad, '--target', 'sentinel-asim', '--mapping', m, '--no-validate']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('TargetProcessCommandLine =~ "x"');
    expect(parseMappingFile('Image: ProcessPath\n')).toEqual({ fields: { Image: 'ProcessPath' } });
    expect(() => parseMappingFile('fields: [1]')).toThrow();
  });

  it('placeholders file', () => {
    expect(parsePlaceholdersFile('admins: [a, b]\nhost: x\n')).toEqual({ admins: ['a', 'b'], host: ['x'] });
  });

  it('a broken mapping or placeholders file is reported at its line and column (exit 2)', async () => {
    const m = write('typo-map.yml', 'fields:\n  Image: ProcessPath\n  User: {colum: ActorUsername}\n');
    const r = await run([good, '--target', 'sentinel-asim', '--mapping', m, '--no-validate']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${m}:3:10: error mapping-unknown-key fields.User: unknown key 'colum' (did you mean 'column'?)`);
    const p = write('bad-values.yml', 'admins: [a, {b: 1}]\n');
    const r2 = await run([good, '--target', 'sentinel-asim', '--placeholders', p, '--no-validate']);
    expect(r2.code).toBe(2);
    expect(r2.err).toContain(`${p}:1:13: error placeholders-invalid-value`);
    expect(() => parseMappingFile('a: [x')).toThrow(/^\d+:\d+: YAML/);
  });

  it('usage errors exit 2', async () => {
    expect((await run([good])).code).toBe(2);
    expect((await run([good, '--target', 'nope'])).code).toBe(2);
    expect((await run(['--target', 'sentinel-asim'])).code).toBe(2);
    expect((await run([good, '--target', 'sentinel-asim', '--frob'])).code).toBe(2);
    const m = write('badmap.yml', '- not a map\n');
    expect((await run([good, '--target', 'sentinel-asim', '--mapping', m])).code).toBe(2);
  });

  it('a missing file fails with exit 1', async () => {
    const r = await run([path.join(dir, 'missing.yml'), '--target', 'sentinel-asim', '--no-validate']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('missing.yml');
  });

  it('a directory gives one JSON line per rule file and a summary', async () => {
    const r = await run([dir, '--target', 'sentinel-asim', '--json', '--no-validate']);
    const files = r.out.trim().split('\n').map((l) => JSON.parse(l).file);
    expect(files.every((f: string) => /\.ya?ml$/.test(f))).toBe(true);
    expect(r.err).toContain('rules converted for sentinel-asim');
  });
});

describe('correlation files', () => {
  const fixture = path.join(path.dirname(new URL(import.meta.url).pathname), '../sigma/fixtures/correlation/failed_logins_followed_by_success.yml');

  it('convert the outermost correlation, not the base rules alone', async () => {
    const mapping = path.join(dir, 'user-mapping.yml');
    writeFileSync(mapping, 'tables:\n  SecurityEvent:\n    User: TargetUserName\n');
    let out = '';
    const code = await convertCommand([fixture, '--target', 'azure-monitor', '--mapping', mapping, '--json', '--no-validate'], { stdout: (s) => (out += s), stderr: () => {} });
    expect(code).toBe(0);
    const line = JSON.parse(out.trim());
    expect(line.ok).toBe(true);
    expect(line.rules.map((r: { title: string }) => r.title)).toEqual(['Correlation - Multiple Failed Logins Followed by Successful Login']);
    expect(line.query).toContain('row_window_session(_time, 10m, 10m');
    expect(line.query).toContain('let successful_login = SecurityEvent');
  });

  it('fail with the reason when a group-by field has no column', async () => {
    let out = '';
    const code = await convertCommand([fixture, '--target', 'azure-monitor', '--json', '--no-validate'], { stdout: (s) => (out += s), stderr: () => {} });
    expect(code).toBe(1);
    const line = JSON.parse(out.trim());
    expect(line.ok).toBe(false);
    expect(line.diagnostics.some((d: { code: string }) => d.code === 'unsupported-correlation-field')).toBe(true);
  });
});
