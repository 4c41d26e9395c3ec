/**
 * The one share-link worker (app/workers/link.worker.ts) the decoder and the encoder share: a
 * request gets its answer by id. If the worker dies (it failed to load, ran out of memory), every
 * waiting request gets `undefined` with the reason, and the next request starts a new worker.
 */
import LinkWorker from '../workers/link.worker.ts?worker';
import type { LinkAsk, LinkResponse } from '../workers/link.worker.ts';

type Waiting = (answer: { response?: LinkResponse; failure?: string }) => void;

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

function start(): Worker {
  const w = new LinkWorker({ name: 'siglab-link' });
  w.onmessage = (e: MessageEvent<LinkResponse>) => {
    const done = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    done?.({ response: e.data });
  };
  w.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    if (worker === w) worker = undefined;
    w.terminate();
    const failure = e.message || 'the link worker stopped';
    const all = [...waiting.values()];
    waiting.clear();
    for (const done of all) done({ failure });
  };
  return w;
}

/** Sends one request; resolves with the worker's answer, or with `failure` when the worker died. */
export function askLinkWorker(request: LinkAsk): Promise<{ response?: LinkResponse; failure?: string }> {
  const id = ++nextId;
  worker ??= start();
  const w = worker;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    try {
      w.postMessage({ ...request, id });
    } catch (e) {
      // The state could not be cloned (it can always be: strings and numbers) or the worker is gone.
      waiting.delete(id);
      resolve({ failure: e instanceof Error ? e.message : String(e) });
    }
  });
}
