import { useStore } from '../state/store.ts';
import { ShareButton } from './ShareButton.tsx';
import { DraftsMenu } from './DraftsMenu.tsx';

export function Header() {
  const theme = useStore((s) => s.theme);
  const setTheme = useStore((s) => s.setTheme);
  const setGalleryOpen = useStore((s) => s.setGalleryOpen);
  return (
    <header className="topbar">
      <div className="brand">
        <svg width="22" height="22" viewBox="0 0 24 24" aria-hidden>
          <path d="M4 5h10M4 12h16M4 19h7" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" />
          <circle cx="18" cy="5" r="2.4" fill="var(--match)" />
          <circle cx="15" cy="19" r="2.4" fill="var(--accent)" />
        </svg>
        <span className="brand-name">siglab</span>
        <span className="brand-tag">Sigma → KQL playground · runs in your browser, nothing is uploaded</span>
      </div>
      <span className="spacer" />
      <button className="btn" onClick={() => setGalleryOpen(true)} data-testid="examples-button">
        Examples
      </button>
      <DraftsMenu />
      <ShareButton />
      <button
        className="btn btn-icon"
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}
        aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        data-testid="theme-toggle"
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
