/** The rule's identity above the editor: title, level, status, logsource, and DRL attribution for examples. */
import { useEffect, useState } from 'react';
import { useStore } from '../state/store.ts';
import { loadExampleIndex, type Example } from '../lib/examples.ts';
import { RuleCardDetails } from './RuleCardDetails.tsx';

const CARD_OPEN_KEY = 'siglab.rule-card-open';

export function RuleCard() {
  const rule = useStore((s) => s.rule);
  const slug = useStore((s) => s.exampleSlug);
  const [example, setExample] = useState<Example | undefined>();
  const [cardOpen, setCardOpenState] = useState(() => {
    try {
      return localStorage.getItem(CARD_OPEN_KEY) === '1';
    } catch {
      return false;
    }
  });
  const setCardOpen = (open: boolean) => {
    setCardOpenState(open);
    try {
      localStorage.setItem(CARD_OPEN_KEY, open ? '1' : '0');
    } catch {
      /* private mode: the choice lasts for this page only */
    }
  };
  useEffect(() => {
    if (!slug) return setExample(undefined);
    void loadExampleIndex().then((i) => setExample(i.examples.find((e) => e.slug === slug)));
  }, [slug]);
  const ls = rule?.logsource;
  const fromExample = example && rule?.id === example.id;
  return (
    <div className="rule-card">
      <div className="rule-card-main">
        <span className="rule-title" title={rule?.description}>{rule?.title || 'Untitled rule'}</span>
        {rule?.level && <span className={`level level-${rule.level}`}>{rule.level}</span>}
        {ls && (ls.product || ls.category || ls.service) && (
          <span className="chip chip-quiet mono" title="logsource">
            {[ls.product, ls.category, ls.service].filter(Boolean).join(' / ')}
          </span>
        )}
        <button
          className={`btn btn-ghost btn-sm rule-card-toggle${cardOpen ? ' is-active' : ''}`}
          aria-expanded={cardOpen}
          onClick={() => setCardOpen(!cardOpen)}
          data-testid="rule-card-toggle"
          title="The rule card: ATT&CK, data sources, false positives, references"
        >
          <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden>
            <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
            <path d="M8 7.2v4" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
            <circle cx="8" cy="4.9" r="0.95" fill="currentColor" />
          </svg>
          Card
        </button>
      </div>
      {cardOpen && <RuleCardDetails onClose={() => setCardOpen(false)} />}
      {fromExample && (
        <div className="rule-attr">
          SigmaHQ rule by {example.author} ·{' '}
          <a href={example.source} target="_blank" rel="noreferrer noopener">
            {example.id.slice(0, 8)}… ↗
          </a>{' '}
          · DRL 1.1
        </div>
      )}
    </div>
  );
}
