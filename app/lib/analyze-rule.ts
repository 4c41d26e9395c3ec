/**
 * Rule analysis on every keystroke (on the main thread, or in app/workers/analyze.worker.ts for very
 * large rules: app/lib/analyze-client.ts): load (YAML → rule model with
 * diagnostics) and compile to KQL for the selected target. Both are linear in the rule and take
 * a few milliseconds for SigmaHQ-sized rules (bench/app.bench.ts measures it); the language-service
 * check, which is slower, runs in a worker (app/workers/kql.worker.ts).
 */
import { compileRule, hasErrors, loadRules, type Diagnostic, type SigmaRule } from '../../src/index.ts';
import type { KqlPreview } from '../state/types.ts';
import { correlationPreview } from './correlation-preview.ts';
import type { RuleSettings } from './rule-settings.ts';

export interface RuleAnalysis {
  rule?: SigmaRule;
  /** Loader diagnostics followed by the compiler's (both positioned in the rule). */
  diagnostics: Diagnostic[];
  /** The rule itself is broken (not just untranslatable for this target): events cannot be judged by it. */
  ruleHasErrors: boolean;
  preview: KqlPreview;
}

/** `settings`: the user's field mapping (compiler) and placeholder values (loader and compiler). */
export function analyzeRule(text: string, targetId: string, settings: RuleSettings = {}): RuleAnalysis {
  const loaded = loadRules(text, { placeholders: settings.placeholders });
  const rule = loaded.rules[0];
  const diagnostics = [...loaded.diagnostics];
  // A correlation file: the preview is the correlation's query (app/lib/correlation-preview.ts).
  const correlation = rule ? correlationPreview(loaded, targetId, diagnostics, settings) : undefined;
  if (correlation) return { rule, diagnostics: correlation.diagnostics, ruleHasErrors: hasErrors(loaded.diagnostics), preview: correlation.preview };
  if (loaded.rules.length > 1) {
    diagnostics.push({
      code: 'several-rules',
      severity: 'info',
      message: `This text holds ${loaded.rules.length} rules; the preview and the events use the first one ('${rule.title}').`,
      range: loaded.rules[1].range,
    });
  }
  if (!rule) {
    if (!diagnostics.length) diagnostics.push({ code: 'no-rule', severity: 'info', message: 'No rule yet: write or paste a Sigma rule, or open one from Examples.' });
    return { diagnostics, ruleHasErrors: true, preview: { targetId, ok: false, query: '', diagnostics, sourceMap: [] } };
  }
  const compiled = compileRule(rule, targetId, { validate: false, mapping: settings.mapping, placeholders: settings.placeholders });
  const seen = new Set(diagnostics.map(key));
  const loaderSays = loaded.diagnostics;
  for (const d of compiled.diagnostics) if (!seen.has(key(d)) && !saidInside(loaderSays, d)) diagnostics.push(d);
  return {
    rule,
    diagnostics,
    ruleHasErrors: hasErrors(loaded.diagnostics),
    preview: {
      targetId,
      ok: compiled.ok && !hasErrors(loaded.diagnostics),
      query: compiled.query,
      table: compiled.table,
      diagnostics,
      sourceMap: compiled.sourceMap.map((s) => ({ start: s.start, end: s.end, range: s.range })),
    },
  };
}

/**
 * The compiler repeats some loader findings over a wider range (an unresolved `%placeholder%`:
 * the loader marks the token, the compiler the whole value); one marker is enough.
 */
function saidInside(loaded: readonly Diagnostic[], d: Diagnostic): boolean {
  const r = d.range;
  if (!r) return false;
  return loaded.some((x) => x.code === d.code && x.range !== undefined && x.range.start >= r.start && x.range.end <= r.end);
}

function key(d: Diagnostic): string {
  return `${d.code}@${d.range?.start ?? -1}:${d.range?.end ?? -1}`;
}
