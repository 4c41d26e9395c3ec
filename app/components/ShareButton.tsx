/** The share button: writes the rule, target and events into a permalink (URL fragment) and copies it. */
import { useRef, useState } from 'react';
import { useStore } from '../state/store.ts';
import { copyText } from '../lib/clipboard.ts';
import { copyWhenReady } from '../lib/copy-when-ready.ts';
import { prepareShareLink } from '../lib/link-encoder.ts';
import type { ShareLink } from '../lib/share.ts';

/** A link that takes longer than this to encode (in the worker) shows "Preparing link…" meanwhile. */
const PREPARING_AFTER_MS = 150;

export function ShareButton() {
  const [state, setState] = useState<'idle' | 'preparing' | 'copied'>('idle');
  const showToast = useStore((s) => s.showToast);
  const latest = useRef(0);
  const share = async (ruleOnly = false) => {
    const mine = ++latest.current;
    const prepared = prepareShareLink(useStore.getState(), { ruleOnly });
    let result: ShareLink | undefined;
    let copying: Promise<boolean> | undefined;
    if (prepared instanceof Promise) {
      // The clipboard is claimed now, inside the click's user activation; the link fills it later.
      copying = copyWhenReady(prepared.then((r) => (r?.ok ? r.url : undefined)));
      const slow = setTimeout(() => mine === latest.current && setState('preparing'), PREPARING_AFTER_MS);
      result = await prepared;
      clearTimeout(slow);
      // A newer click superseded this one: that click reports.
      if (!result || mine !== latest.current) return;
      setState('idle');
    } else {
      result = prepared;
    }
    if (!result.ok) {
      // (A pending clipboard write was given no text: it copies nothing.)
      showToast(
        result.ruleOnlyOffer ? `${result.message} Share the rule and target without them?` : result.message,
        result.ruleOnlyOffer ? { label: 'Copy a rule-only link', run: () => void share(true) } : undefined,
      );
      return;
    }
    history.replaceState(null, '', result.url);
    const copied = await (copying ?? copyText(result.url));
    if (mine !== latest.current) return;
    if (result.message) showToast(result.message);
    else if (!copied) showToast('The link is in the address bar; copying it failed, copy it from there.');
    setState(copied ? 'copied' : 'idle');
    if (copied) setTimeout(() => mine === latest.current && setState('idle'), 1600);
  };
  return (
    <button
      className="btn btn-primary"
      data-testid="share-button"
      aria-busy={state === 'preparing'}
      onClick={() => void share()}
      title="Copy a link with this rule, target and events (nothing is uploaded: all of it is in the link)"
    >
      {state === 'copied' ? '✓ Link copied' : state === 'preparing' ? 'Preparing link…' : 'Share'}
    </button>
  );
}
