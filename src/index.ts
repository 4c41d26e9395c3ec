/**
 * The public API of the siglab core, for the app (app/), the CLI (src/cli/) and library users.
 * Framework-free: it runs in the page, in Web Workers and in Node.
 */

// Diagnostics and source ranges (every phase reports through these).
export { LineIndex, formatDiagnostic, hasErrors } from './diagnostics.ts';
export type { Diagnostic, QuickFix, Severity, SourceRange } from './diagnostics.ts';

// Sigma: loading, the rule model, modifiers, taxonomy, editor documentation.
export { loadRules } from './sigma/load.ts';
export { MODIFIERS } from './sigma/model.ts';
export type {
  Condition,
  ConditionNode,
  FieldItem,
  LoadOptions,
  LoadResult,
  Logsource,
  Modifier,
  ModifierName,
  SearchIdentifier,
  Selection,
  SigmaRule,
  SigmaValue,
  StringPattern,
} from './sigma/model.ts';
export { MODIFIER_DOCS, TOP_LEVEL_FIELD_DOCS, LOGSOURCE_FIELD_DOCS, DETECTION_KEY_DOCS } from './sigma/modifier-docs.ts';
export type { ModifierDoc, KeyDoc } from './sigma/modifier-docs.ts';
export { LOGSOURCE_PRODUCTS, LOGSOURCE_CATEGORIES, LOGSOURCE_SERVICES, fieldsForLogsource, judgeEventSource } from './sigma/taxonomy.ts';

// Events: reading, field resolution, matching, explanations.
export { readEvents, detectEventFormat } from './engine/read-events.ts';
export type { ReadEventsOptions } from './engine/read-events.ts';
export { readEvtx } from './engine/evtx/index.ts';
export type { EventFormat, EventOrigin, EventSourceHints, FieldLookup, LogEvent, ReadEventsResult } from './engine/event.ts';
export { getField, collectFieldPaths } from './engine/fields.ts';
export type { FieldPathInfo } from './engine/fields.ts';
export { compileMatcher } from './engine/compile-matcher.ts';
export type { CompiledRule, MatcherOptions } from './engine/compile-matcher.ts';
export { evaluateEvents, evaluateVerdicts, explainEvent } from './engine/evaluate.ts';
export type { EvaluationResult, EventResult, Verdict, VerdictsResult, VerdictSummaryCounts } from './engine/evaluate.ts';
export type { ExplainKind, ExplainNode, ReasonCode } from './engine/explain.ts';

// KQL: compiling, validating, source maps; targets.
export { compileRule, compileRuleAsync } from './kql/compile.ts';
export type { CompileOptions, CompileResult, SourceMapSpan } from './kql/compile.ts';
export { validateKql, validateKqlAsync, loadKustoLanguageService, isKustoLanguageServiceLoaded } from './kql/validate.ts';
export type { TableSchemas } from './kql/validate.ts';
export { spanAt, spansForSource } from './kql/source-map.ts';
export { TARGETS, getTarget } from './targets/index.ts';
export type { FieldMapping, FieldMappingOverrides, KqlType, TargetDefinition } from './targets/types.ts';
// The user's field mapping and placeholder values as YAML text (`--mapping`, `--placeholders`, the app's editors).
export { readFieldMapping, checkFieldMapping } from './kql/field-mapping-text.ts';
export type { FieldMappingEntry, FieldMappingText } from './kql/field-mapping-text.ts';
export { readPlaceholderValues, unusedPlaceholders } from './sigma/placeholder-values.ts';
export type { PlaceholderValuesText } from './sigma/placeholder-values.ts';

// Sharing: permalinks in the URL fragment.
export { encodePermalink, encodePrefill, decodePermalink, describeShareState, LONG_LINK_CHARS, MAX_LINK_CHARS } from './share/permalink.ts';
export type { DecodeResult, ExpectedVerdict, ShareState } from './share/permalink.ts';
