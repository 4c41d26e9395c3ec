/**
 * Share links decoded where they cannot hold the page: small links (a rule, a few events) are
 * decoded at once, which is a few milliseconds; links above `OFF_THREAD_LINK_CHARS` are decoded
 * in a worker, latest link wins.
 */
import LinkWorker from '../workers/link.worker.ts?worker';
import type { DecodeResult } from '../../src/index.ts';
import { linkStateFromDecoded, readLinkState, type LinkState } from './share.ts';

/** Above this many characters a link may unpack to megabytes: it is decoded in a worker. */
export const OFF_THREAD_LINK_CHARS = 16_000;

let worker: Worker | undefined;
let latest = 0;

/** True when `hash` is decoded in a worker (`readLinkStateAsync`) rather than at once. */
export function decodesOffThread(hash: string): boolean {
  return hash.length > OFF_THREAD_LINK_CHARS;
}

/** The state a link carries, decoded off the main thread; undefined when a newer link superseded it. */
export function readLinkStateAsync(hash: string): Promise<LinkState | undefined> {
  if (!decodesOffThread(hash)) return Promise.resolve(readLinkState(hash));
  const id = ++latest;
  worker ??= new LinkWorker({ name: 'siglab-link' });
  const w = worker;
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent<{ id: number; result: DecodeResult }>) => {
      if (e.data.id < id) return;
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      if (e.data.id > id) return resolve(undefined);
      resolve(id === latest ? linkStateFromDecoded(e.data.result) : undefined);
    };
    const onError = (e: ErrorEvent) => {
      w.removeEventListener('message', onMessage);
      w.removeEventListener('error', onError);
      worker = undefined;
      resolve(id === latest ? { message: `This link could not be read (${e.message || 'the decoder failed'}); nothing was loaded.` } : undefined);
    };
    w.addEventListener('message', onMessage);
    w.addEventListener('error', onError);
    w.postMessage({ id, hash });
  });
}
