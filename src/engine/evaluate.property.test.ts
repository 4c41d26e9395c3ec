/**
 * Property: for random rules (any modifiers, values, conditions) and random events (any JSON
 * shapes), compiling and evaluating never throws, and the fast verdict equals the explained one.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadRules } from '../sigma/load.ts';
import type { LogEvent } from './event.ts';
import { compileMatcher } from './compile-matcher.ts';
import { evaluateEvents, evaluateVerdicts } from './evaluate.ts';

const FIELDS = ['Image', 'CommandLine', 'User', 'DestinationIp', 'Count', 'TimeCreated', 'Tags', 'process.name'];
const MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 'cased', 'neq', 'windash', 're', 'i', 'm', 's', 'base64', 'base64offset', 'wide', 'cidr', 'lt', 'gte', 'hour', 'week', 'exists', 'fieldref', 'expand', 'bogus'];

const yamlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const scalar = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'B', '*', '?', '\\', '-', '/', '.', ' ', '1', '%', '(', '+', '[', 'é', '😀'), maxLength: 8 }).map(yamlString),
  fc.integer({ min: -5, max: 70000 }).map(String),
  fc.constantFrom('null', 'true', 'false', "''", "'10.0.0.0/8'", "'fc00::/7'", "'(a+)+$'", "'%Servers%'", 'Image', "'2024-01-01'"),
);

const item = fc.record({
  field: fc.constantFrom(...FIELDS),
  mods: fc.array(fc.constantFrom(...MODIFIERS), { maxLength: 3 }),
  values: fc.array(scalar, { minLength: 1, maxLength: 4 }),
});

const identifier = fc.oneof(
  fc.array(item, { minLength: 1, maxLength: 3 }).map((items) =>
    items.map((it) => `    ${[it.field, ...it.mods].join('|')}:\n${it.values.map((v) => `      - ${v}`).join('\n')}`).join('\n'),
  ),
  fc.array(scalar, { minLength: 1, maxLength: 3 }).map((vs) => vs.map((v) => `    - ${v}`).join('\n')),
);

const condition = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('sel0', 'sel1', 'filter_a', '1 of filter_*', 'all of sel*', '1 of them'),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('expr').map((e) => `not ${e}`),
  ),
})).expr;

const jsonValue = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 12 }),
    fc.constantFrom('10.1.2.3', 'fd00::1', 'C:\\Windows\\cmd.exe', 'a -enc b', '2024-05-02T08:41:17Z', 'TRUE', '8080', ''),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('name', 'x', '__proto__', 'constructor'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const eventData = fc.dictionary(fc.constantFrom(...FIELDS, 'process', 'Other', 'ParentUser'), jsonValue, { maxKeys: 6 });

describe('random rules and events', () => {
  it('never throw, and the fast verdict equals the explained one', () => {
    fc.assert(
      fc.property(fc.array(identifier, { minLength: 3, maxLength: 3 }), condition, fc.array(eventData, { minLength: 1, maxLength: 5 }), (ids, cond, datas) => {
        const names = ['sel0', 'sel1', 'filter_a'];
        const text = `title: Random\nlogsource:\n  product: windows\ndetection:\n${ids.map((body, i) => `  ${names[i]}:\n${body}`).join('\n')}\n  condition: ${cond}\n`;
        const loaded = loadRules(text, {});
        for (const rule of loaded.rules) {
          const compiled = compileMatcher(rule);
          const events: LogEvent[] = datas.map((data, index) => ({ index, data: data as Record<string, unknown>, origin: { format: 'json' }, hints: {} }));
          const full = evaluateEvents(compiled, events);
          const fast = evaluateVerdicts(compiled, events);
          expect(full.results.map((r) => r.verdict)).toEqual(fast.verdicts);
          for (const r of full.results) {
            expect(r.reasons.length).toBeGreaterThan(0);
            expect(() => JSON.stringify(r.explanation)).not.toThrow();
            if (r.verdict === 'filtered') expect(r.filteredBy?.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
