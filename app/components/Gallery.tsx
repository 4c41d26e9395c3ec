/** The example gallery: SigmaHQ rules with sample events. */
import { useEffect, useRef, useState } from 'react';
import { loadExample, loadExampleIndex, type Example, type ExampleIndex } from '../lib/examples.ts';
import { useStore } from '../state/store.ts';
import { ruleModel } from '../monaco/models.ts';

export function openExample(rule: string, events: string, e: Example) {
  useStore.setState({ exampleSlug: e.slug });
  ruleModel.setValue(rule);
  useStore.getState().setEventsText(events, e.title);
}

export function Gallery() {
  const open = useStore((s) => s.galleryOpen);
  const setOpen = useStore((s) => s.setGalleryOpen);
  const [index, setIndex] = useState<ExampleIndex | undefined>();
  const [error, setError] = useState<string | undefined>();
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (open) {
      loadExampleIndex().then(setIndex, (e: Error) => setError(e.message));
      if (!dialog.current?.open) dialog.current?.showModal();
    } else if (dialog.current?.open) dialog.current.close();
  }, [open]);

  const pick = async (e: Example) => {
    const { rule, events } = await loadExample(e);
    openExample(rule, events, e);
    setOpen(false);
  };

  return (
    <dialog ref={dialog} className="gallery" onClose={() => setOpen(false)} aria-label="Example rules" data-testid="gallery">
      <header className="gallery-head">
        <h2>Examples from SigmaHQ</h2>
        <button className="btn btn-ghost" onClick={() => setOpen(false)} aria-label="Close">
          ✕
        </button>
      </header>
      {error && <p className="error-text">Could not load the examples: {error}</p>}
      <ul className="gallery-list">
        {index?.examples.map((e) => (
          <li key={e.slug}>
            <button className="gallery-item" onClick={() => void pick(e)} data-testid="gallery-item" data-slug={e.slug}>
              <span className="gallery-title">
                {e.title} <span className={`level level-${e.level}`}>{e.level}</span>
              </span>
              <span className="gallery-blurb">{e.blurb}</span>
              <span className="gallery-attr">
                {e.author} · <span className="mono">{e.id}</span>
              </span>
            </button>
            <a className="gallery-src" href={e.source} target="_blank" rel="noreferrer noopener">
              SigmaHQ ↗
            </a>
          </li>
        ))}
      </ul>
      {index && <p className="gallery-foot">{index.attribution}</p>}
    </dialog>
  );
}
