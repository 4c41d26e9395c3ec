/** Stops reading a large input: a streamed .evtx read keeps what it has read; a text read is dropped. */
import { eventsClient } from '../lib/events-client.ts';
import { useStore } from '../state/store.ts';

export function CancelReadButton() {
  return (
    <button
      className="btn btn-ghost btn-sm progress-cancel"
      data-testid="events-cancel"
      onClick={() => {
        const r = eventsClient().cancel();
        if (r === 'stopped') useStore.getState().showToast('Stopped reading: the events read so far stay loaded.');
        else if (r === 'dropped') useStore.getState().showToast('Reading cancelled: no events are loaded.');
      }}
    >
      Cancel
    </button>
  );
}
