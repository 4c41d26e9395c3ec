/**
 * Reads an events file for the CLI: binary `.evtx` (by extension, or by its `ElfFile\0`
 * signature whatever the name) goes to the evtx reader; anything else is text for `readEvents`
 * (UTF-8, or UTF-16 when it starts with a byte-order mark, as Event Viewer's XML exports do).
 * `-` reads standard input. Never throws: an unreadable file is an error diagnostic.
 */
import { readFile } from 'node:fs/promises';
import type { ReadEventsResult } from '../engine/event.ts';
import { readEvtx } from '../engine/evtx/read-evtx.ts';
import { hasEvtxMagic } from '../engine/evtx/iterate-evtx-records.ts';
import { readEvents, type ReadEventsOptions } from '../engine/read-events.ts';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

/** Text of a non-evtx file, honouring a UTF-8 or UTF-16 byte-order mark. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  return new TextDecoder('utf-8').decode(bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes);
}

export function isEvtxFile(path: string, bytes: Uint8Array): boolean {
  return hasEvtxMagic(bytes) || /\.evtx$/i.test(path);
}

export async function readEventsFromFile(path: string, options: ReadEventsOptions = {}): Promise<ReadEventsResult> {
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : new Uint8Array(await readFile(path));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { events: [], diagnostics: [{ code: 'events-unreadable', severity: 'error', message: `cannot read ${path}: ${why}` }] };
  }
  if (options.format === 'evtx' || (options.format === undefined && isEvtxFile(path, bytes))) {
    return readEvtx(bytes, { onProgress: options.onProgress, shouldStop: options.shouldStop, maxEvents: options.maxEvents });
  }
  return readEvents(decodeText(bytes), options);
}
