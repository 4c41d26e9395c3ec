/** After a link replaced the page's work: says the previous draft is kept and offers it back. */
import './keep-work.css';
import { useDrafts } from '../persistence/drafts.ts';
import { openDraft } from '../persistence/autosave.ts';

export function DraftBanner() {
  const kept = useDrafts((s) => s.replacedByLink);
  if (!kept) return null;
  return (
    <div className="draft-banner" role="status" data-testid="draft-banner">
      <span>
        Opened a shared link. Your previous draft <b>{kept.title}</b> is kept.
      </span>
      <span className="spacer" />
      <button className="btn btn-sm btn-primary" data-testid="draft-banner-restore" onClick={() => void openDraft(kept)}>
        Restore your previous draft
      </button>
      <button className="btn btn-sm btn-ghost" aria-label="Dismiss" onClick={() => useDrafts.setState({ replacedByLink: undefined })}>
        ✕
      </button>
    </div>
  );
}
