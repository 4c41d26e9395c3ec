import { useEffect, useState } from 'react';
import { useStore } from '../state/store.ts';

export function Toast() {
  const toast = useStore((s) => s.toast);
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    if (!toast) return;
    setVisible(true);
    // A toast that offers an action stays longer: it may be the only way back to a draft.
    const t = setTimeout(() => setVisible(false), toast.action ? 15000 : 6000);
    return () => clearTimeout(t);
  }, [toast]);
  if (!toast || !visible) return null;
  return (
    <div className="toast" role="status" data-testid="toast">
      <span>{toast.text}</span>
      {toast.action && (
        <button
          className="btn btn-sm btn-primary"
          data-testid="toast-action"
          onClick={() => {
            toast.action!.run();
            setVisible(false);
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button className="btn btn-ghost btn-sm" onClick={() => setVisible(false)} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
