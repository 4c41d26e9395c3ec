/**
 * A large string as a Blob without one long task: each slice is encoded (UTF-8) in a task of its
 * own, and the Blob made of them goes to a worker as a handle, where posting the string would
 * copy it in one task (~4 ms per MB on the main thread: 200 ms for a 50 MB paste).
 */
const SLICE_CHARS = 1_000_000;

/** Resolves in a task of its own (a MessageChannel message: no 4 ms timer clamp). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(null);
  });
}

/**
 * `text` as a UTF-8 Blob, encoded one slice per task. A slice never ends between the two halves
 * of a surrogate pair (each would become U+FFFD).
 */
export async function blobInSlices(text: string, slice = SLICE_CHARS): Promise<Blob> {
  const parts: Blob[] = [];
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + slice);
    const last = text.charCodeAt(end - 1);
    // A slice ending on a high surrogate gives it to the next slice (or, one character long, takes its pair).
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += end - 1 > i ? -1 : 1;
    parts.push(new Blob([text.slice(i, end)]));
    i = end;
    await nextTask();
  }
  return new Blob(parts);
}
