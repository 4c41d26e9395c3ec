/**
 * Copies text that is still being made (a share link encoded in a worker). Browsers let a page
 * write the clipboard only during the user activation of a click or key; after an await that may
 * be gone. `navigator.clipboard.write` with a `ClipboardItem` whose data is a promise claims the
 * clipboard at the click and fills it when the text is ready, so the activation is not lost.
 */
import { copyText } from './clipboard.ts';

/** Call it synchronously in the input's handler. `text` resolving to undefined: nothing is copied (false). */
export async function copyWhenReady(text: Promise<string | undefined>): Promise<boolean> {
  if (typeof ClipboardItem !== 'undefined' && typeof navigator.clipboard?.write === 'function') {
    const blob = text.then((t) => {
      if (t === undefined) throw new Error('nothing to copy');
      return new Blob([t], { type: 'text/plain' });
    });
    blob.catch(() => undefined);
    try {
      await navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })]);
      return true;
    } catch {
      // Refused (no permission, no focus) or nothing to copy: the plain path below says which.
    }
  }
  const t = await text;
  return t === undefined ? false : copyText(t);
}
