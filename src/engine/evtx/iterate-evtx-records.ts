/**
 * EVTX file structure: the 4 KiB file header, 64 KiB chunks and their event records. Every
 * checksum is verified; a mismatch is a warning, and damaged chunks or records are skipped with a
 * warning that names the file offset, chunk number and record id, so the rest still loads.
 * Loops are bounded by the file size and every offset is checked before it is read.
 */
import type { Diagnostic } from '../../diagnostics.ts';
import { BinXmlError, ChunkBinXml } from './binxml.ts';
import { crc32 } from './crc32.ts';
import type { EvtxContent, EvtxElement } from './evtx-types.ts';
import { filetimePartsToIso } from './values.ts';
import { binaryRange } from './binary-range.ts';

export const EVTX_FILE_HEADER_SIZE = 4096;
export const EVTX_CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;
const RECORD_MAGIC = 0x00002a2a;

const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"
const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

export interface EvtxRecord {
  /** The record identifier from the record header. */
  recordId: number;
  /** Written time from the record header, ISO 8601 UTC with 100 ns precision. */
  timestamp: string;
  /** File offset of the record. */
  offset: number;
  /** 0-based chunk number (position of the chunk in the file). */
  chunk: number;
  /** The event element (`<Event>`), or undefined when the record holds no element. */
  event: EvtxElement | undefined;
  /** Every top-level node of the record's BinXML (normally just the event element). */
  nodes: EvtxContent[];
}

export interface IterateEvtxOptions {
  /** Receives warnings about damage (and errors when the file is not EVTX at all). */
  diagnostics?: Diagnostic[];
  /** Called after each chunk with bytes done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Polled between records; returning true ends the iteration early. */
  shouldStop?: () => boolean;
}

export function hasEvtxMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && FILE_MAGIC.every((b, i) => bytes[i] === b);
}

function hasMagic(bytes: Uint8Array, at: number, magic: number[]): boolean {
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

function isZero(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== 0) return false;
  return true;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** Records of an EVTX file in file order. Never throws; damage becomes diagnostics. */
export function* iterateEvtxRecords(bytes: Uint8Array, options: IterateEvtxOptions = {}): Generator<EvtxRecord, void, undefined> {
  const diags = options.diagnostics ?? [];
  const warn = (code: string, message: string, start: number, end: number, severity: Diagnostic['severity'] = 'warning') =>
    diags.push({ code, severity, message, range: binaryRange(start, end) });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const total = bytes.length;

  if (!hasEvtxMagic(bytes)) {
    warn('evtx-not-evtx', 'not an EVTX file: the file does not start with the signature "ElfFile"', 0, Math.min(8, total), 'error');
    return;
  }
  if (total < EVTX_FILE_HEADER_SIZE) {
    warn('evtx-truncated', `truncated EVTX file: ${total} bytes, shorter than the ${EVTX_FILE_HEADER_SIZE}-byte file header`, 0, total, 'error');
    return;
  }
  const headerSum = view.getUint32(124, true);
  const actualHeaderSum = crc32(bytes, 0, 120);
  if (headerSum !== actualHeaderSum) {
    warn('evtx-header-checksum', `file header checksum mismatch at offset 0x7c (stored ${hex(headerSum)}, computed ${hex(actualHeaderSum)}); reading the chunks anyway`, 0, 128);
  }
  const major = view.getUint16(38, true);
  if (major !== 3) warn('evtx-version', `unexpected EVTX format version ${major}.${view.getUint16(36, true)}; reading it as version 3`, 36, 40);
  const headerBlock = view.getUint16(40, true);
  const chunksStart = headerBlock === EVTX_FILE_HEADER_SIZE ? headerBlock : EVTX_FILE_HEADER_SIZE;
  const declaredChunks = view.getUint16(42, true);

  // The header's chunk count is unreliable in dirty files, so every 64 KiB block that carries
  // the chunk signature is read.
  let chunkIndex = 0;
  for (let chunkStart = chunksStart; chunkStart < total; chunkStart += EVTX_CHUNK_SIZE, chunkIndex++) {
    const chunkEnd = Math.min(chunkStart + EVTX_CHUNK_SIZE, total);
    if (!hasMagic(bytes, chunkStart, CHUNK_MAGIC)) {
      if (!isZero(bytes, chunkStart, chunkEnd)) {
        // A damaged (e.g. zeroed) chunk header does not destroy the records after it: their
        // offsets are still relative to the 64 KiB boundary, so they can be found by scanning.
        const first = chunkEnd - chunkStart > CHUNK_HEADER_SIZE ? findNextRecord(bytes, view, chunkStart + CHUNK_HEADER_SIZE, chunkEnd) : chunkEnd;
        if (first < chunkEnd) {
          warn('evtx-bad-chunk', `chunk ${chunkIndex} at file offset ${hex(chunkStart)} has no "ElfChnk" signature; recovering its records by scanning`, chunkStart, chunkStart + CHUNK_HEADER_SIZE);
          yield* readChunk(bytes, view, chunkStart, chunkEnd, chunkIndex, warn, options, first);
          if (options.shouldStop?.()) return;
        } else {
          warn('evtx-bad-chunk', `chunk ${chunkIndex} at file offset ${hex(chunkStart)} has no "ElfChnk" signature and no recognisable records; skipped`, chunkStart, chunkEnd);
        }
      }
      options.onProgress?.(chunkEnd, total);
      continue;
    }
    if (chunkEnd - chunkStart < EVTX_CHUNK_SIZE) {
      warn('evtx-truncated', `chunk ${chunkIndex} at file offset ${hex(chunkStart)} is truncated (${chunkEnd - chunkStart} of ${EVTX_CHUNK_SIZE} bytes); reading what is there`, chunkStart, chunkEnd);
    }
    if (chunkEnd - chunkStart < CHUNK_HEADER_SIZE) {
      options.onProgress?.(chunkEnd, total);
      continue;
    }
    yield* readChunk(bytes, view, chunkStart, chunkEnd, chunkIndex, warn, options);
    if (options.shouldStop?.()) return;
    options.onProgress?.(chunkEnd, total);
  }
  if (declaredChunks > chunkIndex) {
    warn('evtx-truncated', `the file header declares ${declaredChunks} chunks but the file holds ${chunkIndex}`, 42, 44);
  }
}

type Warn = (code: string, message: string, start: number, end: number) => void;

function* readChunk(
  bytes: Uint8Array,
  view: DataView,
  chunkStart: number,
  chunkEnd: number,
  chunkIndex: number,
  warn: Warn,
  options: IterateEvtxOptions,
  /** Set when the chunk header is unusable: records are found by scanning from this offset. */
  recoverFrom?: number,
): Generator<EvtxRecord, void, undefined> {
  const where = `chunk ${chunkIndex} (file offset ${hex(chunkStart)})`;
  const recovering = recoverFrom !== undefined;
  let dataEnd = chunkEnd;
  if (!recovering) dataEnd = checkChunkHeader(bytes, view, chunkStart, chunkEnd, where, warn);
  const binxml = new ChunkBinXml(bytes, chunkStart, chunkEnd);
  let pos = recoverFrom ?? chunkStart + CHUNK_HEADER_SIZE;
  while (pos + RECORD_HEADER_SIZE <= dataEnd) {
    if (options.shouldStop?.()) return;
    const magic = view.getUint32(pos, true);
    const size = view.getUint32(pos + 4, true);
    const valid = magic === RECORD_MAGIC && size >= RECORD_HEADER_SIZE + 4 && pos + size <= dataEnd && view.getUint32(pos + size - 4, true) === size;
    if (!valid) {
      const next = findNextRecord(bytes, view, pos + 1, dataEnd);
      if (!recovering) {
        if (magic === 0 && isZero(bytes, pos, Math.min(pos + 32, dataEnd))) break; // unused space
        const idHint = magic === RECORD_MAGIC ? `, record id ${view.getBigUint64(pos + 8, true)}` : '';
        warn('evtx-bad-record', `${where}: damaged event record at file offset ${hex(pos)}${idHint}; skipped ${next - pos} bytes`, pos, next);
      }
      pos = next;
      continue;
    }
    const recordId = Number(view.getBigUint64(pos + 8, true));
    let nodes: EvtxContent[];
    try {
      nodes = binxml.parseDocument(pos + RECORD_HEADER_SIZE, pos + size - 4);
    } catch (e) {
      // Any failure inside one record (malformed BinXML, or a defect of ours) costs that record only.
      const at = e instanceof BinXmlError ? ` at file offset ${hex(e.offset)}` : '';
      const why = e instanceof Error ? e.message : String(e);
      warn('evtx-bad-record', `${where}: event record ${recordId} at file offset ${hex(pos)} could not be decoded (${why}${at}); skipped`, pos, pos + size);
      pos += size;
      continue;
    }
    const event = nodes.find((n): n is EvtxElement => n.kind === 'element');
    yield { recordId, timestamp: filetimePartsToIso(view.getUint32(pos + 16, true), view.getUint32(pos + 20, true)), offset: pos, chunk: chunkIndex, event, nodes };
    pos += size;
  }
}

/** Verifies the chunk header checksums (warning on mismatch); returns where its record data ends. */
function checkChunkHeader(bytes: Uint8Array, view: DataView, chunkStart: number, chunkEnd: number, where: string, warn: Warn): number {
  const storedHeaderSum = view.getUint32(chunkStart + 124, true);
  const headerSum = crc32(bytes, chunkStart + 128, chunkStart + CHUNK_HEADER_SIZE, crc32(bytes, chunkStart, chunkStart + 120));
  if (storedHeaderSum !== headerSum) {
    warn('evtx-chunk-checksum', `${where}: header checksum mismatch (stored ${hex(storedHeaderSum)}, computed ${hex(headerSum)}); reading its records anyway`, chunkStart, chunkStart + CHUNK_HEADER_SIZE);
  }
  const freeSpace = view.getUint32(chunkStart + 48, true);
  let dataEnd = chunkStart + freeSpace;
  if (freeSpace < CHUNK_HEADER_SIZE || dataEnd > chunkEnd) {
    warn('evtx-bad-chunk', `${where}: free space offset ${hex(freeSpace)} is outside the chunk; scanning the whole chunk`, chunkStart + 48, chunkStart + 52);
    dataEnd = chunkEnd;
  } else {
    const storedDataSum = view.getUint32(chunkStart + 52, true);
    const dataSum = crc32(bytes, chunkStart + CHUNK_HEADER_SIZE, dataEnd);
    if (storedDataSum !== dataSum) {
      warn('evtx-records-checksum', `${where}: event records checksum mismatch (stored ${hex(storedDataSum)}, computed ${hex(dataSum)}); each record is checked on its own`, chunkStart + CHUNK_HEADER_SIZE, dataEnd);
    }
  }
  return dataEnd;
}

/** The next offset in `[from, end)` where a well-formed record header starts, or `end`. */
function findNextRecord(bytes: Uint8Array, view: DataView, from: number, end: number): number {
  for (let p = from; p + RECORD_HEADER_SIZE <= end; p++) {
    if (bytes[p] !== 0x2a || bytes[p + 1] !== 0x2a || bytes[p + 2] !== 0 || bytes[p + 3] !== 0) continue;
    const size = view.getUint32(p + 4, true);
    if (size >= RECORD_HEADER_SIZE + 4 && p + size <= end && view.getUint32(p + size - 4, true) === size) return p;
  }
  return end;
}
