/**
 * The page side of "run the query" (issue 7) and correlations (issue 8): a small store for their
 * views and the wiring that asks the events worker (app/workers/run-handlers.ts) whenever the
 * events, the rule, the query or the target change. Newest request wins: an answer to an older
 * request is dropped, and the worker stops an older run at its next slice.
 */
import { ruleSettings } from './rule-settings.ts';
import { create } from 'zustand';
import type { CorrelationEvaluation } from '../../src/engine/correlate.ts';
import type { RowExplanation } from '../../src/kql/eval/index.ts';
import { useStore } from '../state/store.ts';
import { eventsClient } from './events-client.ts';
import type { CompareDetail, CompareSummary, KeptCode, KqlRunSummary, RunToWorker, TargetRowsInfo } from '../workers/run-protocol.ts';

type Ask = { [K in RunToWorker['type']]: Omit<Extract<RunToWorker, { type: K }>, 'reqId'> }[RunToWorker['type']];

export interface RowExplain {
  index: number;
  explanation?: RowExplanation;
  kept?: KeptCode;
  row?: Record<string, unknown>;
  error?: string;
}

export interface RunState {
  /** `rows`: the events are the target's rows, judged by the query; `translate`: Sigma events written as rows. */
  mode: 'rows' | 'translate';
  /** The table the user chose (overrides recognition). */
  chosenTable?: string;
  detect?: TargetRowsInfo;
  run?: KqlRunSummary;
  runError?: string;
  running: boolean;
  selectedRow?: number;
  rowExplain?: RowExplain;
  compare?: CompareSummary;
  compareError?: string;
  compareDetail?: CompareDetail & { error?: string };
  /** The rule text has correlations (a quick look; the worker's answer is authoritative). */
  hasCorrelations: boolean;
  correlation?: CorrelationEvaluation;
  correlationError?: string;
  correlating: boolean;
  /** The user's choice of event-time field. */
  timestampField?: string;
  /** The KQL span pinned by a click on a predicate. */
  pinnedSpan?: { start: number; end: number };
  setMode(mode: RunState['mode']): void;
  chooseTable(table: string | undefined): void;
  selectRow(index: number | undefined): void;
  setTimestampField(field: string | undefined): void;
}

export const useRunStore = create<RunState>()((set) => ({
  mode: 'rows',
  running: false,
  hasCorrelations: false,
  correlating: false,
  setMode: (mode) => set({ mode, selectedRow: undefined, rowExplain: undefined, compareDetail: undefined }),
  chooseTable: (chosenTable) => set({ chosenTable, selectedRow: undefined, rowExplain: undefined }),
  selectRow: (selectedRow) => set({ selectedRow }),
  setTimestampField: (timestampField) => set({ timestampField }),
}));

/** The table the query runs over: the user's choice, else the recognised one. */
export function effectiveTable(s: Pick<RunState, 'chosenTable' | 'detect'>): string | undefined {
  return s.chosenTable ?? s.detect?.table;
}

export const hasCorrelationText = (text: string) => /^correlation\s*:/m.test(text);

let seq = 0;
const latest: Record<string, number> = {};

/** Asks the worker; resolves undefined when a newer request of the same kind was made meanwhile. */
async function ask(kind: string, m: Ask) {
  const mine = ++seq;
  latest[kind] = mine;
  const answer = await eventsClient().ask(m as never);
  return latest[kind] === mine ? answer : undefined;
}

function currentQuery(): { query: string; targetId: string } | undefined {
  const s = useStore.getState();
  const p = s.preview?.ok ? s.preview : undefined;
  return p && p.targetId === s.targetId ? { query: p.query, targetId: p.targetId } : undefined;
}

async function detect(): Promise<void> {
  const s = useStore.getState();
  if (!s.load || s.load.count === 0) {
    useRunStore.setState({ detect: undefined, run: undefined, compare: undefined });
    return;
  }
  const a = await ask('detect', { type: 'kql-detect', targetId: s.targetId });
  if (!a || a.type !== 'kql-detected') return;
  useRunStore.setState({ detect: a.info });
}

async function runQuery(): Promise<void> {
  const r = useRunStore.getState();
  const table = effectiveTable(r);
  const q = currentQuery();
  if (!table || !q || !useStore.getState().load?.count) {
    useRunStore.setState({ run: undefined, runError: q ? undefined : 'The rule has no query for this target yet.', running: false });
    return;
  }
  useRunStore.setState({ running: true });
  const a = await ask('run', { type: 'kql-run', query: q.query, targetId: q.targetId, table });
  if (!a || ('error' in a && a.error === 'superseded')) return;
  if (a.type !== 'kql-ran') {
    // The worker was replaced (a new paste while reading): the next results run again.
    useRunStore.setState({ running: false });
    return;
  }
  useRunStore.setState({ run: a.summary, runError: a.error, running: false });
  const sel = useRunStore.getState().selectedRow;
  if (sel !== undefined) void explainRow(sel);
}

export async function explainRow(index: number): Promise<void> {
  const r = useRunStore.getState();
  const table = effectiveTable(r);
  const q = currentQuery();
  if (!table || !q) return;
  const a = await ask('explain', { type: 'kql-explain', query: q.query, targetId: q.targetId, table, index });
  if (!a || a.type !== 'kql-explained' || useRunStore.getState().selectedRow !== index) return;
  useRunStore.setState({ rowExplain: { index, explanation: a.explanation, kept: a.kept, row: a.row, error: a.error } });
}

async function compare(): Promise<void> {
  const s = useStore.getState();
  if (!s.load?.count || !s.rule) {
    useRunStore.setState({ compare: undefined, compareError: undefined });
    return;
  }
  useRunStore.setState({ running: true });
  const a = await ask('compare', { type: 'kql-compare', ruleText: s.ruleText, targetId: s.targetId, settings: ruleSettings(s.mappingText, s.placeholdersText) });
  if (!a || ('error' in a && a.error === 'superseded')) return;
  if (a.type !== 'kql-compared') {
    useRunStore.setState({ running: false });
    return;
  }
  useRunStore.setState({ compare: a.summary, compareError: a.error, running: false });
  const sel = useRunStore.getState().selectedRow;
  if (sel !== undefined) void explainCompare(sel);
}

export async function explainCompare(index: number): Promise<void> {
  const s = useStore.getState();
  const a = await ask('compare-explain', { type: 'kql-compare-explain', ruleText: s.ruleText, targetId: s.targetId, index, settings: ruleSettings(s.mappingText, s.placeholdersText) });
  if (!a || a.type !== 'kql-compare-explained' || useRunStore.getState().selectedRow !== index) return;
  useRunStore.setState({ compareDetail: a.detail ? a.detail : ({ index, error: a.error ?? 'Could not explain this event.' } as RunState['compareDetail']) });
}

async function correlate(): Promise<void> {
  const s = useStore.getState();
  if (!hasCorrelationText(s.ruleText)) {
    useRunStore.setState({ hasCorrelations: false, correlation: undefined, correlationError: undefined });
    return;
  }
  useRunStore.setState({ hasCorrelations: true, correlating: true });
  const a = await ask('correlate', { type: 'correlate', ruleText: s.ruleText, timestampField: useRunStore.getState().timestampField, settings: ruleSettings(s.mappingText, s.placeholdersText) });
  if (!a) return;
  if (a.type !== 'correlated') {
    useRunStore.setState({ correlating: false });
    return;
  }
  useRunStore.setState({ correlation: a.evaluation, correlationError: a.error, correlating: false, hasCorrelations: !!a.evaluation || !a.error?.includes('no correlation') });
}

let started = false;

/**
 * Runs cost about 0.1 ms a row and share the events worker with the verdicts: they run while the
 * Query tab is open, or, for the hint's count, over a recognised table of moderate size.
 */
function wanted(): boolean {
  const s = useStore.getState();
  const r = useRunStore.getState();
  if (s.eventsTab === 'query') return true;
  return r.mode === 'rows' && !!effectiveTable(r) && (s.load?.count ?? 0) <= 20_000;
}

/** Starts the wiring once (called by the views; idempotent). */
export function startRunWiring(): void {
  if (started) return;
  started = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wantDetect = false;
  let wantRun = false;
  let wantCorrelate = false;
  const flush = () => {
    const d = wantDetect;
    const r = wantRun;
    const c = wantCorrelate;
    wantDetect = wantRun = wantCorrelate = false;
    void (async () => {
      if (d) await detect();
      if ((r || d) && wanted()) {
        if (useRunStore.getState().mode === 'translate') await compare();
        else await runQuery();
      } else if (r || d) {
        // Not run now (the tab is closed): drop results that no longer describe the rule and events.
        useRunStore.setState({ run: undefined, compare: undefined, running: false });
      }
      if (c) await correlate();
    })();
  };
  const schedule = (what: { detect?: boolean; run?: boolean; correlate?: boolean }) => {
    wantDetect ||= !!what.detect;
    wantRun ||= !!what.run;
    wantCorrelate ||= !!what.correlate;
    clearTimeout(timer);
    timer = setTimeout(flush, 120);
  };
  const hadCorrelations = hasCorrelationText(useStore.getState().ruleText);
  useRunStore.setState({ hasCorrelations: hadCorrelations });
  useStore.subscribe((s, prev) => {
    // Results arrive after every change of events or rule: the worker has the new events then.
    if (s.results !== prev.results && s.results) schedule({ detect: s.load !== undefined, run: true, correlate: true });
    else if (s.targetId !== prev.targetId) schedule({ detect: true, run: true });
    else if (s.preview !== prev.preview && s.preview?.ok) schedule({ run: true });
    // A pinned predicate belongs to the query it was pinned in.
    if (s.preview !== prev.preview && (useRunStore.getState().pinnedSpan || s.eventsTab === 'query')) {
      useRunStore.setState({ pinnedSpan: undefined });
      if (s.kqlHighlight.length) s.setKqlHighlight([]);
    }
    if (prev.eventsTab === 'query' && s.eventsTab !== 'query' && s.kqlHighlight.length) {
      useRunStore.setState({ pinnedSpan: undefined });
      s.setKqlHighlight([]);
    }
    if (s.ruleText !== prev.ruleText) {
      const has = hasCorrelationText(s.ruleText);
      const before = useRunStore.getState().hasCorrelations;
      if (has !== before) useRunStore.setState({ hasCorrelations: has, correlation: has ? useRunStore.getState().correlation : undefined });
      // A rule that becomes a correlation opens its view (the table of base-rule verdicts stays one click away).
      if (has && !before) useStore.getState().setEventsTab('correlations');
      if (!has && before && s.eventsTab === 'correlations') useStore.getState().setEventsTab('table');
    }
    if (s.eventsTab === 'query' && prev.eventsTab !== 'query') schedule({ run: true });
    if (s.eventsVersion !== prev.eventsVersion) useRunStore.setState({ selectedRow: undefined, rowExplain: undefined, compareDetail: undefined, chosenTable: undefined });
  });
  useRunStore.subscribe((s, prev) => {
    if (s.mode !== prev.mode || s.chosenTable !== prev.chosenTable) schedule({ run: true });
    if (s.timestampField !== prev.timestampField) schedule({ correlate: true });
  });
  if (useStore.getState().results) schedule({ detect: true, run: true, correlate: true });
}
