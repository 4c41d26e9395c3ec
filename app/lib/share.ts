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

/** A link's state, ready to encode, and what to tell the user about it; or why there is none. */
export type ShareDraft = { ok: true; state: ShareState; base: string; note?: string } | Extract<ShareLink, { ok: false }>;

/** Everything of a share link but the encoding (cheap: it runs on the main thread at the click). */
export function draftShareLink(s: AppState, options: { ruleOnly?: boolean } = {}): ShareDraft {
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
  let note: string | undefined;
  if (options.ruleOnly && s.eventsText) note = `This link carries the rule${state.mapping !== undefined || state.placeholders !== undefined ? ', its mapping and placeholders' : ''} and target only, as chosen.`;
  else if (s.eventsBinary) note = `Events from ${s.eventsSource} (binary .evtx) are not put in links; this link carries the rule and target.`;
  return { ok: true, state, base, note };
}

/**
 * The link from a draft and its encoded fragment (`fragment` undefined: it was `length`
 * characters, too long for a link, and the worker did not send it back).
 */
export function finishShareLink(draft: Extract<ShareDraft, { ok: true }>, fragment: string | undefined, length: number): ShareLink {
  let note = draft.note;
  if (length > MAX_LINK_CHARS && draft.state.events !== undefined) {
    // The events do not fit in a link anyone could open: the user chooses a rule-only link.
    return { ok: false, ruleOnlyOffer: true, message: 'The events are too large for a link.' };
  }
  if (length > MAX_LINK_CHARS || fragment === undefined) return { ok: false, message: 'This rule is too large for a link.' };
  const url = `${draft.base}#${fragment}`;
  if (url.length > LONG_LINK_CHARS) {
    note = `${note ? note + ' ' : ''}The link is ${url.length.toLocaleString('en-US')} characters long; chat and wiki tools often cut links above ${LONG_LINK_CHARS.toLocaleString('en-US')}.`;
  }
  return { ok: true, url, message: note };
}

/** The share link, encoded here (app/lib/link-encoder.ts encodes large ones in a worker). */
export function buildShareLink(s: AppState, options: { ruleOnly?: boolean } = {}): ShareLink {
  const draft = draftShareLink(s, options);
  if (!draft.ok) return draft;
  const fragment = encodePermalink(draft.state);
  return finishShareLink(draft, fragment, fragment.length);
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
