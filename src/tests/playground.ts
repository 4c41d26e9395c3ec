/**
 * The playground's expectations as a siglab test file, so a rule tuned in the browser can be
 * saved next to the rule in git and run by `siglab test` in CI.
 */
import type { LogEvent } from '../engine/event.ts';
import type { Expectation, TestFile } from './model.ts';
import { formatTestFile } from './formats/siglab-yaml.ts';

export interface PlaygroundTestOptions {
  name?: string;
  placeholders?: Record<string, string[]>;
  targets?: string[];
  /** Reference the rule by this path instead of writing it inline. */
  rulePath?: string;
}

/**
 * One case per event that carries an expectation (`expectations[i]` for `events[i]`), named
 * `event <n>` (1-based, as the table shows), with the event as it was pasted (before Windows
 * reshaping, so it reads back the same).
 */
export function playgroundTestFile(ruleText: string, events: readonly LogEvent[], expectations: ReadonlyArray<Expectation | undefined>, options: PlaygroundTestOptions = {}): TestFile {
  const cases = events.flatMap((e, i) => {
    const expect = expectations[i];
    if (!expect) return [];
    const data = JSON.parse(JSON.stringify(e.raw ?? e.data)) as unknown;
    return [{ name: `event ${i + 1}`, events: { kind: 'inline' as const, events: [data] }, expect }];
  });
  return {
    ...(options.name ? { name: options.name } : {}),
    rule: options.rulePath ? { kind: 'file', path: options.rulePath } : { kind: 'inline', text: ruleText, lineOffset: 0, columnOffset: 0 },
    ...(options.placeholders && Object.keys(options.placeholders).length ? { placeholders: options.placeholders } : {}),
    ...(options.targets?.length ? { targets: options.targets } : {}),
    cases,
  };
}

/** `playgroundTestFile` written as YAML. */
export function playgroundTestFileText(ruleText: string, events: readonly LogEvent[], expectations: ReadonlyArray<Expectation | undefined>, options: PlaygroundTestOptions = {}): string {
  return formatTestFile(playgroundTestFile(ruleText, events, expectations, options));
}
