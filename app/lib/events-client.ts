/**
 * The page side of the events worker. Reading and matching never run on the main thread.
 * Latest input wins: a rule change supersedes a running evaluation (the worker checks the
 * generation between chunks); new event text while the worker is still reading terminates the
 * worker (reading is one synchronous pass) and starts a fresh one with the new text.
 */
import EventsWorker from '../workers/events.worker.ts?worker';
import type { FromWorker, ToWorker } from '../workers/protocol.ts';
import type { RunToWorker } from '../workers/run-protocol.ts';
import type { EventDetail } from '../state/types.ts';
import { useStore } from '../state/store.ts';
import { blobInSlices } from './blob-in-slices.ts';

export class EventsClient {
  private worker!: Worker;
  private gen = 0;
  private reading = false;
  private lastRuleText = '';
  private lastPlaceholders: Record<string, string[]> | undefined;
  private lastEventsText: string | undefined;
  private reqId = 0;
  private pending = new Map<number, (m: FromWorker) => void>();

  constructor() {
    this.spawn();
  }

  private spawn(): void {
    this.worker = new EventsWorker({ name: 'siglab-events' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      useStore.getState().showToast(`The events worker failed: ${e.message || 'unknown error'}`);
      useStore.getState().setLoading(false);
      useStore.getState().setProgress(undefined);
    };
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m);
  }

  /** `placeholders`: values for `%name%` under `expand` (the ones the KQL preview is compiled with). */
  setRule(ruleText: string, placeholders?: Record<string, string[]>): void {
    this.lastRuleText = ruleText;
    this.lastPlaceholders = placeholders;
    const gen = ++this.gen;
    this.post({ type: 'rule', gen, ruleText, placeholders });
  }

  /** The read in progress is of .evtx files (streamed; it can stop and keep what it has). */
  private readingEvtx = false;
  /** The generation of the latest event input: its `loaded` counts even if rule edits came after it. */
  private eventsGen = 0;

  setEvents(text: string, bytes?: Uint8Array, more?: Array<{ name: string; bytes: Uint8Array }>, name?: string): void {
    this.lastEventsText = text;
    const gen = ++this.gen;
    if (this.reading) {
      // Reading is one synchronous pass inside the worker: stop it the only way possible.
      this.worker.terminate();
      for (const resolve of this.pending.values()) resolve({ type: 'detail', reqId: -1, error: 'cancelled' });
      this.pending.clear();
      this.spawn();
      // The fresh worker has no events yet, so this only sets the rule.
      this.post({ type: 'rule', gen, ruleText: this.lastRuleText, placeholders: this.lastPlaceholders });
    }
    this.reading = true;
    this.eventsGen = gen;
    const s = useStore.getState();
    s.setLoading(true);
    s.setProgress({ phase: 'reading', done: 0, total: bytes ? bytes.length : text.length });
    this.readingEvtx = !!bytes;
    if (bytes) {
      // The files' bytes move to the worker (transferred, not copied): a 100 MB log is not held twice.
      const files = more ?? [];
      const total = bytes.length + files.reduce((n, f) => n + f.bytes.length, 0);
      s.setProgress({ phase: 'reading', done: 0, total });
      const transfer = [bytes.buffer, ...files.map((f) => f.bytes.buffer)].filter((b, i, all) => all.indexOf(b) === i && b.byteLength > 0);
      this.worker.postMessage({ type: 'evtx', gen, bytes, name, files } satisfies ToWorker, transfer as ArrayBuffer[]);
    } else {
      // Posting a string copies it on the main thread (~4 ms per MB); a dropped file's Blob is a
      // handle, so the worker reads the file itself.
      const blob = eventsSource && eventsSource.text === text ? eventsSource.blob : undefined;
      const post = ++this.textPost;
      if (blob) this.post({ type: 'events', gen, text: '', blob });
      else if (text.length < SLICED_POST_CHARS) this.post({ type: 'events', gen, text });
      else {
        // A large paste (50 MB: ~200 ms to copy in one task) becomes a Blob slice by slice, one
        // task each, and goes across as a handle like a dropped file.
        void blobInSlices(text).then((made) => {
          // A newer input (or a cancel) came meanwhile: it owns the worker now.
          if (post !== this.textPost) return;
          // Rule edits posted meanwhile reached the worker first; these events join them under a
          // generation of their own, so their results are the newest.
          let g = gen;
          if (this.gen !== gen) this.eventsGen = g = ++this.gen;
          this.post({ type: 'events', gen: g, text: '', blob: made });
        });
      }
    }
  }

  /** Counts event texts given to the worker, so that a Blob still being built for an older one is dropped. */
  private textPost = 0;

  /**
   * Stops the read in progress. A streamed .evtx read stops at its next slice and keeps the events
   * read so far; a text read is one synchronous pass in the worker, so the worker is replaced and
   * the input is dropped. Returns what happened, for the message.
   */
  cancel(): 'stopped' | 'dropped' | 'idle' {
    if (!this.reading) return 'idle';
    this.textPost++;
    if (this.readingEvtx) {
      this.post({ type: 'cancel' });
      return 'stopped';
    }
    this.worker.terminate();
    for (const resolve of this.pending.values()) resolve({ type: 'detail', reqId: -1, error: 'cancelled' });
    this.pending.clear();
    this.reading = false;
    this.spawn();
    const gen = ++this.gen;
    this.post({ type: 'rule', gen, ruleText: this.lastRuleText, placeholders: this.lastPlaceholders });
    const s = useStore.getState();
    s.setLoading(false);
    s.setProgress(undefined);
    s.setResults(undefined, []);
    s.setLoad({ count: 0, bytes: 0, diagnostics: [{ code: 'events-cancelled', severity: 'info', message: 'Reading was cancelled; no events are loaded. Paste or drop events to try again.' }], parseMs: 0, fieldPaths: [] });
    return 'dropped';
  }

  /** The current events, with in-place edits, as a JSON array (from the worker, which holds them). */
  exportEvents(): Promise<{ json: string; count: number } | undefined> {
    const reqId = ++this.reqId;
    return new Promise((resolve) => {
      this.pending.set(reqId, (m) => resolve(m.type === 'exported' ? { json: m.json, count: m.count } : undefined));
      this.post({ type: 'export', reqId });
    });
  }

  explain(index: number): Promise<EventDetail | undefined> {
    const reqId = ++this.reqId;
    return new Promise((resolve) => {
      this.pending.set(reqId, (m) => resolve(m.type === 'detail' ? m.detail : undefined));
      this.post({ type: 'explain', reqId, index });
    });
  }

  edit(index: number, json: string): Promise<{ ok: boolean; error?: string }> {
    const reqId = ++this.reqId;
    const gen = ++this.gen;
    return new Promise((resolve) => {
      this.pending.set(reqId, (m) => {
        if (m.type === 'edited') {
          useStore.getState().setEditedEvents(m.edited);
          resolve({ ok: m.ok, error: m.error });
        } else resolve({ ok: false, error: 'cancelled' });
      });
      this.post({ type: 'edit', reqId, gen, index, json });
    });
  }

  private receive(m: FromWorker): void {
    const s = useStore.getState();
    switch (m.type) {
      case 'progress':
        if (m.gen >= this.eventsGen) s.setProgress({ phase: m.phase, done: m.done, total: m.total });
        break;
      case 'loaded':
        if (m.gen >= this.eventsGen) {
          if (!m.partial) this.reading = false;
          s.setLoad(m.load);
        }
        break;
      case 'results':
        if (m.gen === this.gen) {
          s.setResults(m.snapshot, m.ruleFields);
          // Results of a streamed read in progress cover the events so far: keep showing progress.
          if (!this.reading) {
            s.setLoading(false);
            s.setProgress(undefined);
          }
          // Keep an open explanation in step with the new results.
          const sel = s.selectedEvent;
          if (sel !== undefined && sel < m.snapshot.total) {
            void this.explain(sel).then((d) => {
              const now = useStore.getState();
              if (now.selectedEvent !== sel) return;
              now.setDetail(d);
              now.setHighlightRanges(d?.decisive ?? []);
            });
          }
          else if (sel !== undefined) {
            s.selectEvent(undefined);
            s.setDetail(undefined);
          }
        }
        break;
      case 'detail':
      case 'exported':
      case 'edited': {
        const resolve = this.pending.get(m.reqId);
        this.pending.delete(m.reqId);
        resolve?.(m);
        break;
      }
      default: {
        // Answers to `ask` (KQL runs, correlations: app/workers/run-protocol.ts).
        const resolve = this.pending.get(m.reqId);
        this.pending.delete(m.reqId);
        resolve?.(m);
      }
    }
  }

  /** Sends a run request (its `reqId` is filled in) and resolves with the worker's answer. */
  ask<T extends RunToWorker>(m: Omit<T, 'reqId'>): Promise<FromWorker> {
    const reqId = ++this.reqId;
    return new Promise((resolve) => {
      this.pending.set(reqId, resolve);
      this.post({ ...m, reqId } as unknown as ToWorker);
    });
  }

  get eventsText(): string | undefined {
    return this.lastEventsText;
  }
}

/** From this many characters on, pasted text goes to the worker as a Blob built in slices. */
const SLICED_POST_CHARS = 2_000_000;

/** The latest event text read from files, and the files it was read from. */
let eventsSource: { text: string; blob: Blob } | undefined;

/**
 * Records that `text` is the content of `blob` (a dropped or picked file), so that `setEvents`
 * sends the worker the Blob instead of copying the text. Call it before committing the text.
 */
export function rememberEventsSource(text: string, blob: Blob): void {
  eventsSource = text.length > 0 ? { text, blob } : undefined;
}

let client: EventsClient | undefined;
export function eventsClient(): EventsClient {
  client ??= new EventsClient();
  return client;
}
