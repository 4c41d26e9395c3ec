/**
 * Where a rule is analysed. Loading and compiling grow with the rule: SigmaHQ-sized rules take a
 * few milliseconds and are analysed on the main thread, so the preview follows each keystroke
 * with no round trip; a rule of SigmaHQ's largest kind (the 4,432-hash list, ~300 KB) takes about
 * 100 ms, over the page's 50 ms budget, so texts from `OFF_THREAD_CHARS` on go to a worker and the
 * newest request wins (app/workers/analyze.worker.ts).
 *
 * The worker answers in two messages (the rule, then the preview with a packed source map):
 * reading each is a task of its own here, and the analysis is handed on once both are in.
 */
import AnalyzeWorker from '../workers/analyze.worker.ts?worker';
import type { AnalyzeRequest, AnalyzeResponse } from '../workers/analyze.worker.ts';
import { unpackSourceMap } from '../workers/source-map-transfer.ts';
import type { RuleAnalysis } from './analyze-rule.ts';
import type { RuleSettings } from './rule-settings.ts';

export const OFF_THREAD_CHARS = 32_000;

let worker: Worker | undefined;
let latest = 0;
let onAnswer: ((a: RuleAnalysis) => void) | undefined;
/** The rule of the newest request, read from the first of its two messages. */
let pendingRule: { id: number; rule: RuleAnalysis['rule'] } | undefined;

function receive(m: AnalyzeResponse): void {
  if (m.part === 'rule') {
    pendingRule = { id: m.id, rule: m.rule };
    return;
  }
  if (pendingRule?.id !== m.id) return;
  const { rule } = pendingRule;
  pendingRule = undefined;
  onAnswer?.({ ...m.analysis, rule, preview: { ...m.analysis.preview, sourceMap: unpackSourceMap(m.sourceMap) } });
}

export function analyzeOffThread(text: string, targetId: string, done: (a: RuleAnalysis) => void, settings: RuleSettings = {}): void {
  const id = ++latest;
  onAnswer = done;
  if (!worker) {
    worker = new AnalyzeWorker({ name: 'siglab-analyze' });
    worker.onmessage = (e: MessageEvent<AnalyzeResponse>) => {
      // An answer to an older text (or one a synchronous analysis has since replaced) is dropped.
      if (e.data.id === latest) receive(e.data);
    };
  }
  const request: AnalyzeRequest = { id, text, targetId, settings };
  worker.postMessage(request);
}

/** A synchronous analysis replaced whatever the worker is still doing. */
export function dropOffThreadAnalysis(): void {
  latest++;
  pendingRule = undefined;
}
