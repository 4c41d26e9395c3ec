/**
 * The rule card beside the editor and the deployment exports from the UI (issue 6): ATT&CK names
 * and links from the shipped table, CVEs and other tags, the table each target needs, false
 * positives, references, related rules; the Sentinel analytics rule and the Defender custom
 * detection, downloaded and copied.
 */
import fs, { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openApp, typeRule } from './helpers.ts';

const RULE = `title: Suspicious Whoami Discovery
id: 6a1d2b8e-33f1-4d7e-9f3a-0e5c1c2d9b10
related:
    - id: 502b42de-4306-40b4-9596-6f590c81f073
      type: derived
status: experimental
description: Detects whoami.exe started with the /priv flag.
references:
    - https://example.org/whoami-priv
    - not a link
author: siglab e2e
date: 2024-05-01
modified: 2024-06-02
tags:
    - attack.discovery
    - attack.t1033
    - attack.privilege-escalation
    - attack.t1548.002
    - cve.2021-44228
    - detection.threat-hunting
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        CommandLine|contains: '/priv'
    condition: selection
falsepositives:
    - Administrators checking their own privileges
level: medium
`;

test('the rule card shows the rule as an analyst reads it', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await page.getByTestId('rule-card-toggle').click();
  const card = page.getByTestId('rule-card');
  await expect(card).toBeVisible();
  await expect(page.getByTestId('rule-card-title')).toHaveText('Suspicious Whoami Discovery');
  await expect(card).toContainText('medium');
  await expect(card).toContainText('experimental');
  await expect(card).toContainText('Detects whoami.exe started with the /priv flag.');
  await expect(card).toContainText('siglab e2e');
  await expect(card).toContainText('created 2024-05-01');
  await expect(card).toContainText('modified 2024-06-02');

  // ATT&CK: names from the shipped table, linked to attack.mitre.org, tactics in kill-chain order.
  const attack = page.getByTestId('rule-card-attack');
  await expect(attack.getByRole('link', { name: 'Discovery', exact: true })).toHaveAttribute('href', /attack\.mitre\.org\/tactics\/TA0007/);
  await expect(attack.getByRole('link', { name: /T1033 System Owner\/User Discovery/ })).toHaveAttribute('href', /attack\.mitre\.org\/techniques\/T1033/);
  await expect(attack.getByRole('link', { name: /T1548\.002 .*Bypass User Account Control/ })).toHaveAttribute('href', /techniques\/T1548\/002/);
  const tactics = await attack.locator('.rc-tactic a').allTextContents();
  expect(tactics).toEqual(['Privilege Escalation', 'Discovery']);

  // Other tags, data sources per target, false positives, references (only http(s) ones linked), related.
  const tags = page.getByTestId('rule-card-tags');
  await expect(tags.getByRole('link', { name: 'CVE-2021-44228' })).toHaveAttribute('href', /CVE-2021-44228/);
  await expect(tags).toContainText('detection.threat-hunting');
  const sources = page.getByTestId('rule-card-sources');
  await expect(sources).toContainText('imProcessCreate');
  await expect(sources).toContainText('DeviceProcessEvents');
  await expect(sources).toContainText('MicrosoftThreatProtection');
  await expect(page.getByTestId('rule-card-fps')).toContainText('Administrators checking their own privileges');
  const refs = page.getByTestId('rule-card-refs');
  await expect(refs.getByRole('link', { name: 'https://example.org/whoami-priv' })).toHaveAttribute('href', 'https://example.org/whoami-priv');
  await expect(refs.getByRole('link')).toHaveCount(1);
  await expect(refs).toContainText('not a link');
  await expect(page.getByTestId('rule-card-related')).toContainText('502b42de-4306-40b4-9596-6f590c81f073');

  // Live with the rule; Escape and the close button close it.
  await typeRule(page, RULE.replace('level: medium', 'level: critical').replace('Suspicious Whoami Discovery', 'Whoami Priv Check'));
  await expect(page.getByTestId('rule-card-title')).toHaveText('Whoami Priv Check');
  await expect(card).toContainText('critical');
  await page.getByTestId('rule-card-close').click();
  await expect(card).toHaveCount(0);
});

test('the Sentinel analytics rule and the Defender custom detection download and copy', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  await typeRule(page, RULE);
  await expect.poll(() => page.evaluate(() => (window as any).__siglab.store.getState().rule?.title)).toBe('Suspicious Whoami Discovery');

  await page.getByTestId('export-menu').click();
  await expect(page.getByRole('menu', { name: 'Export' })).toBeVisible();
  const [sentinel] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-sentinel-download').click()]);
  expect(sentinel.suggestedFilename()).toBe('suspicious_whoami_discovery.sentinel.yaml');
  const yaml = fs.readFileSync((await sentinel.path())!, 'utf8');
  expect(yaml).toMatch(/^id: [0-9a-f-]{36}$/m);
  expect(yaml).toMatch(/^name: Suspicious Whoami Discovery$/m);
  expect(yaml).toMatch(/^severity: Medium$/m);
  expect(yaml).toMatch(/^kind: Scheduled$/m);
  expect(yaml).toMatch(/tactics:\n\s+- PrivilegeEscalation\n\s+- Discovery/);
  expect(yaml).toMatch(/relevantTechniques:\n(\s+- T\d{4}(\.\d{3})?\n)+/);
  expect(yaml).toContain('T1033');
  expect(yaml).toContain('imProcessCreate');
  expect(yaml).toContain('requiredDataConnectors');
  // The menu closed; the toast says what was saved.
  await expect(page.getByRole('menu', { name: 'Export' })).toHaveCount(0);
  await expect(page.getByTestId('toast')).toContainText('suspicious_whoami_discovery.sentinel.yaml');

  await page.getByTestId('export-menu').click();
  const [defender] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-defender-download').click()]);
  expect(defender.suggestedFilename()).toBe('suspicious_whoami_discovery.defender.json');
  const json = JSON.parse(fs.readFileSync((await defender.path())!, 'utf8'));
  expect(json.displayName).toBe('Suspicious Whoami Discovery');
  expect(json.queryCondition.queryText).toContain('DeviceProcessEvents');
  expect(json.queryCondition.queryText).toMatch(/Timestamp, DeviceId, ReportId/);
  expect(JSON.stringify(json.detectionAction)).toContain('T1033');

  // Copy puts the same text on the clipboard; the menu works by keyboard (Escape closes it).
  await page.getByTestId('export-menu').click();
  await page.getByTestId('export-defender-copy').click();
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain('"displayName": "Suspicious Whoami Discovery"');
  await page.getByTestId('export-menu').click();
  await expect(page.getByTestId('export-sentinel-download')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-sentinel-copy')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Export' })).toHaveCount(0);
});

const fixture = (name: string) => readFileSync(new URL(`../src/sigma/fixtures/correlation/${name}`, import.meta.url), 'utf8');

test('a correlation file is presented as its correlation, with the rules it correlates', async ({ page }) => {
  await openApp(page);
  await typeRule(page, fixture('failed_logins_followed_by_success.yml'));
  // The panel header names the correlation, not its first base rule.
  const headline = page.getByTestId('rule-headline');
  await expect(headline).toHaveText('Correlation - Multiple Failed Logins Followed by Successful Login');
  await expect(headline).toHaveAttribute('data-kind', 'correlation');
  await expect(page.locator('.rule-card-sub')).toContainText('correlation · temporal_ordered');

  await page.getByTestId('rule-card-toggle').click();
  const card = page.getByTestId('rule-card');
  await expect(page.getByTestId('rule-card-title')).toHaveText('Correlation - Multiple Failed Logins Followed by Successful Login');
  await expect(card).toContainText('high');
  const [outer, inner] = await page.getByTestId('rule-card-correlation').all();
  await expect(outer.getByTestId('rule-card-fires')).toHaveText("Fires when 'Multiple failed logons' then 'Successful login' occur in this order with the same User within 10 minutes.");
  await expect(outer).toContainText('Temporal proximity, ordered');
  await expect(outer).toContainText('10 minutes (10m)');
  const rules = outer.getByTestId('rule-card-correlated-rules').locator('li');
  await expect(rules).toHaveCount(2);
  await expect(rules.nth(0)).toContainText('Multiple failed logons');
  await expect(rules.nth(0)).toContainText('correlation · event_count');
  await expect(rules.nth(1)).toContainText('Successful login');
  await expect(rules.nth(1)).toContainText('windows / security');
  // The chained event_count correlation, with its threshold and its base rule.
  await expect(inner).toContainText('Multiple failed logons');
  await expect(inner).toContainText('count >= 10');
  await expect(inner.getByTestId('rule-card-correlated-rules')).toContainText('Single failed login');
  // Its data sources are those of the rules it correlates (the Security log).
  await expect(page.getByTestId('rule-card-sources')).toContainText('SecurityEvent');
  await expect(page.getByTestId('rule-card-fps')).toContainText('Unlikely');

  // Live: retitling the correlation changes the card.
  await typeRule(page, fixture('failed_logins_followed_by_success.yml').replace('title: Correlation - Multiple Failed Logins Followed by Successful Login', 'title: Brute force then logon'));
  await expect(page.getByTestId('rule-card-title')).toHaveText('Brute force then logon');
  await expect(headline).toHaveText('Brute force then logon');
});

test('meta filters: what each excludes and for which rules', async ({ page }) => {
  await openApp(page);
  await typeRule(page, fixture('filters.yml'));
  await expect(page.getByTestId('rule-headline')).toHaveText('Data Compressed - rar.exe');
  await page.getByTestId('rule-card-toggle').click();
  const filters = page.getByTestId('rule-card-filter');
  await expect(filters).toHaveCount(2);
  await expect(filters.nth(0)).toContainText('Filter Administrator account');
  await expect(filters.nth(0)).toContainText("selection: User|startswith: 'adm_'");
  await expect(filters.nth(0).locator('li', { hasText: 'Data Compressed - rar.exe' })).toContainText('applied');
  await expect(filters.nth(0).locator('li', { hasText: 'Login on jump host' })).toContainText('applied');
  // The DNS filter names the same rules, but its logsource cannot cover process creation.
  await expect(filters.nth(1).locator('li', { hasText: 'Data Compressed - rar.exe' })).toContainText('not applied: other logsource');
});
