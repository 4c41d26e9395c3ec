/**
 * The parsed Sigma rule: the one representation that the matcher (src/engine) and the KQL
 * compiler (src/kql) both read, so the preview and the match table cannot disagree about what a
 * rule means. Produced by `loadRules` (src/sigma/load.ts). Every node carries the source range it
 * came from.
 *
 * Semantics are normalised here, once: modifiers such as contains/startswith/endswith/windash/
 * base64offset/wide are applied by the loader and turn into string patterns (wildcard parts and
 * alternatives); the original modifier list stays on the item for display and explanations.
 */
import type { Diagnostic, SourceRange } from '../diagnostics.ts';

export const MODIFIERS = [
  'contains', 'startswith', 'endswith', 'all', 'exists', 'cased', 'neq', 'windash',
  're', 'i', 'm', 's', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'utf16',
  'cidr', 'lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year',
  'expand', 'fieldref',
] as const;
export type ModifierName = (typeof MODIFIERS)[number];

export interface Modifier {
  name: ModifierName;
  range: SourceRange;
}

/** One piece of a Sigma string after the specification's wildcard/escape processing. */
export type PatternPart =
  | { kind: 'text'; text: string }
  /** `*`: any run of characters, possibly empty. */
  | { kind: 'any' }
  /** `?`: exactly one character. */
  | { kind: 'one' };

/**
 * A string value as the matcher and compiler see it. Whole-value match: `contains` has already
 * been turned into leading and trailing `any` parts, and so on. Adjacent text parts are merged
 * and `any` runs collapsed by the loader.
 */
export interface StringPattern {
  parts: PatternPart[];
}

export type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export type SigmaValue =
  | {
      kind: 'string';
      /** The value as written in the rule (after YAML unquoting), for display. */
      raw: string;
      /**
       * Alternatives, any of which may match (OR). Usually one; windash, base64offset and the
       * utf16 family produce several. Empty only for a value that can never match.
       */
      patterns: StringPattern[];
      /** `cased`: case-sensitive comparison. Otherwise case-insensitive. */
      cased: boolean;
      /** Set when the YAML scalar was a plain (unquoted) number: `8080`, `-1`, `0x10` stays a string. */
      number?: number;
      /** Set when the YAML scalar was a plain boolean (`true`/`false`). */
      boolean?: boolean;
      range: SourceRange;
    }
  /** `field: null`: the field is absent or null. */
  | { kind: 'null'; range: SourceRange }
  | {
      kind: 'regex';
      /** The pattern text as written (RE2 syntax; validated by the loader). */
      pattern: string;
      flags: { i: boolean; m: boolean; s: boolean };
      range: SourceRange;
    }
  | {
      kind: 'cidr';
      /** As written, e.g. `10.0.0.0/8` or `fc00::/7`. */
      cidr: string;
      family: 4 | 6;
      /** Normalised network address (host bits cleared) and prefix length. */
      network: string;
      prefix: number;
      range: SourceRange;
    }
  | { kind: 'compare'; op: CompareOp; value: number; raw: string; range: SourceRange }
  /** minute/hour/day/week/month/year: the named part of a timestamp field equals `value`. */
  | { kind: 'timepart'; part: TimePart; value: number; raw: string; range: SourceRange }
  | { kind: 'exists'; value: boolean; range: SourceRange }
  | {
      kind: 'fieldref';
      /** The other field whose value is compared. */
      field: string;
      /** contains/startswith/endswith combined with fieldref; `equals` otherwise. */
      op: 'equals' | 'contains' | 'startswith' | 'endswith';
      cased: boolean;
      range: SourceRange;
    }
  /**
   * `expand` with a placeholder the caller did not supply (`%name%`). Matching it is an error,
   * never a silent non-match. Resolved placeholders become ordinary string values.
   */
  | { kind: 'placeholder'; name: string; raw: string; range: SourceRange };

/** `field|modifiers: values` (or a keyword search when `field` is null). */
export interface FieldItem {
  kind: 'item';
  /** Null for a keyword search (a list of plain values, or a `'|all'` map). */
  field: string | null;
  modifiers: Modifier[];
  values: SigmaValue[];
  /** `all`: every value must match; otherwise any one value. */
  combine: 'or' | 'and';
  /** `neq`: the item holds when the field does NOT equal any listed value. */
  negated: boolean;
  /** The key (`Image|endswith`), or the list for keyword searches. */
  keyRange: SourceRange;
  /** The key and its values together. */
  range: SourceRange;
}

/** A map is `and` of its items; a list of maps is `or` of them. */
export interface Selection {
  kind: 'and' | 'or';
  items: Array<FieldItem | Selection>;
  range: SourceRange;
}

export interface SearchIdentifier {
  name: string;
  /** The identifier's key in `detection`. */
  keyRange: SourceRange;
  /** The identifier's body. */
  range: SourceRange;
  selection: Selection;
}

export type ConditionNode =
  | { kind: 'and' | 'or'; args: ConditionNode[]; range: SourceRange }
  | { kind: 'not'; arg: ConditionNode; range: SourceRange }
  | { kind: 'id'; name: string; range: SourceRange }
  | {
      kind: 'of';
      /** `all of` or `1 of` / `any of` (both `any`). */
      quantifier: 'all' | 'any';
      /** The pattern as written: `selection_*`, `them`, `sel`. */
      pattern: string;
      /** Identifier names the pattern resolves to, in detection order. */
      identifiers: string[];
      patternRange: SourceRange;
      range: SourceRange;
    };

export interface Condition {
  /** The condition text as written. */
  text: string;
  range: SourceRange;
  /** Absent when the condition did not parse (the diagnostics say why). */
  ast?: ConditionNode;
}

export interface Logsource {
  product?: string;
  category?: string;
  service?: string;
  definition?: string;
  range?: SourceRange;
}

export interface RelatedRule {
  id: string;
  type: string;
}

export interface SigmaRule {
  type: 'rule';
  /** 0-based index of the YAML document inside its file. */
  documentIndex: number;
  title: string;
  id?: string;
  name?: string;
  status?: string;
  description?: string;
  license?: string;
  author?: string;
  references: string[];
  date?: string;
  modified?: string;
  tags: string[];
  level?: string;
  falsepositives: string[];
  fields: string[];
  related: RelatedRule[];
  scope?: string[];
  taxonomy?: string;
  logsource: Logsource;
  detection: {
    /** Search identifiers in the order the rule defines them (`timeframe` and `condition` excluded). */
    identifiers: Map<string, SearchIdentifier>;
    /** A condition list means alternatives: the rule fires when any of them holds. */
    conditions: Condition[];
    timeframe?: string;
    range: SourceRange;
  };
  /** The document as plain data (for the rule card and exports). */
  raw: Record<string, unknown>;
  /** Value ranges of the top-level keys present (`title`, `logsource`, ...). */
  ranges: Record<string, SourceRange>;
  /** The whole YAML document. */
  range: SourceRange;
  /** Meta filters applied to this rule (their identifiers are in `detection.identifiers`). */
  appliedFilters?: AppliedFilter[];
}

export interface LoadOptions {
  /** Values for `%placeholder%` under the `expand` modifier. */
  placeholders?: Record<string, string[]>;
}

export interface LoadResult {
  rules: SigmaRule[];
  diagnostics: Diagnostic[];
  /** Correlation documents (Sigma v2 / v2.1 meta rules), in file order; absent when none. */
  correlations?: SigmaCorrelation[];
  /** Meta filter documents, in file order; absent when none. Already applied to the rules they name. */
  filters?: SigmaFilter[];
}

export const CORRELATION_TYPES = [
  'event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];
export type CorrelationOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** One `gte: 10` of a correlation condition; several are ANDed (a range). */
export interface CorrelationComparison {
  op: CorrelationOp;
  value: number;
  range: SourceRange;
}

/** A `rules:` entry of a correlation: a rule or another correlation, by id or name. */
export interface CorrelationRuleRef {
  /** As written. */
  ref: string;
  range: SourceRange;
  /** What it resolved to in the same file; absent when it did not resolve (a diagnostic says so). */
  target?: { kind: 'rule' | 'correlation'; index: number };
}

/** `aliases: {alias: {rule name: field}}`: the field each referenced rule's events give the alias. */
export interface CorrelationAlias {
  alias: string;
  range: SourceRange;
  /** Keyed by the rule reference as written in the alias map (a rule `name` or id). */
  fields: Record<string, { field: string; range: SourceRange }>;
}

export interface SigmaCorrelation {
  type: 'correlation';
  documentIndex: number;
  title: string;
  id?: string;
  name?: string;
  status?: string;
  level?: string;
  description?: string;
  /** Undefined when `type` is missing or unknown (a diagnostic says so). */
  correlationType?: CorrelationType;
  rules: CorrelationRuleRef[];
  groupBy: Array<{ field: string; range: SourceRange }>;
  /** `timespan: 10m`; undefined when missing or invalid. */
  timespan?: { text: string; ms: number; range: SourceRange };
  aliases: CorrelationAlias[];
  condition: {
    /** ANDed; for temporal types without a condition, the loader adds `gte: <number of rules>`. */
    comparisons: CorrelationComparison[];
    /** `field:` for value_count / value_sum / value_avg / value_percentile. */
    field?: { name: string; range: SourceRange };
    /** `percentile:` for value_percentile (1..100); default 50 with an info diagnostic. */
    percentile?: number;
    /**
     * Sigma v2.1 temporal condition written as an expression over rule names
     * (`recon_a and recon_b`); identifiers are the `rules` references.
     */
    expression?: Condition;
    /** True when the loader supplied the condition (temporal types without one). */
    implicit?: boolean;
    range?: SourceRange;
  };
  /** `generate: true`: the referenced rules are also converted stand-alone. */
  generate: boolean;
  raw: Record<string, unknown>;
  ranges: Record<string, SourceRange>;
  range: SourceRange;
}

export interface SigmaFilter {
  type: 'filter';
  documentIndex: number;
  title: string;
  id?: string;
  name?: string;
  description?: string;
  logsource: Logsource;
  rules: Array<{ ref: string; range: SourceRange; applied?: number }>;
  /** The filter's search identifiers as written (`selection`, ...). */
  identifiers: Map<string, SearchIdentifier>;
  conditions: Condition[];
  raw: Record<string, unknown>;
  ranges: Record<string, SourceRange>;
  range: SourceRange;
}

/** Recorded on a rule that a meta filter changed (`SigmaRule.appliedFilters`). */
export interface AppliedFilter {
  /** Index into `LoadResult.filters`. */
  filter: number;
  title: string;
  /** Names of the identifiers the filter added to the rule's detection. */
  identifiers: string[];
  /** The filter document. */
  range: SourceRange;
}
