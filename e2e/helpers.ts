/** Shared steps for the end-to-end specs: open the app, drive Monaco, read the models. */
import { expect, type Browser, type Page } from '@playwright/test';

export async function openApp(page: Page): Promise<void> {
  const external: string[] = [];
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('http://127.0.0.1') && !u.startsWith('data:') && !u.startsWith('blob:')) external.push(u);
  });
  await page.goto('/');
  await expect(page.locator('[data-testid=event-row]').first()).toBeVisible();
  await expect.poll(() => kqlText(page)).toContain('where');
  expect(external, 'the page must not request anything but its own assets').toEqual([]);
}

export function kqlText(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).__siglab.kqlModel.getValue() as string);
}

export function ruleText(page: Page): Promise<string> {
  return page.evaluate(() => (window as any).__siglab.ruleModel.getValue() as string);
}

/**
 * Replaces the rule the way a user pastes one: select all in the editor, then a paste of the
 * whole text (typing a multi-line rule key by key would let the editor auto-indent each line).
 */
export async function typeRule(page: Page, text: string): Promise<void> {
  await page.locator('[data-testid=rule-editor] .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.evaluate((t) => (window as any).__siglab.ruleEditor.trigger('keyboard', 'paste', { text: t }), text);
}

/** Moves the cursor to the end of the first occurrence of `needle` in the rule. */
export async function placeCursorAfter(page: Page, needle: string): Promise<void> {
  await page.evaluate((n) => {
    const s = (window as any).__siglab;
    const model = s.ruleModel;
    const offset = model.getValue().indexOf(n);
    if (offset < 0) throw new Error(`'${n}' is not in the rule`);
    const pos = model.getPositionAt(offset + n.length);
    s.ruleEditor.setPosition(pos);
    s.ruleEditor.focus();
  }, needle);
}

export interface MarkerInfo {
  code: string;
  message: string;
  severity: number;
  startLineNumber: number;
  owner: string;
}

export function ruleMarkers(page: Page): Promise<MarkerInfo[]> {
  return page.evaluate(() => {
    const s = (window as any).__siglab;
    return s.monaco.editor.getModelMarkers({ resource: s.ruleModel.uri }).map((m: any) => ({
      code: typeof m.code === 'string' ? m.code : m.code?.value ?? '',
      message: m.message,
      severity: m.severity,
      startLineNumber: m.startLineNumber,
      owner: m.owner,
    }));
  });
}

export async function pasteEvents(page: Page, text: string): Promise<void> {
  // A real paste event (the path a user's Ctrl+V takes), not a value assignment.
  await page.locator('[data-testid=events-input]').evaluate((el, t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    const notHandled = el.dispatchEvent(ev);
    if (notHandled) {
      // Small pastes go through the textarea's own input path, as in a browser.
      const ta = el as HTMLTextAreaElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      setter.call(ta, t);
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }, text);
}

export const PROCESS_RULE = `title: Cmd Spawned By Office
id: 0b5b4a4e-7a0c-4a43-9a55-3f0c2f2e9f11
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        ParentImage|endswith:
            - '\\\\winword.exe'
            - '\\\\excel.exe'
        Image|endswith: '\\\\cmd.exe'
    filter_admin:
        User|startswith: 'CORP\\\\adm-'
    condition: selection and not filter_admin
level: high
`;

/** Clicks Share, waits for the `#v1/` link, and opens it in a fresh browser context (no drafts, no storage). */
export async function shareAndOpenFresh(page: Page, browser: Browser): Promise<Page> {
  await page.getByTestId('share-button').click();
  await expect.poll(() => page.url()).toMatch(/#v1\//);
  const link = page.url();
  const other = await (await browser.newContext()).newPage();
  await other.goto(link);
  return other;
}
