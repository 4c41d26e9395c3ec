/**
 * The rule's identity above the editor: title, level, logsource (or, for a correlation file, the
 * correlation and its type), and DRL attribution for examples; the button opens the full card.
 */
import { useEffect, useState } from 'react';
import { useStore } from '../state/store.ts';
import { loadExampleIndex, type Example } from '../lib/examples.ts';
import { useHeadline } from '../lib/document-card.ts';
import { RuleCardDetails } from './RuleCardDetails.tsx';
import './rule-card.css';

const CARD_OPEN_KEY = 'siglab.rule-card-open';

export function RuleCard() {
  const head = useHeadline();
  const rule = head?.rule;
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
  const fromExample = example && rule?.id === example.id && head?.kind === 'rule';
  const title = head?.title || (head?.kind === 'correlation' ? 'Untitled correlation' : 'Untitled rule');
  return (
    <div className="rule-card">
      <div className="rule-card-text">
        <span className="rule-title" title={head?.description ? `${title}\n\n${head.description}` : title} data-testid="rule-headline" data-kind={head?.kind ?? 'rule'}>
          {title}
        </span>
        <div className="rule-card-sub">
          {head?.level && <span className={`level level-${head.level}`}>{head.level}</span>}
          {head?.chip && (
            <span className={`chip chip-quiet mono${head.kind !== 'rule' ? ' chip-kind' : ''}`} title={head.chipTitle}>
              {head.chip}
            </span>
          )}
          {fromExample && (
            <span className="rule-attr" title={`SigmaHQ rule ${example.id} by ${example.author}, under the Detection Rule License 1.1`}>
              <a href={example.source} target="_blank" rel="noreferrer noopener">
                SigmaHQ ↗
              </a>{' '}
              · DRL 1.1
            </span>
          )}
        </div>
      </div>
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
      {cardOpen && <RuleCardDetails onClose={() => setCardOpen(false)} />}
    </div>
  );
}
