/**
 * Deployment exports of the current rule: the Microsoft Sentinel scheduled analytics rule (YAML
 * of the Azure-Sentinel repository), the Defender XDR custom detection (JSON); and the playground's
 * tests as a siglab test file, a sigma-test rule, a Zircolite test JSON or SigmaHQ regression data
 * (.zip). Download or copy; the export's problems are shown, not hidden.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from '../state/store.ts';
import { exportSentinelRule } from '../../src/export/sentinel-rule.ts';
import { exportDefenderDetection } from '../../src/export/defender-detection.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';
import { copyText } from '../lib/clipboard.ts';
import { downloadText, fileStem } from '../lib/download.ts';
import { buildTestFile, copyTestExport, downloadTestExport, downloadTestFile, TEST_EXPORT_LABELS } from '../lib/test-file.ts';
import type { TestExportFormat } from '../../src/tests/playground-export.ts';
import './tests.css';

type Kind = 'sentinel' | 'defender';

interface Built {
  ok: boolean;
  text: string;
  fileName: string;
  type: string;
  issues: Diagnostic[];
}

/** Sentinel's scheduled query runs on the current target's query when it is a Sentinel table; else on ASIM. */
function sentinelTarget(targetId: string): string {
  return targetId === 'azure-monitor' || targetId === 'defender-xdr' ? targetId : 'sentinel-asim';
}

function build(kind: Kind): Built | { error: string } {
  const s = useStore.getState();
  if (!s.rule) return { error: 'The rule does not load; fix its errors first.' };
  const stem = fileStem(s.rule.title);
  try {
    // The query is already checked by the Kusto worker (KQL panel); no second check on the main thread.
    if (kind === 'sentinel') {
      const r = exportSentinelRule(s.rule, { target: sentinelTarget(s.targetId), compile: { validate: false } });
      return { ok: r.ok, text: r.yaml, fileName: `${stem}.sentinel.yaml`, type: 'application/yaml', issues: r.diagnostics.filter((d) => d.severity !== 'info') };
    }
    const r = exportDefenderDetection(s.rule, { compile: { validate: false } });
    return { ok: r.ok, text: r.json, fileName: `${stem}.defender.json`, type: 'application/json', issues: r.diagnostics.filter((d) => d.severity !== 'info') };
  } catch (e) {
    return { error: `The export failed: ${(e as Error).message}` };
  }
}

const LABEL: Record<Kind, string> = { sentinel: 'Sentinel analytics rule', defender: 'Defender custom detection' };

export function ExportMenu() {
  const [open, setOpen] = useState(false);
  // The panel clips its overflow: the menu is placed in the viewport, under the trigger.
  const [at, setAt] = useState<{ top: number; right: number }>({ top: 0, right: 0 });
  const rule = useStore((s) => s.rule);
  const targetId = useStore((s) => s.targetId);
  const showToast = useStore((s) => s.showToast);
  const root = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    requestAnimationFrame(() => menu.current?.querySelector<HTMLButtonElement>('[role=menuitem]:not(:disabled)')?.focus());
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const report = (kind: Kind, b: Built, verb: string) => {
    const errors = b.issues.filter((d) => d.severity === 'error');
    if (!b.ok || errors.length) showToast(`${LABEL[kind]} ${verb}, with problems: ${(errors[0] ?? b.issues[0])?.message ?? 'the query did not compile'}${b.issues.length > 1 ? ` (+${b.issues.length - 1} more)` : ''}`);
    else if (b.issues.length) showToast(`${LABEL[kind]} ${verb}. Note: ${b.issues[0].message}${b.issues.length > 1 ? ` (+${b.issues.length - 1} more)` : ''}`);
    else showToast(`${LABEL[kind]} ${verb}.`);
  };

  const act = async (kind: Kind, how: 'download' | 'copy') => {
    const b = build(kind);
    if ('error' in b) return showToast(b.error);
    if (how === 'download') {
      downloadText(b.fileName, b.text, b.type);
      report(kind, b, `saved as ${b.fileName}`);
    } else if (await copyText(b.text)) report(kind, b, 'copied');
    else showToast('Copy failed: the browser refused clipboard access. Use the download instead.');
  };

  const copyTest = async () => {
    const r = await buildTestFile();
    if (!r.ok) return showToast(r.message);
    showToast((await copyText(r.text)) ? `Test file copied (${r.cases} case${r.cases === 1 ? '' : 's'}).` : 'Copy failed: the browser refused clipboard access. Use the download instead.');
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      setOpen(false);
      root.current?.querySelector<HTMLButtonElement>('.export-trigger')?.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const items = Array.from(menu.current?.querySelectorAll<HTMLButtonElement>('[role=menuitem]:not(:disabled)') ?? []);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    items[(at + (e.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus();
  };

  /**
   * One menu row: title, what it holds, a download button and (unless the export is several
   * files) a copy button. The menu closes before the action runs.
   */
  const item = (o: { title: string; sub: string; ext: string; testId: string; download: () => unknown; copy?: () => unknown; disabled?: boolean }) => (
    <div className="export-item" role="none">
      <div className="export-item-text">
        <span className="export-item-title">{o.title}</span>
        <span className="export-item-sub">{o.sub}</span>
      </div>
      <button
        role="menuitem"
        className="btn btn-sm"
        disabled={o.disabled}
        onClick={() => {
          setOpen(false);
          void o.download();
        }}
        data-testid={`${o.testId}-download`}
      >
        ⤓ {o.ext}
      </button>
      {o.copy ? (
        <button
          role="menuitem"
          className="btn btn-ghost btn-sm"
          disabled={o.disabled}
          onClick={() => {
            setOpen(false);
            void o.copy!();
          }}
          data-testid={`${o.testId}-copy`}
        >
          Copy
        </button>
      ) : (
        // Several files: download only (the gap keeps the column of download buttons aligned).
        <span className="btn btn-ghost btn-sm" aria-hidden style={{ visibility: 'hidden' }}>
          Copy
        </span>
      )}
    </div>
  );
  const row = (kind: Kind, ext: string, sub: string) =>
    item({ title: LABEL[kind], sub, ext, testId: `export-${kind}`, disabled: !rule, download: () => act(kind, 'download'), copy: () => act(kind, 'copy') });
  const testRow = (format: Exclude<TestExportFormat, 'siglab'>, ext: string, sub: string) =>
    item({ title: TEST_EXPORT_LABELS[format], sub, ext, testId: `export-tests-${format}`, download: () => downloadTestExport(format), ...(ext === '.zip' ? {} : { copy: () => copyTestExport(format) }) });

  return (
    <div className="export-menu" ref={root} onKeyDown={onKey}>
      <button
        className="btn btn-ghost export-trigger"
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setAt({ top: r.bottom + 6, right: Math.max(8, window.innerWidth - r.right) });
          setOpen(!open);
        }} data-testid="export-menu" title="Export the rule for deployment, or the playground's tests (siglab, sigma-test, Zircolite, SigmaHQ)">
        Export ▾
      </button>
      {open && (
        <div className="export-pop" role="menu" aria-label="Export" ref={menu} style={{ top: at.top, right: at.right }}>
          {row('sentinel', '.yaml', `Scheduled rule, Azure-Sentinel repo format · query for ${sentinelTarget(targetId)}`)}
          {row('defender', '.json', 'Custom detection rule · Timestamp, DeviceId, ReportId, ATT&CK techniques')}
          <div className="export-sep" role="separator" />
          <div className="export-group" aria-hidden>
            Tests · rule, marked events, verdicts
          </div>
          {item({ title: 'siglab test file', sub: 'The rule, the marked events and their expected verdicts · siglab test FILE', ext: '.yml', testId: 'export-test', download: downloadTestFile, copy: copyTest })}
          {testRow('sigma-test', '.yml', 'The rule with testcases: match / dont-match')}
          {testRow('zircolite', '.json', 'zircolite --test-rules · true_positive / true_negative, by rule id and title')}
          {testRow('sigmahq-regression', '.zip', 'rules/ + regression_data/ info.yml and event JSON · needs the rule id')}
        </div>
      )}
    </div>
  );
}
