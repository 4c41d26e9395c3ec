/** The page side of the Kusto language-service worker. */
import KqlWorker from '../workers/kql.worker.ts?worker';
import type { KqlCheckRequest, KqlCheckResponse } from '../workers/kql.worker.ts';
import { useStore } from '../state/store.ts';

let worker: Worker | undefined;
let seq = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

export function checkKql(query: string, targetId: string): void {
  const id = ++seq;
  clearTimeout(timer);
  useStore.getState().setKqlDiagnostics([], true);
  // Debounced: the check is cheap once warm, but typing bursts need only the final answer.
  timer = setTimeout(() => {
    if (!worker) {
      worker = new KqlWorker({ name: 'siglab-kusto' });
      worker.onmessage = (e: MessageEvent<KqlCheckResponse>) => {
        if (e.data.id !== seq) return;
        const diags = e.data.error ? [{ code: 'kusto-unavailable', severity: 'warning' as const, message: e.data.error }] : e.data.diagnostics;
        useStore.getState().setKqlDiagnostics(diags, false);
      };
    }
    const req: KqlCheckRequest = { id, query, targetId };
    worker.postMessage(req);
  }, 120);
}

export function cancelKqlCheck(): void {
  seq++;
  clearTimeout(timer);
  useStore.getState().setKqlDiagnostics([], false);
}
