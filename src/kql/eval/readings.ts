/**
 * Where Microsoft's documentation leaves a KQL result open, the evaluator does not guess: each
 * open question is a "dimension" with the readings the documentation allows, and a row is
 * evaluated under every combination of the dimensions it actually reaches (lazily: a row that
 * never meets a null meets no dimension and is evaluated once). When the readings disagree on
 * whether the row is kept, the row is `undetermined` and the explanation names the dimension,
 * the place in the query and the value that reached it.
 */
import type { Span } from './ast.ts';

export interface Dimension {
  id: string;
  /** The open question, in one sentence. */
  question: string;
  /** Readings, the first being the one used when a value is needed without enumeration. */
  options: readonly string[];
  /** Where the readings come from. */
  source: string;
}

export const DIMENSIONS = {
  'and-null': {
    id: 'and-null',
    question: 'What is `null and true` / `null and null`?',
    options: ['false', 'null'],
    source: 'The "Logical operators" page lists `bool(null) and true` as false; the "Null values" page says operators on null generally yield null.',
  },
  'or-null': {
    id: 'or-null',
    question: 'What is `null or false` / `null or null`?',
    options: ['null', 'false'],
    source: 'The "Logical operators" page only documents `bool(null) or true` (true); whether null is treated as false otherwise is not stated.',
  },
  'not-null': {
    id: 'not-null',
    question: 'What is `not(null)`?',
    options: ['null', 'true'],
    source: 'The "not()" page documents bool arguments only; null may propagate (null) or be read as false (true).',
  },
  'eq-null-null': {
    id: 'eq-null-null',
    question: 'What is `null == null`?',
    options: ['null', 'false'],
    source: 'The "Null values" page says bool(null); the "Logical operators" page says false.',
  },
  'ne-null-null': {
    id: 'ne-null-null',
    question: 'What is `null != null`?',
    options: ['null', 'false'],
    source: 'The "Null values" page says bool(null); the "Logical operators" page says false.',
  },
  'in-null': {
    id: 'in-null',
    question: 'What is `null in (...)` (and `!in`)?',
    options: ['false', 'null'],
    source: 'The in/!in pages do not document a null left side; == with null is false, but most operators yield null.',
  },
  'string-op-null': {
    id: 'string-op-null',
    question: 'What does a string operator (contains, startswith, =~, has, matches regex, ...) give for a null non-string operand?',
    options: ['as empty string', 'null'],
    source: 'String operators are documented for strings; tostring(null) is "" but whether the operator converts or propagates null is not stated.',
  },
  'ipv6-of-ipv4': {
    id: 'ipv6-of-ipv4',
    question: 'Does ipv6_is_in_range accept an IPv4 address (as ::ffff:a.b.c.d)?',
    options: ['null (not an IPv6 address)', 'as ::ffff:a.b.c.d'],
    source: 'ipv6_is_in_range returns null when "conversion of either of the two IPv6 strings" fails; whether IPv4 text converts is not stated (it is for ipv6_compare).',
  },
  'case-folding': {
    id: 'case-folding',
    question: 'How do case-insensitive operators fold non-ASCII characters?',
    options: ['lower-case', 'upper-case'],
    source: 'The string-operator page says "case-insensitive" without defining the folding of non-ASCII characters.',
  },
  'term-characters': {
    id: 'term-characters',
    question: 'Which characters make up a has/hasprefix/hassuffix term?',
    options: ['ASCII letters and digits', 'Unicode letters and digits'],
    source: 'The string-operator page says "alphanumeric characters"; some versions say "ASCII alphanumeric".',
  },
  'has-phrase': {
    id: 'has-phrase',
    question: 'How does `has` match a right side that is not a single term (contains punctuation or spaces)?',
    options: ['as a substring bounded by term edges', 'each term of it separately'],
    source: 'The string-operator page defines has for a term; a right side with several terms is not documented.',
  },
} as const satisfies Record<string, Dimension>;

export type DimensionId = keyof typeof DIMENSIONS;

export interface ChoiceFact {
  dimension: DimensionId;
  reading: string;
  span: Span;
  /** The value(s) that reached the open question, displayed. */
  detail: string;
}

/** The readings assigned during one evaluation, and every open question it reached. */
export class Choices {
  readonly assigned: Map<DimensionId, number>;
  readonly defaulted: DimensionId[] = [];
  readonly facts: ChoiceFact[] = [];

  constructor(fixed: ReadonlyMap<DimensionId, number> = new Map()) {
    this.assigned = new Map(fixed);
  }

  /** The reading of `dimension` for this evaluation (index into its options). */
  choose(dimension: DimensionId, span: Span, detail: string): number {
    let k = this.assigned.get(dimension);
    if (k === undefined) {
      k = 0;
      this.assigned.set(dimension, 0);
      this.defaulted.push(dimension);
    }
    if (this.facts.length < 50) this.facts.push({ dimension, reading: DIMENSIONS[dimension].options[k], span, detail });
    return k;
  }
}

/** Most readings a row is evaluated under (2^6); beyond, the row is reported undetermined. */
export const MAX_READINGS = 64;

/**
 * Runs `evaluate` under every combination of the dimensions it reaches. Each run gets a fresh
 * `Choices` with some dimensions fixed; dimensions first reached in a run branch into their
 * other readings.
 */
export function enumerateReadings<T>(evaluate: (choices: Choices) => T): Array<{ choices: Choices; result: T }> & { truncated?: boolean } {
  const out: Array<{ choices: Choices; result: T }> & { truncated?: boolean } = [];
  let truncated = false;
  const explore = (fixed: Map<DimensionId, number>): void => {
    if (out.length >= MAX_READINGS) {
      truncated = true;
      return;
    }
    const choices = new Choices(fixed);
    const result = evaluate(choices);
    out.push({ choices, result });
    const prefix = new Map(fixed);
    for (const d of choices.defaulted) {
      for (let k = 1; k < DIMENSIONS[d].options.length; k++) explore(new Map([...prefix, [d, k]]));
      prefix.set(d, 0);
    }
  };
  explore(new Map());
  if (truncated) out.truncated = true;
  return out;
}
