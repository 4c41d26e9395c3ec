/**
 * Checks KQL with Microsoft's Kusto language service (`@kusto/language-service-next`, the
 * Bridge.NET build of Kusto.Language: the same parser and binder that Azure Data Explorer,
 * Log Analytics and Defender advanced hunting use in their editors).
 *
 * The service is two classic scripts (5 MB) that define the globals `Bridge` and `Kusto`. They
 * are loaded lazily, once, by `loadKustoLanguageService()`: the default loader imports them for
 * their side effects, which works in Node (also under vitest and tsx) and under Vite in the page
 * or a module worker. An environment that cannot import them (a classic worker using
 * `importScripts`, a CSP-restricted page) passes its own loader. After the promise resolves,
 * `validateKql` is synchronous.
 *
 * ASIM parsers (`imProcessCreate`, `_Im_NetworkSession`, ...) are KQL *functions* in a Sentinel
 * workspace. For checking they are declared as tables with the columns the parser emits: a query
 * that uses them without arguments (`imProcessCreate | where ...`) binds identically, and column
 * types are what decide whether a comparison is valid.
 */
import { LineIndex, type Diagnostic, type Severity } from '../diagnostics.ts';
import type { KqlType } from '../targets/types.ts';

export type { KqlType };

/** Table name → column name → type: the schema a query is checked against. */
export type TableSchemas = Readonly<Record<string, Readonly<Record<string, KqlType>>>>;

/** Makes the globals `Bridge` and `Kusto` available (in that order). */
export type KustoLoader = () => Promise<void>;

// Minimal structural view of the Bridge.NET API we call; the package's own .d.ts is 1.7 MB.
interface KsDiagnostic {
  Code: string;
  Severity: string;
  Message: string;
  Start: number;
  Length: number;
}
interface KsList<T> {
  Count: number;
  getItem(i: number): T;
}
interface KsGlobalState {
  WithDatabase(db: unknown): KsGlobalState;
}
interface KustoNamespace {
  Language: {
    GlobalState: { Default: KsGlobalState };
    KustoCode: { ParseAndAnalyze(text: string, globals: KsGlobalState): { GetDiagnostics(): KsList<KsDiagnostic> } };
    Symbols: {
      ScalarTypes: Record<string, unknown>;
      ColumnSymbol: new (name: string, type: unknown, description: string | null, originalColumns: null, source: null, examples: null) => unknown;
      TableSymbol: { $ctor4: new (name: string, columns: unknown[]) => unknown };
      DatabaseSymbol: { ctor: new (name: string, members: unknown[]) => unknown };
    };
  };
}

function kustoGlobal(): KustoNamespace | undefined {
  const k = (globalThis as { Kusto?: KustoNamespace }).Kusto;
  return k?.Language?.KustoCode ? k : undefined;
}

/** Imports the two scripts for their side effects; bundlers and Node resolve them from node_modules. */
export const importKustoScripts: KustoLoader = async () => {
  // bridge.min.js, when it sees a CommonJS `module` (Node, or a bundler's CommonJS wrapper),
  // publishes its globals on `global`, which browsers and workers do not have.
  const g = globalThis as { global?: unknown };
  if (g.global === undefined) g.global = globalThis;
  await import('@kusto/language-service-next/bridge.min.js');
  await import('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
};

let loading: Promise<void> | undefined;

/**
 * Loads the language service once; later calls return the same promise. A failed load is not
 * cached, so a caller may retry (e.g. with another loader).
 */
export function loadKustoLanguageService(loader: KustoLoader = importKustoScripts): Promise<void> {
  if (kustoGlobal()) return Promise.resolve();
  if (!loading) {
    const attempt = (async () => {
      await loader();
      if (!kustoGlobal()) throw new Error('the Kusto language service scripts ran but did not define the global `Kusto`');
    })();
    loading = attempt;
    attempt.catch(() => {
      if (loading === attempt) loading = undefined;
    });
  }
  return loading;
}

export function isKustoLanguageServiceLoaded(): boolean {
  return kustoGlobal() !== undefined;
}

const SCALAR_NAME: Record<KqlType, string> = {
  string: 'String',
  int: 'Int',
  long: 'Long',
  real: 'Real',
  decimal: 'Decimal',
  bool: 'Bool',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  dynamic: 'Dynamic',
  guid: 'Guid',
};

const byObject = new WeakMap<object, KsGlobalState>();
// Callers that rebuild an equal schema object per call still hit a cache; few schemas exist.
const byFingerprint = new Map<string, KsGlobalState>();
const FINGERPRINT_CACHE_SIZE = 16;

function fingerprint(tables: TableSchemas): string {
  const parts: string[] = [];
  for (const name of Object.keys(tables).sort()) {
    const cols = tables[name];
    parts.push(name, '(', ...Object.keys(cols).map((c) => `${c}:${cols[c]}`), ')');
  }
  return parts.join('\u0000');
}

function buildGlobals(K: KustoNamespace, tables: TableSchemas): KsGlobalState {
  const S = K.Language.Symbols;
  const symbols: unknown[] = [];
  for (const [tableName, cols] of Object.entries(tables)) {
    const columns: unknown[] = [];
    for (const [colName, type] of Object.entries(cols)) {
      const scalar = S.ScalarTypes[SCALAR_NAME[type]];
      if (!scalar) throw new Error(`column ${tableName}.${colName} has unknown KQL type '${String(type)}'`);
      columns.push(new S.ColumnSymbol(colName, scalar, null, null, null, null));
    }
    symbols.push(new S.TableSymbol.$ctor4(tableName, columns));
  }
  const db = new S.DatabaseSymbol.ctor('siglab', symbols);
  return K.Language.GlobalState.Default.WithDatabase(db);
}

/** The language-service globals for a schema, built once per schema. */
function globalsFor(K: KustoNamespace, tables: TableSchemas): KsGlobalState {
  const hit = byObject.get(tables);
  if (hit) return hit;
  const key = fingerprint(tables);
  let globals = byFingerprint.get(key);
  if (!globals) {
    globals = buildGlobals(K, tables);
    if (byFingerprint.size >= FINGERPRINT_CACHE_SIZE) byFingerprint.delete(byFingerprint.keys().next().value as string);
    byFingerprint.set(key, globals);
  }
  byObject.set(tables, globals);
  return globals;
}

function mapSeverity(s: string): Severity | undefined {
  switch (s) {
    case 'Error':
      return 'error';
    case 'Warning':
      return 'warning';
    case 'Hidden':
      return undefined;
    default:
      return 'info'; // Suggestion, Information
  }
}

/**
 * Parses and binds `query` against `tables` and returns the service's diagnostics: `code` is the
 * service's (`KS142` unknown name, `KS107` wrong operand type, `KS001` missing token, ...),
 * `range` is in the query text. Never throws: when the service is not loaded yet, or fails
 * internally, the result is one error diagnostic saying so (`kusto-not-loaded`, `kusto-internal`).
 */
export function validateKql(query: string, tables: TableSchemas): Diagnostic[] {
  const K = kustoGlobal();
  if (!K) {
    return [
      {
        code: 'kusto-not-loaded',
        severity: 'error',
        message: 'The Kusto language service is not loaded; await loadKustoLanguageService() before validating.',
      },
    ];
  }
  let list: KsList<KsDiagnostic>;
  try {
    list = K.Language.KustoCode.ParseAndAnalyze(query, globalsFor(K, tables)).GetDiagnostics();
  } catch (e) {
    return [
      {
        code: 'kusto-internal',
        severity: 'error',
        message: `The Kusto language service failed on this query: ${e instanceof Error ? e.message : String(e)}`,
      },
    ];
  }
  const out: Diagnostic[] = [];
  let lines: LineIndex | undefined;
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    const severity = mapSeverity(d.Severity);
    if (!severity) continue;
    lines ??= new LineIndex(query);
    out.push({ code: d.Code, severity, message: d.Message, range: lines.range(d.Start, d.Start + d.Length) });
  }
  return out;
}

/** `validateKql` after loading the service with the default loader (CLI and tests). */
export async function validateKqlAsync(query: string, tables: TableSchemas): Promise<Diagnostic[]> {
  await loadKustoLanguageService();
  return validateKql(query, tables);
}
