import { beforeAll, describe, expect, it } from 'vitest';
import { isKustoLanguageServiceLoaded, loadKustoLanguageService, validateKql, type TableSchemas } from './validate.ts';

const tables: TableSchemas = {
  SecurityEvent: { TimeGenerated: 'datetime', EventID: 'int', CommandLine: 'string', NewProcessName: 'string' },
  WindowsEvent: { TimeGenerated: 'datetime', EventID: 'int', Channel: 'string', Provider: 'string', EventData: 'dynamic' },
  imNetworkSession: { DstPortNumber: 'int', DstIpAddr: 'string', NetworkDirection: 'string', SrcProcessId: 'string' },
};

describe('validateKql before loading', () => {
  it('reports that the service is not loaded instead of throwing', () => {
    // Runs first in this file; vitest isolates files, so nothing else has loaded it.
    if (isKustoLanguageServiceLoaded()) return;
    const d = validateKql('SecurityEvent | take 1', tables);
    expect(d).toHaveLength(1);
    expect(d[0].code).toBe('kusto-not-loaded');
    expect(d[0].severity).toBe('error');
  });
});

describe('validateKql', () => {
  beforeAll(async () => {
    await loadKustoLanguageService();
  }, 30_000);

  it('loads once and reports loaded', async () => {
    expect(isKustoLanguageServiceLoaded()).toBe(true);
    await expect(loadKustoLanguageService()).resolves.toBeUndefined();
  });

  it('accepts a correct, typed query', () => {
    const q = [
      'SecurityEvent',
      '| where EventID == 4688',
      '| where NewProcessName endswith @"\\cmd.exe" and CommandLine contains "whoami"',
    ].join('\n');
    expect(validateKql(q, tables)).toEqual([]);
  });

  it('accepts dynamic member access and ASIM parsers declared as tables', () => {
    expect(validateKql('WindowsEvent | where Channel == "Microsoft-Windows-Sysmon/Operational" and tostring(EventData.Image) endswith "\\\\x.exe"', tables)).toEqual([]);
    expect(
      validateKql('imNetworkSession | where NetworkDirection == "Outbound" and DstPortNumber in (8080, 8888) and not(ipv4_is_in_range(DstIpAddr, "10.0.0.0/8") == true)', tables),
    ).toEqual([]);
  });

  it('reports an unknown column with its code and the range of the name', () => {
    const q = 'SecurityEvent\n| where Image endswith "x"';
    const d = validateKql(q, tables);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'KS142', severity: 'error' });
    expect(q.slice(d[0].range!.start, d[0].range!.end)).toBe('Image');
    expect(d[0].range).toMatchObject({ startLine: 2, startColumn: 9, endLine: 2, endColumn: 14 });
  });

  it('reports an unknown table', () => {
    const d = validateKql('imProcessCreate | take 1', tables);
    expect(d.map((x) => x.code)).toEqual(['KS204']);
  });

  it('reports string operators on an int column', () => {
    expect(validateKql('imNetworkSession | where DstPortNumber in~ ("8080")', tables).map((x) => x.code)).toContain('KS107');
    expect(validateKql('imNetworkSession | where DstPortNumber startswith "80"', tables).map((x) => x.code)).toContain('KS106');
  });

  it('reports a broken string literal at its position', () => {
    const q = 'SecurityEvent | where CommandLine == "C:\\Program Files\\"';
    const d = validateKql(q, tables);
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((x) => x.severity === 'error')).toBe(true);
    expect(d[0].range!.start).toBeGreaterThanOrEqual(q.indexOf('"'));
  });

  it('uses the declared column types', () => {
    // SrcProcessId is a string in ASIM: a string comparison binds, arithmetic does not.
    expect(validateKql('imNetworkSession | where SrcProcessId == "4"', tables)).toEqual([]);
    expect(validateKql('imNetworkSession | where SrcProcessId + 1 > 3', tables).some((x) => x.severity === 'error')).toBe(true);
  });

  it('caches per schema and keeps schemas apart', () => {
    const other: TableSchemas = { SecurityEvent: { Image: 'string' } };
    expect(validateKql('SecurityEvent | where Image == "a"', other)).toEqual([]);
    expect(validateKql('SecurityEvent | where Image == "a"', tables).map((x) => x.code)).toEqual(['KS142']);
    // An equal schema in a new object gives the same answers.
    expect(validateKql('SecurityEvent | where Image == "a"', { SecurityEvent: { Image: 'string' } })).toEqual([]);
  });

  it('is fast after the first analysis', () => {
    validateKql('SecurityEvent | take 1', tables);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) validateKql(`SecurityEvent | where EventID == ${i} and CommandLine contains "x${i}"`, tables);
    expect((performance.now() - t0) / 50).toBeLessThan(50);
  });

  it('handles hostile text without throwing', () => {
    for (const q of ['', '|||', '"', 'SecurityEvent | where CommandLine == "\u0000\ud83d\ude00\ud800"', 'x'.repeat(100_000), '('.repeat(2000)]) {
      expect(() => validateKql(q, tables)).not.toThrow();
    }
    expect(validateKql('"', tables).some((x) => x.severity === 'error')).toBe(true);
  });

  it('handles column names that need quoting in KQL', () => {
    const odd: TableSchemas = { T: { 'Odd Name': 'string', 'with-dash': 'int' } };
    expect(validateKql("T | where ['Odd Name'] == 'a' and ['with-dash'] == 1", odd)).toEqual([]);
  });
});
