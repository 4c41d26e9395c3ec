/**
 * `loadRules`: Sigma YAML text → parsed rules plus diagnostics. Never throws.
 *
 * - YAML is parsed with the `yaml` package, keeping node ranges; its syntax errors become
 *   `yaml-syntax` diagnostics and loading goes on with whatever parsed.
 * - Multi-document files: every document with a `detection` (or that looks like a rule) is a
 *   rule. Documents with `correlation` are correlation rules (correlation.ts; their `rules:`
 *   references are resolved once the whole file is read) and documents with `filter` are meta
 *   filters (filter.ts), applied to the rules they name, so matcher and compiler see the
 *   filtered rules. The Sigma v1 collection actions that pySigma still reads are honoured: `action:
 *   global` sets fields merged into the following documents (the global values win, as in
 *   pySigma), `action: reset` clears them, `action: repeat` reuses the previous rule with this
 *   document's fields on top.
 * - Hostile YAML is refused cheaply, with a positioned error (yaml-guards.ts): nesting deeper than
 *   MAX_YAML_DEPTH (`yaml-too-deep`, nothing is read) and aliases that would expand the file by
 *   more than MAX_ALIAS_EXPANSION values (`yaml-alias-limit`, no alias is followed).
 * - Detection values keep the source text of plain scalars (see detection.ts).
 * - Conditions are parsed by condition.ts with offsets mapped back into the YAML source.
 */
import { Composer, isAlias, isMap, isScalar, isSeq, Pair, Parser, YAMLMap, type Alias, type Document, type Node, type Scalar } from 'yaml';
import { LineIndex, type Diagnostic, type SourceRange } from '../diagnostics.ts';
import { parseCondition, referencedIdentifiers } from './condition.ts';
import { readDetection, scalarRangeOf, type DetectionContext } from './detection.ts';
import { readCorrelation, resolveCorrelations, type CorrelationContext } from './correlation.ts';
import { applyFilters, readFilter } from './filter.ts';
import type { Condition, LoadOptions, LoadResult, SigmaCorrelation, SigmaFilter, SigmaRule } from './model.ts';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_TITLE_LENGTH,
  readDate,
  readEnum,
  readLogsource,
  readRelated,
  readString,
  readStringList,
  readTags,
  readUuid,
  RULE_LEVELS,
  RULE_STATUSES,
  scalarText,
  type Entry,
} from './rule-fields.ts';
import { AliasTable, findExcessiveFlowNesting, findExcessiveNesting, MAX_ALIAS_EXPANSION, MAX_YAML_DEPTH } from './yaml-guards.ts';

/** Alias resolutions allowed per file, so a "billion laughs" document cannot blow up the walk. */
export const MAX_ALIAS_RESOLUTIONS = 10_000;
const MAX_PLAIN_DEPTH = 64;
const DECIMAL = /^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

export function loadRules(text: string, options: LoadOptions = {}): LoadResult {
  const source = typeof text === 'string' ? text : String(text ?? '');
  const loader = new Loader(source, options ?? {});
  try {
    loader.run();
  } catch (e) {
    loader.diagnostics.push(internalError(e));
  }
  const result: LoadResult = { rules: loader.rules, diagnostics: sortDiagnostics(loader.diagnostics) };
  if (loader.correlations.length > 0) result.correlations = loader.correlations;
  if (loader.filters.length > 0) result.filters = loader.filters;
  return result;
}

function internalError(e: unknown): Diagnostic {
  return {
    code: 'internal-error',
    severity: 'error',
    message: `siglab could not finish reading this document (${e instanceof Error ? e.message : String(e)}); please report it`,
  };
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.range?.start ?? -1) - (b.d.range?.start ?? -1) || a.i - b.i)
    .map((x) => x.d);
}

type ParsedDocument = Document.Parsed;

class Loader {
  readonly rules: SigmaRule[] = [];
  readonly correlations: SigmaCorrelation[] = [];
  readonly filters: SigmaFilter[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly lines: LineIndex;
  private docs: ParsedDocument[] = [];
  private aliases: AliasTable | null = null;
  private aliasResolutions = 0;
  private aliasLimitReported = false;

  constructor(
    private readonly source: string,
    private readonly options: LoadOptions,
  ) {
    this.lines = new LineIndex(source);
  }

  run(): void {
    // Parsed in two steps so that absurd nesting is refused before documents are built (the
    // builder recurses per level) and alias bombs before anything expands them (yaml-guards.ts).
    const tooDeepFlow = findExcessiveFlowNesting(this.source);
    const tokens = tooDeepFlow ? [] : Array.from(new Parser().parse(this.source));
    const tooDeep = tooDeepFlow ?? findExcessiveNesting(tokens);
    if (tooDeep) {
      this.report({
        code: 'yaml-too-deep',
        severity: 'error',
        message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep here; siglab does not read a file this deeply nested (Sigma rules nest a few levels)`,
        range: this.lines.range(tooDeep.offset, tooDeep.offset + 1),
      });
      return;
    }
    const composer = new Composer({ prettyErrors: false, uniqueKeys: true, strict: true });
    this.docs = Array.from(composer.compose(tokens) as Iterable<ParsedDocument>);
    this.aliases = new AliasTable(this.docs);
    if (this.aliases.bomb) {
      this.aliasLimitReported = true;
      this.report({
        code: 'yaml-alias-limit',
        severity: 'error',
        message: `YAML aliases would expand this file by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values (an alias bomb); no alias is followed`,
        range: this.range(this.aliases.bomb.alias),
      });
    }
    let globalMap: YAMLMap | null = null;
    let previous: YAMLMap | null = null;
    this.docs.forEach((doc, index) => {
      for (const e of doc.errors) this.yamlDiagnostic(e, 'error');
      for (const w of doc.warnings) this.yamlDiagnostic(w, 'warning');
      try {
        const contents = this.deref(doc.contents);
        if (contents === null || (isScalar(contents) && contents.value === null)) return;
        if (!isMap(contents)) {
          this.report({
            code: 'invalid-document',
            severity: 'error',
            message: `a Sigma rule is a YAML map of fields (title, logsource, detection, ...), not ${isSeq(contents) ? 'a list' : 'a single value'}`,
            range: this.range(contents),
          });
          return;
        }
        const entries = this.entries(contents);
        const action = entries.get('action');
        if (action) {
          const value = this.deref(action.value);
          const name = value && isScalar(value) ? scalarText(value) : '';
          const rest = this.withoutKey(contents, 'action');
          if (name === 'global') {
            globalMap = rest;
            previous = rest;
          } else if (name === 'reset') {
            globalMap = null;
          } else if (name === 'repeat') {
            const merged: YAMLMap = previous ? this.merge(previous, rest) : rest;
            previous = merged;
            this.readRule(merged, index, doc);
          } else {
            this.report({
              code: 'invalid-action',
              severity: 'error',
              message: `unknown collection action '${name}': expected global, reset or repeat`,
              range: value ? this.range(value) : this.range(action.keyNode),
            });
          }
          return;
        }
        if (entries.has('correlation') && !entries.has('detection')) {
          this.correlations.push(readCorrelation(this.metaContext(), contents, index, this.docRange(doc, contents), doc.errors.length > 0));
          return;
        }
        if (entries.has('filter') && !entries.has('detection')) {
          this.filters.push(readFilter(this.metaContext(), contents, index, this.docRange(doc, contents), doc.errors.length > 0));
          return;
        }
        const merged = globalMap ? this.merge(contents, globalMap) : contents;
        previous = merged;
        this.readRule(merged, index, doc);
      } catch (e) {
        this.report({ ...internalError(e), range: doc.contents ? this.range(doc.contents as Node) : undefined });
      }
    });
    if (this.correlations.length > 0) resolveCorrelations(this.rules, this.correlations, (d) => this.report(d));
    if (this.filters.length > 0) applyFilters(this.rules, this.filters, (d) => this.report(d));
  }

  private docRange(doc: ParsedDocument, contents: Node): SourceRange {
    return doc.range ? this.lines.range(doc.range[0], doc.range[1]) : this.range(contents);
  }

  private metaContext(): CorrelationContext {
    return {
      source: this.source,
      lines: this.lines,
      options: this.options,
      deref: (n) => this.deref(n),
      range: (n) => this.range(n),
      report: (d) => this.report(d),
      plain: (n) => this.toPlain(n),
    };
  }

  private report(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  private yamlDiagnostic(e: { pos: [number, number]; message: string; code: string }, severity: 'error' | 'warning'): void {
    const [start, end] = e.pos;
    const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    this.report({ code: severity === 'error' ? 'yaml-syntax' : 'yaml-warning', severity, message: `YAML: ${message}`, range: this.lines.range(start, end) });
  }

  range(node: Node): SourceRange {
    const r = node.range;
    if (!r) return this.lines.range(0, 0);
    return this.lines.range(r[0], r[1]);
  }

  /** The node itself, or the target of an alias (within a per-file budget). */
  deref(node: unknown): Node | null {
    if (node === null || node === undefined) return null;
    if (!isAlias(node)) return node as Node;
    if (++this.aliasResolutions > MAX_ALIAS_RESOLUTIONS) {
      if (!this.aliasLimitReported) {
        this.aliasLimitReported = true;
        this.report({
          code: 'yaml-alias-limit',
          severity: 'error',
          message: `more than ${MAX_ALIAS_RESOLUTIONS} YAML alias uses; the rest are ignored`,
          range: this.range(node as Node),
        });
      }
      return null;
    }
    if (!this.aliases || this.aliases.bomb) return null;
    return this.aliases.resolve(node as Alias);
  }

  private entries(map: YAMLMap): Map<string, Entry> {
    const out = new Map<string, Entry>();
    for (const pair of map.items) {
      const keyNode = this.deref(pair.key);
      if (keyNode === null || !isScalar(keyNode)) continue;
      const key = scalarText(keyNode);
      if (!out.has(key)) out.set(key, { key, keyNode, value: this.deref(pair.value) });
    }
    return out;
  }

  private keyOf(pair: Pair): string | undefined {
    const keyNode = this.deref(pair.key);
    return keyNode && isScalar(keyNode) ? scalarText(keyNode) : undefined;
  }

  private withoutKey(map: YAMLMap, key: string): YAMLMap {
    const out = new YAMLMap();
    out.range = map.range;
    out.items = map.items.filter((p) => this.keyOf(p as Pair) !== key);
    return out;
  }

  /** pySigma's deep_dict_update(dest, src): src values win; maps on both sides merge. */
  private merge(dest: YAMLMap, src: YAMLMap): YAMLMap {
    const out = new YAMLMap();
    out.range = dest.range;
    const srcByKey = new Map<string, Pair>();
    for (const p of src.items as Pair[]) {
      const k = this.keyOf(p);
      if (k !== undefined) srcByKey.set(k, p);
    }
    const used = new Set<string>();
    for (const p of dest.items as Pair[]) {
      const k = this.keyOf(p);
      const other = k !== undefined ? srcByKey.get(k) : undefined;
      if (!other || k === undefined) {
        out.items.push(p);
        continue;
      }
      used.add(k);
      const a = this.deref(p.value);
      const b = this.deref(other.value);
      if (a && b && isMap(a) && isMap(b)) out.items.push(new Pair(p.key, this.merge(a, b)));
      else out.items.push(other);
    }
    for (const [k, p] of srcByKey) if (!used.has(k)) out.items.push(p);
    return out;
  }

  /** The document as plain data: plain scalars as written (numbers and booleans where unambiguous). */
  private toPlain(raw: unknown, depth = 0): unknown {
    const node = this.deref(raw);
    if (node === null || depth > MAX_PLAIN_DEPTH) return null;
    if (isScalar(node)) {
      if (node.value === null) return null;
      if (node.type !== 'PLAIN' || node.tag) return typeof node.value === 'object' ? scalarText(node) : node.value;
      if (typeof node.value === 'boolean') return node.value;
      const text = scalarText(node);
      return DECIMAL.test(text) && Number.isFinite(Number(text)) ? Number(text) : text;
    }
    if (isSeq(node)) return node.items.map((i) => this.toPlain(i, depth + 1));
    if (isMap(node)) {
      const out: Record<string, unknown> = Object.create(null);
      for (const pair of node.items) {
        const keyNode = this.deref(pair.key);
        // A complex key (a map or list used as a key) has no natural string form; JSON gives it one.
        const key = keyNode && isScalar(keyNode) ? scalarText(keyNode) : JSON.stringify(this.toPlain(keyNode, depth + 1)) ?? 'null';
        if (!Object.hasOwn(out, key)) out[key] = this.toPlain(pair.value, depth + 1);
      }
      return out;
    }
    return null;
  }

  private readRule(map: YAMLMap, documentIndex: number, doc: ParsedDocument): void {
    // After a YAML syntax error the parser may have lost the rest of the document; "missing
    // logsource/detection/..." would then blame the rule for the parser's loss, so they are left out.
    const yamlBroken = doc.errors.length > 0;
    const report = (d: Diagnostic): void => {
      if (yamlBroken && d.code.startsWith('missing-')) return;
      this.report(d);
    };
    const ctx: DetectionContext = {
      source: this.source,
      lines: this.lines,
      options: this.options,
      deref: (n) => this.deref(n),
      range: (n) => this.range(n),
      report,
    };
    const entries = this.entries(map);
    const docRange = doc.range ? this.lines.range(doc.range[0], doc.range[1]) : this.range(map);
    const ranges: Record<string, SourceRange> = Object.create(null);
    for (const [key, entry] of entries) ranges[key] = entry.value ? this.range(entry.value) : this.range(entry.keyNode);
    const firstKey = map.items.length > 0 ? this.deref((map.items[0] as Pair).key) : null;
    const headRange = firstKey ? this.range(firstKey) : this.lines.range(docRange.start, docRange.start);

    const get = (key: string): Entry | undefined => entries.get(key);
    const str = (key: string, max?: number, code?: string): string | undefined => {
      const e = get(key);
      return e ? readString(ctx, e, max, code) : undefined;
    };
    const list = (key: string, options?: Parameters<typeof readStringList>[2]): string[] => {
      const e = get(key);
      return e ? readStringList(ctx, e, options) : [];
    };

    const titleEntry = get('title');
    const title = titleEntry ? readString(ctx, titleEntry, MAX_TITLE_LENGTH, 'title-too-long') : undefined;
    if (title === undefined || title.trim() === '') {
      report({
        code: 'missing-title',
        severity: 'error',
        message: "the rule has no title: add 'title:' with a short description of what it detects",
        range: titleEntry ? ranges.title : headRange,
      });
    }

    const rule: SigmaRule = {
      type: 'rule',
      documentIndex,
      title: title ?? '',
      references: [],
      tags: [],
      falsepositives: [],
      fields: [],
      related: [],
      logsource: {},
      detection: { identifiers: new Map(), conditions: [], range: docRange },
      raw: this.toPlain(map) as Record<string, unknown>,
      ranges,
      range: docRange,
    };
    const idEntry = get('id');
    if (idEntry) rule.id = readUuid(ctx, idEntry);
    rule.name = str('name', MAX_TITLE_LENGTH, 'name-too-long');
    rule.taxonomy = str('taxonomy', MAX_TITLE_LENGTH, 'taxonomy-too-long');
    const status = get('status');
    if (status) rule.status = readEnum(ctx, status, RULE_STATUSES, 'invalid-status');
    rule.description = str('description', MAX_DESCRIPTION_LENGTH, 'description-too-long');
    rule.license = str('license');
    rule.author = str('author');
    rule.references = list('references', { duplicateCode: 'duplicate-reference' });
    const date = get('date');
    if (date) rule.date = readDate(ctx, date);
    const modified = get('modified');
    if (modified) rule.modified = readDate(ctx, modified);
    rule.fields = list('fields', { duplicateCode: 'duplicate-field' });
    rule.falsepositives = list('falsepositives', { duplicateCode: 'duplicate-falsepositive', minItemLength: 2 });
    const level = get('level');
    if (level) rule.level = readEnum(ctx, level, RULE_LEVELS, 'invalid-level');
    const tags = get('tags');
    if (tags) rule.tags = readTags(ctx, tags);
    if (get('scope')) rule.scope = list('scope', { minItemLength: 2 });
    const related = get('related');
    if (related) rule.related = readRelated(ctx, related);
    for (const key of Object.keys(rule) as Array<keyof SigmaRule>) if (rule[key] === undefined) delete rule[key];

    const logsource = get('logsource');
    if (logsource) rule.logsource = readLogsource(ctx, logsource);
    else {
      report({ code: 'missing-logsource', severity: 'error', message: "the rule has no 'logsource' (category, product, service)", range: headRange });
    }

    const detectionEntry = get('detection');
    if (!detectionEntry) {
      report({ code: 'missing-detection', severity: 'error', message: "the rule has no 'detection' section", range: headRange });
      this.rules.push(rule);
      return;
    }
    const detection = readDetection(ctx, detectionEntry);
    const names = [...detection.identifiers.keys()];
    const conditions: Condition[] = detection.conditionNodes.map((node) => this.readCondition(ctx, node, names));
    rule.detection = { identifiers: detection.identifiers, conditions, range: detection.range };
    if (detection.timeframe !== undefined) rule.detection.timeframe = detection.timeframe;

    if (conditions.length > 0 && conditions.every((c) => c.ast)) {
      const used = new Set<string>();
      for (const c of conditions) for (const name of referencedIdentifiers(c.ast!)) used.add(name);
      for (const identifier of detection.identifiers.values()) {
        if (!used.has(identifier.name)) {
          this.report({
            code: 'unused-identifier',
            severity: 'warning',
            message: `search identifier '${identifier.name}' is not used in the condition`,
            range: identifier.keyRange,
          });
        }
      }
    }
    this.rules.push(rule);
  }

  private readCondition(ctx: DetectionContext, node: Scalar, identifiers: string[]): Condition {
    const text = scalarText(node);
    const toRange = scalarRangeOf(ctx, node);
    const result = parseCondition(text, identifiers, toRange);
    for (const d of result.diagnostics) this.report(d);
    const condition: Condition = { text, range: this.range(node) };
    if (result.ast) condition.ast = result.ast;
    return condition;
  }
}
