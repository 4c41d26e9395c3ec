/**
 * Recent drafts: the user's work, kept in this browser as it is typed, so a reload, a crash or a
 * closed tab loses nothing, and opening a link (or another draft, or a dropped rule file) never
 * destroys what was there: it is kept as its own draft first and can be brought back.
 *
 * The index (rules, targets, small event texts) is one localStorage entry; event texts above
 * INLINE_EVENT_CHARS go to IndexedDB (event-store.ts). Each tab autosaves into its own entry
 * (its id lives in sessionStorage, so a reload of the tab keeps writing the same entry).
 */
import { create } from 'zustand';
import { deleteEvents, getEvents, putEvents } from './event-store.ts';

export type DraftKind = 'autosave' | 'before-link' | 'before-open';

export interface SavedDraft {
  id: string;
  kind: DraftKind;
  title: string;
  rule: string;
  target: string;
  /** The events, when small enough to sit in the index. */
  events?: string;
  /** The events are in IndexedDB under this draft's id. */
  eventsInDb?: boolean;
  eventsChars: number;
  /** Why the events were not kept (too large, a binary .evtx file). */
  eventsNote?: string;
  /** Expected verdicts (rule tests) by event index, as tokens (`match`, `no-alert`, `filtered:x`); kept with the events. */
  expectations?: Record<number, string>;
  /** The field mapping (YAML, `--mapping` format), as typed; absent when empty. */
  mapping?: string;
  /** The placeholder values (YAML, `--placeholders` format), as typed; absent when empty. */
  placeholders?: string;
  savedAt: number;
}

export interface WorkState {
  rule: string;
  target: string;
  events: string;
  /** The events came from a binary file the draft cannot keep (its name). */
  binarySource?: string;
  /** Expected verdicts (rule tests) by event index, as tokens. */
  expectations?: Record<number, string>;
  /** The field mapping and placeholder values as typed ('' when none). */
  mapping?: string;
  placeholders?: string;
}

export type SaveStatus = { state: 'idle' } | { state: 'saved'; at: number; note?: string } | { state: 'failed'; message: string };

const INDEX_KEY = 'siglab.drafts.v1';
const SESSION_KEY = 'siglab.draft-session';
const MAX_DRAFTS = 12;
export const INLINE_EVENT_CHARS = 200_000;
/** Event texts above this are not kept (a 50 MB paste is still in the file it came from). */
export const MAX_KEPT_EVENT_CHARS = 16_000_000;

interface DraftsUi {
  status: SaveStatus;
  drafts: SavedDraft[];
  /** Set when a link replaced the page's work: the draft it replaced. */
  replacedByLink?: SavedDraft;
}

export const useDrafts = create<DraftsUi>()(() => ({ status: { state: 'idle' }, drafts: readIndex() }));

function newId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function sessionId(): string {
  try {
    let id = sessionStorage.getItem(SESSION_KEY);
    if (!id) {
      id = newId();
      sessionStorage.setItem(SESSION_KEY, id);
    }
    return id;
  } catch {
    return (sessionIdFallback ??= newId());
  }
}
let sessionIdFallback: string | undefined;

function adoptSessionId(id: string): void {
  try {
    sessionStorage.setItem(SESSION_KEY, id);
  } catch {
    sessionIdFallback = id;
  }
}

export function ruleTitle(rule: string): string {
  const m = /^title:[ \t]*(.+?)[ \t]*$/m.exec(rule.slice(0, 20_000));
  const t = m ? m[1].replace(/^(['"])(.*)\1$/, '$2') : '';
  return (t || rule.trim().split('\n')[0] || 'Untitled rule').slice(0, 100);
}

function readIndex(): SavedDraft[] {
  try {
    const raw = localStorage.getItem(INDEX_KEY);
    if (!raw) return [];
    const list = JSON.parse(raw) as unknown;
    if (!Array.isArray(list)) return [];
    return list.filter((d): d is SavedDraft => !!d && typeof d === 'object' && typeof d.id === 'string' && typeof d.rule === 'string' && typeof d.target === 'string');
  } catch {
    return [];
  }
}

/** Writes the index; on a full storage drops the oldest other drafts, then inline events. */
function writeIndex(list: SavedDraft[], keepId: string): { ok: boolean; list: SavedDraft[]; trimmed: boolean } {
  let attempt = list.slice(0, MAX_DRAFTS);
  let trimmed = false;
  for (let round = 0; round < 40; round++) {
    try {
      localStorage.setItem(INDEX_KEY, JSON.stringify(attempt));
      return { ok: true, list: attempt, trimmed };
    } catch {
      trimmed = true;
      const victim = [...attempt].reverse().find((d) => d.id !== keepId);
      if (victim) attempt = attempt.filter((d) => d !== victim);
      else {
        const own = attempt.find((d) => d.id === keepId && d.events !== undefined);
        if (!own) return { ok: false, list: readIndex(), trimmed };
        attempt = attempt.map((d) => (d === own ? { ...d, events: undefined, eventsNote: 'events too large for the browser storage' } : d));
      }
    }
  }
  return { ok: false, list: readIndex(), trimmed };
}

function sameWork(d: SavedDraft, w: WorkState): boolean {
  return d.rule === w.rule && d.target === w.target && sameText(d.mapping, w.mapping) && sameText(d.placeholders, w.placeholders) && d.eventsChars === w.events.length && (d.events === undefined || d.events === w.events) && sameTokens(d.expectations, w.expectations);
}

/** Settings texts: blank is the same as none. */
function sameText(a: string | undefined, b: string | undefined): boolean {
  return (a?.trim() ? a : '') === (b?.trim() ? b : '');
}

function sameTokens(a: Record<number, string> | undefined, b: Record<number, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b ?? {}).length && ka.every((k) => a![Number(k)] === b?.[Number(k)]);
}

async function store(entry: SavedDraft, w: WorkState): Promise<SaveStatus> {
  let note: string | undefined;
  const big = w.events.length > INLINE_EVENT_CHARS;
  if (w.binarySource) note = `events from ${w.binarySource} are not kept (binary file)`;
  else if (w.events.length > MAX_KEPT_EVENT_CHARS) note = `events not kept: ${(w.events.length / 1e6).toFixed(1)} MB is more than a draft keeps`;
  else if (big) {
    const put = await putEvents(entry.id, w.events);
    if (put.ok) entry.eventsInDb = true;
    else note = `events not kept: ${put.error}`;
  } else entry.events = w.events;
  // The mapping and placeholder values are small texts, kept in the index whatever the events; one
  // of absurd size (from someone's link) is not, so it cannot push the other drafts out.
  const settingsNotes: string[] = [];
  const keepText = (text: string | undefined, what: string): string | undefined => {
    if (!text?.trim()) return undefined;
    if (text.length <= INLINE_EVENT_CHARS) return text;
    settingsNotes.push(`the ${what} (${(text.length / 1e6).toFixed(1)} MB) was not kept`);
    return undefined;
  };
  entry.mapping = keepText(w.mapping, 'field mapping');
  entry.placeholders = keepText(w.placeholders, 'placeholder values');
  entry.eventsNote = [note, ...settingsNotes].filter(Boolean).join('; ') || undefined;
  // Expectations are about these events: kept only when the events are.
  entry.expectations = !note && w.expectations && Object.keys(w.expectations).length ? w.expectations : undefined;
  const others = readIndex().filter((d) => d.id !== entry.id);
  const r = writeIndex([entry, ...others].sort((a, b) => b.savedAt - a.savedAt), entry.id);
  if (!r.ok) {
    useDrafts.setState({ status: { state: 'failed', message: 'Not saved: the browser storage for this site is full. Download the rule to keep it.' } });
    return useDrafts.getState().status;
  }
  const dropped = readIndexIds(others).filter((id) => !r.list.some((d) => d.id === id));
  if (dropped.length) void deleteEvents(dropped);
  const own = r.list.find((d) => d.id === entry.id);
  const status: SaveStatus = { state: 'saved', at: entry.savedAt, note: own?.eventsNote ?? (r.trimmed ? 'older drafts were removed to make room' : undefined) };
  useDrafts.setState({ drafts: r.list, status });
  return status;
}

function readIndexIds(list: SavedDraft[]): string[] {
  return list.filter((d) => d.eventsInDb).map((d) => d.id);
}

/** Autosave of this tab's work (debounced by the caller). */
export async function saveWork(w: WorkState): Promise<SaveStatus> {
  if (!w.rule.trim()) return useDrafts.getState().status;
  let id = sessionId();
  const list = readIndex();
  const mine = list.find((d) => d.id === id);
  if (mine && sameWork(mine, w)) return useDrafts.getState().status;
  if (!mine) {
    // A new tab that reopened the last draft continues that draft instead of copying it.
    const twin = list.find((d) => d.kind === 'autosave' && sameWork(d, w));
    if (twin) {
      adoptSessionId(twin.id);
      id = twin.id;
      return useDrafts.getState().status;
    }
  }
  return store({ id, kind: 'autosave', title: ruleTitle(w.rule), rule: w.rule, target: w.target, eventsChars: w.events.length, savedAt: Date.now() }, w);
}

/**
 * Before the page's work is replaced (a link, another draft, a dropped rule): keep it as its own
 * draft. `w` is the work on the page; when the page is still empty (a link opened in a fresh
 * load of this tab), this tab's last autosave is kept instead. Returns the kept draft.
 */
export async function keepBeforeReplace(kind: DraftKind, w: WorkState | undefined): Promise<SavedDraft | undefined> {
  const list = readIndex();
  const mine = list.find((d) => d.id === sessionId());
  if (!w || !w.rule.trim()) {
    if (!mine) return undefined;
    // Re-key this tab's entry: from now on the tab autosaves the new work into a fresh entry.
    const kept = { ...mine, kind, savedAt: Date.now() };
    const fresh = newId();
    adoptSessionId(fresh);
    const r = writeIndex([kept, ...list.filter((d) => d.id !== mine.id)], kept.id);
    useDrafts.setState({ drafts: r.list });
    return kept;
  }
  const existing = list.find((d) => sameWork(d, w) && d.id !== sessionId());
  if (existing) return existing;
  const entry: SavedDraft = { id: newId(), kind, title: ruleTitle(w.rule), rule: w.rule, target: w.target, eventsChars: w.events.length, savedAt: Date.now() };
  await store(entry, w);
  return useDrafts.getState().drafts.find((d) => d.id === entry.id);
}

/** The events of a saved draft (from IndexedDB when they are large). */
export async function draftEvents(d: SavedDraft): Promise<string | undefined> {
  if (d.events !== undefined) return d.events;
  if (d.eventsInDb) return getEvents(d.id);
  return undefined;
}

export function deleteDraft(id: string): void {
  const list = readIndex().filter((d) => d.id !== id);
  writeIndex(list, '');
  void deleteEvents([id]);
  useDrafts.setState((s) => ({ drafts: list, replacedByLink: s.replacedByLink?.id === id ? undefined : s.replacedByLink }));
}

export function refreshDrafts(): void {
  useDrafts.setState({ drafts: readIndex() });
}

export function isThisTab(d: SavedDraft): boolean {
  return d.id === sessionId();
}
