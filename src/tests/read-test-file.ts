/**
 * Reads a siglab test file (YAML; format in the README, model in model.ts) into a `TestFile`
 * plus diagnostics with ranges in the test file. Never throws; whatever is valid is kept, so a
 * file with one broken case still runs its other cases.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { LineIndex, type Diagnostic, type SourceRange } from '../diagnostics.ts';
import { TARGET_IDS } from '../targets/index.ts';
import { EXPECTED_VERDICTS, type EventSource, type Expectation, type ExpectedVerdict, type RuleSource, type TestCase, type TestFile } from './model.ts';

export interface ReadTestFileResult {
  /** Absent only when nothing usable was found (no rule, or not a YAML map). */
  file?: TestFile;
  diagnostics: Diagnostic[];
}

const FILE_KEYS = ['name', 'rule', 'rule_index', 'placeholders', 'targets', 'target', 'cases'];
const CASE_KEYS = ['name', 'event', 'events', 'expect', 'match_count', 'min_matches'];

/** Levenshtein distance, for "did you mean" on misspelt keys. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o);
    if (d < bestD) [best, bestD] = [o, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Aliases expanded per test file, so an alias bomb cannot blow up inline events. */
const MAX_ALIAS_COUNT = 1000;

class Reader {
  readonly diagnostics: Diagnostic[] = [];
  readonly lines: LineIndex;
  private doc?: Document.Parsed;

  constructor(readonly text: string) {
    this.lines = new LineIndex(text);
  }

  range(node: { range?: [number, number, number] | null } | null | undefined): SourceRange | undefined {
    const r = node?.range;
    return r ? this.lines.range(r[0], r[1]) : undefined;
  }

  error(code: string, message: string, range?: SourceRange): void {
    this.diagnostics.push({ code, severity: 'error', message, ...(range ? { range } : {}) });
  }

  warn(code: string, message: string, range?: SourceRange): void {
    this.diagnostics.push({ code, severity: 'warning', message, ...(range ? { range } : {}) });
  }

  keyName(pair: Pair): string | undefined {
    return isScalar(pair.key) ? String(pair.key.value) : undefined;
  }

  checkKeys(map: YAMLMap, allowed: readonly string[], where: string): void {
    for (const pair of map.items) {
      const k = this.keyName(pair);
      if (k === undefined) {
        this.error('test-invalid-key', `${where}: keys must be plain names`, this.range(pair.key as Node));
        continue;
      }
      if (!allowed.includes(k)) {
        const hint = closest(k, allowed);
        this.warn('test-unknown-key', `${where}: unknown key '${k}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${allowed.join(', ')})`, this.range(pair.key as Node));
      }
    }
  }

  get(map: YAMLMap, key: string): { pair: Pair; value: Node | null } | undefined {
    const pair = map.items.find((p) => this.keyName(p) === key);
    return pair ? { pair, value: this.deref((pair.value as Node | null) ?? null) } : undefined;
  }

  /** An alias (`*name`) stands for the node it names. */
  deref(node: Node | null): Node | null {
    if (isAlias(node) && this.doc) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node;
  }

  /** A node as plain data, aliases expanded (within limits). */
  data(node: Node): unknown {
    try {
      return node.toJS(this.doc!, { maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      this.error('test-yaml-aliases', `this value could not be expanded: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, this.range(node));
      return undefined;
    }
  }

  string(node: Node | null, what: string, keyNode: unknown): string | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')) return String(node.value);
    this.error('test-invalid-value', `${what} must be text`, this.range(node ?? (keyNode as Node)));
    return undefined;
  }

  /** The source text of a node, dedented so it reads as a document of its own, and where it sits. */
  embedded(node: Node): { text: string; lineOffset: number; columnOffset: number } {
    const [start, end] = node.range!;
    const startPos = this.lines.position(start);
    const lineStart = this.lines.offset(startPos.line, 1);
    const indent = startPos.column - 1;
    const raw = this.text.slice(lineStart, end).replace(/\s+$/, '');
    const text = raw
      .split(/\r\n|\r|\n/)
      .map((l) => (/^\s*$/.test(l.slice(0, indent)) ? l.slice(indent) : l.trimStart()))
      .join('\n');
    return { text: text + '\n', lineOffset: startPos.line - 1, columnOffset: indent };
  }

  /** A block scalar's content: its lines start on the line after the indicator, indented alike. */
  blockScalar(node: Node, value: string): { text: string; lineOffset: number; columnOffset: number } {
    const [start, end] = node.range!;
    const headerLine = this.lines.position(start).line;
    const firstLine = headerLine + 1;
    const firstLineText = this.text.slice(this.lines.offset(firstLine, 1), end).split(/\r\n|\r|\n/)[0] ?? '';
    const indent = /^ */.exec(firstLineText)![0].length;
    return { text: value, lineOffset: firstLine - 1, columnOffset: indent };
  }

  rule(node: Node | null, keyNode: unknown): RuleSource | undefined {
    const range = this.range(node ?? (keyNode as Node));
    if (isScalar(node) && typeof node.value === 'string') {
      const value = node.value;
      const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
      if (block || /\n/.test(value)) {
        if (node.type === 'BLOCK_FOLDED') this.warn('test-rule-folded', "the inline rule uses '>' (folded); use '|' so its lines stay lines", range);
        const placed = block ? this.blockScalar(node, value) : { text: value, lineOffset: 0, columnOffset: 0 };
        return { kind: 'inline', ...placed, ...(range ? { range } : {}) };
      }
      if (value.trim() === '') {
        this.error('test-missing-rule', "'rule' is empty: give a path to a rule file or the rule's YAML", range);
        return undefined;
      }
      return { kind: 'file', path: value.trim(), ...(range ? { range } : {}) };
    }
    if (isMap(node)) return { kind: 'inline', ...this.embedded(node), ...(range ? { range } : {}) };
    this.error('test-invalid-rule', "'rule' must be a path to a rule file, the rule's YAML as a block string ('rule: |'), or the rule as a map", range);
    return undefined;
  }

  placeholders(node: Node | null, keyNode: unknown): Record<string, string[]> | undefined {
    if (!isMap(node)) {
      this.error('test-invalid-placeholders', "'placeholders' must map each placeholder name to a value or a list of values", this.range(node ?? (keyNode as Node)));
      return undefined;
    }
    const out: Record<string, string[]> = Object.create(null);
    for (const pair of node.items) {
      const name = this.keyName(pair);
      if (name === undefined) continue;
      const v = pair.value as Node | null;
      const items = isSeq(v) ? (v.items as Node[]) : [v];
      const values: string[] = [];
      for (const item of items) {
        if (isScalar(item) && item.value !== null && typeof item.value !== 'object') values.push(String(isScalar(item) && item.source !== undefined && typeof item.value === 'number' ? item.source : item.value));
        else this.error('test-invalid-placeholders', `placeholder '${name}': values must be text`, this.range(item ?? (pair.key as Node)));
      }
      out[name.replace(/^%|%$/g, '')] = values;
    }
    return out;
  }

  targets(node: Node | null, keyNode: unknown): string[] | undefined {
    const items = isSeq(node) ? (node.items as Node[]) : [node];
    const out: string[] = [];
    for (const item of items) {
      const id = isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
      if (id === undefined) {
        this.error('test-invalid-target', 'targets must be target ids', this.range(item ?? (keyNode as Node)));
      } else if (!TARGET_IDS.includes(id)) {
        const hint = closest(id, TARGET_IDS);
        this.error('test-unknown-target', `unknown target '${id}'${hint ? `; did you mean '${hint}'?` : ''} (known: ${TARGET_IDS.join(', ')})`, this.range(item));
      } else out.push(id);
    }
    return out;
  }

  expectation(node: Node | null, keyNode: unknown): Expectation | undefined {
    const range = this.range(node ?? (keyNode as Node));
    const known = EXPECTED_VERDICTS.join(', ');
    if (isScalar(node) && typeof node.value === 'string') {
      const v = node.value.trim().toLowerCase();
      if ((EXPECTED_VERDICTS as readonly string[]).includes(v)) return { verdict: v as ExpectedVerdict };
      const hint = closest(v, EXPECTED_VERDICTS);
      this.error('test-invalid-expect', `unknown verdict '${node.value}'${hint ? `; did you mean '${hint}'?` : ''} (expected one of ${known}, or 'filtered: <identifier>')`, range);
      return undefined;
    }
    if (isMap(node) && node.items.length === 1 && this.keyName(node.items[0]) === 'filtered') {
      const by = node.items[0].value as Node | null;
      if (isScalar(by) && typeof by.value === 'string' && by.value.trim()) return { verdict: 'filtered', by: by.value.trim() };
      if (by === null || (isScalar(by) && by.value === null)) return { verdict: 'filtered' };
      this.error('test-invalid-expect', "'filtered:' takes the name of the filter identifier", this.range(by ?? node));
      return undefined;
    }
    this.error('test-invalid-expect', `expect must be one of ${known}, 'filtered: <identifier>', or a list of those (one per event)`, range);
    return undefined;
  }

  count(node: Node | null, keyNode: unknown, key: string): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value) && node.value >= 0) return node.value;
    this.error('test-invalid-count', `'${key}' must be a whole number (0 or more)`, this.range(node ?? (keyNode as Node)));
    return undefined;
  }

  eventsOf(map: YAMLMap, where: string): EventSource | undefined {
    const event = this.get(map, 'event');
    const events = this.get(map, 'events');
    if (event && events) {
      this.error('test-conflicting-events', `${where}: give either 'event' (one event) or 'events' (a list or a file), not both`, this.range(events.pair.key as Node));
      return undefined;
    }
    if (event) {
      if (!isMap(event.value)) {
        this.error('test-invalid-events', `${where}: 'event' must be one event (a map of fields)`, this.range(event.value ?? (event.pair.key as Node)));
        return undefined;
      }
      const range = this.range(event.value);
      const data = this.data(event.value);
      if (data === undefined) return undefined;
      return { kind: 'inline', events: [data], ...(range ? { range } : {}) };
    }
    if (events) {
      const v = events.value;
      const range = this.range(v ?? (events.pair.key as Node));
      if (isScalar(v) && typeof v.value === 'string' && v.value.trim()) return { kind: 'file', path: v.value.trim(), ...(range ? { range } : {}) };
      if (isSeq(v)) {
        const list: unknown[] = [];
        for (const raw of v.items as Node[]) {
          const item = this.deref(raw);
          if (!isMap(item)) {
            this.error('test-invalid-events', `${where}: each event must be a map of fields`, this.range(raw));
            continue;
          }
          const data = this.data(item);
          if (data === undefined) return undefined;
          list.push(data);
        }
        return { kind: 'inline', events: list, ...(range ? { range } : {}) };
      }
      this.error('test-invalid-events', `${where}: 'events' must be a list of events or the path of an events file`, range);
      return undefined;
    }
    this.error('test-missing-events', `${where}: no events; add 'event' (one event) or 'events' (a list, or the path of an events file)`, this.range(map));
    return undefined;
  }

  testCase(node: Node, index: number): TestCase | undefined {
    const where = `case ${index + 1}`;
    if (!isMap(node)) {
      this.error('test-invalid-case', `${where} must be a map with 'events' (or 'event') and 'expect'`, this.range(node));
      return undefined;
    }
    this.checkKeys(node, CASE_KEYS, where);
    const nameEntry = this.get(node, 'name');
    const name = nameEntry ? this.string(nameEntry.value, `${where}: 'name'`, nameEntry.pair.key) : undefined;
    const label = name ? `case '${name}'` : where;
    const events = this.eventsOf(node, label);
    const expectEntry = this.get(node, 'expect');
    const countEntry = this.get(node, 'match_count');
    const minEntry = this.get(node, 'min_matches');
    if (!expectEntry && !countEntry && !minEntry) {
      this.error('test-missing-expect', `${label}: no expectation; add 'expect' (${EXPECTED_VERDICTS.join(', ')}, 'filtered: <identifier>', or one per event) or 'match_count'`, this.range(node));
      return undefined;
    }
    const tc: TestCase = { ...(name !== undefined ? { name } : {}), events: events ?? { kind: 'inline', events: [] } };
    const range = this.range(node);
    if (range) tc.range = range;
    let ok = events !== undefined;
    if (expectEntry) {
      tc.expectRange = this.range(expectEntry.value ?? (expectEntry.pair.key as Node));
      if (isSeq(expectEntry.value)) {
        const list = (expectEntry.value.items as Node[]).map((n) => this.expectation(n, expectEntry.pair.key));
        if (list.some((e) => !e)) ok = false;
        else tc.expect = list as Expectation[];
        if (events?.kind === 'inline' && list.length !== events.events.length) {
          this.error('test-expect-count', `${label}: ${list.length} expectations for ${events.events.length} events; give one per event, or a single verdict for all`, tc.expectRange);
          ok = false;
        }
      } else {
        const e = this.expectation(expectEntry.value, expectEntry.pair.key);
        if (e) tc.expect = e;
        else ok = false;
      }
    }
    if (countEntry) {
      const n = this.count(countEntry.value, countEntry.pair.key, 'match_count');
      if (n === undefined) ok = false;
      else tc.matchCount = n;
      tc.expectRange ??= this.range(countEntry.value ?? (countEntry.pair.key as Node));
    }
    if (minEntry) {
      const n = this.count(minEntry.value, minEntry.pair.key, 'min_matches');
      if (n === undefined) ok = false;
      else tc.minMatches = n;
      tc.expectRange ??= this.range(minEntry.value ?? (minEntry.pair.key as Node));
    }
    return ok ? tc : undefined;
  }

  run(): TestFile | undefined {
    const doc = parseDocument(this.text, { prettyErrors: false, uniqueKeys: true });
    this.doc = doc;
    for (const e of doc.errors) this.error('test-yaml-syntax', e.message.split('\n')[0], this.lines.range(e.pos[0], e.pos[1]));
    for (const w of doc.warnings) this.warn('test-yaml-warning', w.message.split('\n')[0], this.lines.range(w.pos[0], w.pos[1]));
    const root = doc.contents as Node | null;
    if (!isMap(root)) {
      if (!doc.errors.length) this.error('test-not-a-map', "a test file is a YAML map with 'rule' and 'cases'", this.range(root) ?? this.lines.range(0, 0));
      return undefined;
    }
    this.checkKeys(root, FILE_KEYS, 'test file');
    const ruleEntry = this.get(root, 'rule');
    let rule: RuleSource | undefined;
    if (!ruleEntry) this.error('test-missing-rule', "no 'rule': give the path of the rule file (relative to this file) or the rule's YAML", this.lines.range(0, 0));
    else rule = this.rule(ruleEntry.value, ruleEntry.pair.key);

    const file: TestFile = { rule: rule ?? { kind: 'inline', text: '', lineOffset: 0, columnOffset: 0 }, cases: [] };
    const nameEntry = this.get(root, 'name');
    if (nameEntry) {
      const name = this.string(nameEntry.value, "'name'", nameEntry.pair.key);
      if (name !== undefined) file.name = name;
    }
    const indexEntry = this.get(root, 'rule_index');
    if (indexEntry) {
      const n = this.count(indexEntry.value, indexEntry.pair.key, 'rule_index');
      if (n !== undefined) file.ruleIndex = n;
    }
    const ph = this.get(root, 'placeholders');
    if (ph) {
      const p = this.placeholders(ph.value, ph.pair.key);
      if (p) file.placeholders = p;
    }
    const targetEntries = [this.get(root, 'targets'), this.get(root, 'target')].filter((x) => x !== undefined);
    for (const t of targetEntries) {
      const list = this.targets(t.value, t.pair.key);
      if (list?.length) file.targets = [...(file.targets ?? []), ...list];
    }
    const casesEntry = this.get(root, 'cases');
    if (!casesEntry) {
      this.error('test-missing-cases', "no 'cases': add a list of cases, each with events and the verdict they should get", this.range(root));
    } else if (!isSeq(casesEntry.value) || casesEntry.value.items.length === 0) {
      this.error('test-missing-cases', "'cases' must be a non-empty list", this.range(casesEntry.value ?? (casesEntry.pair.key as Node)));
    } else {
      (casesEntry.value.items as Node[]).forEach((n, i) => {
        const tc = this.testCase(this.deref(n) ?? n, i);
        if (tc) file.cases.push(tc);
      });
    }
    return rule ? file : undefined;
  }
}

export function readTestFile(text: string): ReadTestFileResult {
  const reader = new Reader(typeof text === 'string' ? text : String(text ?? ''));
  let file: TestFile | undefined;
  try {
    file = reader.run();
  } catch (e) {
    reader.error('internal-error', `siglab could not finish reading this test file (${e instanceof Error ? e.message : String(e)}); please report it`);
  }
  return { ...(file ? { file } : {}), diagnostics: reader.diagnostics };
}

/** True when the YAML text looks like a siglab test file (a map with `rule` and `cases`), for folder runs. */
export function looksLikeTestFile(text: string): boolean {
  return /^rule\s*:/m.test(text) && /^cases\s*:/m.test(text);
}
