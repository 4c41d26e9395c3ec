/**
 * Property tests: rules with hostile values (quotes, backslashes, wildcards, unicode, emoji,
 * control characters) always compile to KQL that the Kusto language service accepts, whose
 * string literals decode (by Microsoft's own decoder) back to the value, and whose regexes match
 * exactly the strings the Sigma pattern matches.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { compileRule } from './compile.ts';
import { decodeKqlString, normalizePattern } from './escape.ts';
import { loadKustoLanguageService, validateKql } from './validate.ts';
import { item, rule, sel, tinyTarget } from './test-fixtures.ts';
import type { PatternPart, SigmaValue, StringPattern } from '../sigma/model.ts';

let decode: (literal: string) => string = decodeKqlString;

beforeAll(async () => {
  await loadKustoLanguageService();
  const K = (globalThis as unknown as { Kusto: { Language: { KustoFacts: { GetStringLiteralValue(s: string): string } } } }).Kusto;
  decode = (l) => K.Language.KustoFacts.GetStringLiteralValue(l);
});

const HOSTILE = ['"', '\\', "'", '*', '?', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\ufeff',
  '😀', '👩‍💻', 'é', 'ß', 'İ', 'Σ', '中', '@', '|', '/', ' ', 'a', 'Z', '0', '$', '^', '(', ')', '[', ']', '{', '}', '.', '+', '#', '%', '//'];

const hostileText = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE), { minLength: 1, maxLength: 8 }).map((a) => a.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
);

const part: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 3, arbitrary: hostileText.map((text): PatternPart => ({ kind: 'text', text })) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'any' }) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'one' }) },
);

const pattern = fc.array(part, { minLength: 1, maxLength: 5 }).map((parts) => normalizePattern({ parts }));

const STRING_FIELDS = ['Image', 'CommandLine', 'ParentImage'];
const COLUMN: Record<string, string> = { Image: 'TargetProcessName', CommandLine: 'CommandLine', ParentImage: 'ActingProcessName' };

/** A string that the pattern matches: `*` and `?` filled with hostile text. */
function witness(p: StringPattern, fill: string[]): string {
  let i = 0;
  return p.parts
    .map((x) => {
      if (x.kind === 'text') return x.text;
      const f = fill[i++ % fill.length] ?? '';
      return x.kind === 'any' ? f : [...(f || 'x')][0];
    })
    .join('');
}

const LITERAL = /@"(?:[^"]|"")*"|"(?:[^"\\]|\\.)*"/g;

describe('compileRule property: hostile values', () => {
  it('always yields KQL the language service accepts, with exact literals and regexes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...STRING_FIELDS),
        pattern,
        fc.boolean(),
        fc.boolean(),
        fc.array(hostileText, { minLength: 1, maxLength: 3 }),
        (field, p, cased, negated, fill) => {
          const v: SigmaValue = { kind: 'string', raw: 'x', patterns: [p], cased, range: item(null, []).range };
          const res = compileRule(rule({ product: 'windows', category: 'process_creation' }, { s: sel(item(field, [v], { negated })) }, 's'), tinyTarget, { header: false });
          expect(res.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(validateKql(res.query, tinyTarget.tables).filter((d) => d.severity === 'error'), res.query).toEqual([]);
          const col = COLUMN[field];
          const line = res.query.split('\n').find((l) => l.includes(col))!;
          const literals = [...line.matchAll(LITERAL)].map((m) => m[0]);
          const texts = p.parts.filter((x) => x.kind === 'text').map((x) => (x as { text: string }).text);
          if (texts.length === 0 && !p.parts.some((x) => x.kind === 'one')) {
            expect(line).toMatch(/isnotempty|isempty/);
            return;
          }
          expect(literals.length, res.query).toBeGreaterThan(0);
          for (const l of literals) expect(decode(l)).toBe(decodeKqlString(l));
          const value = decode(literals[literals.length - 1]);
          if (line.includes('matches regex')) {
            const re = RE2JS.compile(value);
            const w = witness(p, fill);
            expect(re.matcher(w).find(), `${value} vs ${JSON.stringify(w)}`).toBe(true);
            // Anchored: a value with an extra character the pattern's literal ends (starts) with
            // cannot have does not match.
            const last = p.parts[p.parts.length - 1];
            const first = p.parts[0];
            if (last.kind === 'text' && !last.text.endsWith('\u0002')) expect(re.matcher(w + '\u0002').find()).toBe(false);
            if (first.kind === 'text' && !first.text.startsWith('\u0002')) expect(re.matcher('\u0002' + w).find()).toBe(false);
            if (!cased && /^[\x20-\x7e]*$/.test(w)) expect(re.matcher(w.toUpperCase()).find()).toBe(true);
          } else if (texts.length === 1) {
            expect(value).toBe(texts[0]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('integer columns never receive quoted or non-numeric literals', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 65535 }).map(String), hostileText), { minLength: 1, maxLength: 4 }), (values) => {
        const vs: SigmaValue[] = values.map((raw) => ({ kind: 'string', raw, patterns: [{ parts: raw ? [{ kind: 'text', text: raw }] : [] }], cased: false, range: item(null, []).range }));
        const res = compileRule(rule({ product: 'windows', category: 'network_connection' }, { s: sel(item('DestinationPort', vs)) }, 's'), tinyTarget, { header: false });
        const numeric = values.every((x) => /^(0|[1-9]\d*)$/.test(x));
        expect(res.ok).toBe(numeric);
        if (numeric) {
          expect(res.query).not.toMatch(/DstPortNumber[^\n]*"/);
          expect(validateKql(res.query, tinyTarget.tables).filter((d) => d.severity === 'error')).toEqual([]);
        } else expect(res.diagnostics.some((d) => d.code === 'type-mismatch')).toBe(true);
      }),
      { numRuns: 150, examples: [[["0\n", "0"]], [[" 80"]], [["+443"]], [["+0"]], [["007"]], [["-0"]]] },
    );
  });
});
