/**
 * Rule analysis (load + compile, app/lib/analyze-rule.ts) for large rules, off the main thread.
 * The page side is app/lib/analyze-client.ts; only the newest request's answer is used there.
 *
 * The answer goes in two messages because the page pays for a structured clone when it reads it,
 * in one task: the rule model of a 4,500-value rule is ~30,000 objects (~15 ms to rebuild on a
 * quiet machine) and its source map another ~9,000. The rule comes first, on its own; then the
 * preview, with its source map packed into a transferred Int32Array (app/workers/source-map-transfer.ts),
 * so neither task on the page comes near the 50 ms budget.
 */
import { analyzeRule, type RuleAnalysis } from '../lib/analyze-rule.ts';
import type { RuleSettings } from '../lib/rule-settings.ts';
import { packSourceMap } from './source-map-transfer.ts';

export interface AnalyzeRequest {
  id: number;
  text: string;
  targetId: string;
  /** The user's field mapping and placeholder values (app/lib/rule-settings.ts). */
  settings?: RuleSettings;
}

export type AnalyzeResponse =
  | { id: number; part: 'rule'; rule: RuleAnalysis['rule'] }
  | { id: number; part: 'rest'; analysis: Omit<RuleAnalysis, 'rule'>; sourceMap: Int32Array };

const post = (m: AnalyzeResponse, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = (e: MessageEvent<AnalyzeRequest>) => {
  const { id, text, targetId, settings } = e.data;
  const { rule, ...rest } = analyzeRule(text, targetId, settings);
  post({ id, part: 'rule', rule });
  const sourceMap = packSourceMap(rest.preview.sourceMap);
  post({ id, part: 'rest', analysis: { ...rest, preview: { ...rest.preview, sourceMap: [] } }, sourceMap }, [sourceMap.buffer]);
};
