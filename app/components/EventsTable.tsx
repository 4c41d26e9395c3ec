/**
 * The virtualised results table: one row per event with its verdict and the rule's fields.
 * Clicking a row (or Enter) expands it: the explanation tree and the event, editable in place.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from '../state/store.ts';
import { VERDICT_CODES, type ResultsSnapshot } from '../state/types.ts';
import { VerdictBadge } from './VerdictBadge.tsx';
import { ExplanationTree } from './ExplanationTree.tsx';
import { eventsClient } from '../lib/events-client.ts';
import { ExpectationControl, ExpectationFailure, expectationShortcut } from './ExpectationControl.tsx';
import { checkRow, summarize, useExpectations } from '../lib/expectations.ts';

function cell(r: ResultsSnapshot, row: number, col: number): string {
  const i = row * r.columns.length + col;
  return r.cells.slice(r.offsets[i], r.offsets[i + 1]);
}

export function EventsTable() {
  const results = useStore((s) => s.results);
  const filter = useStore((s) => s.verdictFilter);
  const selected = useStore((s) => s.selectedEvent);
  const selectEvent = useStore((s) => s.selectEvent);
  const setDetail = useStore((s) => s.setDetail);
  const setHighlight = useStore((s) => s.setHighlightRanges);
  const scrollRef = useRef<HTMLDivElement>(null);

  const failingOnly = useExpectations((s) => s.failingOnly);
  const expectations = useExpectations((s) => s.byIndex);
  const verdictRows = useMemo(() => {
    if (!results) return new Uint32Array(0);
    if (filter === 'all') return Uint32Array.from({ length: results.total }, (_, i) => i);
    const code = VERDICT_CODES.indexOf(filter);
    const out: number[] = [];
    for (let i = 0; i < results.total; i++) if (results.verdicts[i] === code) out.push(i);
    return Uint32Array.from(out);
  }, [results, filter]);
  // "Failing only" (tests): the rows of the verdict filter whose expected verdict does not hold.
  const rows = useMemo(() => {
    if (!failingOnly || !results) return verdictRows;
    const failing = new Set(summarize(results, expectations).failing);
    return verdictRows.filter((i) => failing.has(i));
  }, [verdictRows, failingOnly, results, expectations]);

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i] === selected ? 360 : 34),
    overscan: 12,
    getItemKey: (i) => rows[i],
  });

  // Another view (the correlation groups) asks to show an event: bring its row to the top.
  useEffect(() => {
    const onReveal = (e: Event) => {
      const pos = rows.indexOf((e as CustomEvent<number>).detail);
      if (pos >= 0) requestAnimationFrame(() => virtualizer.scrollToIndex(pos, { align: 'start' }));
    };
    window.addEventListener('siglab:reveal-event', onReveal);
    return () => window.removeEventListener('siglab:reveal-event', onReveal);
  }, [rows, virtualizer]);

  const open = async (index: number | undefined, scroll = true) => {
    selectEvent(index);
    if (index !== undefined && scroll) {
      const pos = rows.indexOf(index);
      // Bring the row to the top so its explanation has room below it.
      if (pos >= 0) requestAnimationFrame(() => virtualizer.scrollToIndex(pos, { align: 'start' }));
    }
    if (index === undefined) {
      setDetail(undefined);
      setHighlight([]);
      return;
    }
    const detail = await eventsClient().explain(index);
    if (useStore.getState().selectedEvent !== index) return;
    setDetail(detail);
    setHighlight(detail?.decisive ?? []);
  };

  // The test summary asks to open a (failing) event with its explanation.
  useEffect(() => {
    const onOpen = (e: Event) => void open((e as CustomEvent<number>).detail);
    window.addEventListener('siglab:open-event', onOpen);
    return () => window.removeEventListener('siglab:open-event', onOpen);
  });

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!rows.length) return;
    const pos = selected === undefined ? -1 : rows.indexOf(selected);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, pos + (e.key === 'ArrowDown' ? 1 : -1)));
      void open(rows[next], false);
      virtualizer.scrollToIndex(next, { align: 'auto' });
    } else if (e.target === e.currentTarget && !e.ctrlKey && !e.metaKey && !e.altKey && expectationShortcut(e.key, selected)) {
      // m / n / f / x on the selected row: should match, should not match, should be filtered, no test.
      e.preventDefault();
    } else if (e.key === 'Escape' && selected !== undefined) {
      void open(undefined);
    }
  };

  if (!results) return <div className="table-empty" data-testid="events-table">Evaluating…</div>;
  const cols = results.columns;
  const grid = `44px minmax(190px, 1.4fr) minmax(112px, 150px) ${cols.map(() => 'minmax(90px, 1fr)').join(' ')}`;

  return (
    <div className="events-table" data-testid="events-table" role="table" aria-rowcount={rows.length} aria-label="Events and verdicts">
      <div className="trow thead" role="row" style={{ gridTemplateColumns: grid }}>
        <span role="columnheader">#</span>
        <span role="columnheader">Verdict</span>
        <span role="columnheader" title="The verdict each event should get; checked live as the rule changes. On a selected row: m should match, n should not match, f should be filtered, x clear">
          Test
        </span>
        {cols.map((c) => (
          <span role="columnheader" key={c} className="mono" title={c}>
            {c}
          </span>
        ))}
      </div>
      <div className="tbody" ref={scrollRef} tabIndex={0} onKeyDown={onKey} aria-label="Event rows; arrow keys move, Escape closes">
        {results.error ? (
          <div className="table-empty">{results.error}</div>
        ) : rows.length === 0 ? (
          <div className="table-empty">{results.total === 0 ? 'No events yet — paste or drop some above.' : failingOnly ? 'No failing tests: every expected verdict holds for the events shown.' : 'No events with this verdict.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((v) => {
              const index = rows[v.index];
              const verdict = VERDICT_CODES[results.verdicts[index]];
              const fb = results.filteredBy[index];
              const isOpen = selected === index;
              const expected = expectations[index];
              const test = expected ? checkRow(results, index, expected) : undefined;
              return (
                <div
                  key={v.key}
                  ref={virtualizer.measureElement}
                  data-index={v.index}
                  className={`vrow${isOpen ? ' is-open' : ''}`}
                  style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}
                >
                  <div
                    className={`trow event-row verdict-${verdict}`}
                    role="row"
                    aria-selected={isOpen}
                    data-testid="event-row"
                    data-verdict={verdict}
                    data-event-index={index}
                    data-test={test ? (test.passed ? 'pass' : 'fail') : undefined}
                    style={{ gridTemplateColumns: grid }}
                    onClick={() => void open(isOpen ? undefined : index)}
                  >
                    <span role="cell" className="mono dim">
                      {index + 1}
                    </span>
                    <span role="cell">
                      <VerdictBadge verdict={verdict} filteredBy={fb >= 0 ? results.filterNames[fb] : undefined} logsource={results.logsourceMismatch[index] === 1} />
                    </span>
                    <span role="cell">
                      <ExpectationControl index={index} results={results} />
                    </span>
                    {cols.map((c, ci) => {
                      const text = cell(results, index, ci);
                      return (
                        <span role="cell" key={c} className={`mono${text === '' ? ' dim' : ''}`} title={text}>
                          {text === '' ? '—' : text}
                        </span>
                      );
                    })}
                  </div>
                  {isOpen && <EventDetailView index={index} />}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

function EventDetailView({ index }: { index: number }) {
  const detail = useStore((s) => s.detail);
  const [draft, setDraft] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    setDraft(undefined);
    setError(undefined);
  }, [detail?.index, detail?.json]);
  if (!detail || detail.index !== index) return <div className="detail detail-loading">Explaining…</div>;
  const text = draft ?? detail.json;
  const dirty = draft !== undefined && draft !== detail.json;
  const save = async () => {
    setSaving(true);
    const r = await eventsClient().edit(index, text);
    setSaving(false);
    if (!r.ok) setError(r.error);
    else setError(undefined);
  };
  return (
    <div className="detail" onClick={(e) => e.stopPropagation()}>
      <div className="detail-tree">
        <ExpectationFailure index={index} />
        <div className="detail-title">
          Why <b>{detail.verdict === 'match' ? 'it matched' : detail.verdict === 'filtered' ? `it was filtered${detail.filteredBy ? ` by ${detail.filteredBy}` : ''}` : 'it did not match'}</b>
          {detail.line ? <span className="dim"> · input line {detail.line}</span> : null}
        </div>
        {detail.reasons.length > 0 && (
          <ul className="reasons">
            {detail.reasons.slice(0, 4).map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        )}
        <ExplanationTree root={detail.explanation} />
      </div>
      <div className="detail-event">
        <div className="detail-title">
          Event <span className="dim">(edit and re-evaluate)</span>
        </div>
        <textarea
          className="event-editor mono"
          spellCheck={false}
          value={text}
          aria-label={`Event ${index + 1} as JSON`}
          data-testid="event-editor"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
              e.preventDefault();
              void save();
            }
          }}
        />
        <div className="detail-actions">
          {error && <span className="error-text">{error}</span>}
          <span className="spacer" />
          {dirty && (
            <button className="btn btn-ghost btn-sm" onClick={() => setDraft(undefined)}>
              Revert
            </button>
          )}
          <button className="btn btn-primary btn-sm" disabled={!dirty || saving} onClick={() => void save()} data-testid="event-apply" title="Ctrl+Enter">
            {saving ? 'Evaluating…' : 'Apply & re-evaluate'}
          </button>
        </div>
      </div>
    </div>
  );
}
