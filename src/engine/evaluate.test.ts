/**
 * Matching semantics, modifier by modifier, through the real loader: rule text in, verdicts and
 * explanations out. Each case checks the fast verdict and the explained one agree.
 */
import { describe, expect, it } from 'vitest';
import { loadRules } from '../sigma/load.ts';
import type { LoadOptions } from '../sigma/model.ts';
import type { LogEvent } from './event.ts';
import { compileMatcher, type CompiledRule, type MatcherOptions } from './compile-matcher.ts';
import { evaluateEvents, evaluateVerdicts, explainEvent } from './evaluate.ts';
import type { ExplainNode } from './explain.ts';

function compile(detection: string, options: MatcherOptions & LoadOptions = {}, logsource = 'product: windows'): CompiledRule {
  const text = `title: Test rule\nlogsource:\n  ${logsource}\ndetection:\n${detection.replace(/^\n/, '')}\n`;
  const loaded = loadRules(text, { placeholders: options.placeholders });
  const rule = loaded.rules[0];
  if (!rule) throw new Error(`no rule: ${JSON.stringify(loaded.diagnostics)}`);
  return compileMatcher(rule, options);
}

let n = 0;
function event(data: Record<string, unknown>): LogEvent {
  return { index: n++, data, origin: { format: 'json' }, hints: {} };
}

/** Verdict via the fast path, checked against the explained path. */
function verdict(c: CompiledRule, data: Record<string, unknown>): string {
  const e = event(data);
  const fast = c.verdict(e);
  const slow = explainEvent(c, e).verdict;
  expect(slow, 'explained verdict agrees with the fast one').toBe(fast);
  return fast;
}

function values(c: CompiledRule, data: Record<string, unknown>): ExplainNode[] {
  const walk = (n: ExplainNode): ExplainNode[] => [...(n.kind === 'value' ? [n] : []), ...n.children.flatMap(walk)];
  return walk(explainEvent(c, event(data)).explanation);
}

const sel = (body: string, condition = 'sel') => `  sel:\n${body
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}\n  condition: ${condition}`;

describe('string values', () => {
  it('compare whole values, case-insensitively', () => {
    const c = compile(sel("Image: 'C:\\Windows\\System32\\cmd.exe'"));
    expect(verdict(c, { Image: 'c:\\windows\\system32\\CMD.EXE' })).toBe('match');
    expect(verdict(c, { Image: 'C:\\Windows\\System32\\cmd.exe.bak' })).toBe('nomatch');
    expect(verdict(c, {})).toBe('nomatch');
  });

  it('say when a whole-value compare fails because the value only contains the text', () => {
    const c = compile(sel("Image: 'cmd.exe'"));
    const v = values(c, { Image: 'C:\\Windows\\System32\\cmd.exe' })[0];
    expect(v).toMatchObject({ result: false, code: 'whole-value' });
    expect(v.reason).toContain('|endswith');
  });

  it('contains, startswith, endswith', () => {
    const c = compile(sel("CommandLine|contains: 'sekurlsa'\nImage|endswith: '\\mimikatz.exe'\nParentImage|startswith: 'C:\\Users\\'"));
    expect(verdict(c, { CommandLine: 'x SEKURLSA::logonpasswords', Image: 'C:\\t\\MIMIKATZ.EXE', ParentImage: 'c:\\users\\bob\\x.exe' })).toBe('match');
    expect(verdict(c, { CommandLine: 'x SEKURLSA::logonpasswords', Image: 'C:\\t\\MIMIKATZ.EXE', ParentImage: 'D:\\users\\bob\\x.exe' })).toBe('nomatch');
  });

  it('wildcards and escaped wildcards', () => {
    const c = compile(sel("Image: '*\\prog?.exe'\nTitle: 'what\\?'"));
    expect(verdict(c, { Image: 'C:\\x\\progA.exe', Title: 'What?' })).toBe('match');
    expect(verdict(c, { Image: 'C:\\x\\progAB.exe', Title: 'What?' })).toBe('nomatch');
    expect(verdict(c, { Image: 'C:\\x\\progA.exe', Title: 'Whatx' })).toBe('nomatch');
    expect(values(c, { Image: 'C:\\x\\progAB.exe', Title: 'What?' })[0]).toMatchObject({ code: 'wildcard-mismatch' });
  });

  it('cased: case-sensitive, and the explanation says when only case differs', () => {
    const c = compile(sel("CommandLine|cased|contains: 'ShellExec'"));
    expect(verdict(c, { CommandLine: 'rundll32 ShellExec_RunDLL' })).toBe('match');
    expect(verdict(c, { CommandLine: 'rundll32 shellexec_rundll' })).toBe('nomatch');
    expect(values(c, { CommandLine: 'rundll32 shellexec_rundll' })[0]).toMatchObject({ code: 'case-differs' });
  });

  it('an OR list matches any value; all requires every value', () => {
    const any = compile(sel("Image|endswith:\n  - '\\a.exe'\n  - '\\b.exe'"));
    expect(verdict(any, { Image: 'C:\\b.exe' })).toBe('match');
    expect(verdict(any, { Image: 'C:\\c.exe' })).toBe('nomatch');
    const all = compile(sel("CommandLine|contains|all:\n  - ' -w hidden'\n  - ' -enc'"));
    expect(verdict(all, { CommandLine: 'powershell -w hidden -enc AAAA' })).toBe('match');
    expect(verdict(all, { CommandLine: 'powershell -w hidden' })).toBe('nomatch');
    const r = explainEvent(all, event({ CommandLine: 'powershell -w hidden' }));
    expect(r.reasons[0]).toContain("does not contain ' -enc' (all values required)");
  });

  it('empty string is a value, not null', () => {
    const c = compile(sel("Description: ''"));
    expect(verdict(c, { Description: '' })).toBe('match');
    expect(verdict(c, {})).toBe('nomatch');
    expect(verdict(c, { Description: null })).toBe('nomatch');
  });

  it('long lists use the fast path and still explain near misses', () => {
    const list = Array.from({ length: 500 }, (_, i) => `  - 'value${i}'`).join('\n');
    const c = compile(sel(`Name:\n${list}`));
    expect(verdict(c, { Name: 'VALUE499' })).toBe('match');
    expect(verdict(c, { Name: 'value500' })).toBe('nomatch');
    const r = explainEvent(c, event({ Name: 'value500' }));
    const item = r.explanation.children[0].children[0].children[0].children[0];
    expect(item.children.length).toBeLessThanOrEqual(12);
    expect(r.reasons[0]).toMatch(/Name value500 ≠ value0\|value1\|.*more\)/);
  });
});

describe('numbers and booleans', () => {
  it("a rule's 8080 equals 8080 and '8080'; a quoted '4688' equals 4688", () => {
    const c = compile(sel('DestinationPort: 8080'));
    expect(verdict(c, { DestinationPort: 8080 })).toBe('match');
    expect(verdict(c, { DestinationPort: '8080' })).toBe('match');
    expect(verdict(c, { DestinationPort: 80 })).toBe('nomatch');
    const q = compile(sel("EventID: '4688'"));
    expect(verdict(q, { EventID: 4688 })).toBe('match');
  });

  it('numbers compare numerically when written differently', () => {
    const c = compile(sel('Version: 1.0'));
    expect(verdict(c, { Version: 1 })).toBe('match');
    expect(values(c, { Version: 1 })[0]).toMatchObject({ code: 'number-equal' });
  });

  it("'true' matches JSON true, and true matches 'True'", () => {
    const c = compile(sel("Initiated: 'true'"));
    expect(verdict(c, { Initiated: true })).toBe('match');
    expect(verdict(c, { Initiated: false })).toBe('nomatch');
    const b = compile(sel('Initiated: true'));
    expect(verdict(b, { Initiated: 'True' })).toBe('match');
  });

  it('lt/lte/gt/gte accept numbers and numeric text', () => {
    const c = compile(sel('Count|gte: 5\nSize|lt: 1024'));
    expect(verdict(c, { Count: 5, Size: '1023' })).toBe('match');
    expect(verdict(c, { Count: '4', Size: 10 })).toBe('nomatch');
    expect(verdict(c, { Count: 'many', Size: 10 })).toBe('nomatch');
    expect(values(c, { Count: 'many', Size: 10 })[0]).toMatchObject({ code: 'not-a-number', reason: 'not a number' });
    const g = compile(sel('A|gt: 2\nB|lte: 2'));
    expect(verdict(g, { A: 2.5, B: 2 })).toBe('match');
    expect(verdict(g, { A: 2, B: 2 })).toBe('nomatch');
  });
});

describe('null and exists', () => {
  it('null means missing or null', () => {
    const c = compile(sel('User: null'));
    expect(verdict(c, {})).toBe('match');
    expect(verdict(c, { User: null })).toBe('match');
    expect(verdict(c, { User: '' })).toBe('nomatch');
    expect(verdict(c, { User: 'bob' })).toBe('nomatch');
  });

  it('exists looks at presence only (a null field exists)', () => {
    const yes = compile(sel('PasswordLastSet|exists: true'));
    expect(verdict(yes, { PasswordLastSet: '2024-01-01' })).toBe('match');
    expect(verdict(yes, { PasswordLastSet: null })).toBe('match');
    expect(verdict(yes, {})).toBe('nomatch');
    const no = compile(sel('PasswordLastSet|exists: false'));
    expect(verdict(no, {})).toBe('match');
    expect(verdict(no, { PasswordLastSet: '' })).toBe('nomatch');
  });

  it('null in a list with other values', () => {
    const c = compile(sel("User:\n  - null\n  - '-'"));
    expect(verdict(c, {})).toBe('match');
    expect(verdict(c, { User: '-' })).toBe('match');
    expect(verdict(c, { User: 'bob' })).toBe('nomatch');
  });
});

describe('event values that are lists or objects', () => {
  it('a list matches when any element does', () => {
    const c = compile(sel("Tags|contains: 'admin'"));
    expect(verdict(c, { Tags: ['user', 'Domain Admins'] })).toBe('match');
    expect(verdict(c, { Tags: ['user'] })).toBe('nomatch');
    expect(verdict(c, { Tags: [] })).toBe('nomatch');
    expect(values(c, { Tags: ['user', 'Domain Admins'] })[0].reason).toContain('element 2');
  });

  it('an object never equals a string', () => {
    const c = compile(sel("Image: 'x'"));
    expect(verdict(c, { Image: { x: 1 } })).toBe('nomatch');
    expect(values(c, { Image: { x: 1 } })[0]).toMatchObject({ code: 'not-a-string' });
  });

  it('dotted names walk nested objects', () => {
    const c = compile(sel("process.executable|endswith: '/bash'"));
    expect(verdict(c, { process: { executable: '/usr/bin/bash' } })).toBe('match');
  });
});

describe('keywords', () => {
  it('search every value of the event, nested too, as substrings', () => {
    const c = compile("  keywords:\n    - 'event::clear'\n    - 'event::drop'\n  condition: keywords");
    expect(verdict(c, { a: 1, b: { c: ['x', 'mimikatz # EVENT::Clear'] } })).toBe('match');
    expect(verdict(c, { a: 'event:: clear' })).toBe('nomatch');
    const r = explainEvent(c, event({ msg: 'privilege::debug event::drop' }));
    expect(r.reasons[0]).toContain("keyword 'event::drop' found");
  });

  it("'|all' needs every keyword somewhere in the event", () => {
    const c = compile("  keywords:\n    '|all':\n      - 'OabVirtualDirectory'\n      - ' -ExternalUrl '\n  condition: keywords");
    expect(verdict(c, { Payload: 'Set-OabVirtualDirectory -Identity x -ExternalUrl http://x' })).toBe('match');
    expect(verdict(c, { Payload: 'Set-OabVirtualDirectory', Other: 'a -ExternalUrl b' })).toBe('match');
    expect(verdict(c, { Payload: 'Set-OabVirtualDirectory' })).toBe('nomatch');
  });

  it('numbers are searched too', () => {
    const c = compile("  keywords:\n    - 4625\n  condition: keywords");
    expect(verdict(c, { EventID: 4625 })).toBe('match');
  });
});

describe('transformation modifiers', () => {
  it('windash matches -, /, en dash, em dash and horizontal bar', () => {
    const c = compile(sel("CommandLine|windash|contains: ' -enc '"));
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) expect(verdict(c, { CommandLine: `powershell ${dash}enc AAAA` })).toBe('match');
    expect(verdict(c, { CommandLine: 'powershell +enc AAAA' })).toBe('nomatch');
  });

  it('base64offset finds the value at any byte offset', () => {
    const c = compile(sel("CommandLine|base64offset|contains: 'IEX (New-Object'"));
    for (const prefix of ['', 'a', 'ab']) {
      const encoded = Buffer.from(`${prefix}IEX (New-Object Net.WebClient)`).toString('base64');
      expect(verdict(c, { CommandLine: `powershell -enc ${encoded}` })).toBe('match');
    }
    expect(verdict(c, { CommandLine: `powershell -enc ${Buffer.from('Get-Process').toString('base64')}` })).toBe('nomatch');
  });

  it('wide + base64offset finds UTF-16LE text in PowerShell -EncodedCommand', () => {
    const c = compile(sel("CommandLine|wide|base64offset|contains: 'DownloadString'"));
    for (const prefix of ['', 'x', 'xy']) {
      const encoded = Buffer.from(`${prefix}(New-Object Net.WebClient).DownloadString('http://x')`, 'utf16le').toString('base64');
      expect(verdict(c, { CommandLine: `powershell.exe -NoP -EncodedCommand ${encoded}` })).toBe('match');
    }
  });

  it('base64 matches the encoded value', () => {
    const c = compile(sel("Payload|base64: 'http://'"));
    expect(verdict(c, { Payload: Buffer.from('http://').toString('base64') })).toBe('match');
  });
});

describe('regular expressions', () => {
  it('search unanchored, case-sensitively unless i', () => {
    const c = compile(sel("CommandLine|re: 'cmd\\.exe /c (whoami|net user)'"));
    expect(verdict(c, { CommandLine: 'C:\\x\\cmd.exe /c whoami' })).toBe('match');
    expect(verdict(c, { CommandLine: 'CMD.EXE /C WHOAMI' })).toBe('nomatch');
    expect(values(c, { CommandLine: 'CMD.EXE /C WHOAMI' })[0]).toMatchObject({ code: 'case-differs' });
    const i = compile(sel("CommandLine|re|i: 'cmd\\.exe /c (whoami|net user)'"));
    expect(verdict(i, { CommandLine: 'CMD.EXE /C WHOAMI' })).toBe('match');
  });

  it('m and s flags', () => {
    const m = compile(sel("Text|re|m: '^second$'"));
    expect(verdict(m, { Text: 'first\nsecond\nthird' })).toBe('match');
    const plain = compile(sel("Text|re: '^second$'"));
    expect(verdict(plain, { Text: 'first\nsecond\nthird' })).toBe('nomatch');
    const s = compile(sel("Text|re|s: 'first.second'"));
    expect(verdict(s, { Text: 'first\nsecond' })).toBe('match');
    const noS = compile(sel("Text|re: 'first.second'"));
    expect(verdict(noS, { Text: 'first\nsecond' })).toBe('nomatch');
  });

  it('a catastrophic pattern on a long value runs in linear time', () => {
    const c = compile(sel("Text|re: '(a+)+$'\nOther|re: '^(a|aa)+b'"));
    const long = 'a'.repeat(50_000) + '!';
    const t0 = performance.now();
    expect(verdict(c, { Text: long, Other: long })).toBe('nomatch');
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('regexes apply to numbers as text', () => {
    const c = compile(sel("EventID|re: '^46(24|25)$'"));
    expect(verdict(c, { EventID: 4625 })).toBe('match');
  });
});

describe('cidr', () => {
  it('IPv4 and IPv6 ranges', () => {
    const c = compile(sel("SourceIp|cidr:\n  - '10.0.0.0/8'\n  - 'fc00::/7'"));
    expect(verdict(c, { SourceIp: '10.200.1.1' })).toBe('match');
    expect(verdict(c, { SourceIp: 'fd00::abcd' })).toBe('match');
    expect(verdict(c, { SourceIp: '11.0.0.1' })).toBe('nomatch');
    expect(verdict(c, { SourceIp: 'not an ip' })).toBe('nomatch');
    expect(values(c, { SourceIp: 'not an ip' })[0]).toMatchObject({ code: 'not-an-ip' });
  });
});

describe('time parts', () => {
  it('minute, hour, day, week, month, year of timestamps', () => {
    const c = compile(sel('TimeCreated|hour: 23\nTimeCreated|minute: 5\nTimeCreated|day: 31\nTimeCreated|month: 12\nTimeCreated|year: 2024\nTimeCreated|week: 1'));
    expect(verdict(c, { TimeCreated: '2024-12-31T23:05:59.1234567Z' })).toBe('match');
    expect(verdict(c, { TimeCreated: '2024-12-31 22:05:59' })).toBe('nomatch');
    expect(values(c, { TimeCreated: '2024-12-31 22:05:59' })[0]).toMatchObject({ code: 'timepart-differs', reason: 'hour is 22, not 23' });
    expect(values(c, { TimeCreated: 'yesterday' })[0]).toMatchObject({ code: 'not-a-timestamp' });
    const epoch = compile(sel('ts|hour: 10'));
    expect(verdict(epoch, { ts: 1704103200000 })).toBe('match');
  });
});

describe('fieldref and neq', () => {
  it('fieldref compares two fields of the event', () => {
    const c = compile(sel('TargetFilename|fieldref: Image'));
    expect(verdict(c, { TargetFilename: 'C:\\x\\A.exe', Image: 'c:\\x\\a.exe' })).toBe('match');
    expect(verdict(c, { TargetFilename: 'C:\\x\\A.exe', Image: 'c:\\x\\b.exe' })).toBe('nomatch');
    expect(verdict(c, { TargetFilename: 'C:\\x\\A.exe' })).toBe('nomatch');
    expect(values(c, { TargetFilename: 'C:\\x\\A.exe' })[0]).toMatchObject({ code: 'fieldref-missing' });
    const ends = compile(sel('CommandLine|fieldref|endswith: Image'));
    expect(verdict(ends, { CommandLine: '"C:\\x\\a.exe"', Image: 'C:\\x\\a.exe"' })).toBe('match');
  });

  it('neq holds when the field equals none of the values', () => {
    const c = compile(sel("User|neq:\n  - 'NT AUTHORITY\\SYSTEM'\n  - 'NT AUTHORITY\\LOCAL SERVICE'"));
    expect(verdict(c, { User: 'CORP\\bob' })).toBe('match');
    expect(verdict(c, { User: 'nt authority\\system' })).toBe('nomatch');
    const r = explainEvent(c, event({ User: 'nt authority\\system' }));
    expect(r.reasons[0]).toContain('(neq excludes it)');
    const ref = compile(sel('User|fieldref|neq: ParentUser'));
    expect(verdict(ref, { User: 'a', ParentUser: 'b' })).toBe('match');
    expect(verdict(ref, { User: 'a', ParentUser: 'A' })).toBe('nomatch');
  });
});

describe('placeholders', () => {
  const det = sel("Computer|expand: '%DomainControllers%'");

  it('an unresolved placeholder is an error diagnostic, never a silent non-match', () => {
    const c = compile(det);
    expect(c.diagnostics).toEqual([expect.objectContaining({ code: 'unresolved-placeholder', severity: 'error' })]);
    const r = evaluateEvents(c, [event({ Computer: 'DC01' })]);
    expect(r.diagnostics[0].severity).toBe('error');
    const v = values(c, { Computer: 'DC01' })[0];
    expect(v).toMatchObject({ code: 'unresolved-placeholder' });
    expect(v.error).toContain('DomainControllers');
  });

  it('resolves from the loader options or the matcher options', () => {
    for (const c of [compile(det, { placeholders: { DomainControllers: ['DC*', 'AD-SRV-01'] } }), compileMatcher(loadRules(`title: T\nlogsource:\n  product: windows\ndetection:\n${det}\n`).rules[0], { placeholders: { DomainControllers: ['DC*', 'AD-SRV-01'] } })]) {
      expect(c.diagnostics).toEqual([]);
      expect(verdict(c, { Computer: 'dc01.corp' })).toBe('match');
      expect(verdict(c, { Computer: 'ad-srv-01' })).toBe('match');
      expect(verdict(c, { Computer: 'WS01' })).toBe('nomatch');
    }
  });
});

describe('verdicts', () => {
  const det = `  selection:
    Image|endswith: '\\powershell.exe'
  filter_main_system:
    User: 'NT AUTHORITY\\SYSTEM'
  filter_optional_sccm:
    ParentImage|startswith: 'C:\\Windows\\CCM\\'
  condition: selection and not 1 of filter_main_* and not 1 of filter_optional_*`;
  const c = compile(det);

  it('match, filtered (naming the filter) and nomatch', () => {
    const base = { Image: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', User: 'CORP\\bob', ParentImage: 'C:\\Windows\\explorer.exe' };
    expect(verdict(c, base)).toBe('match');
    const system = explainEvent(c, event({ ...base, User: 'NT AUTHORITY\\SYSTEM' }));
    expect(system.verdict).toBe('filtered');
    expect(system.filteredBy).toEqual(['filter_main_system']);
    expect(system.reasons[0]).toBe("filtered by filter_main_system (User 'NT AUTHORITY\\SYSTEM' = 'NT AUTHORITY\\SYSTEM')");
    const sccm = explainEvent(c, event({ ...base, ParentImage: 'C:\\Windows\\CCM\\CcmExec.exe' }));
    expect(sccm.filteredBy).toEqual(['filter_optional_sccm']);
    const no = explainEvent(c, event({ ...base, Image: 'C:\\Windows\\System32\\cmd.exe', User: 'NT AUTHORITY\\SYSTEM' }));
    expect(no.verdict).toBe('nomatch');
    expect(no.reasons[0]).toContain("no match: selection (Image C:\\Windows\\System32\\cmd.exe does not end with '\\powershell.exe')");
  });

  it('a condition list matches when any condition holds', () => {
    const l = compile(`  a:\n    X: 1\n  b:\n    Y: 2\n  condition:\n    - a\n    - b`);
    expect(verdict(l, { X: 1 })).toBe('match');
    expect(verdict(l, { Y: 2 })).toBe('match');
    expect(verdict(l, { X: 2 })).toBe('nomatch');
  });

  it('all of, 1 of them, or, parentheses', () => {
    const a = compile(`  sel_a:\n    X: 1\n  sel_b:\n    Y: 2\n  _helper:\n    Z: 3\n  condition: all of sel_*`);
    expect(verdict(a, { X: 1, Y: 2 })).toBe('match');
    expect(verdict(a, { X: 1 })).toBe('nomatch');
    const t = compile(`  sel_a:\n    X: 1\n  sel_b:\n    Y: 2\n  _helper:\n    Z: 3\n  condition: 1 of them`);
    expect(verdict(t, { Z: 3 })).toBe('nomatch');
    expect(verdict(t, { Y: 2 })).toBe('match');
    const p = compile(`  a:\n    X: 1\n  b:\n    Y: 2\n  f:\n    Z: 3\n  condition: (a or b) and not f`);
    expect(verdict(p, { Y: 2 })).toBe('match');
    expect(verdict(p, { Y: 2, Z: 3 })).toBe('filtered');
    expect(verdict(p, { Z: 3 })).toBe('nomatch');
  });

  it('a lone negation filters what it excludes', () => {
    const l = compile(`  f:\n    X: 1\n  condition: not f`);
    expect(verdict(l, { X: 2 })).toBe('match');
    const r = explainEvent(l, event({ X: 1 }));
    expect(r).toMatchObject({ verdict: 'filtered', filteredBy: ['f'] });
  });

  it('a filter only counts where the rest of the condition held', () => {
    const x = compile(`  s1:\n    A: 1\n  f1:\n    B: 1\n  s2:\n    C: 1\n  f2:\n    D: 1\n  condition: (s1 and not f1) or (s2 and not f2)`);
    const r = explainEvent(x, event({ A: 1, B: 1, D: 1 }));
    expect(r).toMatchObject({ verdict: 'filtered', filteredBy: ['f1'] });
  });

  it('list of maps is OR of the maps', () => {
    const l = compile(`  sel:\n    - Image|endswith: '\\a.exe'\n    - Description|contains: 'Test executable'\n  condition: sel`);
    expect(verdict(l, { Description: 'A Test Executable here' })).toBe('match');
    expect(verdict(l, { Image: 'C:\\b.exe' })).toBe('nomatch');
  });

  it('evaluateVerdicts counts the same as evaluateEvents', () => {
    const events = [
      { Image: 'C:\\p\\powershell.exe', User: 'u' },
      { Image: 'C:\\p\\powershell.exe', User: 'NT AUTHORITY\\SYSTEM' },
      { Image: 'C:\\p\\cmd.exe' },
    ].map(event);
    const fast = evaluateVerdicts(c, events);
    const full = evaluateEvents(c, events);
    expect(fast.verdicts).toEqual(['match', 'filtered', 'nomatch']);
    expect(fast.summary).toEqual(full.summary);
    expect(full.results.map((r) => r.index)).toEqual(events.map((e) => e.index));
  });
});

describe('evaluation options and diagnostics', () => {
  const c = compile(sel("Image|endswith: '\\cmd.exe'"), {}, 'category: process_creation\n  product: windows');

  it('stops when asked, keeping what it evaluated', () => {
    const events = Array.from({ length: 5000 }, (_, i) => event({ Image: i % 2 ? 'C:\\cmd.exe' : 'x' }));
    let polls = 0;
    const r = evaluateVerdicts(c, events, { shouldStop: () => ++polls >= 2 });
    expect(r.verdicts).toHaveLength(2048);
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'evaluation-stopped', severity: 'info' }));
    const progress: number[] = [];
    evaluateEvents(c, events.slice(0, 3000), { onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1024, 2048, 3000]);
  });

  it('says how many events come from another log source', () => {
    const sysmon3: LogEvent = { index: 0, data: { Image: 'C:\\cmd.exe' }, origin: { format: 'xml' }, hints: { eventId: 3, channel: 'Microsoft-Windows-Sysmon/Operational', provider: 'Microsoft-Windows-Sysmon' } };
    const sysmon1: LogEvent = { ...sysmon3, index: 1, hints: { ...sysmon3.hints, eventId: 1 } };
    const r = evaluateEvents(c, [sysmon3, sysmon1]);
    expect(r.results.map((x) => x.verdict)).toEqual(['nomatch', 'match']);
    expect(r.results[0].logsource).toMatchObject({ verdict: 'other' });
    expect(r.diagnostics).toContainEqual(expect.objectContaining({ code: 'logsource-mismatch', message: expect.stringMatching(/^1 of 2 events/) }));
  });

  it('accepts a SigmaRule and compiles it with the options given', () => {
    const rule = loadRules("title: T\nlogsource:\n  product: windows\ndetection:\n  sel:\n    ShareName|expand: 'share-%Servers%-admin'\n  condition: sel\n").rules[0];
    const r = evaluateEvents(rule, [event({ ShareName: 'SHARE-srv-file01-admin' }), event({ ShareName: 'share-ws01-admin' })], { placeholders: { Servers: ['SRV-*'] } });
    expect(r.diagnostics).toEqual([]);
    expect(r.results.map((x) => x.verdict)).toEqual(['match', 'nomatch']);
  });
});
