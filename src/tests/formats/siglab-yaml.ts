/**
 * Writes a `TestFile` as a siglab test file (the YAML that read-test-file.ts reads): how the
 * playground saves its expectations and how imported tests become reviewable files.
 */
import { Document, Scalar, YAMLMap } from 'yaml';
import type { Expectation, TestCase, TestFile } from '../model.ts';

function expectationNode(e: Expectation): unknown {
  return e.verdict === 'filtered' && e.by ? { filtered: e.by } : e.verdict;
}

function caseObject(tc: TestCase): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (tc.name !== undefined) o.name = tc.name;
  if (tc.events.kind === 'file') o.events = tc.events.path;
  else if (tc.events.events.length === 1 && !Array.isArray(tc.expect)) o.event = tc.events.events[0];
  else o.events = tc.events.events;
  if (tc.expect !== undefined) o.expect = Array.isArray(tc.expect) ? tc.expect.map(expectationNode) : expectationNode(tc.expect);
  if (tc.matchCount !== undefined) o.match_count = tc.matchCount;
  if (tc.minMatches !== undefined) o.min_matches = tc.minMatches;
  return o;
}

export function formatTestFile(file: TestFile): string {
  const o: Record<string, unknown> = {};
  if (file.name !== undefined) o.name = file.name;
  o.rule = file.rule.kind === 'file' ? file.rule.path : file.rule.text.replace(/\s+$/, '') + '\n';
  if (file.ruleIndex !== undefined) o.rule_index = file.ruleIndex;
  if (file.placeholders && Object.keys(file.placeholders).length) o.placeholders = { ...file.placeholders };
  if (file.targets?.length) o.targets = [...file.targets];
  o.cases = file.cases.map(caseObject);
  const doc = new Document(o);
  const rule = doc.get('rule', true);
  if (rule instanceof Scalar && file.rule.kind === 'inline') rule.type = Scalar.BLOCK_LITERAL;
  // Event values are data: quote strings that YAML would otherwise read as numbers, booleans or null.
  const cases = doc.get('cases', true);
  if (cases && typeof cases === 'object' && 'items' in cases) {
    for (const c of (cases as { items: unknown[] }).items) if (c instanceof YAMLMap) quoteAmbiguous(c);
  }
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

function quoteAmbiguous(node: unknown): void {
  if (node instanceof Scalar) {
    if (typeof node.value === 'string') node.type = Scalar.QUOTE_DOUBLE;
    return;
  }
  if (node && typeof node === 'object' && 'items' in node) {
    for (const item of (node as { items: unknown[] }).items) {
      if (item && typeof item === 'object' && 'value' in item && 'key' in item) quoteAmbiguous((item as { value: unknown }).value);
      else quoteAmbiguous(item);
    }
  }
}
