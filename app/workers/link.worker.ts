/**
 * Share links off the main thread. Decoding a large link (inflating and checking up to 16 MiB of
 * state) takes hundreds of milliseconds; encoding one (deflating up to 4 MB of events) tens to
 * hundreds. app/lib/link-decoder.ts and app/lib/link-encoder.ts send only large links here.
 */
import { decodePermalink, encodePermalink, MAX_LINK_CHARS, type DecodeResult, type ShareState } from '../../src/share/permalink.ts';

/** What the page asks; it adds an `id` (app/lib/link-worker.ts) that comes back with the answer. */
export type LinkAsk = { kind: 'decode'; hash: string } | { kind: 'encode'; state: ShareState };
export type LinkRequest = LinkAsk & { id: number };

/**
 * `fragment` is left out when it is longer than a link may be (`MAX_LINK_CHARS`): the page only
 * needs its length then, and copying megabytes back would cost the main thread for nothing.
 */
export type EncodeAnswer = { fragment?: string; length: number } | { error: string };

export type LinkResponse = { id: number; kind: 'decode'; result: DecodeResult } | { id: number; kind: 'encode'; answer: EncodeAnswer };

const reply = (r: LinkResponse) => (self as unknown as Worker).postMessage(r);

self.onmessage = (ev: MessageEvent<LinkRequest>) => {
  const req = ev.data;
  if (req.kind === 'encode') {
    let answer: EncodeAnswer;
    try {
      const fragment = encodePermalink(req.state);
      answer = fragment.length > MAX_LINK_CHARS ? { length: fragment.length } : { fragment, length: fragment.length };
    } catch (e) {
      answer = { error: e instanceof Error ? e.message : String(e) };
    }
    return reply({ id: req.id, kind: 'encode', answer });
  }
  let result: DecodeResult;
  try {
    result = decodePermalink(req.hash);
  } catch (e) {
    result = { diagnostics: [{ code: 'link-corrupt', severity: 'error', message: `This link could not be read (${e instanceof Error ? e.message : String(e)}); nothing was loaded.` }] };
  }
  reply({ id: req.id, kind: 'decode', result });
};
