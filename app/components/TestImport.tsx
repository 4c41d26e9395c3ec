/**
 * "Import tests…": a dialog taking test files by file picker or drop — a siglab test file, a
 * Sigma rule with sigma-test testcases, a Zircolite test JSON, or a SigmaHQ info.yml together
 * with its event JSON files (and, for tests of another rule, that rule's .yml). An import that
 * fails says why in the dialog and changes nothing.
 *
 * The dialog is portalled to <body> and stops its drag events, so neither the events panel (which
 * would read the files as events) nor the page-wide rule drop (RuleFileDrop, which skips
 * `[data-test-drop]`) takes them.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { createPortal } from 'react-dom';
import { importTestFiles, type ImportOutcome } from '../lib/import-tests.ts';
import './tests.css';

const ACCEPT = '.yml,.yaml,.json,.ndjson,.jsonl,.csv,.xml';

/** `compact`: beside the test summary, where the events header is crowded ("Import…"). */
export function TestImport({ compact = false }: { compact?: boolean }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);
  const [outcome, setOutcome] = useState<ImportOutcome>();
  const input = useRef<HTMLInputElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);

  const close = () => {
    setOpen(false);
    setOver(false);
    trigger.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    requestAnimationFrame(() => dialog.current?.querySelector<HTMLButtonElement>('.test-import-pick')?.focus());
    // Escape closes wherever the focus is (after a file pick it may be on the page, not in the dialog).
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      close();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [open]);

  const take = async (files: FileList | null | undefined) => {
    if (!files?.length || busy) return;
    setBusy(true);
    try {
      const r = await importTestFiles(Array.from(files));
      setOutcome(r);
      if (r.ok) close();
    } catch (e) {
      setOutcome({ ok: false, message: `The import failed: ${(e as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  const stop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <>
      <button
        ref={trigger}
        className="btn btn-ghost btn-sm test-import-trigger"
        onClick={() => {
          setOutcome(undefined);
          setOpen(true);
        }}
        data-testid="test-import"
        title="Import tests: a siglab test file, a sigma-test rule, a Zircolite test JSON, or SigmaHQ regression data"
        aria-label="Import tests"
      >
        {compact ? 'Import…' : 'Import tests…'}
      </button>
      {open &&
        createPortal(
          <div
            className="test-import-backdrop"
            onMouseDown={(e) => {
              if (e.target === e.currentTarget) close();
            }}
            onDragEnter={stop}
            onDragOver={stop}
            onDrop={(e) => {
              stop(e);
              setOver(false);
              void take(e.dataTransfer.files);
            }}
            data-test-drop
          >
            <div
              className="test-import-dialog"
              role="dialog"
              aria-modal="true"
              aria-labelledby="test-import-title"
              ref={dialog}
              data-testid="test-import-dialog"
            >
              <header className="test-import-head">
                <h3 id="test-import-title">Import tests</h3>
                <button className="btn btn-ghost btn-sm" onClick={close} aria-label="Close">
                  ✕
                </button>
              </header>
              <ul className="test-import-kinds">
                <li>
                  <b>siglab test file</b> <span className="dim">— rule, events and expected verdicts (the rule file too, if it names one)</span>
                </li>
                <li>
                  <b>sigma-test rule</b> <span className="dim">— a Sigma rule with <code>testcases</code></span>
                </li>
                <li>
                  <b>Zircolite test JSON</b> <span className="dim">— tests the rule in the editor when its id or title matches; else pick the rule's .yml with it</span>
                </li>
                <li>
                  <b>SigmaHQ regression data</b> <span className="dim">— info.yml together with its event .json files</span>
                </li>
              </ul>
              <div
                className={`test-import-drop${over ? ' is-over' : ''}`}
                onDragEnter={(e) => {
                  stop(e);
                  setOver(true);
                }}
                onDragOver={stop}
                onDragLeave={(e) => {
                  if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(false);
                }}
                onDrop={(e) => {
                  stop(e);
                  setOver(false);
                  void take(e.dataTransfer.files);
                }}
                data-testid="test-import-drop"
              >
                <span>{busy ? 'Reading…' : 'Drop the test file here, with its event and rule files'}</span>
                <button className="btn btn-sm btn-primary test-import-pick" onClick={() => input.current?.click()} disabled={busy}>
                  Choose files…
                </button>
                <input
                  ref={input}
                  type="file"
                  multiple
                  hidden
                  accept={ACCEPT}
                  data-testid="test-import-input"
                  onChange={(e) => {
                    void take(e.target.files);
                    e.target.value = '';
                  }}
                />
              </div>
              {outcome && !outcome.ok && (
                <p className="test-import-error" role="alert" data-testid="test-import-error">
                  {outcome.message}
                </p>
              )}
              <p className="test-import-foot dim">Your current rule, events and marks are kept as a draft before an import replaces them.</p>
            </div>
          </div>,
          document.body,
        )}
    </>
  );
}
