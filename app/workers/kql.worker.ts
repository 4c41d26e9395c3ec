/**
 * Checks the previewed KQL with Microsoft's Kusto language service, off the main thread (the
 * service is 5 MB of script and its first analysis takes about half a second). Only the latest
 * request is answered: requests that queue up while one runs are dropped except the newest.
 */
import { getTarget, loadKustoLanguageService, validateKql, type Diagnostic } from '../../src/index.ts';

export interface KqlCheckRequest {
  id: number;
  query: string;
  targetId: string;
}
export interface KqlCheckResponse {
  id: number;
  diagnostics: Diagnostic[];
  error?: string;
}

let latest: KqlCheckRequest | undefined;
let busy = false;

async function drain(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (latest) {
      const req = latest;
      latest = undefined;
      let response: KqlCheckResponse;
      try {
        await loadKustoLanguageService();
        const target = getTarget(req.targetId);
        response = target
          ? { id: req.id, diagnostics: validateKql(req.query, target.tables) }
          : { id: req.id, diagnostics: [], error: `unknown target ${req.targetId}` };
      } catch (e) {
        response = { id: req.id, diagnostics: [], error: `The Kusto language service could not start: ${e instanceof Error ? e.message : String(e)}` };
      }
      // A newer request arrived meanwhile: its answer is the one that matters.
      if (!latest) self.postMessage(response);
    }
  } finally {
    busy = false;
  }
}

self.onmessage = (e: MessageEvent<KqlCheckRequest>) => {
  latest = e.data;
  void drain();
};
