/**
 * The playground as a siglab test file (src/tests/playground.ts): the rule inline, every event
 * that carries an expectation (with in-place edits, as the events worker holds them) and its
 * expected verdict — ready for `siglab test` in CI. Also as the test formats of other tools
 * (buildTestExport, below).
 */
import { strToU8, zipSync } from 'fflate';
import { playgroundTestFileText } from '../../src/tests/playground.ts';
import { ruleSettings } from './rule-settings.ts';
import { playgroundExport, type TestExportFormat } from '../../src/tests/playground-export.ts';
import { copyText } from './clipboard.ts';
import type { LogEvent } from '../../src/engine/event.ts';
import type { Expectation } from '../../src/tests/model.ts';
import { useStore } from '../state/store.ts';
import { eventsClient } from './events-client.ts';
import { downloadBytes, downloadText, fileStem } from './download.ts';
import { useExpectations } from './expectations.ts';

/** The test file's text, or a reason it cannot be written. */
export async function buildTestFile(): Promise<{ ok: true; text: string; fileName: string; cases: number } | { ok: false; message: string }> {
  const s = useStore.getState();
  const byIndex = useExpectations.getState().byIndex;
  const marked = Object.keys(byIndex).map(Number);
  if (!s.ruleText.trim()) return { ok: false, message: 'There is no rule to test.' };
  const exported = await eventsClient().exportEvents();
  if (!exported) return { ok: false, message: 'The events could not be read back from the worker.' };
  let data: unknown[];
  try {
    data = JSON.parse(exported.json) as unknown[];
  } catch (e) {
    return { ok: false, message: `The events could not be written: ${(e as Error).message}` };
  }
  const events: LogEvent[] = data.map((d, index) => ({ index, data: d as Record<string, unknown>, origin: { format: 'json' }, hints: {} }));
  const expectations: Array<Expectation | undefined> = events.map((_, i) => byIndex[i]);
  const cases = marked.filter((i) => i < events.length).length;
  const title = s.rule?.title;
  // Placeholder values the rule needs travel with it, or the test fails in CI where none are given.
  const { placeholders } = ruleSettings(s.mappingText, s.placeholdersText);
  const text = playgroundTestFileText(s.ruleText, events, expectations, {
    name: title ? `${title} (from the siglab playground)` : 'siglab playground',
    targets: [s.targetId],
    ...(placeholders ? { placeholders } : {}),
  });
  return { ok: true, text, fileName: `${fileStem(title)}.test.yml`, cases };
}

export async function downloadTestFile(): Promise<void> {
  const r = await buildTestFile();
  const toast = useStore.getState().showToast;
  if (!r.ok) return toast(r.message);
  downloadText(r.fileName, r.text, 'application/yaml');
  toast(
    r.cases
      ? `Saved ${r.fileName}: the rule and ${r.cases} expected verdict${r.cases === 1 ? '' : 's'}. Run it with: siglab test ${r.fileName}`
      : `Saved ${r.fileName} with the rule only — mark events with the verdict they should get to add test cases.`,
  );
}

// ---------------------------------------------------------------------------------------------
// The other test formats (src/tests/playground-export.ts): a sigma-test rule, a Zircolite JSON,
// SigmaHQ regression data (several files, zipped).

export const TEST_EXPORT_LABELS: Record<TestExportFormat, string> = {
  siglab: 'siglab test file',
  'sigma-test': 'sigma-test rule',
  zircolite: 'Zircolite test JSON',
  'sigmahq-regression': 'SigmaHQ regression data',
};

export type BuiltTestExport =
  | { ok: true; fileName: string; type: string; text?: string; bytes?: Uint8Array; files: number; cases: number; notes: string[] }
  | { ok: false; message: string };

/** The playground's events as pasted (with in-place edits), from the events worker. */
async function playgroundEvents(): Promise<LogEvent[] | string> {
  const exported = await eventsClient().exportEvents();
  if (!exported) return 'The events could not be read back from the worker.';
  try {
    const data = JSON.parse(exported.json) as unknown[];
    return data.map((d, index) => ({ index, data: d as Record<string, unknown>, origin: { format: 'json' }, hints: {} }));
  } catch (e) {
    return `The events could not be written: ${(e as Error).message}`;
  }
}

export async function buildTestExport(format: TestExportFormat): Promise<BuiltTestExport> {
  const s = useStore.getState();
  if (!s.ruleText.trim()) return { ok: false, message: 'There is no rule to test.' };
  const byIndex = useExpectations.getState().byIndex;
  if (!Object.keys(byIndex).length) return { ok: false, message: `Nothing to export as ${TEST_EXPORT_LABELS[format]}: mark events with the verdict they should get first (the Test column).` };
  const events = await playgroundEvents();
  if (typeof events === 'string') return { ok: false, message: events };
  const rule = useStore.getState().rule;
  const { placeholders } = ruleSettings(s.mappingText, s.placeholdersText);
  const out = playgroundExport(format, {
    ruleText: s.ruleText,
    ...(rule ? { rule: { ...(rule.id ? { id: rule.id } : {}), ...(rule.title ? { title: rule.title } : {}) } } : {}),
    events,
    expectations: events.map((_, i) => byIndex[i]),
    stem: fileStem(rule?.title),
    ...(placeholders ? { options: { placeholders } } : {}),
    author: rule?.author ?? 'siglab playground',
    date: new Date().toISOString().slice(0, 10),
  });
  const error = out.diagnostics.find((d) => d.severity === 'error');
  if (error || !out.files.length) return { ok: false, message: `Cannot export as ${TEST_EXPORT_LABELS[format]}: ${error?.message ?? 'nothing to write'}.` };
  const notes = out.diagnostics.map((d) => d.message);
  if (out.files.length === 1) {
    const f = out.files[0];
    return { ok: true, fileName: f.path, type: /\.json$/.test(f.path) ? 'application/json' : 'application/yaml', text: f.text, files: 1, cases: out.cases, notes };
  }
  const zip = zipSync(Object.fromEntries(out.files.map((f) => [f.path, strToU8(f.text)])), { level: 6 });
  return { ok: true, fileName: `${fileStem(rule?.title)}.sigmahq-regression.zip`, type: 'application/zip', bytes: zip, files: out.files.length, cases: out.cases, notes };
}

function withNotes(text: string, notes: string[]): string {
  return notes.length ? `${text} Note: ${notes.join('; ')}.` : text;
}

export async function downloadTestExport(format: TestExportFormat): Promise<void> {
  const toast = useStore.getState().showToast;
  const r = await buildTestExport(format);
  if (!r.ok) return toast(r.message);
  if (r.bytes) downloadBytes(r.fileName, r.bytes, r.type);
  else downloadText(r.fileName, r.text ?? '', r.type);
  const what = `${r.cases} expected verdict${r.cases === 1 ? '' : 's'}`;
  toast(withNotes(r.bytes ? `Saved ${r.fileName}: ${r.files} files (rules/, regression_data/) with ${what}. Unzip and run: siglab test regression_data/...` : `Saved ${r.fileName} (${TEST_EXPORT_LABELS[format]}) with ${what}.`, r.notes));
}

export async function copyTestExport(format: TestExportFormat): Promise<void> {
  const toast = useStore.getState().showToast;
  const r = await buildTestExport(format);
  if (!r.ok) return toast(r.message);
  if (r.text === undefined) return toast(`${TEST_EXPORT_LABELS[format]} is several files: use the download.`);
  toast((await copyText(r.text)) ? withNotes(`${TEST_EXPORT_LABELS[format]} copied (${r.cases} expected verdict${r.cases === 1 ? '' : 's'}).`, r.notes) : 'Copy failed: the browser refused clipboard access. Use the download instead.');
}
