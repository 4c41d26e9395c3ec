/** The Drafts menu in the top bar: autosave status, and the recent drafts kept in this browser. */
import { useEffect, useRef, useState } from 'react';
import './keep-work.css';
import { deleteDraft, isThisTab, refreshDrafts, useDrafts, type SavedDraft } from '../persistence/drafts.ts';
import { openDraft } from '../persistence/autosave.ts';
import { TARGET_OPTIONS } from '../lib/core.ts';
import { formatBytes } from '../lib/format.ts';

const KIND_LABEL: Record<SavedDraft['kind'], string> = { autosave: 'autosaved', 'before-link': 'before a link', 'before-open': 'replaced' };

function ago(t: number): string {
  const s = Math.max(0, Math.round((Date.now() - t) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

export function DraftsMenu() {
  const status = useDrafts((s) => s.status);
  const drafts = useDrafts((s) => s.drafts);
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    refreshDrafts();
    // A popover of status and actions (not a menu of items): focus moves into it, Tab walks it,
    // Escape closes it and gives focus back to the button.
    requestAnimationFrame(() => (panel.current?.querySelector<HTMLElement>('button') ?? panel.current)?.focus());
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent) {
        if (e.key !== 'Escape') return;
        setOpen(false);
        if (ref.current?.contains(document.activeElement)) button.current?.focus();
      } else if (!ref.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  const statusText =
    status.state === 'failed'
      ? status.message
      : status.state === 'saved'
        ? `Saved in this browser ${ago(status.at)}${status.note ? ` · ${status.note}` : ''}. Nothing is uploaded.`
        : 'Your work is saved in this browser as you type. Nothing is uploaded.';
  const targetLabel = (id: string) => TARGET_OPTIONS.find((t) => t.id === id)?.label ?? id;

  return (
    <div className="drafts" ref={ref}>
      <button
        className="btn drafts-btn"
        data-testid="drafts-button"
        ref={button}
        aria-expanded={open}
        aria-haspopup="dialog"
        title={statusText}
        onClick={() => setOpen(!open)}
      >
        <span className={`drafts-dot is-${status.state}`} aria-hidden />
        {status.state === 'failed' ? 'Not saved' : 'Drafts'}
      </button>
      {open && (
        <div className="drafts-menu" role="dialog" aria-label="Drafts" tabIndex={-1} ref={panel} data-testid="drafts-menu">
          <div className={`drafts-status is-${status.state}`} data-testid="autosave-status" role="status">
            {statusText}
          </div>
          {drafts.length === 0 ? (
            <div className="drafts-empty">No drafts yet.</div>
          ) : (
            <ul className="drafts-list">
              {drafts.map((d) => {
                const current = isThisTab(d);
                return (
                  <li key={d.id} className="draft-item" data-testid="draft-item" data-kind={d.kind}>
                    <div className="draft-main">
                      <span className="draft-title" title={d.title}>
                        {d.title}
                      </span>
                      <span className="draft-meta">
                        <span className={`draft-kind${current ? ' is-current' : ''}`}>{current ? 'this tab' : KIND_LABEL[d.kind]}</span>
                        {targetLabel(d.target)} · {d.eventsChars ? `events ${formatBytes(d.eventsChars)}` : 'no events'} · {ago(d.savedAt)}
                      </span>
                    </div>
                    {!current && (
                      <>
                        <button
                          className="btn btn-sm"
                          aria-label={`Open the draft ${d.title}`}
                          data-testid="draft-open"
                          onClick={() => {
                            setOpen(false);
                            void openDraft(d);
                          }}
                        >
                          Open
                        </button>
                        <button className="btn btn-sm btn-ghost" aria-label={`Delete the draft ${d.title}`} title="Delete this draft" onClick={() => deleteDraft(d.id)}>
                          ✕
                        </button>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
