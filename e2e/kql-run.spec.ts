/**
 * Issue 7 in the playground: rows exported from Defender XDR (CSV with the portal's
 * `Timestamp [UTC]` header) are recognised as DeviceNetworkEvents and judged by the compiled
 * query of the uncommon-destination-ports rule: which rows it returns, and why, down to the
 * predicate and the values it saw; hovering a predicate highlights it in the KQL preview.
 * "Check the translation" writes Sigma events as the target's rows and flags a disagreement.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { kqlText, openApp, pasteEvents, typeRule } from './helpers.ts';

const RULE = readFileSync(new URL('../public/examples/uncommon-destination-ports.yml', import.meta.url), 'utf8');

// Hand-written like an "Export" of Advanced hunting results: Defender's column names, the UTC suffix on the time column.
const EXPORT = [
  'Timestamp [UTC],DeviceName,ActionType,RemoteIP,RemotePort,RemoteIPType,LocalIP,LocalPort,Protocol,InitiatingProcessFileName,InitiatingProcessFolderPath,InitiatingProcessAccountName,ReportId',
  '2024-05-02T09:14:03.512Z,wks-017.corp.local,ConnectionSuccess,185.220.101.4,8080,Public,10.1.4.23,51234,Tcp,updater.exe,C:\\Users\\alice\\AppData\\Local\\Temp\\updater.exe,alice,1001',
  '2024-05-02T09:15:41.331Z,wks-017.corp.local,ConnectionSuccess,10.20.0.15,8080,Private,10.1.4.23,51302,Tcp,sync.exe,C:\\Users\\alice\\AppData\\Roaming\\sync.exe,alice,1002',
  '2024-05-02T09:16:02.118Z,wks-022.corp.local,InboundConnectionAccepted,203.0.113.9,51877,Public,10.1.4.30,8888,Tcp,node.exe,C:\\Tools\\node.exe,dev,1003',
  '2024-05-02T09:17:12.640Z,wks-022.corp.local,ConnectionSuccess,2a03:2880:f12f:83:face:b00c:0:25de,8888,Public,fe80::1c2a:7bff:fe10:2,50022,Tcp,tool.exe,C:\\Users\\bob\\Downloads\\tool.exe,bob,1004',
  '2024-05-02T09:18:00.004Z,wks-031.corp.local,ConnectionSuccess,52.96.1.1,8080,Public,10.1.4.40,50000,Tcp,proxy.exe,C:\\Program Files\\Proxy\\proxy.exe,svc-proxy,1005',
  '2024-05-02T09:19:27.215Z,wks-031.corp.local,ConnectionSuccess,52.96.1.2,443,Public,10.1.4.40,50001,Tcp,chrome.exe,C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe,alice,1006',
  '2024-05-02T09:20:41.950Z,wks-031.corp.local,ConnectionRequest,,8080,,10.1.4.40,50003,Tcp,x.exe,C:\\Users\\eve\\AppData\\Local\\Temp\\x.exe,eve,1007',
  '2024-05-02T09:21:05.118Z,wks-044.corp.local,ConnectionSuccess,fe80::9c4d:1aff:fe22:7,8080,LinkLocal,fe80::1c2a:7bff:fe10:2,50044,Tcp,agent.exe,C:\\Users\\bob\\agent.exe,bob,1008',
].join('\n');

test('a Defender CSV export is judged by the compiled query: which rows it returns and why', async ({ page }) => {
  await openApp(page);
  await typeRule(page, RULE);
  await page.getByTestId('target-select').selectOption('defender-xdr');
  await expect.poll(() => kqlText(page)).toContain('DeviceNetworkEvents');

  await pasteEvents(page, EXPORT);
  const hint = page.getByTestId('target-rows-hint');
  await expect(hint).toContainText('DeviceNetworkEvents');
  await hint.getByRole('button').click();

  const view = page.getByTestId('kql-run-view');
  await expect(view).toBeVisible();
  await expect(page.getByTestId('run-table-select')).toContainText('DeviceNetworkEvents (recognised)');
  const rows = view.getByTestId('kql-run-row');
  await expect(rows).toHaveCount(8);
  // Public IPv4 and IPv6 on 8080/8888 are returned; private, link-local, inbound, Program Files and 443 are not.
  const expected = ['kept', 'dropped', 'dropped', 'kept', 'dropped', 'dropped', 'kept', 'dropped'];
  await expect.poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-kept')))).toEqual(expected);
  await expect(page.getByTestId('kql-run-counts')).toContainText('3 kept');
  await expect(page.getByTestId('kql-run-counts')).toContainText('5 dropped');

  // Why row 2 was dropped: the local-ranges filter, with the address it saw.
  await rows.nth(1).click();
  const detail = page.getByTestId('kql-run-detail');
  await expect(detail.getByTestId('kql-summary')).toContainText('dropped by the where');
  // The where's not(...) is false because, inside it, the 10.0.0.0/8 test is true for the address it saw.
  await expect(detail.getByTestId('kql-predicate').filter({ hasText: /^✗\s*not\(/ }).first()).toHaveAttribute('data-result', 'false');
  const deciding = detail.getByTestId('kql-predicate').filter({ hasText: /inside not\(\): ipv4_is_in_range\(DestinationIp, "10\.0\.0\.0\/8"\)/ });
  await expect(deciding).toBeVisible();
  await expect(deciding).toHaveAttribute('data-result', 'true');
  await expect(deciding).toContainText('= true');
  await expect(detail).toContainText('"RemoteIP": "10.20.0.15"');

  // Hovering the predicate highlights its span in the KQL preview.
  await deciding.hover();
  await expect(page.locator('[data-testid=kql-preview] .kql-linked').first()).toBeAttached();
  const highlighted = await page.evaluate(() => {
    const s = (window as any).__siglab;
    const h = s.store.getState().kqlHighlight[0];
    return h ? s.kqlModel.getValue().slice(h.start, h.end) : '';
  });
  expect(highlighted).toContain('"10.0.0.0/8"');

  // The inbound connection: dropped by the ActionType predicate, which names the value it saw.
  await rows.nth(2).click();
  const inbound = page.getByTestId('kql-run-detail').getByTestId('kql-predicate').filter({ hasText: 'ActionType in' }).first();
  await expect(inbound).toHaveAttribute('data-result', 'false');
  await expect(inbound).toContainText('InboundConnectionAccepted');

  // A row without a remote address is still returned; the explanation shows the null it saw.
  await rows.nth(6).click();
  await expect(page.getByTestId('kql-run-detail')).toContainText('bool(null)');

  // Switching target: the rows are not rows of an ASIM table, and the view says so.
  await page.getByTestId('target-select').selectOption('sentinel-asim');
  await expect(page.getByTestId('kql-run-unrecognised')).toBeVisible();
});

test('check the translation: Sigma events written as Defender rows, a disagreement is flagged with both explanations', async ({ page }) => {
  await openApp(page);
  // `Image: ''` asks for a present, empty Image; the KQL column is a string that is never null, so a missing Image reads as empty.
  await typeRule(page, RULE.replace('    condition: selection', "    filter_optional_empty:\n        Image: ''\n    condition: selection"));
  await page.getByTestId('target-select').selectOption('defender-xdr');
  await pasteEvents(
    page,
    JSON.stringify([
      { EventID: 3, Initiated: 'true', Image: 'C:\\Users\\alice\\AppData\\Local\\Temp\\updater.exe', DestinationIp: '185.220.101.4', DestinationPort: 8080 },
      { EventID: 3, Initiated: 'true', DestinationIp: '185.220.101.9', DestinationPort: 8080 },
      { EventID: 3, Initiated: 'true', Image: 'C:\\Tools\\dev.exe', DestinationIp: '10.2.3.4', DestinationPort: 8888 },
    ]),
  );
  await expect(page.locator('[data-testid=event-row]')).toHaveCount(3);
  await page.getByTestId('query-tab').click();
  await page.getByTestId('translation-toggle').click();
  const rows = page.getByTestId('compare-row');
  await expect(rows).toHaveCount(3);
  await expect.poll(() => rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-sigma')}/${e.getAttribute('data-kql')}/${e.getAttribute('data-agree')}`))).toEqual([
    'match/kept/true',
    'match/dropped/false',
    'nomatch/dropped/true',
  ]);
  await expect(page.getByTestId('compare-counts')).toContainText('1 translation problem');
  await rows.nth(1).click();
  const detail = page.getByTestId('compare-detail');
  await expect(detail).toContainText('Translation problem');
  await expect(detail.getByTestId('explanation')).toBeVisible();
  await expect(detail.getByTestId('kql-explanation')).toHaveAttribute('data-kept', 'dropped');
  await expect(detail).toContainText('DeviceNetworkEvents');
});
