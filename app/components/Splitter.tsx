/** Two panes with a draggable (and keyboard-adjustable) divider; the ratio is remembered. */
import { Children, useRef, useState, type ReactNode, type KeyboardEvent, type PointerEvent } from 'react';

export function Splitter({ id, direction, initial, min, max, children }: { id: string; direction: 'row' | 'column'; initial: number; min: number; max: number; children: ReactNode }) {
  const [ratio, setRatio] = useState(() => {
    let saved = NaN;
    try {
      saved = Number(localStorage.getItem(`siglab.split.${id}`));
    } catch {
      /* storage blocked: use the default */
    }
    return saved >= min && saved <= max ? saved : initial;
  });
  const ref = useRef<HTMLDivElement>(null);
  const [a, b] = Children.toArray(children);
  const save = (r: number) => {
    const v = Math.max(min, Math.min(max, r));
    setRatio(v);
    try {
      localStorage.setItem(`siglab.split.${id}`, String(v));
    } catch {
      /* not persisted */
    }
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.currentTarget.setPointerCapture(e.pointerId);
    const box = ref.current!.getBoundingClientRect();
    const move = (ev: globalThis.PointerEvent) => save(direction === 'row' ? (ev.clientX - box.left) / box.width : (ev.clientY - box.top) / box.height);
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const dec = direction === 'row' ? 'ArrowLeft' : 'ArrowUp';
    const inc = direction === 'row' ? 'ArrowRight' : 'ArrowDown';
    if (e.key === dec) save(ratio - 0.03);
    else if (e.key === inc) save(ratio + 0.03);
  };
  return (
    <div ref={ref} className={`split split-${direction}`}>
      <div className="split-pane" style={{ flexBasis: `${ratio * 100}%` }}>
        {a}
      </div>
      <div
        className="split-handle"
        role="separator"
        aria-label={direction === 'row' ? 'Resize the rule and result panels (← →)' : 'Resize the KQL and events panels (↑ ↓)'}
        aria-orientation={direction === 'row' ? 'vertical' : 'horizontal'}
        aria-valuenow={Math.round(ratio * 100)}
        aria-valuemin={Math.round(min * 100)}
        aria-valuemax={Math.round(max * 100)}
        tabIndex={0}
        onPointerDown={onPointerDown}
        onKeyDown={onKey}
      />
      <div className="split-pane" style={{ flexBasis: `${(1 - ratio) * 100}%` }}>
        {b}
      </div>
    </div>
  );
}
