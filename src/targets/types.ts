/**
 * The data model of a KQL target (Sentinel ASIM, Defender XDR, Azure Monitor, ...).
 *
 * A target is data, not code: the compiler (src/kql/compile.ts) reads a `TargetDefinition` and
 * decides from it which table a rule's logsource queries, which fixed predicates that table needs,
 * which column (or expression) each Sigma field becomes, and the KQL type of every column, which
 * decides how literals are written (`DstPortNumber in (8080, 8888)` for an int column,
 * `"8080"` for a string column). The language-service check (src/kql/validate.ts) is run against
 * the same `tables`. One shared test suite checks every target's data for consistency (every
 * mapped column exists in its table, every table has a timestamp column, ...).
 *
 * Resolution order for a Sigma field on a rule whose logsource matched `m: LogsourceMapping`:
 *   1. the user's overrides (`FieldMappingOverrides`, from `siglab convert --mapping FILE`),
 *      table-specific first, then generic;
 *   2. `m.fields[field]` (table-specific);
 *   3. `target.fields[field]` (generic) — used only if every column it names exists in `m.table`;
 *      a generic mapping naming a column the table lacks is skipped, not an error, so one generic
 *      map can serve several tables;
 *   4. the field name itself, when `m.table` has a column of that exact name (then a unique
 *      case-insensitive match);
 *   5. otherwise an `unmapped-field` error naming the field and the table's closest columns.
 * Field names are matched exactly as Sigma writes them (`Image`, `CommandLine`), then
 * case-insensitively when exactly one key matches.
 */

/** The scalar types of Kusto columns. They decide how the compiler writes literals and which
 * emptiness test it uses (`isempty` for string, `isnull` for the others; see kql-semantics.md). */
export type KqlType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'decimal'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'guid'
  | 'dynamic';

/** All KQL types, for validation of target data. */
export const KQL_TYPES: readonly KqlType[] = [
  'string', 'int', 'long', 'real', 'decimal', 'bool', 'datetime', 'timespan', 'guid', 'dynamic',
];

/** Columns of one table: column name → KQL type. */
export type TableSchema = Record<string, KqlType>;

/**
 * A fixed condition that a logsource or a value mapping adds to the query, e.g. Sysmon
 * `EventID == 1`, Defender `ActionType in ("ConnectionSuccess", "ConnectionFailed")`, ASIM
 * `NetworkDirection == "Outbound"`.
 *
 * Structured form (preferred): the compiler writes the literal(s) typed by the column's declared
 * type (so `EventID == 1` on an int column, `Channel == "Microsoft-Windows-Sysmon/Operational"`
 * on a string column), and the shared target suite can check the column exists.
 *   - `==`, `!=`, `in`, `!in`: case-sensitive (exact) comparison.
 *   - `=~`, `!~`, `in~`, `!in~`: case-insensitive, strings only.
 *   - `in`/`in~`/`!in`/`!in~` take an array `value`; the others a scalar.
 *
 * Raw form `{ kql }`: a boolean KQL expression inserted verbatim (parenthesised when combined),
 * for what the structured form cannot say, e.g. `{ kql: 'EventData has "<Data Name=\\"Image\\">"' }`.
 * It must be a complete, valid boolean expression over the table's columns; `columns` lists the
 * columns it reads so the shared suite can check them.
 */
export type FixedPredicate =
  | {
      column: string;
      op: '==' | '!=' | '=~' | '!~' | 'in' | '!in' | 'in~' | '!in~';
      value: string | number | boolean | ReadonlyArray<string | number | boolean>;
    }
  | { kql: string; columns?: string[] };

/** Extra fields every object-form `FieldMapping` may carry. */
interface MappingCommon {
  /**
   * Shown as a warning (and a `//` comment in the query) whenever this mapping is used: the
   * mapping is an approximation, e.g. "Event.EventData is XML: values are matched on the
   * entity-escaped text".
   */
  warning?: string;
}

/**
 * How one Sigma field becomes KQL. Forms:
 *
 * - `"Column"`: the field is that column; its type comes from the table schema.
 *
 * - `{ column, type? }`: as above, with an explicit type (for a column whose declared type you
 *   want to override, e.g. a dynamic column holding strings — the compiler then wraps it:
 *   `tostring(Column)`).
 *
 * - `{ anyOf: [c1, c2, ...] }`: the Sigma field corresponds to several columns and a value
 *   matches when it matches in ANY of them (`c1 =~ "x" or c2 =~ "x"`); a negated item (`neq`,
 *   `not sel`) therefore means "in none of them". All columns must share a type family.
 *
 * - `{ expression, type }`: a KQL scalar expression computing the field, inserted verbatim
 *   (parenthesised when needed) wherever the field is compared, e.g.
 *   `{ expression: 'tostring(EventData.Image)', type: 'string' }` for WindowsEvent.
 *   `columns` lists the table columns it reads (checked by the shared suite).
 *
 * - `{ values: { sigmaValueLowercase: FixedPredicate[] }, column? }`: VALUE MAPPING, for a
 *   field the target encodes differently. Each Sigma value of the item is looked up by its raw
 *   text lower-cased (`Initiated: 'true'` and `Initiated: true` both look up `"true"`); the value
 *   becomes the AND of the listed predicates, and the item's values combine as Sigma says (OR,
 *   or AND under `|all`; negated under `neq`/`not`). Example (ASIM network session):
 *   `Initiated: { values: { true: [{ column: 'NetworkDirection', op: '==', value: 'Outbound' }],
 *   false: [{ column: 'NetworkDirection', op: '==', value: 'Inbound' }] } }`; Defender:
 *   `true: [{ column: 'ActionType', op: 'in', value: ['ConnectionSuccess', 'ConnectionFailed',
 *   'ConnectionRequest'] }]`. Only plain values (no wildcards, no modifiers other than `cased`)
 *   can be looked up; a value that is not in the table is compared against `column` when one
 *   is given, otherwise it is an `unmapped-value` error listing the known values.
 *
 * - `{ hashes: { algorithm: column }, column? }`: HASHES, for Sysmon's `Hashes` field
 *   (`SHA1=...,MD5=...,SHA256=...,IMPHASH=...`). Keys are lower-case algorithm names as Sysmon
 *   writes them before `=`: `md5`, `sha1`, `sha256`, `imphash`. A Sigma value `SHA256=abc...`,
 *   `*MD5=abc*` (contains) or `MD5=abc*` is split at `ALGO=`; the hash part is compared with the
 *   column for that algorithm (`SHA256 =~ "abc..."`; equality for a full-length hash, otherwise
 *   the remaining pattern). A value with an algorithm the map lacks is dropped from its OR list
 *   with a warning (the rule then matches less); if nothing is left it is an error. A value
 *   without `ALGO=` is compared against `column` when given (e.g. the raw Hashes text), else an
 *   error.
 *
 * - `{ unsupported: "why, and what to use instead" }`: the target cannot express this field here;
 *   any rule that uses it fails with an `unsupported-field` error carrying this text.
 */
export type FieldMapping =
  | string
  | ({ column: string; type?: KqlType } & MappingCommon)
  | ({ anyOf: string[] } & MappingCommon)
  | ({ expression: string; type: KqlType; columns?: string[] } & MappingCommon)
  | ({ values: Record<string, FixedPredicate[]>; column?: string } & MappingCommon)
  | ({ hashes: Record<string, string>; column?: string } & MappingCommon)
  | { unsupported: string };

/**
 * Where a Sigma logsource goes. A mapping matches a rule when every one of `product`,
 * `category`, `service` that the mapping sets equals the rule's (case-insensitive); keys the
 * mapping leaves out match anything, including absence. `TargetDefinition.logsources` is
 * searched in order and the first match wins, so put the most specific mappings first
 * (`{product: windows, service: sysmon, category: ...}` before `{product: windows}`).
 */
export interface LogsourceMapping {
  product?: string;
  category?: string;
  service?: string;
  /** The table (or ASIM function, e.g. `imProcessCreate`) queried; must be a key of `tables`. */
  table: string;
  /** Conditions every row of this logsource must meet (ANDed before the rule's condition),
   * e.g. `EventID == 1` and the Sysmon channel for process_creation on WindowsEvent. */
  where?: FixedPredicate[];
  /** Field mappings for this logsource only; they take precedence over `TargetDefinition.fields`. */
  fields?: Record<string, FieldMapping>;
  /**
   * Emitted as a warning (and a `//` comment in the query) whenever this mapping is used, e.g.
   * ASIM has no image_load schema: "no ASIM schema for image_load; querying the Sysmon events
   * in WindowsEvent instead".
   */
  warning?: string;
  /**
   * When set, the logsource is known but cannot be expressed on this target: compiling fails
   * with an `unsupported-logsource` error carrying this text (say what the target offers instead).
   * `table` is then ignored (set it to `''`).
   */
  unsupported?: string;
  /**
   * Columns a keyword search (a Sigma list of plain values without a field) looks in, e.g.
   * `['CommandLine']` or `['EventData', 'RenderedDescription']`. When absent, keyword searches
   * use a full-text form over every column (`where * contains "x"`) with a warning.
   */
  keywordColumns?: string[];
}

/** One KQL target: everything the compiler needs to know, as data. */
export interface TargetDefinition {
  /** Stable id used by the CLI and the app: `sentinel-asim`, `defender-xdr`, `azure-monitor`. */
  id: string;
  /** Human name for the target selector, e.g. "Microsoft Sentinel (ASIM)". */
  label: string;
  /** One or two sentences: what the target is and what it queries. */
  description: string;
  /** Every table (or ASIM function) the target may query, with the KQL type of every column. */
  tables: Record<string, TableSchema>;
  /** Each table's event-time column (`TimeGenerated`, `Timestamp`, `EventStartTime`). */
  timestampColumns: Record<string, string>;
  /** Logsource → table, most specific first (see `LogsourceMapping`). */
  logsources: LogsourceMapping[];
  /** Generic Sigma field → column mappings, used by every logsource unless it overrides them. */
  fields: Record<string, FieldMapping>;
}

/**
 * A user's field mappings (`siglab convert --mapping FILE`, the app's mapping editor), applied
 * before the target's own. YAML shape:
 *
 * ```yaml
 * fields:            # any table
 *   Image: ProcessPath
 * tables:            # one table only (takes precedence over `fields`)
 *   DeviceProcessEvents:
 *     CommandLine: ProcessCommandLine
 * ```
 */
export interface FieldMappingOverrides {
  fields?: Record<string, FieldMapping>;
  tables?: Record<string, Record<string, FieldMapping>>;
}
