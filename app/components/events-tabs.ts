/**
 * The events panel's tabs (Verdicts, Fields, Query, Correlations) as a WAI-ARIA tab list with
 * automatic activation: one tab stop (the selected tab), ←/→ move to the previous/next tab
 * (wrapping), Home/End to the first/last, and the tab moved to is selected. Automatic activation
 * suits these panels: their data is computed in workers whichever tab is shown.
 */
import type { KeyboardEvent } from 'react';
import type { UiSlice } from '../state/store.ts';

export type EventsTab = UiSlice['eventsTab'];

/** The one element all tabs control: the panel body renders the selected tab's view. */
export const EVENTS_TABPANEL_ID = 'events-tabpanel';

export const eventsTabId = (tab: EventsTab): string => `events-tab-${tab}`;

/**
 * Attributes of one tab. `stop`: this tab takes Tab (normally the selected one; the first tab when
 * the selected one is not shown, so the list is never unreachable).
 */
export function eventsTabProps(tab: EventsTab, selected: boolean, stop = selected) {
  return {
    role: 'tab' as const,
    id: eventsTabId(tab),
    'aria-selected': selected,
    'aria-controls': EVENTS_TABPANEL_ID,
    tabIndex: stop ? 0 : -1,
    'data-tab': tab,
  };
}

/** Keydown on the tab list: arrows, Home and End move the focus and the selection between tabs. */
export function onEventsTabKey(e: KeyboardEvent<HTMLElement>, select: (tab: EventsTab) => void): void {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const tabs = [...e.currentTarget.querySelectorAll<HTMLElement>('[role=tab]')];
  const from = tabs.indexOf(e.target as HTMLElement);
  if (from < 0 || !tabs.length) return;
  let to: number;
  switch (e.key) {
    case 'ArrowRight':
      to = (from + 1) % tabs.length;
      break;
    case 'ArrowLeft':
      to = (from - 1 + tabs.length) % tabs.length;
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = tabs.length - 1;
      break;
    default:
      return;
  }
  e.preventDefault();
  const next = tabs[to];
  select(next.dataset.tab as EventsTab);
  next.focus();
}
