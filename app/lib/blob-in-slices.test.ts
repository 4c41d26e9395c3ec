import { describe, expect, it } from 'vitest';
import { blobInSlices } from './blob-in-slices.ts';

describe('blobInSlices', () => {
  it('holds the text as UTF-8, whatever the slice size', async () => {
    const text = 'a\u00e9\u4e2d\ud83d\ude00b'.repeat(50) + '\ud83d\ude00';
    for (const slice of [1, 2, 3, 7, 1000]) {
      const blob = await blobInSlices(text, slice);
      expect(await blob.text()).toBe(text);
      expect(blob.size).toBe(new TextEncoder().encode(text).length);
    }
  });

  it('never splits a surrogate pair (a slice boundary inside one would give U+FFFD)', async () => {
    const text = '\ud83d\ude00'.repeat(10);
    expect(await (await blobInSlices(text, 1)).text()).toBe(text);
  });

  it('gives an empty Blob for empty text', async () => {
    expect((await blobInSlices('')).size).toBe(0);
  });
});
