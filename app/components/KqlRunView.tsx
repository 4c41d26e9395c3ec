/**
 * "Run the query" (issue 7): the compiled KQL judged over the pasted rows. Two modes:
 * - rows: the events are rows of a target table (recognised by their column names, or chosen);
 *   each row is kept, dropped or undetermined, with the predicates that decided and the values
 *   they saw. Hovering a predicate highlights its span in the KQL preview.
 * - translate ("check the translation"): events in Sigma field names are written as the
 *   target's rows; the Sigma verdict and the KQL verdict stand side by side, and a disagreement
 *   is flagged as a translation problem with both explanations.
 */
import { useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from '../state/store.ts';
import { effectiveTable, explainCompare, explainRow, startRunWiring, useRunStore } from '../lib/run-client.ts';
import { getTarget } from '../../src/index.ts';
import type { RowExplanation } from '../../src/kql/eval/index.ts';
import type { KeptCode } from '../workers/run-protocol.ts';
import { ExplanationTree } from './ExplanationTree.tsx';
import { formatCount, formatMs } from '../lib/format.ts';
import './run-views.css';

/** Summaries of rows run without an explanation (beyond the first rows of a large paste). */
const BARE = new Set(['kept', 'dropped']);
const KEPT_LABEL: Record<KeptCode, 'kept' | 'dropped' | 'undetermined'> = { 0: 'dropped', 1: 'kept', 2: 'undetermined' };

export function KeptBadge({ kept }: { kept: KeptCode }) {
  const label = KEPT_LABEL[kept];
  const title =
    kept === 2
      ? 'Undetermined: the documentation leaves a result open for this row (a null reading), or the query uses something the evaluator does not implement'
      : kept === 1
        ? 'The query returns this row'
        : 'The query does not return this row';
  return (
    <span className={`badge badge-kql-${label}`} title={title}>
      {kept === 1 ? '● kept' : kept === 0 ? 'dropped' : '? undetermined'}
    </span>
  );
}

export function KqlRunView() {
  useEffect(() => startRunWiring(), []);
  const mode = useRunStore((s) => s.mode);
  const setMode = useRunStore((s) => s.setMode);
  const detect = useRunStore((s) => s.detect);
  const chosen = useRunStore((s) => s.chosenTable);
  const chooseTable = useRunStore((s) => s.chooseTable);
  const targetId = useStore((s) => s.targetId);
  const target = getTarget(targetId);
  const table = effectiveTable({ chosenTable: chosen, detect });
  const tables = useMemo(() => Object.keys(target?.tables ?? {}).sort(), [target]);

  return (
    <div className="run-view" data-testid="kql-run-view">
      <div className="run-toolbar">
        <div className="tabs" role="tablist" aria-label="What to judge">
          <button role="tab" aria-selected={mode === 'rows'} className={`tab${mode === 'rows' ? ' is-active' : ''}`} onClick={() => setMode('rows')} data-testid="run-mode-rows">
            Rows
          </button>
          <button
            role="tab"
            aria-selected={mode === 'translate'}
            className={`tab${mode === 'translate' ? ' is-active' : ''}`}
            onClick={() => setMode('translate')}
            data-testid="translation-toggle"
            title="Write the events (Sigma field names) as the target's rows and compare the Sigma verdict with the KQL verdict"
          >
            Check the translation
          </button>
        </div>
        {mode === 'rows' && (
          <label className="run-table">
            <span className="dim">Table</span>
            <select
              data-testid="run-table-select"
              value={chosen ?? ''}
              onChange={(e) => chooseTable(e.target.value || undefined)}
              title="The target table the rows are read as (recognised from their column names unless you choose)"
            >
              <option value="">{detect?.table ? `${detect.table} (recognised)` : 'Not recognised — choose…'}</option>
              {tables.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        <span className="spacer" />
        {mode === 'rows' ? <RunCounts /> : <CompareCounts />}
      </div>
      {mode === 'rows' ? table ? <RowsTable table={table} /> : <NotRecognised /> : <CompareTable />}
    </div>
  );
}

function NotRecognised() {
  const detect = useRunStore((s) => s.detect);
  const setMode = useRunStore((s) => s.setMode);
  const targetId = useStore((s) => s.targetId);
  const count = useStore((s) => s.load?.count ?? 0);
  const label = getTarget(targetId)?.label ?? targetId;
  if (!count) return <div className="table-empty">No rows yet — paste a CSV or JSON export of a {label} table above.</div>;
  const closest = detect?.candidates[0];
  return (
    <div className="run-empty" data-testid="kql-run-unrecognised">
      <p>
        These events are not rows of a {label} table{closest ? <> (closest: <b className="mono">{closest.table}</b>, {Math.round(Math.min(1, closest.score) * 100)}% of the columns)</> : null}.
        Choose the table above if they are, or, for events in Sigma field names,{' '}
        <button className="link" onClick={() => setMode('translate')}>
          check the translation
        </button>
        : siglab writes them as {label} rows and compares the Sigma verdict with the query's.
      </p>
    </div>
  );
}

function RunCounts() {
  const run = useRunStore((s) => s.run);
  const running = useRunStore((s) => s.running);
  if (!run) return running ? <span className="meta">Running…</span> : null;
  return (
    <span className="run-counts" data-testid="kql-run-counts">
      <span className="rc rc-kept" data-n={run.counts.kept}>
        <b>{formatCount(run.counts.kept)}</b> kept
      </span>
      <span className="rc rc-dropped" data-n={run.counts.dropped}>
        <b>{formatCount(run.counts.dropped)}</b> dropped
      </span>
      {run.counts.undetermined > 0 && (
        <span className="rc rc-undetermined" data-n={run.counts.undetermined}>
          <b>{formatCount(run.counts.undetermined)}</b> undetermined
        </span>
      )}
      <span className="meta" title={`${run.table}: ${run.total} rows judged in ${formatMs(run.runMs)}`}>
        {formatMs(run.runMs)}
      </span>
    </span>
  );
}

function CompareCounts() {
  const c = useRunStore((s) => s.compare);
  const running = useRunStore((s) => s.running);
  if (!c || c.error) return running ? <span className="meta">Comparing…</span> : null;
  return (
    <span className="run-counts" data-testid="compare-counts">
      <span className="rc rc-kept">
        <b>{formatCount(c.counts.agree)}</b> agree
      </span>
      <span className={`rc ${c.counts.disagree ? 'rc-problem' : 'rc-dropped'}`} data-n={c.counts.disagree}>
        <b>{formatCount(c.counts.disagree)}</b> translation problem{c.counts.disagree === 1 ? '' : 's'}
      </span>
      {c.counts.undetermined > 0 && (
        <span className="rc rc-undetermined">
          <b>{formatCount(c.counts.undetermined)}</b> undetermined
        </span>
      )}
      <span className="meta">
        {formatMs(c.runMs)}
      </span>
    </span>
  );
}

/** The virtualised list shared by both modes: rows expand in place. */
function useRowList(count: number, selected: number | undefined) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (i === selected ? 320 : 34),
    overscan: 10,
  });
  return { scrollRef, virtualizer };
}

function RowsTable({ table }: { table: string }) {
  const run = useRunStore((s) => s.run);
  const runError = useRunStore((s) => s.runError);
  const selected = useRunStore((s) => s.selectedRow);
  const selectRow = useRunStore((s) => s.selectRow);
  const { scrollRef, virtualizer } = useRowList(run?.total ?? 0, selected);
  if (runError && !run) return <div className="table-empty">{runError}</div>;
  if (!run || run.table !== table) return <div className="table-empty">Running the query over the rows…</div>;
  const cols = run.columns;
  const grid = `44px 118px minmax(220px, 2.4fr) ${cols.map(() => 'minmax(80px, 1fr)').join(' ')}`;
  const open = (i: number | undefined) => {
    selectRow(i);
    useRunStore.setState({ rowExplain: undefined });
    if (i !== undefined) {
      // The row to the top, so its explanation has room below it.
      requestAnimationFrame(() => virtualizer.scrollToIndex(i, { align: 'start' }));
      void explainRow(i);
    }
    else useStore.getState().setKqlHighlight([]);
  };
  return (
    <div className="events-table">
      {run.messages.length > 0 && (
        <ul className="read-errors run-messages" data-testid="kql-run-messages">
          {run.messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <div className="trow thead" role="row" style={{ gridTemplateColumns: grid }}>
        <span>#</span>
        <span>Query</span>
        <span>Why</span>
        {cols.map((c) => (
          <span key={c} className="mono" title={c}>
            {c}
          </span>
        ))}
      </div>
      <div className="tbody" ref={scrollRef} tabIndex={0} aria-label={`${table} rows judged by the query`}>
        {run.total === 0 ? (
          <div className="table-empty">No rows.</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const i = v.index;
              const kept = run.kept[i] as KeptCode;
              const isOpen = selected === i;
              return (
                <div key={v.key} ref={virtualizer.measureElement} data-index={i} className={`vrow${isOpen ? ' is-open' : ''}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                  <div
                    className={`trow event-row kql-row kept-${KEPT_LABEL[kept]}`}
                    role="row"
                    aria-selected={isOpen}
                    data-testid="kql-run-row"
                    data-kept={KEPT_LABEL[kept]}
                    data-row-index={i}
                    style={{ gridTemplateColumns: grid }}
                    onClick={() => open(isOpen ? undefined : i)}
                  >
                    <span className="mono dim">{i + 1}</span>
                    <span>
                      <KeptBadge kept={kept} />
                    </span>
                    <span className={`run-why${BARE.has(run.summaries[i]) ? ' dim' : ''}`} title={run.summaries[i]}>
                      {BARE.has(run.summaries[i]) ? 'open the row for why' : run.summaries[i]}
                    </span>
                    {cols.map((c, ci) => {
                      const text = i * cols.length + ci < run.cells.length ? run.cells[i * cols.length + ci] : '';
                      return (
                        <span key={c} className={`mono${text === '' ? ' dim' : ''}`} title={text}>
                          {text === '' ? '—' : text}
                        </span>
                      );
                    })}
                  </div>
                  {isOpen && <RowDetail index={i} />}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

function RowDetail({ index }: { index: number }) {
  const d = useRunStore((s) => s.rowExplain);
  if (!d || d.index !== index) return <div className="detail detail-loading">Explaining…</div>;
  return (
    <div className="detail run-detail" onClick={(e) => e.stopPropagation()} data-testid="kql-run-detail">
      <div>
        {d.error && !d.explanation ? <div className="error-text">{d.error}</div> : null}
        {d.explanation && <KqlExplanation explanation={d.explanation} kept={d.kept ?? 2} />}
      </div>
      <div className="detail-event">
        <div className="detail-title">Row as read</div>
        <pre className="run-row-json mono">{JSON.stringify(d.row ?? {}, null, 2)}</pre>
      </div>
    </div>
  );
}

/** Why the query kept or dropped a row: the deciding step, predicates with their values, readings. */
export function KqlExplanation({ explanation, kept }: { explanation: RowExplanation; kept: KeptCode }) {
  const setKqlHighlight = useStore((s) => s.setKqlHighlight);
  const pinned = useRunStore((s) => s.pinnedSpan);
  const highlight = (span: { start: number; end: number } | undefined) => setKqlHighlight(span ? [{ start: span.start, end: span.end }] : pinned ? [pinned] : []);
  return (
    <div className="kql-explain" data-testid="kql-explanation" data-kept={KEPT_LABEL[kept]}>
      <div className="detail-title">
        <b>{kept === 1 ? 'Kept' : kept === 0 ? 'Dropped' : 'Undetermined'}</b>
        {explanation.step && (
          <button className="link run-step" onMouseEnter={() => highlight(explanation.step!.span)} onMouseLeave={() => highlight(undefined)} onClick={() => pin(explanation.step!.span)}>
            {explanation.step.operator} at line {explanation.step.range.startLine}
          </button>
        )}
      </div>
      <p className="run-summary" data-testid="kql-summary">
        {kept === 2 && <span className="undetermined-note">Undetermined: </span>}
        {explanation.summary}
      </p>
      {explanation.error && (
        <div className="run-error" data-testid="kql-unsupported">
          <span className="issue-code mono">{explanation.error.code}</span> {explanation.error.message}{' '}
          <span className="dim">
            (query line {explanation.error.range.startLine}:{explanation.error.range.startColumn})
          </span>
        </div>
      )}
      {explanation.predicates.length > 0 && (
        <ul className="preds" aria-label="Predicates that decided">
          {explanation.predicates.map((p, i) => {
            const cls = p.result === 'true' ? 'ok' : p.result === 'false' ? 'bad' : 'skip';
            return (
              <li
                key={i}
                className={`pred pred-${cls}${pinned && pinned.start === p.span.start && pinned.end === p.span.end ? ' is-pinned' : ''}`}
                data-testid="kql-predicate"
                data-result={p.result}
                onMouseEnter={() => highlight(p.span)}
                onMouseLeave={() => highlight(undefined)}
                onClick={() => pin(p.span)}
                title="Hover or click to highlight it in the KQL"
              >
                <div className="pred-main">
                  <span className={`xicon xicon-${cls}`}>{p.result === 'true' ? '✓' : p.result === 'false' ? '✗' : '∅'}</span>
                  <code className="mono pred-text">{p.text}</code>
                  <span className="xline">L{p.range.startLine}</span>
                </div>
                {p.values.length > 0 && (
                  <div className="pred-values">
                    {p.values.map((v, j) => (
                      <span key={j} className="xfact" onMouseEnter={() => highlight(v.span)} onMouseLeave={() => highlight(p.span)}>
                        <span className="pred-operand mono">{v.text}</span> = <code>{v.value}</code> <span className="dim">{v.type}</span>
                      </span>
                    ))}
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {explanation.readings && explanation.readings.length > 0 && (
        <details className="readings" data-testid="kql-readings" open={kept === 2}>
          <summary className="detail-title">
            {kept === 2 ? 'The outcome under each documented reading' : `The same outcome under all ${explanation.readings.length} documented readings`}
          </summary>
          <ul>
            {explanation.readings.map((r, i) => (
              <li key={i}>
                <span className={`badge ${r.kept ? 'badge-kql-kept' : 'badge-kql-dropped'}`}>{r.kept ? 'kept' : 'dropped'}</span>{' '}
                <span className="mono">
                  {Object.entries(r.reading)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(', ') || 'default'}
                </span>
                {r.choices.slice(0, 3).map((c, j) => (
                  <div key={j} className="dim reading-choice">
                    {c.question} <span className="mono">(line {c.range.startLine})</span>
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function pin(span: { start: number; end: number }) {
  const cur = useRunStore.getState().pinnedSpan;
  const same = cur && cur.start === span.start && cur.end === span.end;
  const next = same ? undefined : { start: span.start, end: span.end };
  useRunStore.setState({ pinnedSpan: next });
  useStore.getState().setKqlHighlight(next ? [next] : []);
}

function CompareTable() {
  const c = useRunStore((s) => s.compare);
  const err = useRunStore((s) => s.compareError);
  const selected = useRunStore((s) => s.selectedRow);
  const selectRow = useRunStore((s) => s.selectRow);
  const count = useStore((s) => s.load?.count ?? 0);
  const { scrollRef, virtualizer } = useRowList(c?.pairs.length ?? 0, selected);
  if (!count) return <div className="table-empty">No events yet — paste events in Sigma field names above.</div>;
  if (err && !c) return <div className="table-empty">{err}</div>;
  if (!c) return <div className="table-empty">Writing the events as the target's rows and running the query…</div>;
  if (c.error) return <div className="table-empty" data-testid="compare-error">Nothing to compare: {c.error}</div>;
  const grid = '44px 110px 118px 170px minmax(200px, 1fr)';
  const open = (i: number | undefined) => {
    selectRow(i);
    useRunStore.setState({ compareDetail: undefined });
    if (i !== undefined) {
      const pos = c.pairs.findIndex((p) => p.index === i);
      if (pos >= 0) requestAnimationFrame(() => virtualizer.scrollToIndex(pos, { align: 'start' }));
      void explainCompare(i);
    }
    else useStore.getState().setKqlHighlight([]);
  };
  return (
    <div className="events-table">
      <div className="trow thead" role="row" style={{ gridTemplateColumns: grid }}>
        <span>#</span>
        <span>Sigma</span>
        <span>KQL</span>
        <span>Translation</span>
        <span>KQL says</span>
      </div>
      <div className="tbody" ref={scrollRef} tabIndex={0} aria-label="Sigma and KQL verdicts per event">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((v) => {
            const p = c.pairs[v.index];
            const isOpen = selected === p.index;
            const state = p.kql === 2 ? 'undetermined' : p.agree ? 'agree' : 'problem';
            return (
              <div key={v.key} ref={virtualizer.measureElement} data-index={v.index} className={`vrow${isOpen ? ' is-open' : ''}`} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
                <div
                  className={`trow event-row compare-row compare-${state}`}
                  role="row"
                  aria-selected={isOpen}
                  data-testid="compare-row"
                  data-agree={String(p.agree)}
                  data-sigma={p.sigma ? 'match' : 'nomatch'}
                  data-kql={KEPT_LABEL[p.kql]}
                  style={{ gridTemplateColumns: grid }}
                  onClick={() => open(isOpen ? undefined : p.index)}
                >
                  <span className="mono dim">{p.index + 1}</span>
                  <span>{p.sigma ? <span className="badge badge-match">● match</span> : <span className="badge badge-nomatch">no match</span>}</span>
                  <span>
                    <KeptBadge kept={p.kql} />
                  </span>
                  <span>
                    {state === 'agree' ? (
                      <span className="agree">✓ agree</span>
                    ) : state === 'problem' ? (
                      <span className="badge badge-problem">⚠ translation problem</span>
                    ) : (
                      <span className="badge badge-kql-undetermined">? undetermined</span>
                    )}
                  </span>
                  <span className="run-why" title={p.summary}>
                    {p.summary}
                  </span>
                </div>
                {isOpen && <CompareDetailView index={p.index} agree={p.agree} />}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function CompareDetailView({ index, agree }: { index: number; agree: boolean }) {
  const d = useRunStore((s) => s.compareDetail);
  if (!d || d.index !== index) return <div className="detail detail-loading">Explaining both verdicts…</div>;
  if (d.error || !d.sigma) return <div className="detail detail-loading error-text">{d.error ?? 'Could not explain this event.'}</div>;
  const sv = d.sigma.verdict;
  return (
    <div className="compare-detail" onClick={(e) => e.stopPropagation()} data-testid="compare-detail">
      {!agree && d.kqlKept !== 2 && (
        <div className="problem-banner" role="alert">
          ⚠ <b>Translation problem:</b> the Sigma rule {sv === 'match' ? 'fires' : 'does not fire'} on this event, but the {d.table} query {d.kqlKept === 1 ? 'keeps' : 'drops'} the row written from it.
        </div>
      )}
      <div className="compare-cols">
        <div className="compare-col">
          <div className="detail-title">
            Sigma: <b>{sv === 'match' ? 'match' : sv === 'filtered' ? `filtered${d.sigma.filteredBy ? ` by ${d.sigma.filteredBy}` : ''}` : 'no match'}</b>
          </div>
          {d.sigma.reasons.length > 0 && (
            <ul className="reasons">
              {d.sigma.reasons.slice(0, 3).map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          )}
          <ExplanationTree root={d.sigma.explanation} />
        </div>
        <div className="compare-col">{d.kql ? <KqlExplanation explanation={d.kql} kept={d.kqlKept} /> : <div className="dim">The query did not judge this row.</div>}</div>
        <div className="compare-col">
          <div className="detail-title">
            Written as a <b className="mono">{d.table}</b> row
          </div>
          <pre className="run-row-json mono">{JSON.stringify(d.row ?? {}, null, 2)}</pre>
          {d.notes.length > 0 && (
            <ul className="run-notes">
              {d.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </div>
  );
}
