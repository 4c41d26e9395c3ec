/**
 * The JSON schema monaco-yaml applies to every YAML document of the rule editor. A Sigma file may
 * hold rules, correlations (`correlation:`) and meta filters (`filter:`) separated by `---`, and
 * the language server validates each document on its own against one schema: so this schema picks,
 * per document, the official schema of what the document is (if/then/else on the presence of the
 * `correlation` or `filter` key). The three official schemas are bundled unchanged (copied from
 * SigmaHQ/sigma-specification's json-schema folder, see ../shared/reference/sigma-json-schema/).
 */
import ruleSchema from './sigma-detection-rule-schema.json';
import correlationSchema from './sigma-correlation-rules-schema.json';
import filterSchema from './sigma-filters-schema.json';

type Schema = Record<string, unknown>;

/** A sub-schema without its own `$schema` (only the root names the dialect). */
function branch(schema: Schema): Schema {
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

/** True for a document that is a mapping with `key` (a bare scalar or list falls to the rule schema). */
function has(key: string): Schema {
  return { type: 'object', required: [key] };
}

export const SIGMA_DOCUMENT_SCHEMA: Schema = {
  $schema: (ruleSchema as Schema).$schema,
  title: 'Sigma rule, correlation or filter',
  if: has('correlation'),
  then: branch(correlationSchema as Schema),
  else: {
    if: has('filter'),
    then: branch(filterSchema as Schema),
    else: branch(ruleSchema as Schema),
  },
};

/** The schemas, for tests: each branch is exactly the official schema it was copied from. */
export const OFFICIAL_SCHEMAS = { rule: ruleSchema as Schema, correlation: correlationSchema as Schema, filter: filterSchema as Schema };
