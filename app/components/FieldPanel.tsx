/** Every field path found in the events, and the rule's fields that appear in none of them. */
import { useMemo, useState } from 'react';
import { useStore } from '../state/store.ts';
import { formatCount } from '../lib/format.ts';

export function FieldPanel() {
  const load = useStore((s) => s.load);
  const ruleFields = useStore((s) => s.ruleFields);
  const [q, setQ] = useState('');
  const total = load?.count ?? 0;
  const paths = useMemo(() => {
    const all = load?.fieldPaths ?? [];
    const needle = q.trim().toLowerCase();
    return needle ? all.filter((p) => p.path.toLowerCase().includes(needle)) : all;
  }, [load, q]);
  const used = new Set(ruleFields.map((f) => f.field.toLowerCase()));
  return (
    <div className="field-panel" data-testid="field-panel">
      <div className="field-col">
        <h3>Rule fields</h3>
        {ruleFields.length === 0 && <p className="dim">The rule uses no fields (keyword search or no rule).</p>}
        <ul className="field-list">
          {ruleFields.map((f) => (
            <li key={f.field} className={f.present === 0 && total > 0 ? 'field-missing' : ''} data-testid="rule-field">
              <span className="mono">{f.field}</span>
              <span className="field-count">
                {f.present === 0 && total > 0 ? '▲ in no event' : `${formatCount(f.present)} / ${formatCount(total)}`}
              </span>
            </li>
          ))}
        </ul>
      </div>
      <div className="field-col field-col-wide">
        <h3>
          Fields in the events <span className="dim">({formatCount(load?.fieldPaths.length ?? 0)})</span>
        </h3>
        <input className="field-search" placeholder="Filter fields" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Filter field paths" />
        <ul className="field-list field-list-paths">
          {paths.slice(0, 2000).map((p) => (
            <li key={p.path} className={used.has(p.path.toLowerCase()) ? 'field-used' : ''} title={p.sample !== undefined ? `e.g. ${p.sample}` : undefined}>
              <span className="mono">{p.path}</span>
              <span className="field-bar" aria-hidden>
                <span style={{ width: `${total ? Math.max(2, Math.round((p.count / total) * 100)) : 0}%` }} />
              </span>
              <span className="field-count">{formatCount(p.count)}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
