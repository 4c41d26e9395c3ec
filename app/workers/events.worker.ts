/**
 * The events worker: reads pasted/dropped event text, evaluates the current rule over every
 * event, and explains single events on demand. The page never holds the events; it gets compact
 * typed arrays (verdicts, filters) and one joined string of the table's cells.
 *
 * Evaluation runs in chunks and yields between them, so a newer rule (a newer generation)
 * supersedes a running evaluation; reading is one synchronous pass, which the page cancels by
 * terminating the worker (app/lib/events-client.ts).
 */
import { collectFieldPaths, compileMatcher, loadRules, readEvents, type CompiledRule, type LogEvent } from '../../src/index.ts';
import { iterateEvtxEvents } from '../../src/engine/evtx/index.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';
import { emptySnapshot, evaluateSnapshot, explainDetail } from './results.ts';
import type { FromWorker, ToWorker } from './protocol.ts';
import type { EventDetail } from '../state/types.ts';
import { handleRunMessage } from './run-handlers.ts';

let events: LogEvent[] = [];
let eventsReady = false;
let ruleError: string | undefined = 'The rule has errors: fix them (see Problems) to evaluate the events.';
let compiled: CompiledRule | undefined;
let currentGen = 0;
let edited = new Set<number>();
/** The input being read by `readEvtxFiles`; anything else (a newer input, a cancel) stops that read. */
let readGen = 0;

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/** `placeholders`: the user's values for `%name%` under `expand`, the same ones the compiler gets. */
function setRule(text: string, placeholders?: Record<string, string[]>): void {
  const loaded = loadRules(text, { placeholders });
  const rule = loaded.rules[0];
  compiled = undefined;
  ruleError = undefined;
  if (!rule) {
    ruleError = loaded.diagnostics.find((d) => d.severity === 'error')?.message ?? 'No rule to evaluate.';
    ruleError = `The rule cannot be evaluated: ${ruleError}`;
    return;
  }
  compiled = compileMatcher(rule, { placeholders });
}

async function evaluate(gen: number): Promise<void> {
  if (!eventsReady) return;
  if (!compiled) {
    post({ type: 'results', gen, snapshot: emptySnapshot(gen, events.length, ruleError ?? 'No rule.'), ruleFields: [] });
    return;
  }
  const r = await evaluateSnapshot(compiled, events, gen, {
    onProgress: (done, total) => post({ type: 'progress', gen, phase: 'evaluating', done, total }),
    between: async () => {
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      return gen === currentGen;
    },
  });
  if (!r || gen !== currentGen) return;
  const s = r.snapshot;
  post({ type: 'results', gen, snapshot: s, ruleFields: r.ruleFields }, [s.verdicts.buffer, s.filteredBy.buffer, s.offsets.buffer, s.lines.buffer, s.logsourceMismatch.buffer]);
}

function explain(index: number): EventDetail | undefined {
  const e = events[index];
  if (!e || !compiled) return undefined;
  return explainDetail(compiled, e, index);
}

function edit(index: number, json: string): { ok: boolean; error?: string } {
  if (index < 0 || index >= events.length) return { ok: false, error: 'That event no longer exists.' };
  const read = readEvents(json, { format: 'json' });
  const err = read.diagnostics.find((d) => d.severity === 'error');
  if (err) return { ok: false, error: `${err.range ? `Line ${err.range.startLine}: ` : ''}${err.message}` };
  if (read.events.length !== 1) return { ok: false, error: `Expected one JSON object, found ${read.events.length} events.` };
  const old = events[index];
  events[index] = { ...read.events[0], index, origin: old.origin };
  edited.add(index);
  return { ok: true };
}

/**
 * Binary .evtx files, streamed: records are read in slices of about 40 ms; between slices the
 * worker answers messages (a rule edit, a cancel, a newer input), reports progress, and now and
 * then evaluates what it has so far so the table fills while a large file is still being read.
 * Damaged chunks and records are skipped by the reader with a warning that names the chunk,
 * record and file offset (and the file, when there are several).
 */
async function readEvtxFiles(gen: number, files: Array<{ name: string; bytes: Uint8Array }>): Promise<void> {
  const started = performance.now();
  const total = files.reduce((n, f) => n + f.bytes.length, 0);
  const read: LogEvent[] = [];
  const diagnostics: Diagnostic[] = [];
  events = read;
  edited = new Set();
  eventsReady = true;
  let before = 0;
  let lastPartial = started;
  const loadInfo = () => ({
    format: read.length || !diagnostics.some((d) => d.severity === 'error') ? 'evtx' : undefined,
    count: read.length,
    bytes: total,
    diagnostics: diagnostics.slice(0, 200),
    parseMs: performance.now() - started,
    fieldPaths: collectFieldPaths(read),
  });
  const stopped = () => readGen !== gen;
  for (const file of files) {
    const fileDiagnostics: Diagnostic[] = [];
    let done = 0;
    const it = iterateEvtxEvents(file.bytes, fileDiagnostics, { onProgress: (d) => (done = d), shouldStop: stopped });
    let finished = false;
    while (!finished) {
      const until = performance.now() + 40;
      while (performance.now() < until) {
        const r = it.next();
        if (r.done) {
          finished = true;
          break;
        }
        r.value.index = read.length;
        read.push(r.value);
      }
      post({ type: 'progress', gen: currentGen, phase: 'reading', done: before + done, total });
      if (finished) break;
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      // A newer input replaced this one: its own read owns `events` now.
      if (events !== read) return;
      if (performance.now() - lastPartial > 1500 && read.length > 0 && read.length <= 300_000 && !stopped()) {
        post({ type: 'loaded', gen: currentGen, load: loadInfo(), partial: true });
        await evaluate(currentGen);
        if (events !== read) return;
        lastPartial = performance.now();
      }
    }
    for (const d of fileDiagnostics) {
      // The message already says where (chunk, record, file offset); a binary file has no lines to show.
      diagnostics.push({ ...d, range: undefined, message: files.length > 1 ? `${file.name}: ${d.message}` : d.message });
    }
    before += file.bytes.length;
    if (stopped()) break;
  }
  if (events !== read) return;
  if (diagnostics.length > 200) diagnostics.splice(200, diagnostics.length, { code: 'evtx-more-warnings', severity: 'warning', message: `${diagnostics.length - 200} more warnings not shown` });
  post({ type: 'loaded', gen: currentGen, load: loadInfo() });
  void evaluate(currentGen);
}

/** Reads pasted or dropped event text (one synchronous pass) and evaluates the rule over it. */
function readText(gen: number, text: string): void {
  const started = performance.now();
  let lastPost = 0;
  const onProgress = (done: number, total: number) => {
    const now = performance.now();
    if (now - lastPost > 100) {
      lastPost = now;
      post({ type: 'progress', gen, phase: 'reading', done, total });
    }
  };
  const read = readEvents(text, { onProgress });
  events = read.events;
  edited = new Set();
  eventsReady = true;
  const parseMs = performance.now() - started;
  post({
    type: 'loaded',
    gen,
    load: {
      format: read.format,
      count: events.length,
      bytes: text.length,
      diagnostics: read.diagnostics.slice(0, 200),
      parseMs,
      fieldPaths: collectFieldPaths(events),
    },
  });
  // A rule that arrived while a dropped file was being read is the one to apply.
  void evaluate(currentGen);
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  switch (m.type) {
    case 'rule':
      currentGen = m.gen;
      setRule(m.ruleText, m.placeholders);
      void evaluate(m.gen);
      break;
    case 'evtx':
      currentGen = m.gen;
      readGen = m.gen;
      void readEvtxFiles(m.gen, [{ name: m.name ?? 'file.evtx', bytes: m.bytes }, ...(m.files ?? [])]);
      break;
    case 'cancel':
      // Stops a streamed .evtx read at its next slice; what was read so far stays loaded.
      readGen = -1;
      break;
    case 'export': {
      const json = `[\n${events.map((e) => JSON.stringify(e.data)).join(',\n')}\n]\n`;
      post({ type: 'exported', reqId: m.reqId, json, count: events.length });
      break;
    }
    case 'events': {
      currentGen = m.gen;
      readGen = m.gen;
      if (m.blob) {
        // A dropped file: read here, so the page never copies its text across.
        const gen = m.gen;
        m.blob.text().then(
          (text) => {
            if (readGen === gen) readText(gen, text);
          },
          (e: unknown) => {
            if (readGen !== gen) return;
            const message = `The file could not be read (${e instanceof Error ? e.message : String(e)}); drop it again.`;
            events = [];
            eventsReady = true;
            post({ type: 'loaded', gen, load: { count: 0, bytes: 0, diagnostics: [{ code: 'events-unreadable', severity: 'error', message }], parseMs: 0, fieldPaths: [] } });
            void evaluate(currentGen);
          },
        );
        break;
      }
      readText(m.gen, m.text);
      break;
    }
    case 'explain': {
      let detail: EventDetail | undefined;
      let error: string | undefined;
      try {
        detail = explain(m.index);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
      post({ type: 'detail', reqId: m.reqId, detail, error });
      break;
    }
    case 'edit': {
      const r = edit(m.index, m.json);
      post({ type: 'edited', reqId: m.reqId, ok: r.ok, error: r.error, edited: edited.size });
      if (r.ok) {
        currentGen = m.gen;
        void evaluate(m.gen);
      }
      break;
    }
    default:
      // KQL runs over the rows and correlations (app/workers/run-handlers.ts).
      void handleRunMessage(m, events, post);
  }
};
