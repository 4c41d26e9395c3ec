/** Share links: the app state in the URL fragment, with the core's permalink codec (src/share/permalink.ts). */
import { decodePermalink, describeShareState, encodePermalink, LONG_LINK_CHARS, MAX_LINK_CHARS, type DecodeResult, type ShareState } from '../../src/index.ts';
import type { AppState } from '../state/store.ts';
import { expectationsToTokens, useExpectations } from './expectations.ts';

/** `ruleOnlyOffer`: the events do not fit in a link; the user may choose a link without them. */
export type ShareLink = { ok: true; url: string; message?: string } | { ok: false; message: string; ruleOnlyOffer?: boolean };

/**
 * Event texts above this are not even compressed to try (deflating many MB on the main thread
 * would freeze the page, and no chat tool carries such a link): the user is offered a rule-only link.
 */
const MAX_EVENTS_TRIED = 4_000_000;

export function buildShareLink(s: AppState, options: { ruleOnly?: boolean } = {}): ShareLink {
  const base = `${location.origin}${location.pathname}`;
  const state: ShareState = { rule: s.ruleText, target: s.targetId };
  // The field mapping and placeholder values decide what the rule compiles and matches to: they
  // travel with it, as the user wrote them (also in a rule-only link).
  if (s.mappingText.trim()) state.mapping = s.mappingText;
  if (s.placeholdersText.trim()) state.placeholders = s.placeholdersText;
  if (s.eventsText && !options.ruleOnly) {
    state.events = s.eventsText;
    if (s.selectedEvent !== undefined) state.selectedRow = s.selectedEvent;
    // The rule tests travel with the events they are about.
    const tokens = expectationsToTokens(useExpectations.getState().byIndex);
    if (tokens) state.expectationTokens = tokens;
  }
  if (state.events !== undefined && state.events.length > MAX_EVENTS_TRIED) {
    return { ok: false, ruleOnlyOffer: true, message: `The events (${(state.events.length / 1e6).toFixed(1)} MB) are too large for a link.` };
  }
  let fragment = encodePermalink(state);
  let note: string | undefined;
  if (options.ruleOnly && s.eventsText) note = `This link carries the rule${state.mapping !== undefined || state.placeholders !== undefined ? ', its mapping and placeholders' : ''} and target only, as chosen.`;
  else if (s.eventsBinary) note = `Events from ${s.eventsSource} (binary .evtx) are not put in links; this link carries the rule and target.`;
  if (fragment.length > MAX_LINK_CHARS && state.events !== undefined) {
    // The events do not fit in a link anyone could open: the user chooses a rule-only link.
    return { ok: false, ruleOnlyOffer: true, message: 'The events are too large for a link.' };
  }
  if (fragment.length > MAX_LINK_CHARS) return { ok: false, message: 'This rule is too large for a link.' };
  const url = `${base}#${fragment}`;
  if (url.length > LONG_LINK_CHARS) {
    note = `${note ? note + ' ' : ''}The link is ${url.length.toLocaleString('en-US')} characters long; chat and wiki tools often cut links above ${LONG_LINK_CHARS.toLocaleString('en-US')}.`;
  }
  return { ok: true, url, message: note };
}

/** What a link carries: its state, or only a message (a broken or refused link). */
export type LinkState = { state?: ShareState; message?: string };

/** The state in the page's fragment, if it carries one; a message either way. */
export function readLinkState(hash: string): LinkState {
  if (!hash || hash === '#') return {};
  return linkStateFromDecoded(decodePermalink(hash));
}

/** The decoder's answer (here or from app/workers/link.worker.ts) as a state and a message for the user. */
export function linkStateFromDecoded(r: DecodeResult): LinkState {
  if (!r.state) return { message: r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'This link could not be read; nothing was loaded.' };
  const notes = r.diagnostics.filter((d) => d.severity !== 'error').map((d) => d.message);
  return { state: r.state, message: [`Restored from the link: ${describeShareState(r.state)}.`, ...notes].join(' ') };
}
