/**
 * Decodes a large share link off the main thread: inflating and checking up to 16 MiB of state
 * takes hundreds of milliseconds (app/lib/link-decoder.ts sends only links above a size here).
 */
import { decodePermalink, type DecodeResult } from '../../src/index.ts';

self.onmessage = (ev: MessageEvent<{ id: number; hash: string }>) => {
  const { id, hash } = ev.data;
  let result: DecodeResult;
  try {
    result = decodePermalink(hash);
  } catch (e) {
    result = { diagnostics: [{ code: 'link-corrupt', severity: 'error', message: `This link could not be read (${e instanceof Error ? e.message : String(e)}); nothing was loaded.` }] };
  }
  (self as unknown as Worker).postMessage({ id, result });
};
