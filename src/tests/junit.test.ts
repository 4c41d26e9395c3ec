import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, toJUnitXml } from './junit.ts';
import type { TestFileResult } from './run.ts';

const explanation = { kind: 'rule' as const, label: 'R <x> & "y"', result: false, children: [{ kind: 'condition' as const, label: "sel and not 'f'", result: false, children: [] }] };

function result(outcomes: TestFileResult['outcomes']): TestFileResult {
  const passed = outcomes.filter((o) => o.passed).length;
  return { outcomes, passed, failed: outcomes.length - passed, diagnostics: [], ruleDiagnostics: [], durationMs: 12, rule: { title: 'Rule "quoted" <&>', id: 'abc' } };
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

describe('toJUnitXml', () => {
  it('writes valid JUnit XML that a parser reads back exactly', () => {
    const hostile = 'a\u0001b\u0000c "q" \'s\' <t> & ]]> \uD800 end \uD83D\uDE00';
    const xml = toJUnitXml([
      {
        file: 'tests/a.test.yml',
        result: result([
          { kind: 'event', name: "case 'ok'", passed: true, message: 'match' },
          { kind: 'event', name: `case ${hostile}`, passed: false, message: `expected match, got nomatch ${hostile}`, event: { v: hostile }, result: { index: 0, verdict: 'nomatch', reasons: [], explanation } },
          { kind: 'compile', name: 'compiles for defender-xdr', passed: false, message: 'unsupported-logsource' },
          { kind: 'error', name: 'rule', passed: false, message: 'cannot read the rule' },
        ]),
      },
      { file: 'tests/broken.test.yml', errors: [{ code: 'test-yaml-syntax', severity: 'error', message: 'bad <yaml>', range: { start: 0, end: 1, startLine: 3, startColumn: 2, endLine: 3, endColumn: 3 } }] },
    ]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    const root = doc.testsuites;
    expect(root).toMatchObject({ '@name': 'siglab', '@tests': '5', '@failures': '2', '@errors': '2' });
    const [a, broken] = root.testsuite;
    expect(a).toMatchObject({ '@name': 'tests/a.test.yml', '@tests': '4', '@failures': '2', '@errors': '1', '@time': '0.012' });
    expect(a.properties.property).toEqual([
      { '@name': 'rule.title', '@value': 'Rule "quoted" <&>' },
      { '@name': 'rule.id', '@value': 'abc' },
    ]);
    const cases = a.testcase;
    expect(cases[0]).toMatchObject({ '@name': "case 'ok'", '@classname': 'tests.a.test' });
    expect(cases[0].failure).toBeUndefined();
    const cleaned = 'a\uFFFDb\uFFFDc "q" \'s\' <t> & ]]> \uFFFD end \uD83D\uDE00';
    expect(cases[1]['@name']).toBe(`case ${cleaned}`);
    expect(cases[1].failure['@message']).toBe(`expected match, got nomatch ${cleaned}`);
    expect(cases[1].failure['@type']).toBe('verdict');
    expect(cases[1].failure['#text']).toContain('✗ R <x> & "y"');
    expect(cases[1].failure['#text']).toContain("  ✗ condition: sel and not 'f'");
    expect(cases[2].failure['@type']).toBe('compile');
    expect(cases[3].error['@message']).toBe('cannot read the rule');
    expect(broken).toMatchObject({ '@tests': '1', '@errors': '1' });
    expect(broken.testcase[0].error['@message']).toBe('3:2: test-yaml-syntax bad <yaml>');
  });

  it('escapes the five markup characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('writes an empty report that still parses', () => {
    const xml = toJUnitXml([]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).testsuites['@tests']).toBe('0');
  });
});
