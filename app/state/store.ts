/**
 * The app state, one zustand store made of slices: rule, events, target, results, ui.
 * Heavy work never happens in here: rule analysis runs in app/lib/analyze-rule.ts, event
 * reading and matching in app/workers/events.worker.ts; the store only holds their results.
 */
import { create } from 'zustand';
import type { Diagnostic, SourceRange } from '../../src/diagnostics.ts';
import type { SigmaRule } from '../../src/sigma/model.ts';
import type { EventDetail, EventsLoadInfo, KqlPreview, ResultsSnapshot, RuleFieldInfo, Verdict } from './types.ts';

export interface RuleSlice {
  ruleText: string;
  /** Increments on every edit; analysis and evaluation results carry the version they were made for. */
  ruleVersion: number;
  rule?: SigmaRule;
  ruleDiagnostics: Diagnostic[];
  /** Diagnostics of the JSON-schema check (monaco-yaml), shown next to the core's. */
  schemaDiagnostics: Diagnostic[];
  setRuleText(text: string): void;
  setRuleAnalysis(rule: SigmaRule | undefined, diagnostics: Diagnostic[]): void;
  setSchemaDiagnostics(diagnostics: Diagnostic[]): void;
}

export interface EventsSlice {
  eventsText: string;
  /** Where the events came from: `paste`, a file name, or an example name. */
  eventsSource: string;
  eventsVersion: number;
  load?: EventsLoadInfo;
  loading: boolean;
  /** 0..1 while reading or evaluating. */
  progress?: { phase: 'reading' | 'evaluating'; done: number; total: number };
  editedEvents: number;
  /** A binary .evtx file, read by the worker instead of `eventsText`. */
  eventsBinary?: Uint8Array;
  /** Every .evtx file of a multi-file drop (the first is `eventsBinary`); their bytes move to the worker. */
  eventsBinaryFiles?: Array<{ name: string; bytes: Uint8Array }>;
  setEventsText(text: string, source: string): void;
  setEventsBinary(bytes: Uint8Array, source: string, files?: Array<{ name: string; bytes: Uint8Array }>): void;
  setLoad(load: EventsLoadInfo | undefined): void;
  setLoading(loading: boolean): void;
  setProgress(p: EventsSlice['progress']): void;
  setEditedEvents(n: number): void;
}

/**
 * The user's field mapping and placeholder values, as typed (YAML, the formats of `siglab convert
 * --mapping FILE` and `--placeholders FILE`). Read by app/lib/rule-settings.ts; the mapping feeds
 * the compiler, the placeholders both the compiler and the matcher.
 */
export interface SettingsSlice {
  mappingText: string;
  placeholdersText: string;
  setMappingText(text: string): void;
  setPlaceholdersText(text: string): void;
}

export interface TargetSlice {
  targetId: string;
  setTarget(id: string): void;
}

export interface ResultsSlice {
  preview?: KqlPreview;
  /** The last preview that compiled without errors (shown, marked stale, while the rule is broken). */
  lastGoodPreview?: KqlPreview;
  kqlDiagnostics: Diagnostic[];
  kqlValidating: boolean;
  results?: ResultsSnapshot;
  /** The rule has errors: `results` are from the last rule that loaded cleanly. */
  resultsStale: boolean;
  ruleFields: RuleFieldInfo[];
  detail?: EventDetail;
  setPreview(p: KqlPreview): void;
  setKqlDiagnostics(d: Diagnostic[], validating: boolean): void;
  setResults(r: ResultsSnapshot | undefined, ruleFields: RuleFieldInfo[]): void;
  setDetail(d: EventDetail | undefined): void;
}

export type Theme = 'dark' | 'light';

export interface UiSlice {
  theme: Theme;
  verdictFilter: Verdict | 'all';
  /** The selected event (row) index, or undefined. */
  selectedEvent?: number;
  /** Rule ranges to highlight in the editor (from a selected row, a tree node or a KQL hover). */
  highlightRanges: SourceRange[];
  /** Rule ranges linked to the KQL span under the mouse. */
  ruleHoverRanges: SourceRange[];
  /** KQL offsets to highlight (from a hover in the rule editor). */
  kqlHighlight: Array<{ start: number; end: number }>;
  /** `query`: the compiled KQL run over the rows (KqlRunView); `correlations`: CorrelationView. */
  eventsTab: 'table' | 'input' | 'fields' | 'query' | 'correlations';
  galleryOpen: boolean;
  /** The gallery example the rule came from (for its attribution), until the user opens another. */
  exampleSlug?: string;
  toast?: { text: string; at: number; action?: { label: string; run: () => void } };
  setTheme(t: Theme): void;
  setVerdictFilter(v: Verdict | 'all'): void;
  selectEvent(index: number | undefined): void;
  setHighlightRanges(r: SourceRange[]): void;
  setRuleHoverRanges(r: SourceRange[]): void;
  setKqlHighlight(r: Array<{ start: number; end: number }>): void;
  setEventsTab(t: UiSlice['eventsTab']): void;
  setGalleryOpen(open: boolean): void;
  showToast(text: string, action?: { label: string; run: () => void }): void;
}

export type AppState = RuleSlice & EventsSlice & TargetSlice & SettingsSlice & ResultsSlice & UiSlice;

const initialTheme = (): Theme => {
  try {
    const saved = localStorage.getItem('siglab.theme');
    if (saved === 'light' || saved === 'dark') return saved;
    return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
};

export const useStore = create<AppState>()((set) => ({
  // rule
  ruleText: '',
  ruleVersion: 0,
  ruleDiagnostics: [],
  schemaDiagnostics: [],
  setRuleText: (ruleText) => set((s) => ({ ruleText, ruleVersion: s.ruleVersion + 1 })),
  setRuleAnalysis: (rule, ruleDiagnostics) => set({ rule, ruleDiagnostics }),
  setSchemaDiagnostics: (schemaDiagnostics) => set({ schemaDiagnostics }),

  // events
  eventsText: '',
  eventsSource: 'paste',
  eventsVersion: 0,
  loading: false,
  editedEvents: 0,
  setEventsText: (eventsText, eventsSource) =>
    set((s) => ({ eventsText, eventsSource, eventsBinary: undefined, eventsBinaryFiles: undefined, eventsVersion: s.eventsVersion + 1, editedEvents: 0, selectedEvent: undefined, detail: undefined })),
  setEventsBinary: (eventsBinary, eventsSource, eventsBinaryFiles) =>
    set((s) => ({ eventsText: '', eventsBinary, eventsBinaryFiles, eventsSource, eventsVersion: s.eventsVersion + 1, editedEvents: 0, selectedEvent: undefined, detail: undefined })),
  setLoad: (load) => set({ load }),
  setLoading: (loading) => set({ loading }),
  setProgress: (progress) => set({ progress }),
  setEditedEvents: (editedEvents) => set({ editedEvents }),

  // target
  targetId: 'sentinel-asim',
  setTarget: (targetId) => set({ targetId }),

  // field mapping and placeholder values
  mappingText: '',
  placeholdersText: '',
  setMappingText: (mappingText) => set({ mappingText }),
  setPlaceholdersText: (placeholdersText) => set({ placeholdersText }),

  // results
  kqlDiagnostics: [],
  kqlValidating: false,
  ruleFields: [],
  resultsStale: false,
  // The last good query is kept per target: another target's query is not a stale version of this one.
  setPreview: (preview) =>
    set((s) => (preview.ok ? { preview, lastGoodPreview: preview } : { preview, lastGoodPreview: s.lastGoodPreview?.targetId === preview.targetId ? s.lastGoodPreview : undefined })),
  setKqlDiagnostics: (kqlDiagnostics, kqlValidating) => set({ kqlDiagnostics, kqlValidating }),
  setResults: (results, ruleFields) => set({ results, ruleFields }),
  setDetail: (detail) => set({ detail }),

  // ui
  theme: initialTheme(),
  verdictFilter: 'all',
  highlightRanges: [],
  ruleHoverRanges: [],
  kqlHighlight: [],
  eventsTab: 'table',
  galleryOpen: false,
  setTheme: (theme) => {
    try {
      localStorage.setItem('siglab.theme', theme);
    } catch {
      /* private mode: the choice lasts for this page only */
    }
    set({ theme });
  },
  setVerdictFilter: (verdictFilter) => set({ verdictFilter }),
  selectEvent: (selectedEvent) => set({ selectedEvent }),
  setHighlightRanges: (highlightRanges) => set({ highlightRanges }),
  setRuleHoverRanges: (ruleHoverRanges) => set({ ruleHoverRanges }),
  setKqlHighlight: (kqlHighlight) => set({ kqlHighlight }),
  setEventsTab: (eventsTab) => set({ eventsTab }),
  setGalleryOpen: (galleryOpen) => set({ galleryOpen }),
  showToast: (text, action) => set({ toast: { text, at: Date.now(), action } }),
}));
