/**
 * The virtualised results table: one row per event with its verdict and the rule's fields.
 * Clicking a row (or Enter) expands it: the explanation tree and the event, editable in place.
 *
 * Keyboard (a treegrid with one tab stop): Tab lands on the active row; ↑/↓, Page Up/Down,
 * Home/End move between rows (scrolling the virtual list); Enter, Space or → expands the row and
 * highlights the rule lines that decided it, ← or Escape collapses it; while a row is expanded the
 * expansion follows the arrow keys. m / n / f / x set the row's expected verdict.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from '../state/store.ts';
import { VERDICT_CODES, type ResultsSnapshot } from '../state/types.ts';
import { VerdictBadge } from './VerdictBadge.tsx';
import { ExplanationTree } from './ExplanationTree.tsx';
import { eventsClient } from '../lib/events-client.ts';
import { afterNextPaint } from '../lib/after-paint.ts';
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
    // Plain loops over typed arrays: 520,000 events take about a millisecond (Array.from with a
    // callback took tens, in the task that shows the results).
    if (filter === 'all') {
      const all = new Uint32Array(results.total);
      for (let i = 0; i < all.length; i++) all[i] = i;
      return all;
    }
    const code = VERDICT_CODES.indexOf(filter);
    let n = 0;
    for (let i = 0; i < results.total; i++) if (results.verdicts[i] === code) n++;
    const out = new Uint32Array(n);
    for (let i = 0, j = 0; i < results.total; i++) if (results.verdicts[i] === code) out[j++] = i;
    return out;
  }, [results, filter]);
  // "Failing only" (tests): the rows of the verdict filter whose expected verdict does not hold.
  const rows = useMemo(() => {
    if (!failingOnly || !results) return verdictRows;
    const failing = new Set(summarize(results, expectations).failing);
    return verdictRows.filter((i) => failing.has(i));
  }, [verdictRows, failingOnly, results, expectations]);

  const getItemKey = useCallback((i: number) => rows[i], [rows]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => (rows[i] === selected ? 360 : 34),
    overscan: 12,
    // Stable while the rows are: the virtualizer re-measures every row (520,000 for a 50 MB paste)
    // whenever this function changes.
    getItemKey,
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
    // The rule lines that decided it: Monaco re-renders (and may scroll) the rule editor for them,
    // in a frame after the explanation's own layout, so that the two are not one long frame.
    afterNextPaint(() => {
      if (useStore.getState().detail === detail) setHighlight(detail?.decisive ?? []);
    });
  };

  // The test summary asks to open a (failing) event with its explanation.
  useEffect(() => {
    const onOpen = (e: Event) => void open((e as CustomEvent<number>).detail);
    window.addEventListener('siglab:open-event', onOpen);
    return () => window.removeEventListener('siglab:open-event', onOpen);
  });

  // The row with the keyboard focus (roving tab stop): the one last focused, else the selected
  // one, else the first. Rows are virtual, so it is kept as an event index, not an element.
  const [focused, setFocused] = useState<number | undefined>();
  const activePos = useMemo(() => {
    for (const want of [focused, selected]) {
      if (want === undefined) continue;
      const pos = rows.indexOf(want);
      if (pos >= 0) return pos;
    }
    return rows.length ? 0 : -1;
  }, [rows, focused, selected]);
  const active = activePos >= 0 ? rows[activePos] : undefined;
  // Set by a key press: focus the active row once the virtualiser has rendered it.
  const focusPending = useRef(false);
  // The table holds the keyboard focus. When React reorders the virtual rows it moves their DOM
  // nodes, and a moved node loses the focus to nothing: then it is given back to the active row.
  const ownsFocus = useRef(false);
  useLayoutEffect(() => {
    if (active === undefined) return;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (!focusPending.current && !(ownsFocus.current && lost)) return;
    const el = scrollRef.current?.querySelector<HTMLElement>(`.event-row[data-event-index="${active}"]`);
    if (!el) return;
    focusPending.current = false;
    if (document.activeElement !== el) el.focus({ preventScroll: true });
  });

  const moveTo = (pos: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, pos));
    const index = rows[next];
    setFocused(index);
    focusPending.current = true;
    // An expanded row follows the keyboard, like a preview pane.
    if (selected !== undefined && selected !== index) void open(index, false);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!rows.length) return;
    // Keys typed in the row's detail (event editor, tree, buttons) are theirs.
    const target = e.target as HTMLElement;
    if (target !== e.currentTarget && !target.classList.contains('event-row')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    ownsFocus.current = true;
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 340) / 34) - 1);
    const pos = activePos;
    const isOpen = active !== undefined && selected === active;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp':
        e.preventDefault();
        moveTo(pos + (e.key === 'ArrowDown' ? 1 : -1));
        return;
      case 'PageDown':
      case 'PageUp':
        e.preventDefault();
        moveTo(pos + (e.key === 'PageDown' ? page : -page));
        return;
      case 'Home':
      case 'End':
        e.preventDefault();
        moveTo(e.key === 'Home' ? 0 : rows.length - 1);
        return;
      case 'Enter':
      case ' ':
        e.preventDefault();
        focusPending.current = true;
        void open(isOpen ? undefined : active);
        return;
      case 'ArrowRight':
        e.preventDefault();
        if (!isOpen) void open(active);
        return;
      case 'ArrowLeft':
        e.preventDefault();
        if (isOpen) void open(undefined);
        return;
      case 'Escape':
        if (selected !== undefined) {
          e.preventDefault();
          void open(undefined);
        }
        return;
      default:
        // m / n / f / x on the focused row: should match, should not match, should be filtered, no test.
        if (expectationShortcut(e.key, active)) e.preventDefault();
    }
  };

  // Tabbing into the table when its active row is scrolled out of the virtual window: bring it back.
  const onBodyFocus = (e: FocusEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || activePos < 0) return;
    if (scrollRef.current?.querySelector(`.event-row[data-event-index="${active}"]`)) return;
    focusPending.current = true;
    virtualizer.scrollToIndex(activePos, { align: 'auto' });
  };

  if (!results) return <div className="table-empty" data-testid="events-table">Evaluating…</div>;
  const cols = results.columns;
  const grid = `44px minmax(190px, 1.4fr) minmax(112px, 150px) ${cols.map(() => 'minmax(90px, 1fr)').join(' ')}`;

  const virtualItems = virtualizer.getVirtualItems();
  // The single tab stop is the active row; the body takes it only while that row is not rendered.
  const activeRendered = virtualItems.some((v) => v.index === activePos);
  return (
    <div className="events-table" data-testid="events-table" role="treegrid" aria-rowcount={rows.length + 1} aria-label="Events and verdicts" aria-describedby="events-table-keys">
      <span id="events-table-keys" className="sr-only">
        Arrow keys move between events, Enter expands the explanation, m n f x set the expected verdict.
      </span>
      <div className="trow thead" role="row" aria-rowindex={1} style={{ gridTemplateColumns: grid }}>
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
      <div
        className="tbody"
        ref={scrollRef}
        role="rowgroup"
        tabIndex={activeRendered ? -1 : 0}
        onKeyDown={onKey}
        onFocus={onBodyFocus}
        onBlur={(e) => {
          // Focus went somewhere else on purpose (Tab, a click): the table no longer owns it.
          if (e.relatedTarget && !e.currentTarget.contains(e.relatedTarget as Node)) ownsFocus.current = false;
        }}
      >
        {results.error ? (
          <div className="table-empty">{results.error}</div>
        ) : rows.length === 0 ? (
          <div className="table-empty">{results.total === 0 ? 'No events yet — paste or drop some above.' : failingOnly ? 'No failing tests: every expected verdict holds for the events shown.' : 'No events with this verdict.'}</div>
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualItems.map((v) => {
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
                    tabIndex={v.index === activePos ? 0 : -1}
                    aria-rowindex={v.index + 2}
                    aria-selected={isOpen}
                    aria-expanded={isOpen}
                    data-testid="event-row"
                    data-verdict={verdict}
                    data-event-index={index}
                    data-test={test ? (test.passed ? 'pass' : 'fail') : undefined}
                    style={{ gridTemplateColumns: grid }}
                    onFocus={(e) => e.target === e.currentTarget && setFocused(index)}
                    onClick={() => {
                      setFocused(index);
                      ownsFocus.current = true;
                      void open(isOpen ? undefined : index);
                    }}
                  >
                    <span role="gridcell" className="mono dim">
                      {index + 1}
                    </span>
                    <span role="gridcell">
                      <VerdictBadge verdict={verdict} filteredBy={fb >= 0 ? results.filterNames[fb] : undefined} logsource={results.logsourceMismatch[index] === 1} />
                    </span>
                    <span role="gridcell">
                      <ExpectationControl index={index} results={results} tabIndex={v.index === activePos ? 0 : -1} />
                    </span>
                    {cols.map((c, ci) => {
                      const text = cell(results, index, ci);
                      return (
                        <span role="gridcell" key={c} className={`mono${text === '' ? ' dim' : ''}`} title={text}>
                          {text === '' ? '—' : text}
                        </span>
                      );
                    })}
                  </div>
                  {isOpen && (
                    <div role="row" aria-label={`Why event ${index + 1} got its verdict`}>
                      <div role="gridcell" aria-colspan={cols.length + 3}>
                        <EventDetailView index={index} />
                      </div>
                    </div>
                  )}
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
