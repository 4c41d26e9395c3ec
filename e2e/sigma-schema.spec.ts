/**
 * The official Sigma JSON schemas in the rule editor, one per YAML document: a correlation
 * document is checked against the correlation schema and a meta filter against the filter schema,
 * not against the detection rule schema (which would flag their missing `detection`/`logsource`).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { openApp, ruleMarkers, typeRule } from './helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../src/sigma/fixtures/correlation/${name}`, import.meta.url), 'utf8');
const CORRELATION = fixture('failed_logins_followed_by_success.yml');
const FILTERS = fixture('filters.yml');

async function schemaMarkers(page: Page) {
  return (await ruleMarkers(page)).filter((m) => m.owner === 'yaml');
}

test('a correlation file: no schema findings, and a broken correlation document gets one', async ({ page }) => {
  await openApp(page);
  // Broken first: the schema check must have run (its finding shows) before "none" means anything.
  await typeRule(page, CORRELATION.replace('type: temporal_ordered', 'type: 42'));
  await expect.poll(async () => [...new Set((await schemaMarkers(page)).map((m) => m.startLineNumber))]).toEqual([13]);
  await typeRule(page, CORRELATION);
  await expect.poll(async () => (await schemaMarkers(page)).length).toBe(0);
  await expect(page.getByTestId('diagnostics')).not.toContainText('Missing property');
  // The correlation schema applies to the second document as well: `rules` must be a list.
  await typeRule(page, CORRELATION.replace('    rules:\n        - failed_login\n', '    rules: failed_login\n'));
  await expect.poll(async () => [...new Set((await schemaMarkers(page)).map((m) => m.startLineNumber))]).toEqual([30]);
});

test('a file with meta filters and rules: each document against its own schema', async ({ page }) => {
  await openApp(page);
  await typeRule(page, FILTERS.replace("    condition: selection\n---\ntitle: Filter google", "    condition: 7\n---\ntitle: Filter google"));
  await expect.poll(async () => [...new Set((await schemaMarkers(page)).map((m) => m.startLineNumber))]).toEqual([15]);
  await typeRule(page, FILTERS);
  await expect.poll(async () => (await schemaMarkers(page)).length).toBe(0);
});
