/**
 * Where a rule is analysed. Loading and compiling grow with the rule: SigmaHQ-sized rules take a
 * few milliseconds and are analysed on the main thread, so the preview follows each keystroke
 * with no round trip; a rule of SigmaHQ's largest kind (the 4,432-hash list, ~300 KB) takes about
 * 100 ms, over the page's 50 ms budget, so texts from `OFF_THREAD_CHARS` on go to a worker and the
 * newest request wins (app/workers/analyze.worker.ts).
 */
import AnalyzeWorker from '../workers/analyze.worker.ts?worker';
import type { AnalyzeRequest, AnalyzeResponse } from '../workers/analyze.worker.ts';
import type { RuleAnalysis } from './analyze-rule.ts';

export const OFF_THREAD_CHARS = 32_000;

let worker: Worker | undefined;
let latest = 0;
let onAnswer: ((a: RuleAnalysis) => void) | undefined;

export function analyzeOffThread(text: string, targetId: string, done: (a: RuleAnalysis) => void): void {
  const id = ++latest;
  onAnswer = done;
  if (!worker) {
    worker = new AnalyzeWorker({ name: 'siglab-analyze' });
    worker.onmessage = (e: MessageEvent<AnalyzeResponse>) => {
      // An answer to an older text (or one a synchronous analysis has since replaced) is dropped.
      if (e.data.id === latest) onAnswer?.(e.data.analysis);
    };
  }
  const request: AnalyzeRequest = { id, text, targetId };
  worker.postMessage(request);
}

/** A synchronous analysis replaced whatever the worker is still doing. */
export function dropOffThreadAnalysis(): void {
  latest++;
}
