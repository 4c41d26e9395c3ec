/**
 * Differential test: the KQL must mean exactly what the matcher decides. Random rules (string
 * patterns with wildcards, cased, neq, |all, regexes, conditions with and/or/not/1 of) and random
 * events are judged by the matcher (src/engine) and, compiled, by the KQL evaluator
 * (src/kql/eval) over the same data as table rows: a row is kept exactly when the event matches,
 * under every documented reading of nulls.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileRule } from './compile.ts';
import { runKql } from './eval/run.ts';
import { compileMatcher } from '../engine/compile-matcher.ts';
import type { LogEvent } from '../engine/event.ts';
import type { FieldItem, PatternPart, SigmaValue, StringPattern } from '../sigma/model.ts';
import { escapeRegexText, normalizePattern } from './escape.ts';
import { item, rule, sel, tinyTarget } from './test-fixtures.ts';

const FIELDS = { Image: 'TargetProcessName', CommandLine: 'CommandLine', ParentImage: 'ActingProcessName' } as const;
type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

// Characters whose lower/upper case agree between JavaScript, RE2 and the evaluator, plus
// characters that are special somewhere (regex, KQL literals, Sigma wildcards).
const CHARS = ['a', 'b', 'A', 'B', 'x', '\\', '.', '*', '?', '"', "'", ' ', 'é', 'É', '😀', '\n', '$', '(', '|', '+'];
const text = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 6 }).map((a) => a.join(''));

const patternPart: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 4, arbitrary: text.map((t): PatternPart => ({ kind: 'text', text: t })) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'any' }) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'one' }) },
);

/** A pattern, often derived from an event value so that matches actually happen. */
function patternFrom(values: string[]): fc.Arbitrary<StringPattern> {
  const random = fc.array(patternPart, { minLength: 1, maxLength: 4 }).map((parts) => normalizePattern({ parts }));
  const derived = fc.tuple(fc.constantFrom(...values), fc.nat(), fc.nat(), fc.constantFrom('any', 'one', 'upper', 'none', 'contains', 'prefix', 'suffix')).map(([v, i, j, how]) => {
    const chars = [...v];
    const a = i % (chars.length + 1);
    const b = a + (j % (chars.length - a + 1));
    const before = chars.slice(0, a).join('');
    const mid = chars.slice(a, b).join('');
    const after = chars.slice(b).join('');
    const parts: PatternPart[] = [];
    const t = (s: string) => s && parts.push({ kind: 'text', text: s });
    switch (how) {
      case 'any':
        t(before), parts.push({ kind: 'any' }), t(after);
        break;
      case 'one':
        t(before), mid && parts.push(...[...mid].map((): PatternPart => ({ kind: 'one' }))), t(after);
        break;
      case 'upper':
        t(v.toUpperCase());
        break;
      case 'contains':
        parts.push({ kind: 'any' }), t(mid || v), parts.push({ kind: 'any' });
        break;
      case 'prefix':
        t(before || v), parts.push({ kind: 'any' });
        break;
      case 'suffix':
        parts.push({ kind: 'any' }), t(after || v);
        break;
      default:
        t(v);
    }
    return normalizePattern({ parts });
  });
  return fc.oneof(derived, random).filter((p) => p.parts.length > 0);
}

function valueArb(values: string[]): fc.Arbitrary<SigmaValue> {
  const str = fc.tuple(fc.array(patternFrom(values), { minLength: 1, maxLength: 2 }), fc.boolean()).map(
    ([patterns, cased]): SigmaValue => ({ kind: 'string', raw: 'v', patterns, cased, range: item(null, []).range }),
  );
  const re = fc.tuple(fc.constantFrom(...values), fc.boolean()).map(([v, i]): SigmaValue => {
    const chars = [...v];
    const pattern = escapeRegexText(chars.slice(0, Math.max(1, chars.length >> 1)).join('')) + (chars.length > 2 ? '.' : '');
    return { kind: 'regex', pattern, flags: { i, m: false, s: false }, range: item(null, []).range };
  });
  const ref = fc
    .tuple(fc.constantFrom(...FIELD_NAMES), fc.constantFrom('equals', 'contains', 'startswith', 'endswith') as fc.Arbitrary<'equals' | 'contains' | 'startswith' | 'endswith'>, fc.boolean())
    .map(([field, op, cased]): SigmaValue => ({ kind: 'fieldref', field, op, cased, range: item(null, []).range }));
  return fc.oneof({ weight: 5, arbitrary: str }, { weight: 1, arbitrary: re }, { weight: 1, arbitrary: ref });
}

function itemArb(values: string[]): fc.Arbitrary<FieldItem> {
  return fc
    .tuple(fc.constantFrom(...FIELD_NAMES), fc.array(valueArb(values), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
    .map(([field, vs, all, neq]) => item(field, vs, { combine: all ? 'and' : 'or', negated: neq }));
}

const CONDITIONS = ['a', 'not a', 'a and b', 'a or b', 'a and not b', 'not (a or b)', '1 of sel*', 'all of sel*', 'a and not 1 of sel*', 'sela or not b'];

describe('differential: matcher vs compiled KQL', () => {
  it('keeps a row exactly when the matcher says match', () => {
    const seen = { match: 0, other: 0 };
    // Fields often share text, so fieldref comparisons hold as often as not.
    const eventsArb = fc
      .tuple(text, text, fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 4 }))
      .map(([x, y, picks]) => picks.map(([i, j, k]) => {
        const pool = [x, y, x + y, y.toUpperCase()];
        return { Image: pool[i], CommandLine: pool[j], ParentImage: pool[k] };
      }));
    fc.assert(
      fc.property(
        eventsArb.chain((events) => {
          const values = events.flatMap((e) => Object.values(e));
          const selection = fc.array(itemArb(values), { minLength: 1, maxLength: 2 }).map((items) => sel(...items));
          return fc.tuple(fc.constant(events), selection, selection, selection, selection, fc.constantFrom(...CONDITIONS));
        }),
        ([events, a, b, sela, selb, condition]) => {
          const r = rule({ product: 'windows', category: 'process_creation' }, { a, b, sela, selb }, condition);
          const compiled = compileRule(r, tinyTarget, { header: false, validate: false });
          expect(compiled.ok, JSON.stringify(compiled.diagnostics)).toBe(true);
          const matcher = compileMatcher(r);
          const logEvents: LogEvent[] = events.map((data, index) => ({ index, data: { ...data }, origin: { format: 'json' }, hints: {} }));
          const rows = events.map((e) => ({
            EventType: 'ProcessCreated',
            TargetProcessName: e.Image,
            CommandLine: e.CommandLine,
            ActingProcessName: e.ParentImage,
          }));
          const run = runKql(compiled.query, { Proc: rows }, { schemas: tinyTarget.tables, explain: false });
          expect(run.diagnostics.filter((d) => d.severity === 'error'), compiled.query).toEqual([]);
          for (const ev of logEvents) {
            const want = matcher.verdict(ev) === 'match';
            seen[want ? 'match' : 'other']++;
            const got = run.rows[ev.index].kept;
            expect(got, `${compiled.query}\nevent ${JSON.stringify(ev.data)}`).toBe(want);
          }
        },
      ),
      { numRuns: 400 },
    );
    // Not vacuous: both outcomes occur often.
    expect(seen.match).toBeGreaterThan(100);
    expect(seen.other).toBeGreaterThan(100);
  });
});

const IPS = ['10.1.2.3', '192.168.0.1', '8.8.8.8', '127.0.0.1', '::1', 'fe80::1', 'fd00::5', '2001:db8::1', '172.31.255.255', '::ffff:10.1.2.3', '::ffff:8.8.8.8', '0:0:0:0:0:ffff:c0a8:1', '::a01:203'];
const CIDRS = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '::1/128', 'fe80::/10', 'fc00::/7', '2001:db8::/32', '0.0.0.0/0', '::/0', '::ffff:0:0/96', '::ffff:10.0.0.0/104', '::/8', '8.8.8.8/32'];

function cidrValue(c: string): SigmaValue {
  const [network, prefix] = c.split('/');
  return { kind: 'cidr', cidr: c, family: network.includes(':') ? 6 : 4, network, prefix: Number(prefix), range: item(null, []).range };
}

describe('differential: typed columns, CIDR, null, exists, value mappings', () => {
  it('keeps a row exactly when the matcher says match', () => {
    const seen = { match: 0, other: 0 };
    const rng = () => item(null, []).range;
    const port = fc.constantFrom(80, 443, 8080, 8888);
    const portValue: fc.Arbitrary<SigmaValue> = fc.oneof(
      port.map((p): SigmaValue => ({ kind: 'string', raw: String(p), patterns: [{ parts: [{ kind: 'text', text: String(p) }] }], cased: false, number: p, range: rng() })),
      fc.tuple(fc.constantFrom('lt', 'lte', 'gt', 'gte') as fc.Arbitrary<'lt' | 'lte' | 'gt' | 'gte'>, port).map(([op, p]): SigmaValue => ({ kind: 'compare', op, value: p, raw: String(p), range: rng() })),
      fc.constant<SigmaValue>({ kind: 'null', range: rng() }),
      fc.boolean().map((v): SigmaValue => ({ kind: 'exists', value: v, range: rng() })),
    );
    const ipValue: fc.Arbitrary<SigmaValue> = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...CIDRS).map(cidrValue) },
      { weight: 1, arbitrary: fc.constantFrom(...IPS).map((ip): SigmaValue => ({ kind: 'string', raw: ip, patterns: [{ parts: [{ kind: 'text', text: ip }] }], cased: false, range: rng() })) },
    );
    const initiated = fc.constantFrom('true', 'false').map((t): SigmaValue => ({ kind: 'string', raw: t, patterns: [{ parts: [{ kind: 'text', text: t }] }], cased: false, boolean: t === 'true', range: rng() }));
    const itemA: fc.Arbitrary<FieldItem> = fc.oneof(
      fc.tuple(fc.array(portValue, { minLength: 1, maxLength: 3 }), fc.boolean()).map(([vs, neq]) => item('DestinationPort', vs, { negated: neq })),
      fc.tuple(fc.array(ipValue, { minLength: 1, maxLength: 4 }), fc.boolean()).map(([vs, neq]) => item('DestinationIp', vs, { negated: neq })),
      fc.tuple(initiated, fc.boolean()).map(([v, neq]) => item('Initiated', [v], { negated: neq })),
    );
    const selection = fc.array(itemA, { minLength: 1, maxLength: 3 }).map((items) => sel(...items));
    const event = fc.record({ Initiated: fc.constantFrom('true', 'false'), DestinationPort: fc.option(port, { nil: undefined }), DestinationIp: fc.constantFrom(...IPS) });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 4 }), selection, selection, fc.constantFrom(...CONDITIONS.filter((c) => !c.includes('sel'))), (events, a, b, condition) => {
        const r = rule({ product: 'windows', category: 'network_connection' }, { a, b }, condition);
        const compiled = compileRule(r, tinyTarget, { header: false, validate: false });
        expect(compiled.ok, JSON.stringify(compiled.diagnostics)).toBe(true);
        const matcher = compileMatcher(r);
        const rows = events.map((e) => ({
          NetworkDirection: e.Initiated === 'true' ? 'Outbound' : 'Inbound',
          DstPortNumber: e.DestinationPort ?? null,
          DstIpAddr: e.DestinationIp,
        }));
        const run = runKql(compiled.query, { Net: rows }, { schemas: tinyTarget.tables, explain: false });
        expect(run.diagnostics.filter((d) => d.severity === 'error'), compiled.query).toEqual([]);
        events.forEach((e, index) => {
          const data: Record<string, unknown> = { Initiated: e.Initiated, DestinationIp: e.DestinationIp };
          if (e.DestinationPort !== undefined) data.DestinationPort = e.DestinationPort;
          const want = matcher.verdict({ index, data, origin: { format: 'json' }, hints: {} }) === 'match';
          seen[want ? 'match' : 'other']++;
          expect(run.rows[index].kept, `${compiled.query}\nevent ${JSON.stringify(data)}`).toBe(want);
        });
      }),
      { numRuns: 400 },
    );
    expect(seen.match).toBeGreaterThan(100);
    expect(seen.other).toBeGreaterThan(100);
  });
});
