import { describe, expect, it } from 'vitest';
import { sysmonRegistryDetails, sysmonRegistryKey, sysmonTargetObject } from './registry-path.ts';

/**
 * Evaluates the generated replace_regex/strcat/iff chain on sample rows, reading each
 * `replace_regex(x, @"re", @"rewrite")` the way Kusto does (verbatim literals, RE2 syntax with
 * `(?i)`, `\1` group references), so the escaping of the generated KQL is checked, not assumed.
 */
function evalKey(expr: string, row: Record<string, string>): string {
  const m = /^replace_regex\((.*), @"(.*?)", @"(.*?)"\)$/s.exec(expr);
  if (!m) return row[expr] ?? (() => { throw new Error(`cannot evaluate ${expr}`); })();
  const inner = evalKey(m[1], row);
  const source = m[2].replace(/^\(\?i\)/, '');
  const re = new RegExp(source, m[2].startsWith('(?i)') ? 'i' : '');
  return inner.replace(re, m[3].replace(/\\(\d)/g, '$$$1'));
}

describe('sysmonRegistryKey', () => {
  const key = sysmonRegistryKey('RegistryKey');
  const cases: Array<[string, string]> = [
    ['HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run', 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run'],
    ['HKEY_CURRENT_USER\\S-1-5-21-1-2-3-1001\\Software\\Classes', 'HKU\\S-1-5-21-1-2-3-1001\\Software\\Classes'],
    ['HKEY_USERS\\.DEFAULT\\Environment', 'HKU\\.DEFAULT\\Environment'],
    ['HKEY_CLASSES_ROOT\\exefile\\shell\\open\\command', 'HKCR\\exefile\\shell\\open\\command'],
    ['hkey_local_machine\\system', 'HKLM\\system'],
    ['HKEY_LOCAL_MACHINE', 'HKLM'],
    // Not a hive prefix: left alone.
    ['HKEY_LOCAL_MACHINEX\\a', 'HKEY_LOCAL_MACHINEX\\a'],
    ['HKLM\\already\\short', 'HKLM\\already\\short'],
    ['', ''],
  ];
  it.each(cases)('%s → %s', (input, expected) => {
    expect(evalKey(key, { RegistryKey: input })).toBe(expected);
  });
});

describe('sysmonRegistryKey for ASIM', () => {
  const key = sysmonRegistryKey('RegistryKey', { classesUnderLocalMachine: true });
  it.each([
    ['HKEY_LOCAL_MACHINE\\Classes\\exefile', 'HKCR\\exefile'],
    ['HKEY_LOCAL_MACHINE\\ClassesX\\a', 'HKLM\\ClassesX\\a'],
    ['HKEY_LOCAL_MACHINE\\SOFTWARE\\Classes\\a', 'HKLM\\SOFTWARE\\Classes\\a'],
    ['HKEY_USERS\\S-1-5-18\\x', 'HKU\\S-1-5-18\\x'],
  ])('%s → %s', (input, expected) => {
    expect(evalKey(key, { RegistryKey: input })).toBe(expected);
  });
});

describe('sysmonRegistryDetails', () => {
  it('renders numbers the way Sysmon does and passes other data through', () => {
    const e = sysmonRegistryDetails('RegistryValueType', 'RegistryValueData');
    expect(e).toContain('RegistryValueType =~ "Dword", strcat("DWORD (0x", tohex(tolong(RegistryValueData), 8), ")")');
    expect(e).toContain('"-0x", tohex(binary_and(tolong(RegistryValueData), 4294967295), 8)');
    expect(e.endsWith(', RegistryValueData)')).toBe(true);
  });
});

describe('sysmonTargetObject', () => {
  it('appends \\valueName only when there is a value name', () => {
    const e = sysmonTargetObject('RegistryKey', 'RegistryValueName');
    expect(e).toMatch(/^strcat\(replace_regex\(/);
    expect(e).toContain('iff(isempty(RegistryValueName), "", strcat("\\\\", RegistryValueName))');
    expect(e.startsWith(`strcat(${sysmonRegistryKey('RegistryKey')}, `)).toBe(true);
  });
});
