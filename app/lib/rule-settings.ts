/**
 * The user's field mapping and placeholder values (store texts) as compiler and matcher options.
 * The texts are read by the core (src/kql/field-mapping-text.ts, src/sigma/placeholder-values.ts),
 * the same readers `siglab convert --mapping` and `--placeholders` use, so the playground and the
 * CLI read a file the same way. Each text is read once per change (the rule is analysed on every
 * keystroke; the settings change far less often).
 */
import { readFieldMapping, readPlaceholderValues, type FieldMappingOverrides, type FieldMappingText, type PlaceholderValuesText } from '../../src/index.ts';

/** The file names the settings download as, and the CLI command in the KQL panel names. */
export const MAPPING_FILE = 'mapping.yml';
export const PLACEHOLDERS_FILE = 'placeholders.yml';

/** What the compiler and the matcher take from the settings. Plain data: it is posted to workers. */
export interface RuleSettings {
  mapping?: FieldMappingOverrides;
  placeholders?: Record<string, string[]>;
}

let lastMapping: { text: string; read: FieldMappingText } | undefined;
let lastPlaceholders: { text: string; read: PlaceholderValuesText } | undefined;

/**
 * Settings texts above this are not read (the reader says so, the text stays): they are read on
 * the main thread on every change, and a link from someone else may carry megabytes. A mapping
 * of this size is thousands of fields.
 */
export const MAX_SETTINGS_CHARS = 200_000;

export function readMappingText(text: string): FieldMappingText {
  if (lastMapping?.text !== text) lastMapping = { text, read: readFieldMapping(text, { maxChars: MAX_SETTINGS_CHARS }) };
  return lastMapping.read;
}

export function readPlaceholdersText(text: string): PlaceholderValuesText {
  if (lastPlaceholders?.text !== text) lastPlaceholders = { text, read: readPlaceholderValues(text, { maxChars: MAX_SETTINGS_CHARS }) };
  return lastPlaceholders.read;
}

/** The options for the texts; a text with YAML errors contributes nothing (its panel says why). */
export function ruleSettings(mappingText: string, placeholdersText: string): RuleSettings {
  const mapping = readMappingText(mappingText).mapping;
  const placeholders = readPlaceholdersText(placeholdersText).placeholders;
  return { ...(mapping ? { mapping } : {}), ...(placeholders ? { placeholders } : {}) };
}
