/**
 * Sigma meta filters (sigma-filters-specification.md, v2.1): a `filter:` document names rules
 * (`rules:` by id or name), a logsource, search identifiers and a condition. Its condition
 * describes the events to leave out: the rules it names become `(their condition) and not
 * (filter condition)`. The specification's own example (`condition: selection` with
 * `User|startswith: 'adm_'`, "the valid administrator account starts with adm_") reads that way.
 *
 * The filter's identifiers are added to each named rule under `<filter>.<identifier>` (e.g.
 * `filter_admin_accounts.selection`), with their source ranges in the filter document, so the
 * matcher reports such events as `filtered` by them and the KQL compiler's source map marks the
 * filter's part of the query, with no change to either.
 *
 * A filter applies to a rule only when its logsource contains the rule's: each of product,
 * category and service the filter sets must equal the rule's.
 */
import { isMap, isScalar, isSeq, YAMLMap, type Pair } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import { closestName, parseCondition } from './condition.ts';
import { readDetection, scalarRangeOf } from './detection.ts';
import type { CorrelationContext } from './correlation.ts';
import type { Condition, ConditionNode, SearchIdentifier, SigmaFilter, SigmaRule } from './model.ts';
import { MAX_TITLE_LENGTH, readDocumentMeta, readLogsource, readString, scalarText, type Entry } from './rule-fields.ts';

function entriesOf(ctx: CorrelationContext, map: YAMLMap): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const pair of map.items as Pair[]) {
    const keyNode = ctx.deref(pair.key);
    if (keyNode === null || !isScalar(keyNode)) continue;
    const key = scalarText(keyNode);
    if (!out.has(key)) out.set(key, { key, keyNode, value: ctx.deref(pair.value) });
  }
  return out;
}

/** Reads one filter document. `map` has a `filter` key. */
export function readFilter(ctx: CorrelationContext, map: YAMLMap, documentIndex: number, docRange: SourceRange, yamlBroken: boolean): SigmaFilter {
  const entries = entriesOf(ctx, map);
  const ranges: Record<string, SourceRange> = Object.create(null);
  for (const [key, e] of entries) ranges[key] = e.value ? ctx.range(e.value) : ctx.range(e.keyNode);
  const head = entries.values().next().value as Entry | undefined;
  const headRange = head ? ctx.range(head.keyNode) : docRange;
  const report = (d: Diagnostic): void => {
    if (yamlBroken && d.code.startsWith('missing-')) return;
    ctx.report(d);
  };
  const rctx: CorrelationContext = { ...ctx, report };

  const titleEntry = entries.get('title');
  const title = titleEntry ? readString(rctx, titleEntry, MAX_TITLE_LENGTH, 'title-too-long') : undefined;
  if (title === undefined || title.trim() === '') {
    report({ code: 'missing-title', severity: 'error', message: "the filter has no title: add 'title:' saying what it leaves out", range: titleEntry ? ranges.title : headRange });
  }
  const filter: SigmaFilter = {
    type: 'filter',
    documentIndex,
    title: title ?? '',
    logsource: {},
    rules: [],
    identifiers: new Map(),
    conditions: [],
    raw: ctx.plain(map) as Record<string, unknown>,
    ranges,
    range: docRange,
  };
  readDocumentMeta(rctx, entries, filter);
  for (const key of ['level', 'status', 'detection']) {
    const e = entries.get(key);
    if (e) report({ code: 'filter-unexpected-key', severity: 'warning', message: `a filter has no '${key}': it only changes the rules it names`, range: ctx.range(e.keyNode) });
  }
  for (const k of ['id', 'name', 'description'] as const) if (filter[k] === undefined) delete filter[k];
  const logsource = entries.get('logsource');
  if (logsource) filter.logsource = readLogsource(rctx, logsource);
  else report({ code: 'missing-logsource', severity: 'error', message: "the filter has no 'logsource': it applies to rules whose logsource it contains", range: headRange });

  const section = entries.get('filter')!;
  const body = section.value;
  if (!body || !isMap(body)) {
    report({ code: 'invalid-filter', severity: 'error', message: "'filter' must be a map with rules, search identifiers (e.g. selection) and condition", range: body ? ctx.range(body) : ctx.range(section.keyNode) });
    return filter;
  }
  const inner = entriesOf(ctx, body);
  const rulesEntry = inner.get('rules');
  if (!rulesEntry || !rulesEntry.value) {
    report({ code: 'missing-filter-rules', severity: 'error', message: "the filter has no 'rules': list the ids or names of the rules it applies to", range: rulesEntry ? ctx.range(rulesEntry.keyNode) : ctx.range(section.keyNode) });
  } else {
    const v = rulesEntry.value;
    const items = isSeq(v) ? v.items.map((i) => ctx.deref(i)) : [v];
    for (const item of items) {
      if (!item || !isScalar(item) || item.value === null || typeof item.value === 'object') {
        report({ code: 'invalid-rule-reference', severity: 'error', message: 'each entry of rules must be a rule id or name', range: item ? ctx.range(item) : ctx.range(v) });
        continue;
      }
      filter.rules.push({ ref: scalarText(item).trim(), range: ctx.range(item) });
    }
  }
  // The rest of the `filter` map is a detection: search identifiers and a condition.
  const detectionMap = new YAMLMap();
  detectionMap.range = body.range;
  detectionMap.items = (body.items as Pair[]).filter((p) => {
    const k = ctx.deref(p.key);
    return !(k && isScalar(k) && scalarText(k) === 'rules');
  });
  const detection = readDetection(rctx, { key: 'filter', keyNode: section.keyNode, value: detectionMap });
  filter.identifiers = detection.identifiers;
  const names = [...detection.identifiers.keys()];
  if (names.length === 0) report({ code: 'missing-filter-selection', severity: 'error', message: "the filter defines no search identifier (e.g. 'selection:')", range: ctx.range(section.keyNode) });
  filter.conditions = detection.conditionNodes.map((node) => {
    const text = scalarText(node);
    const parsed = parseCondition(text, names, scalarRangeOf(rctx, node));
    for (const d of parsed.diagnostics) report(d);
    const condition: Condition = { text, range: ctx.range(node) };
    if (parsed.ast) condition.ast = parsed.ast;
    if (parsed.ast?.kind === 'not') {
      report({
        code: 'negated-filter-condition',
        severity: 'warning',
        message: "a filter's condition describes the events to leave out; 'not ...' here leaves out everything else (pySigma's older filters were written negated)",
        range: condition.range,
      });
    }
    return condition;
  });
  return filter;
}

function slug(filter: SigmaFilter, index: number): string {
  if (filter.name) return filter.name;
  const s = filter.title.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48);
  return s ? (s.startsWith('filter') ? s : `filter_${s}`) : `filter_${index + 1}`;
}

function rename(node: ConditionNode, map: (name: string) => string): ConditionNode {
  switch (node.kind) {
    case 'id':
      return { ...node, name: map(node.name) };
    case 'not':
      return { ...node, arg: rename(node.arg, map) };
    case 'and':
    case 'or':
      return { ...node, args: node.args.map((a) => rename(a, map)) };
    case 'of':
      return { ...node, identifiers: node.identifiers.map(map) };
  }
}

function logsourceContains(filter: SigmaFilter, rule: SigmaRule): string | undefined {
  for (const key of ['product', 'category', 'service'] as const) {
    const want = filter.logsource[key];
    if (want === undefined) continue;
    const have = rule.logsource[key];
    if (have === undefined || have.toLowerCase() !== want.toLowerCase()) return `${key} ${have === undefined ? 'is not set' : `is '${have}'`} in the rule but '${want}' in the filter`;
  }
  return undefined;
}

/**
 * Applies every filter to the rules it names (by id or name), in place: the rule gains the
 * filter's identifiers and each of its conditions becomes `(condition) and not (filter)`.
 */
export function applyFilters(rules: SigmaRule[], filters: SigmaFilter[], report: (d: Diagnostic) => void): void {
  const byKey = new Map<string, number>();
  rules.forEach((r, i) => {
    if (r.id && !byKey.has(r.id)) byKey.set(r.id, i);
    if (r.name && !byKey.has(r.name)) byKey.set(r.name, i);
  });
  filters.forEach((filter, fi) => {
    const usable = filter.conditions.filter((c) => c.ast);
    if (usable.length === 0 || filter.identifiers.size === 0) return;
    const prefix = slug(filter, fi);
    const renamed = (name: string): string => `${prefix}.${name}`;
    const alternatives = usable.map((c) => rename(c.ast!, renamed));
    const filterAst: ConditionNode = alternatives.length === 1 ? alternatives[0] : { kind: 'or', args: alternatives, range: filter.ranges.filter ?? filter.range };
    const filterRange = usable.length === 1 ? usable[0].range : (filter.ranges.filter ?? filter.range);
    for (const ref of filter.rules) {
      const index = byKey.get(ref.ref);
      if (index === undefined) {
        const close = closestName(ref.ref, [...byKey.keys()]);
        report({
          code: 'unknown-filter-rule',
          severity: 'warning',
          message: `the filter names '${ref.ref}', which is not the id or name of a rule in this file${close ? ` (did you mean '${close}'?)` : ''}; it applies when that rule is loaded with it`,
          range: ref.range,
        });
        continue;
      }
      const rule = rules[index];
      const mismatch = logsourceContains(filter, rule);
      if (mismatch) {
        report({ code: 'filter-logsource-mismatch', severity: 'warning', message: `the filter is not applied to '${rule.title}': its logsource does not contain the rule's (${mismatch})`, range: ref.range });
        continue;
      }
      if (rule.appliedFilters?.some((a) => a.filter === fi)) continue;
      const identifiers = new Map<string, SearchIdentifier>(rule.detection.identifiers);
      const added: string[] = [];
      for (const [name, id] of filter.identifiers) {
        const n = renamed(name);
        identifiers.set(n, { ...id, name: n });
        added.push(n);
      }
      const conditions: Condition[] = rule.detection.conditions.map((c) => {
        if (!c.ast) return c;
        const ast: ConditionNode = { kind: 'and', args: [c.ast, { kind: 'not', arg: filterAst, range: filterRange }], range: c.range };
        return { text: `${c.text} and not ${prefix}(${usable.map((u) => u.text).join(' or ')})`, range: c.range, ast };
      });
      rule.detection = { ...rule.detection, identifiers, conditions };
      rule.appliedFilters = [...(rule.appliedFilters ?? []), { filter: fi, title: filter.title, identifiers: added, range: filter.range }];
      ref.applied = index;
    }
  });
}
