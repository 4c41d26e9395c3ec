/**
 * The correlation view (issue 8): for each correlation of the rule file, every group (group-by
 * values, window) with its count or value, whether it fired and why, the events that formed it
 * (click → the row in the verdict table) and a small timeline of the window, events as ticks
 * colored by the base rule they matched. The event-time field is detected; when the detection
 * is ambiguous (or the user wants another), a select chooses it.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStore } from '../state/store.ts';
import { startRunWiring, useRunStore } from '../lib/run-client.ts';
import { eventsClient } from '../lib/events-client.ts';
import type { CorrelationResult, CorrelationWindowResult } from '../../src/engine/correlate.ts';
import { WINDOW_SEMANTICS_NOTE } from '../../src/engine/correlate.ts';
import { formatCount } from '../lib/format.ts';
import './run-views.css';

/** Distinguishable in both themes; a rule keeps its color across groups. */
const RULE_COLORS = ['#5b9dff', '#f5b941', '#3ecf8e', '#ff6b6b', '#b48cff', '#2ec4c4', '#ff8f4d', '#e06cc1'];

const TYPE_LABEL: Record<string, string> = {
  event_count: 'event count',
  value_count: 'value count',
  temporal: 'temporal',
  temporal_ordered: 'temporal ordered',
  value_sum: 'value sum',
  value_avg: 'value average',
  value_percentile: 'value percentile',
};

function formatSpan(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

/** `2024-05-01 10:00:03` (UTC), shorter than ISO in a dense list. */
function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.000Z$|Z$/, '');
}

/** Opens an event in the verdict table (and its explanation). */
export function revealEvent(index: number): void {
  const s = useStore.getState();
  s.setVerdictFilter('all');
  s.setEventsTab('table');
  s.selectEvent(index);
  // The table mounts with the tab switch; ask it to scroll once it is there.
  setTimeout(() => window.dispatchEvent(new CustomEvent('siglab:reveal-event', { detail: index })), 60);
  void eventsClient()
    .explain(index)
    .then((d) => {
      const now = useStore.getState();
      if (now.selectedEvent !== index) return;
      now.setDetail(d);
      now.setHighlightRanges(d?.decisive ?? []);
    });
}

export function CorrelationView() {
  useEffect(() => startRunWiring(), []);
  const evaluation = useRunStore((s) => s.correlation);
  const error = useRunStore((s) => s.correlationError);
  const busy = useRunStore((s) => s.correlating);
  const chosen = useRunStore((s) => s.timestampField);
  const setField = useRunStore((s) => s.setTimestampField);
  const count = useStore((s) => s.load?.count ?? 0);
  const [onlyFired, setOnlyFired] = useState(false);

  const ruleColors = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of evaluation?.results ?? []) for (const w of r.windows) for (const e of w.members) if (!m.has(e.rule)) m.set(e.rule, RULE_COLORS[m.size % RULE_COLORS.length]);
    return m;
  }, [evaluation]);

  if (error && !evaluation) return <div className="table-empty">{error}</div>;
  if (!evaluation) return <div className="table-empty">{busy ? 'Evaluating the correlations…' : count ? 'Evaluating the correlations…' : 'No events yet — paste timestamped events above.'}</div>;
  const ts = evaluation.timestamp;
  const fired = evaluation.results.reduce((n, r) => n + r.fired, 0);
  const groups = evaluation.results.reduce((n, r) => n + r.windows.length, 0);
  const problems = evaluation.diagnostics.filter((d) => d.severity !== 'info');

  return (
    <div className="corr-view" data-testid="correlation-view">
      <div className="run-toolbar">
        <label className="run-table" title="The field that holds each event's time">
          <span className="dim">Event time</span>
          <select data-testid="timestamp-select" value={chosen ?? ts.field ?? ''} onChange={(e) => setField(e.target.value || undefined)} className={ts.ambiguous ? 'is-ambiguous' : ''}>
            {!ts.field && !chosen && <option value="">No time field found</option>}
            {ts.candidates.map((c) => (
              <option key={c.field} value={c.field}>
                {c.field} ({c.readable}/{c.sampled})
              </option>
            ))}
            {chosen && !ts.candidates.some((c) => c.field === chosen) && <option value={chosen}>{chosen}</option>}
          </select>
        </label>
        {ts.ambiguous && (
          <span className="chip chip-warn" data-testid="timestamp-ambiguous" title="Several fields hold instants that disagree: choose the one that is the event time">
            ▲ ambiguous — choose the event time
          </span>
        )}
        {!ts.ambiguous && ts.field && !chosen && <span className="meta">detected</span>}
        <span className="spacer" />
        <label className="run-check">
          <input type="checkbox" checked={onlyFired} onChange={(e) => setOnlyFired(e.target.checked)} /> only fired
        </label>
        <span className="run-counts" data-testid="correlation-counts">
          <span className={`rc ${fired ? 'rc-fired' : 'rc-dropped'}`}>
            <b>{formatCount(fired)}</b> fired
          </span>
          <span className="rc rc-dropped">
            <b>{formatCount(groups)}</b> group{groups === 1 ? '' : 's'}
          </span>
        </span>
      </div>
      {problems.length > 0 && (
        <ul className="read-errors run-messages">
          {problems.slice(0, 4).map((d, i) => (
            <li key={i}>{d.message}</li>
          ))}
        </ul>
      )}
      {ruleColors.size > 0 && (
        <div className="corr-legend" aria-label="Base rules">
          {[...ruleColors].map(([rule, color]) => (
            <span key={rule} className="corr-legend-item">
              <span className="corr-swatch" style={{ background: color }} />
              <span className="mono">{rule}</span>
            </span>
          ))}
          <span className="dim corr-note" title={WINDOW_SEMANTICS_NOTE}>
            <span className="corr-i" aria-hidden>
              i
            </span>{' '}
            session windows
          </span>
        </div>
      )}
      <div className="corr-body">
        {evaluation.results.map((r) => (
          <CorrelationBlock key={r.correlation} result={r} colors={ruleColors} onlyFired={onlyFired} />
        ))}
      </div>
    </div>
  );
}

function CorrelationBlock({ result: r, colors, onlyFired }: { result: CorrelationResult; colors: Map<string, string>; onlyFired: boolean }) {
  const windows = onlyFired ? r.windows.filter((w) => w.fired) : r.windows;
  const [all, setAll] = useState(false);
  const shown = all ? windows : windows.slice(0, 60);
  return (
    <section className="corr-block" data-testid="correlation-result" data-fired={r.fired}>
      <header className="corr-head">
        <span className="corr-title">{r.title}</span>
        {r.name && <span className="mono dim">{r.name}</span>}
        {r.type && <span className="chip chip-quiet">{TYPE_LABEL[r.type] ?? r.type}</span>}
        {r.timespanMs !== undefined && <span className="chip chip-quiet">within {formatSpan(r.timespanMs)}</span>}
        <span className="spacer" />
        <span className={`badge ${r.fired ? 'badge-match' : 'badge-nomatch'}`}>{r.fired ? `● fired in ${r.fired} group${r.fired === 1 ? '' : 's'}` : 'did not fire'}</span>
      </header>
      {r.skipped && <div className="hint-warn corr-skipped">{r.skipped}</div>}
      {!r.skipped && windows.length === 0 && <div className="dim corr-none">{onlyFired ? 'No group fired.' : 'No event matched the base rules, so no group formed.'}</div>}
      <ul className="corr-groups">
        {shown.map((w, i) => (
          <GroupRow key={i} w={w} timespanMs={r.timespanMs} colors={colors} />
        ))}
      </ul>
      {windows.length > shown.length && (
        <button className="link corr-more" onClick={() => setAll(true)}>
          Show all {formatCount(windows.length)} groups
        </button>
      )}
    </section>
  );
}

function GroupRow({ w, timespanMs, colors }: { w: CorrelationWindowResult; timespanMs?: number; colors: Map<string, string> }) {
  const groupEntries = Object.entries(w.group);
  return (
    <li className={`corr-group${w.fired ? ' is-fired' : ''}`} data-testid="correlation-group" data-fired={String(w.fired)} data-group={groupEntries.map(([k, v]) => `${k}=${v ?? ''}`).join(',')}>
      <div className="corr-group-main">
        <span className={`badge ${w.fired ? 'badge-match' : 'badge-nomatch'}`}>{w.fired ? '● fired' : 'no'}</span>
        <span className="corr-keys">
          {groupEntries.length === 0 ? (
            <span className="dim">all events</span>
          ) : (
            groupEntries.map(([k, v]) => (
              <span key={k} className="corr-key">
                <span className="corr-field mono">{k}</span> <code className="mono">{v ?? '∅'}</code>
              </span>
            ))
          )}
        </span>
        <span className="corr-value" title="The count or value the condition compares">
          {w.value === null ? '—' : Number.isInteger(w.value) ? formatCount(w.value) : w.value.toFixed(2)}
        </span>
        <span className="corr-reason" data-testid="correlation-reason">
          {w.reason}
        </span>
      </div>
      <div className="corr-group-sub">
        <span className="mono dim corr-window" title={`${w.window.start} → ${w.window.end}`}>
          {shortTime(w.window.start)} → {shortTime(w.window.end)}
        </span>
        <Timeline w={w} timespanMs={timespanMs} colors={colors} />
        <span className="corr-events">
          {w.events.slice(0, 12).map((e) => (
            <button key={e} className="corr-ev mono" data-testid="correlation-event-link" onClick={() => revealEvent(e)} title={`Open event ${e + 1} in the verdict table`}>
              #{e + 1}
            </button>
          ))}
          {w.events.length > 12 && <span className="dim">+{w.events.length - 12}</span>}
        </span>
      </div>
    </li>
  );
}

const TL_W = 300;
const TL_H = 22;

/** Events as ticks across the window (its full timespan, so a short burst looks short). */
function Timeline({ w, timespanMs, colors }: { w: CorrelationWindowResult; timespanMs?: number; colors: Map<string, string> }) {
  const start = w.window.startMs;
  const span = Math.max(1, timespanMs ?? w.window.endMs - start, w.window.endMs - start);
  const x = (t: number) => 4 + ((t - start) / span) * (TL_W - 8);
  const lastX = x(w.members.length ? Math.max(...w.members.map((m) => m.time)) : start);
  return (
    <svg className="corr-timeline" width={TL_W} height={TL_H} viewBox={`0 0 ${TL_W} ${TL_H}`} role="img" aria-label={`${w.members.length} events within the window`} data-testid="correlation-timeline">
      <rect x={4} y={TL_H / 2 - 1} width={TL_W - 8} height={2} rx={1} className="tl-axis" />
      <rect x={4} y={4} width={Math.max(2, lastX - 4)} height={TL_H - 8} rx={3} className={w.fired ? 'tl-span tl-fired' : 'tl-span'} />
      {w.members.map((m, i) => (
        <line key={i} x1={x(m.time)} x2={x(m.time)} y1={3} y2={TL_H - 3} stroke={colors.get(m.rule) ?? 'currentColor'} strokeWidth={2} strokeLinecap="round">
          <title>
            #{m.index + 1} {m.rule} · {new Date(m.time).toISOString()}
          </title>
        </line>
      ))}
    </svg>
  );
}
