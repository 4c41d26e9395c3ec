/**
 * "Import tests": files picked or dropped (a siglab test file, a sigma-test rule, a Zircolite
 * test JSON, or a SigmaHQ info.yml with its event files) read by the core
 * (src/tests/playground-import.ts) and put on the page — the rule when the file carries one (one
 * undoable edit), the events, and the expected verdicts. Nothing changes unless the whole import
 * succeeds, and the work it replaces is kept as a draft first.
 */
import { IMPORTED_FORMAT_LABELS, importPlaygroundTests, type PlaygroundImport } from '../../src/tests/playground-import.ts';
import { ruleModel } from '../monaco/models.ts';
import { keepDraftBefore } from '../persistence/autosave.ts';
import { useStore } from '../state/store.ts';
import { useExpectations } from './expectations.ts';

/** Test files and their event files are small; anything larger is not one (and would stall the page). */
const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type ImportOutcome = { ok: true; message: string; notes: string[] } | { ok: false; message: string };

function summary(r: PlaygroundImport): string {
  const marked = Object.keys(r.expectations).length;
  const rule = r.ruleText === undefined ? 'against the rule in the editor' : r.ruleFrom && r.ruleFrom !== r.source ? `with the rule from ${r.ruleFrom}` : 'with its rule';
  return `Imported ${r.source} (${IMPORTED_FORMAT_LABELS[r.format]}) ${rule}: ${r.events.length} event${r.events.length === 1 ? '' : 's'}, ${marked} expected verdict${marked === 1 ? '' : 's'} from ${r.cases} case${r.cases === 1 ? '' : 's'}.`;
}

export async function importTestFiles(list: readonly File[]): Promise<ImportOutcome> {
  if (!list.length) return { ok: false, message: 'No file was picked.' };
  const bytes = list.reduce((n, f) => n + f.size, 0);
  if (bytes > MAX_IMPORT_BYTES) return { ok: false, message: `${list.map((f) => f.name).join(', ')}: ${(bytes / 1048576).toFixed(1)} MB is too large for test files; nothing was imported. Open large event files with "Open file…" instead.` };
  const evtx = list.find((f) => /\.evtx$/i.test(f.name));
  let files: Array<{ name: string; text: string }>;
  try {
    files = await Promise.all(list.filter((f) => f !== evtx).map(async (f) => ({ name: f.name, text: await f.text() })));
  } catch (e) {
    return { ok: false, message: `The files could not be read: ${(e as Error).message}` };
  }
  const s = useStore.getState();
  const result = importPlaygroundTests(files, { text: s.ruleText, ...(s.rule?.id ? { id: s.rule.id } : {}), ...(s.rule?.title ? { title: s.rule.title } : {}) });
  const error = result.diagnostics.find((d) => d.severity === 'error');
  if (error || !result.imported) return { ok: false, message: `Nothing was imported: ${error?.message ?? 'no tests found'}.` };
  const r = result.imported;
  const notes = [...r.notes];
  if (evtx) notes.push(`${evtx.name} was not read: the page reads the evtx-JSON twin of a SigmaHQ .evtx file`);

  // Keep the work first; then the rule (one undoable edit), then events and their marks together.
  try {
    await keepDraftBefore('before-open');
  } catch (e) {
    return { ok: false, message: `Nothing was imported: your current work could not be kept as a draft first (${(e as Error).message}).` };
  }
  if (r.ruleText !== undefined && r.ruleText !== ruleModel.getValue()) {
    useStore.setState({ exampleSlug: undefined });
    ruleModel.pushEditOperations([], [{ range: ruleModel.getFullModelRange(), text: r.ruleText }], () => null);
  }
  // A JSON array, one event a line: readable in the events box, and read in this order (indexes = marks).
  useStore.getState().setEventsText(`[\n${r.events.map((e) => JSON.stringify(e)).join(',\n')}\n]\n`, r.source);
  // Set right after the events: the new events clear the old marks synchronously (lib/expectations.ts).
  useExpectations.getState().setAll(r.expectations);
  useStore.getState().setEventsTab('table');
  const message = summary(r);
  useStore.getState().showToast(`${message}${notes.length ? ` Note: ${notes.join('; ')}.` : ''} Your previous work is in Drafts.`);
  return { ok: true, message, notes };
}
