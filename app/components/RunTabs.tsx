/**
 * The events panel's extra tabs: "Query" (the compiled KQL run over the rows, KqlRunView) and
 * "Correlations" (CorrelationView, when the rule file has correlations), plus the hint that
 * points to the Query tab when the pasted rows are a target table's.
 */
import { useEffect } from 'react';
import { useStore } from '../state/store.ts';
import { effectiveTable, startRunWiring, useRunStore } from '../lib/run-client.ts';
import { KqlRunView } from './KqlRunView.tsx';
import { CorrelationView } from './CorrelationView.tsx';
import { getTarget } from '../../src/index.ts';
import { eventsTabProps } from './events-tabs.ts';

export function RunTabButtons() {
  useEffect(() => startRunWiring(), []);
  const tab = useStore((s) => s.eventsTab);
  const setTab = useStore((s) => s.setEventsTab);
  const hasCorrelations = useRunStore((s) => s.hasCorrelations);
  const fired = useRunStore((s) => s.correlation?.results.reduce((n, r) => n + r.fired, 0));
  const table = useRunStore((s) => effectiveTable(s));
  const kept = useRunStore((s) => (s.mode === 'rows' ? s.run?.counts.kept : undefined));
  const problems = useRunStore((s) => (s.mode === 'translate' ? s.compare?.counts.disagree : undefined));
  return (
    <>
      <button
        {...eventsTabProps('query', tab === 'query')}
        className={`tab${tab === 'query' ? ' is-active' : ''}`}
        onClick={() => setTab('query')}
        data-testid="query-tab"
        title="Run the compiled KQL over the rows, or check the translation against the Sigma verdicts"
      >
        Query
        {table && kept !== undefined && <span className="tab-count">{kept}</span>}
        {!!problems && <span className="tab-warn" title={`${problems} translation problem(s)`}>{problems}</span>}
      </button>
      {hasCorrelations && (
        <button {...eventsTabProps('correlations', tab === 'correlations')} className={`tab${tab === 'correlations' ? ' is-active' : ''}`} onClick={() => setTab('correlations')} data-testid="correlations-tab">
          Correlations
          {fired !== undefined && <span className={fired ? 'tab-fired' : 'tab-count'}>{fired}</span>}
        </button>
      )}
    </>
  );
}

/** Shown above the verdict table when the rows are a target table's: the Sigma verdicts of such rows say little. */
export function RunHint() {
  const tab = useStore((s) => s.eventsTab);
  const setTab = useStore((s) => s.setEventsTab);
  const targetId = useStore((s) => s.targetId);
  const detected = useRunStore((s) => s.detect?.table);
  const run = useRunStore((s) => s.run);
  if (tab !== 'table' || !detected) return null;
  return (
    <div className="run-hint" data-testid="target-rows-hint">
      These rows look like <b className="mono">{detected}</b> rows of {getTarget(targetId)?.label ?? targetId}: the query {run ? <>keeps <b>{run.counts.kept}</b> of {run.total}</> : 'can judge them'}.{' '}
      <button className="link" onClick={() => setTab('query')}>
        See what the query returns and why
      </button>
    </div>
  );
}

/** The body for the run tabs, or undefined for the panel's own tabs. */
export function runTabBody(tab: string) {
  if (tab === 'query') return <KqlRunView />;
  if (tab === 'correlations') return <CorrelationView />;
  return undefined;
}
