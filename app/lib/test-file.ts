/**
 * The playground as a siglab test file (src/tests/playground.ts): the rule inline, every event
 * that carries an expectation (with in-place edits, as the events worker holds them) and its
 * expected verdict — ready for `siglab test` in CI.
 */
import { playgroundTestFileText } from '../../src/tests/playground.ts';
import type { LogEvent } from '../../src/engine/event.ts';
import type { Expectation } from '../../src/tests/model.ts';
import { useStore } from '../state/store.ts';
import { eventsClient } from './events-client.ts';
import { downloadText, fileStem } from './download.ts';
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
  const text = playgroundTestFileText(s.ruleText, events, expectations, { name: title ? `${title} (from the siglab playground)` : 'siglab playground', targets: [s.targetId] });
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
