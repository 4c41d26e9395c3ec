/**
 * Zircolite's `--test-rules` file: a JSON array, one entry per rule, matched to the rule by
 * `title` or `id`, with `true_positive` events (the rule must match at least one of them) and
 * `true_negative` events (it must match none):
 *
 * ```json
 * [{ "title": "...", "id": "...", "true_positive": [{...}], "true_negative": [{...}] }]
 * ```
 *
 * (Zircolite docs/Usage.md, "Rule testing".) Import gives one `TestFile` per entry: a
 * `true_positive` case with `min_matches: 1` and a `true_negative` case expecting `no-alert`
 * for each event, which is exactly Zircolite's meaning.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import type { Expectation, RuleSource, TestCase, TestFile } from '../model.ts';

export interface ZircoliteEntry {
  title?: string;
  id?: string;
  true_positive?: unknown[];
  true_negative?: unknown[];
}

export interface ZircoliteImport {
  files: TestFile[];
  diagnostics: Diagnostic[];
}

/** True when JSON text looks like a Zircolite test file. */
export function isZircoliteTests(text: string): boolean {
  return /^\s*\[/.test(text) && /"true_(positive|negative)"\s*:/.test(text);
}

/**
 * `findRule` maps an entry to its rule (by id or title, e.g. from a rules folder); entries it
 * cannot map are reported and left out.
 */
export function importZircoliteTests(
  jsonText: string,
  findRule: (entry: { id?: string; title?: string }) => RuleSource | undefined,
  options: { /** Where rules were looked for, for the message when one is missing (`in rules/`). */ searched?: string } = {},
): ZircoliteImport {
  const diagnostics: Diagnostic[] = [];
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (e) {
    diagnostics.push({ code: 'zircolite-json', severity: 'error', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` });
    return { files: [], diagnostics };
  }
  if (!Array.isArray(data)) {
    diagnostics.push({ code: 'zircolite-not-a-list', severity: 'error', message: 'a Zircolite test file is a JSON array of {title, id, true_positive, true_negative}' });
    return { files: [], diagnostics };
  }
  const files: TestFile[] = [];
  data.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      diagnostics.push({ code: 'zircolite-invalid-entry', severity: 'error', message: `entry ${i + 1} must be an object` });
      return;
    }
    const e = raw as Record<string, unknown>;
    const id = typeof e.id === 'string' ? e.id : undefined;
    const title = typeof e.title === 'string' ? e.title : undefined;
    const label = title ?? id ?? `entry ${i + 1}`;
    if (!id && !title) {
      diagnostics.push({ code: 'zircolite-invalid-entry', severity: 'error', message: `entry ${i + 1} needs a title or an id` });
      return;
    }
    const lists: Array<['true_positive' | 'true_negative', unknown[]]> = [];
    for (const key of ['true_positive', 'true_negative'] as const) {
      const v = e[key];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((x) => !x || typeof x !== 'object' || Array.isArray(x))) {
        diagnostics.push({ code: 'zircolite-invalid-entry', severity: 'error', message: `${label}: ${key} must be an array of event objects` });
        return;
      }
      lists.push([key, v]);
    }
    const rule = findRule({ ...(id ? { id } : {}), ...(title ? { title } : {}) });
    if (!rule) {
      const wanted = [id ? `id '${id}'` : '', title ? `title '${title}'` : ''].filter(Boolean).join(' or ');
      diagnostics.push({ code: 'zircolite-rule-not-found', severity: 'error', message: `entry ${i + 1} (${label}): no rule with ${wanted}${options.searched ? ` in ${options.searched}` : ''}` });
      return;
    }
    const cases: TestCase[] = [];
    for (const [key, events] of lists) {
      if (events.length === 0) continue;
      cases.push(
        key === 'true_positive'
          ? { name: key, events: { kind: 'inline', events: structuredClone(events) }, minMatches: 1 }
          : { name: key, events: { kind: 'inline', events: structuredClone(events) }, expect: { verdict: 'no-alert' } },
      );
    }
    files.push({ name: label, rule, cases, origin: { format: 'zircolite', ...(title ? { title } : {}), ...(id ? { id } : {}) } });
  });
  return { files, diagnostics };
}

/**
 * Writes the Zircolite JSON for test files; `ruleOf` gives each file's rule title/id (when the
 * file was not imported from Zircolite). Events expected to match go to `true_positive`, events
 * expected not to alert to `true_negative`; events expected `filtered` are true negatives too
 * (Zircolite only knows alert / no alert).
 */
export function exportZircoliteTests(files: readonly TestFile[], ruleOf: (file: TestFile) => { id?: string; title?: string } = () => ({})): { text: string; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const out: ZircoliteEntry[] = [];
  for (const file of files) {
    const origin = file.origin?.format === 'zircolite' ? (file.origin as { title?: string; id?: string }) : undefined;
    const meta = origin ?? ruleOf(file);
    const entry: ZircoliteEntry = { ...(meta.title !== undefined ? { title: meta.title } : {}), ...(meta.id !== undefined ? { id: meta.id } : {}), true_positive: [], true_negative: [] };
    for (const tc of file.cases) {
      if (tc.events.kind !== 'inline') {
        diagnostics.push({ code: 'zircolite-file-events', severity: 'warning', message: `${file.name ?? 'test'}: case ${tc.name ?? ''} reads events from a file; Zircolite tests hold events inline, so it is left out` });
        continue;
      }
      const events = tc.events.events;
      if (tc.minMatches !== undefined || tc.matchCount !== undefined) {
        entry.true_positive!.push(...structuredClone(events));
        continue;
      }
      const list: Array<Expectation | undefined> = Array.isArray(tc.expect) ? tc.expect : events.map(() => tc.expect as Expectation | undefined);
      events.forEach((ev, i) => (list[i]?.verdict === 'match' ? entry.true_positive! : entry.true_negative!).push(structuredClone(ev)));
    }
    out.push(entry);
  }
  return { text: JSON.stringify(out, null, 2) + '\n', diagnostics };
}
