/** Events: paste or drop input, detected format, read errors, verdict counts and filters, table, fields. */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { useStore } from '../state/store.ts';
import { EventsTable } from './EventsTable.tsx';
import { FieldPanel } from './FieldPanel.tsx';
import { RunHint, RunTabButtons, runTabBody } from './RunTabs.tsx';
import { CancelReadButton } from './CancelReadButton.tsx';
import { FORMAT_LABELS, formatBytes, formatCount, formatMs } from '../lib/format.ts';
import type { Verdict } from '../state/types.ts';
import { downloadText } from '../lib/download.ts';
import { TestSummary } from './TestSummary.tsx';
import { rememberEventsSource } from '../lib/events-client.ts';
import { readTextInSlices } from '../lib/read-text.ts';
import { useRunStore } from '../lib/run-client.ts';
import { EVENTS_TABPANEL_ID, eventsTabId, eventsTabProps, onEventsTabKey } from './events-tabs.ts';

/**
 * Pastes above this size are kept out of the textarea: laying out a textarea holding 400 KB of
 * long lines took 150-240 ms of main thread each time the page re-measured (issue 5's 200 ms budget).
 */
const INLINE_LIMIT = 128 * 1024;

export function EventsPanel() {
  const eventsText = useStore((s) => s.eventsText);
  const eventsSource = useStore((s) => s.eventsSource);
  const setEventsText = useStore((s) => s.setEventsText);
  const load = useStore((s) => s.load);
  const results = useStore((s) => s.results);
  const progress = useStore((s) => s.progress);
  const filter = useStore((s) => s.verdictFilter);
  const setFilter = useStore((s) => s.setVerdictFilter);
  const tab = useStore((s) => s.eventsTab);
  const setTab = useStore((s) => s.setEventsTab);
  const edited = useStore((s) => s.editedEvents);
  const ruleFields = useStore((s) => s.ruleFields);
  const stale = useStore((s) => s.resultsStale);
  const hasCorrelations = useRunStore((s) => s.hasCorrelations);
  const [dragging, setDragging] = useState(false);
  const [draft, setDraft] = useState(eventsText);
  const fileRef = useRef<HTMLInputElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const large = eventsText.length > INLINE_LIMIT;
  useEffect(() => {
    setDraft(large ? '' : eventsText);
  }, [eventsText, large]);

  const commit = (text: string, source: string) => {
    clearTimeout(timer.current);
    setEventsText(text, source);
  };

  const onType = (text: string) => {
    setDraft(text);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setEventsText(text, 'paste'), 200);
  };

  const readFiles = async (files: FileList | null) => {
    if (!files || !files.length) return;
    const list = Array.from(files);
    const evtx = list.filter((f) => /\.evtx$/i.test(f.name));
    if (evtx.length) {
      // Binary Windows event logs are read as bytes, streamed by the worker (several files in order).
      const files = await Promise.all(evtx.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      if (evtx.length < list.length) useStore.getState().showToast('Opened the .evtx files; other files dropped with them were not read (drop them on their own).');
      useStore.getState().setEventsBinary(files[0].bytes, files.map((f) => f.name).join(', '), files);
      return;
    }
    const texts = await Promise.all(list.map((f) => readTextInSlices(f)));
    // Several files: concatenate as NDJSON-compatible text when each is line-based; otherwise the first wins.
    const text = list.length === 1 ? texts[0] : texts.join('\n');
    // The worker reads the files themselves rather than a copy of this text (app/lib/events-client.ts).
    if (list.length === 1) rememberEventsSource(text, list[0]);
    commit(text, list.map((f) => f.name).join(', '));
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void readFiles(e.dataTransfer.files);
  };

  const counts = results?.counts;
  const missing = ruleFields.filter((f) => f.present === 0 && (load?.count ?? 0) > 0);
  const readErrors = load?.diagnostics ?? [];
  const evaluated = results && !results.error ? formatMs(results.evaluateMs) : undefined;
  const metaTitle = load ? [`${formatCount(load.count)} event${load.count === 1 ? '' : 's'}`, formatBytes(load.bytes), eventsSource !== 'paste' ? `from ${eventsSource}` : 'pasted', evaluated && `evaluated in ${evaluated}`].filter(Boolean).join(' · ') : undefined;
  // The tab that takes Tab and labels the body: the selected one, or Verdicts when it is not shown.
  const tabStop = tab === 'fields' || tab === 'query' || (tab === 'correlations' && hasCorrelations) ? tab : 'table';

  const filterBtn = (v: Verdict | 'all', label: string, n: number | undefined) => (
    <button className={`vfilter vfilter-${v}${filter === v ? ' is-active' : ''}`} aria-pressed={filter === v} onClick={() => setFilter(v)} data-testid={`filter-${v}`}>
      <span className="vfilter-label">{label}</span>
      <span className="vfilter-n">{n === undefined ? '–' : formatCount(n)}</span>
    </button>
  );

  return (
    <section
      className={`panel events-panel${dragging ? ' is-dragging' : ''}`}
      aria-label="Events"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={onDrop}
    >
      {/* Two groups that wrap as wholes: what was loaded (the source name gives way first, its full
          text in the tooltip), then tests and file actions, which move to a second row when the
          panel is too narrow for one. Nothing is clipped but the source name. */}
      <header className="panel-head events-head">
        <div className="events-head-id">
          <h2>Events</h2>
          {load?.format && <span className="chip" data-testid="events-format" title="Detected format">{FORMAT_LABELS[load.format] ?? load.format}</span>}
          {load && (
            <span className="meta-count" data-testid="events-count" title={metaTitle}>
              {formatCount(load.count)} event{load.count === 1 ? '' : 's'} · {formatBytes(load.bytes)}
            </span>
          )}
          {/* The evaluation time is in the tooltip: a second truncated text beside the name read badly. */}
          {load && eventsSource !== 'paste' && (
            <span className="meta" title={metaTitle}>
              <span className="meta-source">· {eventsSource}</span>
            </span>
          )}
          {edited > 0 && (
            <span className="chip chip-quiet" title="Events changed in place (Apply & re-evaluate); the download has the edits">
              {edited} edited
            </span>
          )}
        </div>
        <div className="events-head-tools">
          {/* With no events too: its "Import tests…" brings them. */}
          <TestSummary />
          <span className="events-head-actions">
            {eventsText && (
              <button
                className="btn btn-ghost btn-sm"
                data-testid="download-events"
                title="Download the events as pasted"
                aria-label="Download events"
                onClick={() => {
                  const ext = load?.format === 'csv' ? 'csv' : load?.format === 'xml' ? 'xml' : load?.format === 'ndjson' ? 'ndjson' : 'json';
                  downloadText(`events.${ext}`, eventsText, ext === 'json' || ext === 'ndjson' ? 'application/json' : 'text/plain');
                }}
              >
                ⤓ events
              </button>
            )}
            <button className="btn btn-ghost btn-sm" onClick={() => fileRef.current?.click()} title="Open JSON, NDJSON, CSV, XML or .evtx files (or drop them on this panel)">
              Open file…
            </button>
          </span>
          <input
            ref={fileRef}
            type="file"
            multiple
            hidden
            accept=".json,.ndjson,.jsonl,.csv,.xml,.evtx,.txt,.log"
            onChange={(e) => {
              void readFiles(e.target.files);
              e.target.value = '';
            }}
          />
        </div>
      </header>

      <div className="events-input-row">
        <textarea
          data-testid="events-input"
          className="events-input mono"
          spellCheck={false}
          aria-label="Paste events: JSON, NDJSON, CSV, evtx JSON or Windows event XML"
          placeholder={large ? `${formatBytes(eventsText.length)} loaded from ${eventsSource} (too large to show here). Paste to replace.` : 'Paste events here — JSON array, NDJSON, CSV, evtx JSON or Windows event XML — or drop files anywhere on this panel'}
          value={draft}
          onChange={(e) => onType(e.target.value)}
          onPaste={(e) => {
            const text = e.clipboardData.getData('text');
            if (text.length > INLINE_LIMIT) {
              // Keep huge pastes out of the DOM; the worker reads them.
              e.preventDefault();
              commit(text, 'paste');
            }
          }}
        />
      </div>

      {progress && (
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done} data-testid="events-progress">
          <div className="progress-bar" style={{ width: `${progress.total ? Math.round((progress.done / progress.total) * 100) : 0}%` }} />
          <span className="progress-text">
            {progress.phase === 'reading' ? 'Reading' : 'Evaluating'} {progress.total ? `${Math.round((progress.done / progress.total) * 100)}%` : '…'}
            {progress.phase === 'reading' && progress.total > 0 ? ` of ${formatBytes(progress.total)}` : ''}
            {progress.phase === 'reading' && load?.count ? ` · ${formatCount(load.count)} events so far` : ''}
          </span>
          {progress.phase === 'reading' && <CancelReadButton />}
        </div>
      )}

      {readErrors.length > 0 && (
        <ul className="read-errors" data-testid="events-errors">
          {readErrors.slice(0, 3).map((d, i) => (
            <li key={i} className={`issue issue-${d.severity}`}>
              <span className="issue-icon" aria-hidden>{d.severity === 'error' ? '●' : '▲'}</span>
              {d.range && <span className="issue-pos mono">line {d.range.startLine}{d.range.startColumn > 1 ? `:${d.range.startColumn}` : ''}</span>}
              <span className="issue-msg">{d.message}</span>
            </li>
          ))}
          {readErrors.length > 3 && <li className="dim">…and {readErrors.length - 3} more read problems</li>}
        </ul>
      )}

      <div className="events-toolbar">
        <div className="vfilters" role="group" aria-label="Filter by verdict">
          {filterBtn('all', 'All', results?.total)}
          {filterBtn('match', 'Match', counts?.match)}
          {filterBtn('filtered', 'Filtered', counts?.filtered)}
          {filterBtn('nomatch', 'No match', counts?.nomatch)}
        </div>
        <span className="spacer" />
        <div className="tabs" role="tablist" aria-label="Events view" onKeyDown={(e) => onEventsTabKey(e, setTab)}>
          <button {...eventsTabProps('table', tab === 'table', tabStop === 'table')} className={`tab${tab === 'table' ? ' is-active' : ''}`} onClick={() => setTab('table')}>
            Verdicts
          </button>
          <button {...eventsTabProps('fields', tab === 'fields')} className={`tab${tab === 'fields' ? ' is-active' : ''}`} onClick={() => setTab('fields')} data-testid="fields-tab">
            Fields
            {missing.length > 0 && <span className="tab-warn" title={`${missing.length} rule field(s) appear in no event`}>{missing.length}</span>}
          </button>
          <RunTabButtons />
        </div>
      </div>

      <RunHint />
      {missing.length > 0 && tab === 'table' && (
        <div className="hint-warn" data-testid="missing-fields-hint">
          ▲ {missing.length === 1 ? 'Rule field' : 'Rule fields'} <b className="mono">{missing.map((f) => f.field).join(', ')}</b> {missing.length === 1 ? 'appears' : 'appear'} in no event — the most common reason a rule silently misses.{' '}
          <button className="link" onClick={() => setTab('fields')}>
            See fields
          </button>
        </div>
      )}

      {stale && results && (
        <div className="hint-stale" data-testid="results-stale" role="status">
          The rule has errors: these verdicts are from the last version that loaded cleanly.
        </div>
      )}
      <div className={`events-body${stale ? ' is-stale' : ''}`} role="tabpanel" id={EVENTS_TABPANEL_ID} aria-labelledby={eventsTabId(tabStop)}>{runTabBody(tab) ?? (tab === 'table' ? <EventsTable /> : <FieldPanel />)}</div>
      {dragging && <div className="drop-overlay">Drop event files to load them</div>}
    </section>
  );
}
