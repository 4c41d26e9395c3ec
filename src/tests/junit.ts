/**
 * JUnit XML for CI dashboards (GitLab, Jenkins, Azure DevOps, GitHub test reporters): one
 * `<testsuite>` per test file, one `<testcase>` per outcome (event, count, target compile), a
 * `<failure>` with the explanation for each failed expectation and an `<error>` for a test that
 * could not run.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { renderExplanation } from './render-explanation.ts';
import type { TestFileResult, TestOutcome } from './run.ts';

export interface JUnitSuite {
  /** The test file path as given on the command line. */
  file: string;
  /** Absent when the test file itself could not be read. */
  result?: TestFileResult;
  /** Errors that kept the file from running (unreadable, malformed). */
  errors?: Diagnostic[];
}

/**
 * Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF)
 * become U+FFFD; the five markup characters become entities. Safe for attributes and text.
 */
export function escapeXml(s: string): string {
  return String(s)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(o: Record<string, string | number | undefined>): string {
  return Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Text of a failure: the message, the event, and the explanation tree. */
export function failureDetails(o: TestOutcome): string {
  const lines = [o.message];
  if (o.event) lines.push(`event: ${JSON.stringify(o.event)}`);
  if (o.result) lines.push(...renderExplanation(o.result.explanation));
  return lines.join('\n');
}

function classname(file: string): string {
  return file.replace(/\\/g, '/').replace(/\.ya?ml$/i, '').replace(/^\.\//, '').replace(/\//g, '.');
}

export function toJUnitXml(suites: readonly JUnitSuite[], name = 'siglab'): string {
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let time = 0;
  const body: string[] = [];
  for (const s of suites) {
    const cls = classname(s.file);
    const cases: string[] = [];
    let sFailures = 0;
    let sErrors = 0;
    if (!s.result) {
      sErrors = 1;
      const message = (s.errors ?? []).map((d) => `${d.range ? `${d.range.startLine}:${d.range.startColumn}: ` : ''}${d.code} ${d.message}`).join('\n') || 'the test file could not be read';
      cases.push(`    <testcase${attrs({ name: 'test file', classname: cls, time: '0.000' })}>\n      <error${attrs({ message: message.split('\n')[0], type: 'test-file' })}>${escapeXml(message)}</error>\n    </testcase>`);
    } else {
      for (const o of s.result.outcomes) {
        const open = `    <testcase${attrs({ name: o.name, classname: cls, time: '0.000' })}`;
        if (o.passed) cases.push(`${open}/>`);
        else if (o.kind === 'error') {
          sErrors++;
          cases.push(`${open}>\n      <error${attrs({ message: o.message, type: 'error' })}>${escapeXml(failureDetails(o))}</error>\n    </testcase>`);
        } else {
          sFailures++;
          cases.push(`${open}>\n      <failure${attrs({ message: o.message, type: o.kind === 'compile' ? 'compile' : 'verdict' })}>${escapeXml(failureDetails(o))}</failure>\n    </testcase>`);
        }
      }
    }
    const sTests = cases.length;
    const sTime = s.result?.durationMs ?? 0;
    tests += sTests;
    failures += sFailures;
    errors += sErrors;
    time += sTime;
    const props = s.result?.rule
      ? `    <properties>\n      <property${attrs({ name: 'rule.title', value: s.result.rule.title })}/>${s.result.rule.id ? `\n      <property${attrs({ name: 'rule.id', value: s.result.rule.id })}/>` : ''}\n    </properties>\n`
      : '';
    body.push(
      `  <testsuite${attrs({ name: s.file, tests: sTests, failures: sFailures, errors: sErrors, skipped: 0, time: seconds(sTime) })}>\n${props}${cases.join('\n')}${cases.length ? '\n' : ''}  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name, tests, failures, errors, time: seconds(time) })}>\n${body.join('\n')}${body.length ? '\n' : ''}</testsuites>\n`;
}
