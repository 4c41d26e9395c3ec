/**
 * Share links encoded where they cannot hold the page: deflating 2,000 events takes 30-40 ms and
 * grows with the events up to the 4 MB that are tried (issue 4: no input blocks the main thread
 * for more than 50 ms). Small states are encoded at once (a few milliseconds); larger ones in the
 * link worker (app/lib/link-worker.ts), newest request wins.
 */
import { encodePermalink, type ShareState } from '../../src/index.ts';
import type { AppState } from '../state/store.ts';
import { askLinkWorker } from './link-worker.ts';
import { draftShareLink, finishShareLink, type ShareLink } from './share.ts';

/** Up to this many characters of text, encoding takes a few milliseconds: it is done at once. */
export const OFF_THREAD_SHARE_CHARS = 32_000;

let latest = 0;

const textSize = (s: ShareState) => s.rule.length + (s.events?.length ?? 0) + (s.mapping?.length ?? 0) + (s.placeholders?.length ?? 0);

/**
 * The share link for the state at the call: at once for a small state, else a promise of it
 * (undefined when a newer call superseded it). The state is read at the call: what is shared is
 * what was on screen when the user clicked.
 */
export function prepareShareLink(s: AppState, options: { ruleOnly?: boolean } = {}): ShareLink | Promise<ShareLink | undefined> {
  const mine = ++latest;
  const draft = draftShareLink(s, options);
  if (!draft.ok) return draft;
  if (textSize(draft.state) <= OFF_THREAD_SHARE_CHARS) {
    const fragment = encodePermalink(draft.state);
    return finishShareLink(draft, fragment, fragment.length);
  }
  return askLinkWorker({ kind: 'encode', state: draft.state }).then(({ response, failure }) => {
    if (mine !== latest) return undefined;
    if (response?.kind !== 'encode' || 'error' in response.answer) {
      const why = response?.kind === 'encode' && 'error' in response.answer ? response.answer.error : (failure ?? 'the link worker did not answer');
      return { ok: false, message: `The link could not be prepared (${why}); nothing was copied. Try Share again.` };
    }
    return finishShareLink(draft, response.answer.fragment, response.answer.length);
  });
}
