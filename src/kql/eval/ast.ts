/**
 * The syntax tree of the KQL subset the evaluator runs. Every node has a span (0-based offsets
 * into the query text, end exclusive) so explanations can point into the query.
 */
export interface Span {
  start: number;
  end: number;
}

export type Expr =
  | { k: 'literal'; span: Span; value: import('./values.ts').KValue; text: string }
  | { k: 'column'; span: Span; name: string }
  /** `*` as the left side of a string operator: full-text search over every column. */
  | { k: 'star'; span: Span }
  | { k: 'member'; span: Span; object: Expr; name: string; nameSpan: Span }
  | { k: 'index'; span: Span; object: Expr; index: Expr }
  | { k: 'call'; span: Span; name: string; nameSpan: Span; args: Expr[] }
  | { k: 'unary'; span: Span; op: '-' | '+'; arg: Expr }
  | { k: 'binary'; span: Span; op: string; opSpan: Span; left: Expr; right: Expr }
  /** `x in (a, b)`, `x !in~ (a, b)`, `x has_any (a, b)`. */
  | { k: 'inlist'; span: Span; op: string; opSpan: Span; left: Expr; items: Expr[] }
  | { k: 'between'; span: Span; negated: boolean; left: Expr; low: Expr; high: Expr };

export interface Assignment {
  span: Span;
  /** Undefined for an unnamed expression (`extend tostring(x)` → Column1). */
  name?: string;
  expr: Expr;
}

export type Operator =
  | { k: 'where'; span: Span; predicate: Expr }
  | { k: 'extend'; span: Span; items: Assignment[] }
  | { k: 'project'; span: Span; items: Assignment[] }
  | { k: 'union'; span: Span; sources: Tabular[] }
  | { k: 'summarize'; span: Span; aggregates: Assignment[]; by: Assignment[] }
  | { k: 'take'; span: Span; count: Expr };

export type Source =
  | { k: 'table'; span: Span; name: string }
  | { k: 'union'; span: Span; sources: Tabular[] };

export interface Tabular {
  span: Span;
  source: Source;
  operators: Operator[];
}

export type Statement =
  | { k: 'let'; span: Span; name: string; value: { kind: 'tabular'; tabular: Tabular } | { kind: 'scalar'; expr: Expr } }
  | { k: 'query'; span: Span; tabular: Tabular };

export interface QueryAst {
  statements: Statement[];
}
