/**
 * The KQL preview of a rule file with correlations: the query of its outermost correlation
 * (base rules and chained correlations included as `let` statements), with the compiler's
 * window warning among the diagnostics. Used by app/lib/analyze-rule.ts.
 */
import { compileCorrelation, standaloneQueries } from '../../src/kql/correlation.ts';
import { hasErrors, type Diagnostic, type LoadResult } from '../../src/index.ts';
import type { KqlPreview } from '../state/types.ts';
import type { RuleSettings } from './rule-settings.ts';

export function correlationPreview(loaded: LoadResult, targetId: string, loadDiagnostics: Diagnostic[], settings: RuleSettings = {}): { preview: KqlPreview; diagnostics: Diagnostic[] } | undefined {
  const correlations = loaded.correlations ?? [];
  if (!correlations.length) return undefined;
  const outer = standaloneQueries(loaded).correlations;
  const index = outer[0] ?? 0;
  const compiled = compileCorrelation(loaded, index, targetId, { validate: false, mapping: settings.mapping, placeholders: settings.placeholders });
  const diagnostics = [...loadDiagnostics];
  const seen = new Set(diagnostics.map((d) => `${d.code}@${d.range?.start ?? -1}`));
  for (const d of compiled.diagnostics) if (!seen.has(`${d.code}@${d.range?.start ?? -1}`)) diagnostics.push(d);
  if (outer.length > 1) {
    const other = correlations[outer[1]];
    diagnostics.push({
      code: 'several-correlations',
      severity: 'info',
      message: `This file holds ${outer.length} independent correlations; the preview shows the first ('${correlations[index].title}'), the events view evaluates all of them.`,
      range: other.range,
    });
  }
  return {
    diagnostics,
    preview: {
      targetId,
      ok: compiled.ok && !hasErrors(loadDiagnostics),
      query: compiled.query,
      diagnostics,
      sourceMap: compiled.sourceMap.map((s) => ({ start: s.start, end: s.end, range: s.range })),
    },
  };
}
