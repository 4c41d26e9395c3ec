/**
 * The rule as a SOC analyst reads it (src/rule-card.ts): what it detects, how bad, who wrote it,
 * ATT&CK tactics and techniques with names and links, CVEs and other tags, the table each target
 * queries (and the Sentinel connectors that bring it), false positives, references, related rules.
 * Shown in a drawer over the editor's right edge; links open in a new tab, only http(s) ones.
 */
import { useMemo, type ReactNode } from 'react';
import { useStore } from '../state/store.ts';
import { ruleCard, type RuleCard as Card } from '../../src/rule-card.ts';
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

export function RuleCardDetails({ onClose }: { onClose: () => void }) {
  const rule = useStore((s) => s.rule);
  const targetId = useStore((s) => s.targetId);
  const card: Card | undefined = useMemo(() => {
    if (!rule) return undefined;
    try {
      return ruleCard(rule);
    } catch {
      return undefined;
    }
  }, [rule]);

  return (
    <aside className="rc-pop" data-testid="rule-card" aria-label="Rule card" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div className="rc-head">
        <span className="rc-head-label">Rule card</span>
        <span className="spacer" />
        <button className="btn btn-ghost btn-sm btn-icon" onClick={onClose} aria-label="Close the rule card" data-testid="rule-card-close">
          ✕
        </button>
      </div>
      {!card ? (
        <p className="rc-empty">The rule does not load yet; the card shows once it does.</p>
      ) : (
        <div className="rc-body">
          <h2 className="rc-title" data-testid="rule-card-title">
            {card.title || 'Untitled rule'}
          </h2>
          <div className="rc-badges">
            {card.level && <span className={`level level-${card.level}`}>{card.level}</span>}
            {card.status && <span className={`rc-status rc-status-${card.status}`}>{card.status}</span>}
            <span className="chip chip-quiet mono" title="logsource">
              {card.logsource.text}
            </span>
          </div>
          {card.description && <p className="rc-desc">{card.description}</p>}
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
