/**
 * Rule analysis (load + compile, app/lib/analyze-rule.ts) for large rules, off the main thread.
 * The page side is app/lib/analyze-client.ts; only the newest request's answer is used there.
 */
import { analyzeRule, type RuleAnalysis } from '../lib/analyze-rule.ts';

export interface AnalyzeRequest {
  id: number;
  text: string;
  targetId: string;
}

export interface AnalyzeResponse {
  id: number;
  analysis: RuleAnalysis;
}

self.onmessage = (e: MessageEvent<AnalyzeRequest>) => {
  const { id, text, targetId } = e.data;
  const response: AnalyzeResponse = { id, analysis: analyzeRule(text, targetId) };
  (self as unknown as Worker).postMessage(response);
};
