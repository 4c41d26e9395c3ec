/**
 * Wiring between the app's store and the recent drafts (drafts.ts): autosave as the user types,
 * keeping the page's work before a link / draft / dropped rule replaces it, and reopening a draft.
 */
import { useEffect } from 'react';
import { useStore } from '../state/store.ts';
import { ruleModel } from '../monaco/models.ts';
import { TARGET_OPTIONS } from '../lib/core.ts';
import { downloadText, fileStem } from '../lib/download.ts';
import { expectationsToTokens, restoreExpectations, useExpectations } from '../lib/expectations.ts';
import { draftEvents, isThisTab, keepBeforeReplace, saveWork, useDrafts, type DraftKind, type SavedDraft, type WorkState } from './drafts.ts';

const AUTOSAVE_DELAY_MS = 500;

export function workFromStore(): WorkState {
  const s = useStore.getState();
  return {
    rule: s.ruleText,
    target: s.targetId,
    events: s.eventsBinary ? '' : s.eventsText,
    binarySource: s.eventsBinary ? s.eventsSource : undefined,
    expectations: expectationsToTokens(useExpectations.getState().byIndex),
    mapping: s.mappingText,
    placeholders: s.placeholdersText,
  };
}

/** A draft's field mapping and placeholder values onto the page (none when the draft has none). */
function restoreSettings(d: SavedDraft): void {
  const s = useStore.getState();
  s.setMappingText(typeof d.mapping === 'string' ? d.mapping : '');
  s.setPlaceholdersText(typeof d.placeholders === 'string' ? d.placeholders : '');
}

let warnedFailure = false;

async function autosave(): Promise<void> {
  const status = await saveWork(workFromStore());
  if (status.state === 'failed' && !warnedFailure) {
    warnedFailure = true;
    // The only copy of the work may be the editor: offer the download right in the message.
    useStore.getState().showToast(status.message, {
      label: 'Download rule',
      run: () => downloadText(`${fileStem(useStore.getState().rule?.title)}.yml`, ruleModel.getValue(), 'application/yaml'),
    });
  }
  if (status.state === 'saved') warnedFailure = false;
}

/** Saves the page's work a moment after each change, and right away when the tab is hidden or closed. */
export function useDraftAutosave(): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsub = useStore.subscribe((s, prev) => {
      if (s.ruleText === prev.ruleText && s.targetId === prev.targetId && s.eventsVersion === prev.eventsVersion && s.mappingText === prev.mappingText && s.placeholdersText === prev.placeholdersText) return;
      clearTimeout(timer);
      timer = setTimeout(() => void autosave(), AUTOSAVE_DELAY_MS);
    });
    // Rule tests (expected verdicts) are work too.
    const unsubTests = useExpectations.subscribe((s, prev) => {
      if (s.byIndex === prev.byIndex) return;
      clearTimeout(timer);
      timer = setTimeout(() => void autosave(), AUTOSAVE_DELAY_MS);
    });
    const flush = () => {
      clearTimeout(timer);
      void autosave();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      unsub();
      unsubTests();
      clearTimeout(timer);
      window.removeEventListener('pagehide', flush);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, []);
}

/**
 * Called just before a share link replaces the page's state: the work on the page (or this tab's
 * last autosave, on a fresh load) is kept as a draft and offered back. The fragment is cleared
 * afterwards, so a reload shows the latest work, not the link's original state again.
 */
export function keepDraftBeforeLink(): void {
  const work = workFromStore();
  void keepBeforeReplace('before-link', work.rule.trim() ? work : undefined).then((kept) => {
    if (kept && kept.rule !== useStore.getState().ruleText) useDrafts.setState({ replacedByLink: kept });
  });
  setTimeout(() => {
    if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`);
  }, 0);
}

/** Before another draft or a dropped rule file replaces the work: keep it. */
export async function keepDraftBefore(kind: DraftKind): Promise<void> {
  const work = workFromStore();
  if (work.rule.trim()) await keepBeforeReplace(kind, work);
}

export async function openDraft(d: SavedDraft): Promise<void> {
  await keepDraftBefore('before-open');
  const events = await draftEvents(d);
  const s = useStore.getState();
  if (TARGET_OPTIONS.some((t) => t.id === d.target)) s.setTarget(d.target);
  useStore.setState({ exampleSlug: undefined });
  restoreSettings(d);
  ruleModel.setValue(d.rule);
  if (events !== undefined) {
    s.setEventsText(events, 'draft');
    restoreExpectations(undefined, d.expectations);
  }
  useDrafts.setState({ replacedByLink: undefined });
  s.showToast(`Opened the draft “${d.title}”${d.eventsNote ? ` (${d.eventsNote})` : ''}. The work it replaced is in Drafts.`);
}

/**
 * On a page load without a link: reopen this tab's draft (a reload), or else the most recent
 * autosaved draft (a closed tab, a crash). Rule and target now; large events from IndexedDB a
 * moment later. False when there is no draft (the page opens on the example).
 */
export function reopenLatestDraft(): boolean {
  const list = useDrafts.getState().drafts;
  const d = list.find((x) => isThisTab(x)) ?? list.find((x) => x.kind === 'autosave') ?? list[0];
  if (!d || !d.rule.trim()) return false;
  const s = useStore.getState();
  if (TARGET_OPTIONS.some((t) => t.id === d.target)) s.setTarget(d.target);
  restoreSettings(d);
  ruleModel.setValue(d.rule);
  if (d.events !== undefined) {
    s.setEventsText(d.events, 'draft');
    restoreExpectations(undefined, d.expectations);
  } else if (d.eventsInDb)
    void draftEvents(d).then((events) => {
      if (events === undefined) return;
      useStore.getState().setEventsText(events, 'draft');
      restoreExpectations(undefined, d.expectations);
    });
  if (d.eventsNote) s.showToast(`Reopened your draft “${d.title}”; ${d.eventsNote}.`);
  return true;
}
