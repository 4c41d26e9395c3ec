/**
 * Share links decoded where they cannot hold the page: small links (a rule, a few events) are
 * decoded at once, which is a few milliseconds; links above `OFF_THREAD_LINK_CHARS` are decoded
 * in a worker (app/lib/link-worker.ts), latest link wins.
 */
import { askLinkWorker } from './link-worker.ts';
import { linkStateFromDecoded, readLinkState, type LinkState } from './share.ts';

/** Above this many characters a link may unpack to megabytes: it is decoded in a worker. */
export const OFF_THREAD_LINK_CHARS = 16_000;

let latest = 0;

/** True when `hash` is decoded in a worker (`readLinkStateAsync`) rather than at once. */
export function decodesOffThread(hash: string): boolean {
  return hash.length > OFF_THREAD_LINK_CHARS;
}

/** The state a link carries, decoded off the main thread; undefined when a newer link superseded it. */
export async function readLinkStateAsync(hash: string): Promise<LinkState | undefined> {
  if (!decodesOffThread(hash)) return readLinkState(hash);
  const mine = ++latest;
  const { response, failure } = await askLinkWorker({ kind: 'decode', hash });
  if (mine !== latest) return undefined;
  if (response?.kind === 'decode') return linkStateFromDecoded(response.result);
  return { message: `This link could not be read (${failure ?? 'the decoder failed'}); nothing was loaded.` };
}
