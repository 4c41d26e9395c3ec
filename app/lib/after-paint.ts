/**
 * Runs `fn` in a task of its own after the next frame has been painted: work that re-renders
 * another part of the page (Monaco's view) lands in a later frame instead of adding its layout to
 * the frame that shows the first result (issue 4: no task over 50 ms).
 */
export function afterNextPaint(fn: () => void): void {
  // A message, not a clamped timer: it runs right after the frame.
  const post = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      fn();
    };
    channel.port2.postMessage(null);
  };
  // A hidden tab (a link opened in the background) paints no frames: nothing to wait for.
  if (document.visibilityState === 'hidden') post();
  else requestAnimationFrame(post);
}
