/**
 * The rule as a SOC analyst reads it (src/rule-card.ts, src/document-card.ts): for a correlation
 * file the correlation first (when it fires, type, group-by, timespan, condition, the rules it
 * correlates), for meta filters what they exclude and from which rules; then what it detects, how bad, who wrote it,
 * ATT&CK tactics and techniques with names and links, CVEs and other tags, the table each target
 * queries (and the Sentinel connectors that bring it), false positives, references, related rules.
 * Shown in a drawer over the editor's right edge; links open in a new tab, only http(s) ones.
 */
import { type ReactNode } from 'react';
import { useStore } from '../state/store.ts';
import type { RuleCard as Card } from '../../src/rule-card.ts';
import type { CorrelationCard, FilterCard } from '../../src/document-card.ts';
import { useDocumentCard } from '../lib/document-card.ts';
import './tests.css';

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="rc-section" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

function ExtLink({ href, children, title }: { href: string; children: ReactNode; title?: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer noopener" title={title ?? href}>
      {children}
    </a>
  );
}

function Level({ level }: { level?: string }) {
  return level ? <span className={`level level-${level}`}>{level}</span> : null;
}

/** One correlation: when it fires, in a sentence, then its parts and the rules it correlates. */
function CorrelationBlock({ c, nested }: { c: CorrelationCard; nested?: boolean }) {
  return (
    <div className={`rc-corr${nested ? ' rc-corr-nested' : ''}`} data-testid="rule-card-correlation">
      {nested && (
        <div className="rc-corr-title">
          {c.title} <Level level={c.level} />
        </div>
      )}
      <p className="rc-fires" data-testid="rule-card-fires">
        {c.summary}
      </p>
      <dl className="rc-meta">
        <dt>Type</dt>
        <dd>
          {c.typeLabel} {c.type && <span className="mono dim">({c.type})</span>}
        </dd>
        <dt>Group by</dt>
        <dd className="mono">{c.groupBy.length ? c.groupBy.join(', ') : <span className="dim">(none: all events together)</span>}</dd>
        <dt>Timespan</dt>
        <dd>{c.timespan ? <>{c.timespan.words} <span className="mono dim">({c.timespan.text})</span></> : <span className="dim">(missing)</span>}</dd>
        <dt>Condition</dt>
        <dd className="mono">{c.condition}</dd>
        {c.aliases.length > 0 && (
          <>
            <dt>Aliases</dt>
            <dd className="mono">{c.aliases.map((a) => `${a.alias} = ${a.fields.map((f) => `${f.rule}.${f.field}`).join(' | ')}`).join('; ')}</dd>
          </>
        )}
      </dl>
      <ul className="rc-corr-rules" data-testid="rule-card-correlated-rules" aria-label={`Rules correlated by ${c.title}`}>
        {c.rules.map((r, i) => (
          <li key={`${r.ref}-${i}`} className={`rc-corr-rule rc-corr-${r.kind}`}>
            <span className="rc-corr-order" aria-hidden>
              {c.type === 'temporal_ordered' ? `${i + 1}.` : '•'}
            </span>
            <span className="rc-corr-name">{r.title ?? <span className="rc-warn">{r.ref} — not in this file</span>}</span>
            <Level level={r.level} />
            <span className="rc-corr-what mono dim" title={r.kind === 'rule' ? 'logsource' : r.kind === 'correlation' ? 'a correlation (chained)' : undefined}>
              {r.kind === 'rule' ? r.logsource : r.kind === 'correlation' ? `correlation · ${r.correlationType ?? '?'}` : ''}
            </span>
          </li>
        ))}
      </ul>
      {c.generate && <p className="rc-note">generate: the correlated rules also alert on their own.</p>}
    </div>
  );
}

function FilterBlock({ f }: { f: FilterCard }) {
  return (
    <li className="rc-filter" data-testid="rule-card-filter">
      <div className="rc-corr-title">{f.title}</div>
      {f.description && <p className="rc-desc">{f.description}</p>}
      <div className="rc-filter-line">
        <span className="dim">Removes events where</span> <code className="mono">{f.condition}</code> <span className="dim">holds:</span>
      </div>
      <ul className="rc-list mono rc-excludes">
        {f.excludes.map((x, i) => (
          <li key={i}>{x}</li>
        ))}
      </ul>
      <div className="dim rc-filter-for">
        From these rules (filter logsource <span className="mono">{f.logsource}</span>):
      </div>
      <ul className="rc-corr-rules">
        {f.rules.map((r, i) => (
          <li key={`${r.ref}-${i}`} className="rc-corr-rule">
            <span className="rc-corr-name">{r.title ?? <span className="mono">{r.ref}</span>}</span>
            <Level level={r.level} />
            <span className={`rc-filter-state rc-filter-${r.state}`}>
              {r.state === 'applied' ? 'applied' : r.state === 'logsource' ? 'not applied: other logsource' : 'not in this file'}
            </span>
          </li>
        ))}
      </ul>
    </li>
  );
}

export function RuleCardDetails({ onClose }: { onClose: () => void }) {
  const targetId = useStore((s) => s.targetId);
  const doc = useDocumentCard();
  const card: Card | undefined = doc?.card;

  return (
    <aside className="rc-pop" data-testid="rule-card" aria-label="Rule card" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="rc-head">
        <span className="rc-head-label">{doc?.kind === 'correlation' ? 'Correlation card' : doc?.kind === 'filter' ? 'Filter card' : 'Rule card'}</span>
        <span className="spacer" />
        <button className="btn btn-ghost btn-sm btn-icon" onClick={onClose} aria-label="Close the rule card" data-testid="rule-card-close">
          ✕
        </button>
      </div>
      {!card || !doc ? (
        <p className="rc-empty">The rule does not load yet; the card shows once it does.</p>
      ) : (
        <div className="rc-body">
          <h2 className="rc-title" data-testid="rule-card-title">
            {card.title || (doc.kind === 'correlation' ? 'Untitled correlation' : 'Untitled rule')}
          </h2>
          <div className="rc-badges">
            {doc.kind !== 'rule' && <span className="rc-status rc-kind">{doc.kind}</span>}
            {card.level && <span className={`level level-${card.level}`}>{card.level}</span>}
            {card.status && <span className={`rc-status rc-status-${card.status}`}>{card.status}</span>}
            <span className="chip chip-quiet mono" title="logsource">
              {card.logsource.text}
            </span>
          </div>
          {card.description && <p className="rc-desc">{card.description}</p>}
          {doc.correlations.length > 0 && (
            <Section title="When it fires" testId="rule-card-correlations">
              <CorrelationBlock c={doc.correlations[0]} />
              {doc.correlations.length > 1 && (
                <>
                  <h3 className="rc-subhead">{doc.correlations.length === 2 ? 'Chained correlation' : `Other correlations (${doc.correlations.length - 1})`}</h3>
                  {doc.correlations.slice(1).map((c, i) => (
                    <CorrelationBlock key={i} c={c} nested />
                  ))}
                </>
              )}
            </Section>
          )}
          {doc.filters.length > 0 && (
            <Section title={doc.filters.length === 1 ? 'Meta filter' : `Meta filters (${doc.filters.length})`} testId="rule-card-filters">
              <ul className="rc-filters">
                {doc.filters.map((f, i) => (
                  <FilterBlock key={i} f={f} />
                ))}
              </ul>
            </Section>
          )}
          <dl className="rc-meta">
            {card.author && (
              <>
                <dt>Author</dt>
                <dd>{card.author}</dd>
              </>
            )}
            {(card.date || card.modified) && (
              <>
                <dt>Dates</dt>
                <dd>
                  {card.date && <span>created {card.date}</span>}
                  {card.date && card.modified && ' · '}
                  {card.modified && <span>modified {card.modified}</span>}
                </dd>
              </>
            )}
            {card.id && (
              <>
                <dt>Id</dt>
                <dd className="mono rc-id">{card.id}</dd>
              </>
            )}
            {card.license && (
              <>
                <dt>License</dt>
                <dd>{card.license}</dd>
              </>
            )}
          </dl>

          {(card.tactics.length > 0 || card.techniques.length > 0 || card.unknownAttackTags.length > 0) && (
            <Section title="MITRE ATT&CK" testId="rule-card-attack">
              {card.tactics.length > 0 && (
                <ul className="rc-tags">
                  {card.tactics.map((t) => (
                    <li key={t.id} className="rc-tactic">
                      <ExtLink href={t.url} title={`${t.id} · ${t.tag}`}>
                        {t.name}
                      </ExtLink>
                      <span className="mono dim"> {t.id}</span>
                    </li>
                  ))}
                </ul>
              )}
              {card.techniques.length > 0 && (
                <ul className="rc-list">
                  {card.techniques.map((t) => (
                    <li key={t.id}>
                      <ExtLink href={t.url} title={t.tag}>
                        <span className="mono rc-tid">{t.id}</span> {t.fullName}
                      </ExtLink>
                    </li>
                  ))}
                </ul>
              )}
              {card.unknownAttackTags.length > 0 && (
                <p className="rc-warn">
                  ▲ Not in the shipped ATT&CK table (typo, or newer than the table): <span className="mono">{card.unknownAttackTags.join(', ')}</span>
                </p>
              )}
            </Section>
          )}

          {(card.cves.length > 0 || card.car.length > 0 || card.attackOther.length > 0 || card.otherTags.length > 0) && (
            <Section title="Tags" testId="rule-card-tags">
              <ul className="rc-tags">
                {card.cves.map((c) => (
                  <li key={c.tag} className="rc-cve">
                    <ExtLink href={c.url}>{c.id}</ExtLink>
                  </li>
                ))}
                {card.attackOther.map((c) => (
                  <li key={c.tag}>
                    <ExtLink href={c.url} title={`${c.kind} · ${c.tag}`}>
                      {c.id}
                    </ExtLink>
                  </li>
                ))}
                {card.car.map((c) => (
                  <li key={c.tag}>
                    <ExtLink href={c.url}>{c.id}</ExtLink>
                  </li>
                ))}
                {card.otherTags.map((t) => (
                  <li key={t.tag} className="mono">
                    {t.tag}
                  </li>
                ))}
              </ul>
            </Section>
          )}

          <Section title="Data sources" testId="rule-card-sources">
            <ul className="rc-sources">
              {card.dataSources.map((d) => (
                <li key={d.target} className={`${d.supported ? '' : 'rc-unsupported'}${d.target === targetId ? ' rc-current' : ''}`}>
                  <div className="rc-source-head">
                    <span className="rc-source-target">{d.targetLabel}</span>
                    {d.supported ? <span className="chip mono">{d.table}</span> : <span className="rc-no">not available</span>}
                  </div>
                  {d.where.length > 0 && <code className="rc-where">where {d.where.join(' and ')}</code>}
                  {d.connectors.length > 0 && (
                    <div className="rc-connectors">
                      Connector{d.connectors.length === 1 ? '' : 's'}: {d.connectors.map((c) => c.connectorId).join(', ')}
                    </div>
                  )}
                  {d.message && <div className="rc-note">{d.message}</div>}
                </li>
              ))}
            </ul>
          </Section>

          {card.falsepositives.length > 0 && (
            <Section title="False positives" testId="rule-card-fps">
              <ul className="rc-list">
                {card.falsepositives.map((f, i) => (
                  <li key={i}>{f}</li>
                ))}
              </ul>
            </Section>
          )}

          {card.references.length > 0 && (
            <Section title="References" testId="rule-card-refs">
              <ul className="rc-list rc-refs">
                {card.references.map((r, i) => (
                  <li key={i}>{r.url ? <ExtLink href={r.url}>{r.text}</ExtLink> : <span>{r.text}</span>}</li>
                ))}
              </ul>
            </Section>
          )}

          {card.related.length > 0 && (
            <Section title="Related rules" testId="rule-card-related">
              <ul className="rc-list">
                {card.related.map((r) => (
                  <li key={`${r.type}:${r.id}`}>
                    <span className="rc-rel-type">{r.type}</span> <span className="mono">{r.id}</span>
                  </li>
                ))}
              </ul>
            </Section>
          )}
        </div>
      )}
    </aside>
  );
}
