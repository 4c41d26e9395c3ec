/** The share button: writes the rule, target and events into a permalink (URL fragment) and copies it. */
import { useState } from 'react';
import { useStore } from '../state/store.ts';
import { copyText } from '../lib/clipboard.ts';
import { buildShareLink } from '../lib/share.ts';

export function ShareButton() {
  const [state, setState] = useState<'idle' | 'copied'>('idle');
  const showToast = useStore((s) => s.showToast);
  const share = async (ruleOnly = false) => {
    const result = buildShareLink(useStore.getState(), { ruleOnly });
    if (!result.ok) {
      showToast(
        result.ruleOnlyOffer ? `${result.message} Share the rule and target without them?` : result.message,
        result.ruleOnlyOffer ? { label: 'Copy a rule-only link', run: () => void share(true) } : undefined,
      );
      return;
    }
    history.replaceState(null, '', result.url);
    const copied = await copyText(result.url);
    if (result.message) showToast(result.message);
    else if (!copied) showToast('The link is in the address bar; copying it failed, copy it from there.');
    setState(copied ? 'copied' : 'idle');
    if (copied) setTimeout(() => setState('idle'), 1600);
  };
  return (
    <button className="btn btn-primary" data-testid="share-button" onClick={() => void share()} title="Copy a link with this rule, target and events (nothing is uploaded: all of it is in the link)">
      {state === 'copied' ? '✓ Link copied' : 'Share'}
    </button>
  );
}
