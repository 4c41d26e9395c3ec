/**
 * Values for `%name%` placeholders under `|expand` as YAML (or JSON) text: the `--placeholders
 * FILE` of `siglab check/match/convert` and the playground's Placeholders editor.
 *
 * ```yaml
 * admin_hosts: [ADMIN01, ADMIN02]   # a list of values ...
 * domain: corp.example              # ... or one value
 * ```
 *
 * Names may be written with their `%` (`'%domain%': x`). Values are text; numbers keep the digits
 * as written (`007` stays `007`). Both the loader/compiler and the matcher take the result
 * (`LoadOptions.placeholders`, `CompileOptions.placeholders`, `MatcherOptions.placeholders`), so
 * the query and the verdicts read the rule the same way.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { Diagnostic, SourceRange } from '../diagnostics.ts';
import { parseSettingsYaml, type SettingsYamlOptions } from './settings-yaml.ts';

export interface PlaceholderValuesText {
  /** Name → values; absent when the text is empty or has YAML errors. Broken entries are left out. */
  placeholders?: Record<string, string[]>;
  /** Where each name is written, for later checks against a rule. */
  names: Array<{ name: string; range: SourceRange }>;
  diagnostics: Diagnostic[];
}

/** Reads placeholder values. Never throws; an empty text is no values and no problem. */
export function readPlaceholderValues(text: string, options: SettingsYamlOptions = {}): PlaceholderValuesText {
  const y = parseSettingsYaml(typeof text === 'string' ? text : '', 'placeholders', 'the placeholder values', options);
  const diagnostics: Diagnostic[] = [...y.diagnostics];
  const names: PlaceholderValuesText['names'] = [];
  const root = y.root;
  if (diagnostics.some((d) => d.severity === 'error') || root === null || (isScalar(root) && root.value === null)) return { names, diagnostics };
  if (!isMap(root)) {
    diagnostics.push({
      code: 'placeholders-not-a-map',
      severity: 'error',
      message: `placeholder values are a YAML map of name → value or list of values (admin_hosts: [ADMIN01, ADMIN02]); this is ${isSeq(root) ? 'a list' : 'a single value'}`,
      range: y.range(root),
    });
    return { names, diagnostics };
  }
  const out: Record<string, string[]> = Object.create(null);
  for (const pair of root.items) {
    const key = y.keyText(pair);
    if (key === undefined || key.replace(/^%|%$/g, '') === '') {
      diagnostics.push({
        code: 'placeholders-invalid-name',
        severity: 'error',
        message: 'placeholder names must be names (admin_hosts, not a list or a map)',
        range: y.range(pair.key ?? root),
      });
      continue;
    }
    const name = key.replace(/^%|%$/g, '');
    const value = y.deref(pair.value);
    names.push({ name, range: y.range(pair.key) });
    if (value === null || (isScalar(value) && value.value === null)) {
      // `name:` while typing: not an error yet, but the placeholder is still unresolved.
      diagnostics.push({
        code: 'placeholders-no-values',
        severity: 'warning',
        message: `placeholder '${name}' has no values yet: write name: value or name: [value, value]`,
        range: y.range(pair.key),
      });
      continue;
    }
    const items = isSeq(value) ? value.items.map((i) => y.deref(i)) : [value];
    const values: string[] = [];
    let ok = true;
    for (const item of items) {
      const v = scalarText(item);
      if (v === undefined) {
        ok = false;
        diagnostics.push({
          code: 'placeholders-invalid-value',
          severity: 'error',
          message: `placeholder '${name}': values must be text or numbers, not ${isMap(item) ? 'a map' : isSeq(item) ? 'a list' : 'empty'}`,
          range: y.range(item ?? pair.key),
        });
      } else values.push(v);
    }
    if (ok) out[name] = values;
  }
  return { placeholders: out, names, diagnostics };
}

function scalarText(node: Node | null): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') return undefined;
  if (typeof node.value === 'string') return node.value;
  // Numbers and booleans as written: `007` and `1e3` are text to a Sigma value, not numbers.
  return node.source ?? String(node.value);
}

/**
 * Names given values that `ruleText` never writes as `%name%`: most likely typos (the rule's
 * own `unresolved-placeholder` diagnostic names the placeholder it does use).
 */
export function unusedPlaceholders(read: PlaceholderValuesText, ruleText: string): Diagnostic[] {
  return read.names
    .filter((n) => !ruleText.includes(`%${n.name}%`))
    .map((n) => ({ code: 'placeholders-unused', severity: 'warning' as const, message: `the rule has no placeholder %${n.name}%`, range: n.range }));
}
