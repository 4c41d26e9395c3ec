import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../diagnostics.ts';
import { loadRules } from './load.ts';
import type { FieldItem, LoadOptions, PatternPart, SigmaValue } from './model.ts';
import { MODIFIERS } from './model.ts';
import { findUnsupportedRegex, parseNumber } from './modifiers.ts';
import { formatPattern } from './values.ts';

/** Loads a one-item rule `key: value` and returns the item and the diagnostics. */
function load(key: string, value: string, options?: LoadOptions): { item: FieldItem; diagnostics: Diagnostic[] } {
  const text = `title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    ${key}: ${value}\n  condition: sel\n`;
  const result = loadRules(text, options);
  const selection = result.rules[0].detection.identifiers.get('sel')!.selection;
  return { item: selection.items[0] as FieldItem, diagnostics: result.diagnostics };
}

/** The alternatives of each value as Sigma strings, for compact assertions. */
function patterns(item: FieldItem): string[][] {
  return item.values.map((v) => (v.kind === 'string' ? v.patterns.map((p) => formatPattern(p)) : [v.kind]));
}

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code);
const text = (t: string): PatternPart => ({ kind: 'text', text: t });

describe('string modifiers', () => {
  it('no modifier: whole-value match', () => {
    const { item, diagnostics } = load('Image', "'C:\\Windows\\whoami.exe'");
    expect(diagnostics).toEqual([]);
    expect(item.values[0]).toMatchObject({ kind: 'string', raw: 'C:\\Windows\\whoami.exe', cased: false, patterns: [{ parts: [text('C:\\Windows\\whoami.exe')] }] });
  });

  it('contains → *v*, startswith → v*, endswith → *v', () => {
    expect(patterns(load('CommandLine|contains', "' -enc '").item)).toEqual([['* -enc *']]);
    // A trailing backslash before the added * is shown doubled (a single one would escape the *).
    expect(patterns(load('Image|startswith', "'C:\\Temp\\'").item)).toEqual([['C:\\Temp\\\\*']]);
    expect(patterns(load('Image|endswith', "'\\cmd.exe'").item)).toEqual([['*\\cmd.exe']]);
    // An existing wildcard is not doubled.
    expect(patterns(load('Image|contains', "'*abc'").item)).toEqual([['*abc*']]);
  });

  it('all: values are AND-ed; without all they are OR-ed', () => {
    const { item } = load('CommandLine|contains|all', "['a', 'b']");
    expect(item.combine).toBe('and');
    expect(patterns(item)).toEqual([['*a*'], ['*b*']]);
    expect(load('CommandLine|contains', "['a', 'b']").item.combine).toBe('or');
  });

  it('cased: case-sensitive patterns', () => {
    const { item } = load('Image|endswith|cased', "'\\CMD.exe'");
    expect(item.values[0]).toMatchObject({ kind: 'string', cased: true });
    expect(patterns(item)).toEqual([['*\\CMD.exe']]);
  });

  it('neq: the item is negated', () => {
    const { item, diagnostics } = load('User|neq', "['SYSTEM', 'LOCAL SERVICE']");
    expect(diagnostics).toEqual([]);
    expect(item.negated).toBe(true);
    expect(patterns(item)).toEqual([['SYSTEM'], ['LOCAL SERVICE']]);
  });

  it('windash: a dash or slash that starts a word becomes -, /, en dash, em dash, horizontal bar (pySigma test vector)', () => {
    const { item } = load('CommandLine|windash', "'-param-1 -param2'");
    const expected: string[] = [];
    for (const a of ['-', '/', '\u2013', '\u2014', '\u2015']) for (const b of ['-', '/', '\u2013', '\u2014', '\u2015']) expected.push(`${a}param-1 ${b}param2`);
    expect(patterns(item)).toEqual([expected]);
  });

  it('windash with contains keeps wildcards and only touches word-initial dashes', () => {
    const { item } = load('CommandLine|contains|windash', "' /c a-b'");
    expect(patterns(item)).toEqual([['* -c a-b*', '* /c a-b*', '* \u2013c a-b*', '* \u2014c a-b*', '* \u2015c a-b*']]);
  });

  it('base64: the encoded value (no wildcards allowed)', () => {
    expect(patterns(load('Payload|base64', "'foobar'").item)).toEqual([['Zm9vYmFy']]);
    expect(patterns(load('Payload|base64|contains', "'foobar'").item)).toEqual([['*Zm9vYmFy*']]);
    expect(codes(load('Payload|contains|base64', "'foobar'").diagnostics)).toEqual(['base64-wildcard']);
    expect(codes(load('Payload|base64', "'foo*bar'").diagnostics)).toEqual(['base64-wildcard']);
    // An escaped wildcard is a plain character and can be encoded.
    expect(patterns(load('Payload|base64', "'a\\*'").item)).toEqual([['YSo=']]);
  });

  it('base64offset: the three offset variants, as pySigma computes them (pySigma test vector foobar)', () => {
    expect(patterns(load('Payload|base64offset|contains', "'foobar'").item)).toEqual([['*Zm9vYmFy*', '*Zvb2Jhc*', '*mb29iYX*']]);
    expect(codes(load('Payload|base64offset|contains', "'foo*bar'").diagnostics)).toEqual(['base64-wildcard']);
  });

  it('wide / utf16le: UTF-16LE bytes, then base64offset (values checked against Python b64encode)', () => {
    expect(patterns(load('CommandLine|wide|base64offset|contains', "'Invoke-'").item)).toEqual([
      ['*SQBuAHYAbwBrAGUALQ*', '*kAbgB2AG8AawBlAC0A*', '*JAG4AdgBvAGsAZQAtA*'],
    ]);
    expect(patterns(load('CommandLine|utf16le|base64', "'cmd'").item)).toEqual([['YwBtAGQA']]);
    expect(patterns(load('CommandLine|wide|base64', "'foobär'").item)).toEqual([['ZgBvAG8AYgDkAHIA']]);
  });

  it('wide without base64 interleaves NUL bytes and keeps wildcards (pySigma test vector)', () => {
    const { item } = load('Data|wide', "'*foobar*'");
    expect(item.values[0]).toMatchObject({ patterns: [{ parts: [{ kind: 'any' }, text('f\0o\0o\0b\0a\0r\0'), { kind: 'any' }] }] });
  });

  it('utf16be and utf16 (byte order mark FF FE, as the modifiers appendix specifies)', () => {
    expect(patterns(load('CommandLine|utf16be|base64', "'cmd'").item)).toEqual([['AGMAbQBk']]);
    expect(patterns(load('CommandLine|utf16|base64', "'cmd'").item)).toEqual([['//5jAG0AZAA=']]);
  });

  it('expand: placeholders resolve to alternatives from options.placeholders', () => {
    const { item, diagnostics } = load('ComputerName|expand', "'%DomainControllers%'", { placeholders: { DomainControllers: ['dc1', 'dc2*'] } });
    expect(diagnostics).toEqual([]);
    expect(patterns(item)).toEqual([['dc1', 'dc2*']]);
    const wrapped = load('Image|expand|endswith', "'%Dir%\\x.exe'", { placeholders: { Dir: ['C:\\A', 'D:\\B'] } });
    expect(patterns(wrapped.item)).toEqual([['*C:\\A\\x.exe', '*D:\\B\\x.exe']]);
  });

  it('expand: an unresolved placeholder is a placeholder value plus an error at the %name%', () => {
    const { item, diagnostics } = load('ComputerName|expand', "'%Servers%'");
    expect(item.values).toMatchObject([{ kind: 'placeholder', name: 'Servers', raw: '%Servers%' }]);
    expect(codes(diagnostics)).toEqual(['unresolved-placeholder']);
    expect(diagnostics[0].range).toMatchObject({ startLine: 6, startColumn: 27, endColumn: 36 });
  });

  it('expand: an empty placeholder list can never match and says so', () => {
    const { item, diagnostics } = load('ComputerName|expand', "'%Servers%'", { placeholders: { Servers: [] } });
    expect(item.values).toMatchObject([{ kind: 'string', patterns: [] }]);
    expect(codes(diagnostics)).toEqual(['empty-placeholder']);
  });

  it('without expand, %name% is plain text', () => {
    expect(patterns(load('ComputerName', "'%Servers%'").item)).toEqual([['%Servers%']]);
  });
});

describe('type modifiers', () => {
  it('re with i/m/s flags; the pattern is taken as written (no wildcard processing)', () => {
    const { item, diagnostics } = load('CommandLine|re|i|m|s', "'^a.*\\d+?$'");
    expect(diagnostics).toEqual([]);
    expect(item.values[0]).toMatchObject({ kind: 'regex', pattern: '^a.*\\d+?$', flags: { i: true, m: true, s: true } });
    expect(load('CommandLine|re', "'x'").item.values[0]).toMatchObject({ flags: { i: false, m: false, s: false } });
    // pySigma's long flag names are accepted.
    expect(load('CommandLine|re|ignorecase', "'x'").item.values[0]).toMatchObject({ flags: { i: true } });
  });

  it('re: invalid and unsupported expressions are diagnosed with the position of the construct', () => {
    const invalid = load('CommandLine|re', "'a(b'");
    expect(codes(invalid.diagnostics)).toEqual(['invalid-regex']);
    expect(invalid.item.values).toEqual([]);
    const lookbehind = load('CommandLine|re', "'(?<!x)abc'");
    expect(codes(lookbehind.diagnostics)).toEqual(['regex-unsupported']);
    expect(lookbehind.diagnostics[0].message).toMatch(/look-behind/);
    expect(lookbehind.diagnostics[0].range).toMatchObject({ startLine: 6, startColumn: 22, endColumn: 26 });
    const backref = load('CommandLine|re', "'(a)\\1'");
    expect(backref.diagnostics[0]).toMatchObject({ code: 'regex-unsupported', message: expect.stringMatching(/back-reference/) });
    expect(codes(load('CommandLine|re', "'(?=x)'").diagnostics)).toEqual(['regex-unsupported']);
  });

  it('findUnsupportedRegex ignores constructs inside character classes and escaped parentheses', () => {
    expect(findUnsupportedRegex('[(?=]\\(?!x')).toBeUndefined();
    expect(findUnsupportedRegex('a(?<=b)')).toMatchObject({ start: 1, end: 5, what: 'look-behind' });
    expect(findUnsupportedRegex('a++')).toMatchObject({ what: 'a possessive quantifier' });
  });

  it('cidr: IPv4 and IPv6, normalised network', () => {
    expect(load('DestinationIp|cidr', "'10.0.0.0/8'").item.values[0]).toMatchObject({ kind: 'cidr', cidr: '10.0.0.0/8', family: 4, network: '10.0.0.0', prefix: 8 });
    expect(load('DestinationIp|cidr', "'fc00::/7'").item.values[0]).toMatchObject({ kind: 'cidr', family: 6, network: 'fc00::', prefix: 7 });
    expect(load('DestinationIp|cidr', "'2001:0db8:0000::/32'").item.values[0]).toMatchObject({ network: '2001:db8::', prefix: 32 });
    expect(load('DestinationIp|cidr', "'192.168.1.7'").item.values[0]).toMatchObject({ network: '192.168.1.7', prefix: 32 });
    const hostBits = load('DestinationIp|cidr', "'10.1.2.3/8'");
    expect(hostBits.item.values[0]).toMatchObject({ network: '10.0.0.0', prefix: 8 });
    expect(codes(hostBits.diagnostics)).toEqual(['cidr-host-bits']);
  });

  it('cidr: invalid networks are errors', () => {
    for (const bad of ["'10.0.0.0/33'", "'10.1/8'", "'300.0.0.0/8'", "'fe80::1%eth0/64'", "'not-an-ip'", "'10.0.0.0/x'", "'::/129'"]) {
      expect(codes(load('DestinationIp|cidr', bad).diagnostics), bad).toEqual(['invalid-cidr']);
    }
  });

  it('lt/lte/gt/gte need numbers', () => {
    for (const op of ['lt', 'lte', 'gt', 'gte'] as const) {
      expect(load(`Size|${op}`, '1024').item.values[0]).toMatchObject({ kind: 'compare', op, value: 1024, raw: '1024' });
    }
    expect(load('Size|gt', "'2.5'").item.values[0]).toMatchObject({ kind: 'compare', value: 2.5 });
    expect(load('Size|gt', '0x10').item.values[0]).toMatchObject({ kind: 'compare', value: 16 });
    expect(codes(load('Size|gt', 'big').diagnostics)).toEqual(['not-a-number']);
    expect(codes(load('Size|gt', 'null').diagnostics)).toEqual(['not-a-number']);
  });

  it('minute/hour/day/week/month/year need whole numbers in range', () => {
    const cases: Array<[string, string, number]> = [['minute', '30', 30], ['hour', '23', 23], ['day', '1', 1], ['week', '53', 53], ['month', '12', 12], ['year', '2024', 2024]];
    for (const [part, value, n] of cases) {
      expect(load(`UtcTime|${part}`, value).item.values[0]).toMatchObject({ kind: 'timepart', part, value: n });
    }
    expect(codes(load('UtcTime|hour', '24').diagnostics)).toEqual(['invalid-timepart']);
    expect(codes(load('UtcTime|month', '0').diagnostics)).toEqual(['invalid-timepart']);
    expect(codes(load('UtcTime|hour', '1.5').diagnostics)).toEqual(['not-a-number']);
  });

  it('exists needs an unquoted boolean', () => {
    expect(load('PasswordLastSet|exists', 'true').item.values[0]).toMatchObject({ kind: 'exists', value: true });
    expect(load('PasswordLastSet|exists', 'false').item.values[0]).toMatchObject({ kind: 'exists', value: false });
    expect(codes(load('PasswordLastSet|exists', "'true'").diagnostics)).toEqual(['invalid-exists-value']);
    expect(codes(load('PasswordLastSet|exists', 'yes please').diagnostics)).toEqual(['invalid-exists-value']);
  });

  it('fieldref, alone and with contains/startswith/endswith/cased', () => {
    expect(load('TargetUserName|fieldref', 'SubjectUserName').item.values[0]).toMatchObject({ kind: 'fieldref', field: 'SubjectUserName', op: 'equals', cased: false });
    expect(load('A|fieldref|contains', 'B').item.values[0]).toMatchObject({ op: 'contains' });
    expect(load('A|fieldref|startswith', 'B').item.values[0]).toMatchObject({ op: 'startswith' });
    expect(load('A|fieldref|endswith|cased', 'B').item.values[0]).toMatchObject({ op: 'endswith', cased: true });
    expect(load('A|fieldref|neq', 'B').item.negated).toBe(true);
    expect(codes(load('A|fieldref', "'B*'").diagnostics)).toEqual(['invalid-fieldref']);
  });
});

describe('modifier chains', () => {
  const chainError = (key: string, value = "'x'"): string[] => codes(load(key, value).diagnostics);

  it('re and cidr must come first and do not combine with string modifiers', () => {
    expect(chainError('A|contains|re')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|re|contains')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|re|cased')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|cidr|contains', "'10.0.0.0/8'")).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|windash|cidr', "'10.0.0.0/8'")).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|re|cidr')).toEqual(['invalid-modifier-chain']);
  });

  it('regex flags need re', () => {
    expect(chainError('A|i')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|contains|s')).toEqual(['invalid-modifier-chain']);
  });

  it('exists does not combine with other modifiers and needs a field', () => {
    expect(chainError('A|exists|contains', 'true')).toEqual(['invalid-modifier-chain']);
    expect(codes(loadRules("title: T\nlogsource: {product: x}\ndetection:\n  sel:\n    '|exists': true\n  condition: sel\n").diagnostics)).toEqual(['invalid-modifier-chain']);
  });

  it('numeric modifiers do not combine with string modifiers or each other', () => {
    expect(chainError('A|contains|gt', '5')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|gt|lt', '5')).toEqual(['invalid-modifier-chain']);
    expect(chainError('A|hour|gt', '5')).toEqual(['invalid-modifier-chain']);
    // neq and all are list-level and combine with anything.
    expect(load('A|neq|gt', '5').item).toMatchObject({ negated: true, values: [{ kind: 'compare' }] });
  });

  it('fieldref must come before contains', () => {
    expect(chainError('A|contains|fieldref', 'B')).toEqual(['invalid-modifier-chain']);
  });

  it('a chain error is reported once for the item, not once per value', () => {
    const { diagnostics, item } = load('A|contains|re', "['a', 'b', 'c']");
    expect(codes(diagnostics)).toEqual(['invalid-modifier-chain']);
    expect(item.values).toEqual([]);
  });

  it("unknown modifiers suggest the closest one, in the message and as a quick fix", () => {
    const { diagnostics } = load('Image|endswit', "'x'");
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({
      code: 'unknown-modifier',
      severity: 'error',
      message: "unknown modifier 'endswit'; did you mean 'endswith'?",
      range: { startLine: 6, startColumn: 11, endColumn: 18 },
      fixes: [{ text: 'endswith', range: { startColumn: 11, endColumn: 18 } }],
    });
    expect(load('Image|Contains', "'x'").diagnostics[0].message).toBe("unknown modifier 'Contains'; did you mean 'contains'?");
    expect(load('Image|zzzzzzzz', "'x'").diagnostics[0]).toMatchObject({ message: "unknown modifier 'zzzzzzzz'", fixes: undefined });
  });

  it('modifier ranges follow quoted keys', () => {
    const { diagnostics } = load("'Image|endswit'", "'x'");
    expect(diagnostics[0].range).toMatchObject({ startLine: 6, startColumn: 12, endColumn: 19 });
  });

  it('an empty modifier is an error with a fix', () => {
    expect(load('Image||endswith', "'x'").diagnostics[0]).toMatchObject({ code: 'empty-modifier', fixes: [{ text: '' }] });
  });

  it('every modifier name in MODIFIERS is accepted somewhere without error', () => {
    const examples: Record<string, [string, string]> = {
      contains: ['A|contains', "'x'"], startswith: ['A|startswith', "'x'"], endswith: ['A|endswith', "'x'"],
      all: ['A|contains|all', "['x', 'y']"], exists: ['A|exists', 'true'], cased: ['A|cased', "'x'"], neq: ['A|neq', "'x'"],
      windash: ['A|windash', "'-x'"], re: ['A|re', "'x'"], i: ['A|re|i', "'x'"], m: ['A|re|m', "'x'"], s: ['A|re|s', "'x'"],
      base64: ['A|base64', "'x'"], base64offset: ['A|base64offset|contains', "'xyz'"], wide: ['A|wide', "'x'"],
      utf16le: ['A|utf16le', "'x'"], utf16be: ['A|utf16be', "'x'"], utf16: ['A|utf16', "'x'"], cidr: ['A|cidr', "'10.0.0.0/8'"],
      lt: ['A|lt', '1'], lte: ['A|lte', '1'], gt: ['A|gt', '1'], gte: ['A|gte', '1'], minute: ['A|minute', '1'], hour: ['A|hour', '1'],
      day: ['A|day', '1'], week: ['A|week', '1'], month: ['A|month', '1'], year: ['A|year', '2000'],
      expand: ['A|expand', "'%p%'"], fieldref: ['A|fieldref', 'B'],
    };
    for (const name of MODIFIERS) {
      const [key, value] = examples[name];
      const { item, diagnostics } = load(key, value, { placeholders: { p: ['v'] } });
      expect(diagnostics.filter((d) => d.severity === 'error'), name).toEqual([]);
      expect(item.modifiers.map((m) => m.name), name).toContain(name);
      expect(item.values.length, name).toBeGreaterThan(0);
    }
  });
});

describe('validator warnings', () => {
  it('all without contains (field-bound)', () => {
    expect(codes(load('A|endswith|all', "['x', 'y']").diagnostics)).toEqual(['all-without-contains']);
  });

  it('all on a single value', () => {
    expect(codes(load('A|contains|all', "'x'").diagnostics)).toEqual(['all-single-value']);
  });

  it('base64offset without contains, windash with all, duplicate modifiers', () => {
    expect(codes(load('A|base64offset', "'xyz'").diagnostics)).toEqual(['base64offset-without-contains']);
    expect(codes(load('A|contains|windash|all', "['-a', '-b']").diagnostics)).toEqual(['windash-with-all']);
    const dup = load('A|contains|contains', "'x'").diagnostics;
    expect(codes(dup)).toEqual(['duplicate-modifier']);
    // The fix removes '|contains' (pipe included) at columns 15..24 of '    A|contains|contains'.
    expect(dup[0].fixes).toMatchObject([{ text: '', range: { startColumn: 15, endColumn: 24 } }]);
  });
});

describe('parseNumber', () => {
  it('reads decimal, fractional and hex numbers only', () => {
    expect(parseNumber('42')).toBe(42);
    expect(parseNumber('-1.5')).toBe(-1.5);
    expect(parseNumber('0x1F')).toBe(31);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('12abc')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
  });
});

describe('value kinds', () => {
  it('a value-less key is null', () => {
    const v: SigmaValue = load('A', '').item.values[0];
    expect(v.kind).toBe('null');
  });
});
