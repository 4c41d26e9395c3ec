/**
 * Builds small, valid `.evtx` files for tests: file header, chunks with their checksums, records
 * whose BinXML uses templates (inline definitions and references back to them), substitutions of
 * every value type, nested BinXML, entity and character references, CDATA and processing
 * instructions. Written from the format specification; the files it writes are checked against
 * independent readers (evtxexport, python-evtx) by the fixture tests.
 */
import { crc32 } from '../crc32.ts';

/** Template content. */
export type TNode =
  | { el: string; attrs?: [string, TInline[]][]; children?: TNode[] }
  | TInline
  | { cdata: string }
  | { pi: string; data: string };
export type TInline = { text: string } | { sub: number; type: number; optional?: boolean } | { charref: number } | { entity: string };

/** One substitution value: its type and encoded bytes. */
export interface TValue {
  type: number;
  bytes: number[];
}

export type RecordBody =
  | { template: { id: number; guid: number[]; root: TNode }; values: TValue[] }
  | { element: TNode };

export interface RecordSpec {
  id: number;
  /** FILETIME ticks. */
  written: bigint;
  body: RecordBody;
}

class Bytes {
  readonly b: number[] = [];
  constructor(readonly base: number) {}
  get pos(): number {
    return this.base + this.b.length;
  }
  u8(v: number): void {
    this.b.push(v & 0xff);
  }
  u16(v: number): void {
    this.b.push(v & 0xff, (v >>> 8) & 0xff);
  }
  u32(v: number): void {
    this.b.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  u64(v: bigint): void {
    for (let i = 0n; i < 8n; i++) this.b.push(Number((v >> (8n * i)) & 0xffn));
  }
  utf16(s: string): void {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
  }
  raw(bytes: readonly number[]): void {
    for (const x of bytes) this.b.push(x & 0xff);
  }
  /** Reserves a u32 to patch later; returns its index. */
  hole(): number {
    this.u32(0);
    return this.b.length - 4;
  }
  patch(at: number, v: number): void {
    this.b[at] = v & 0xff;
    this.b[at + 1] = (v >>> 8) & 0xff;
    this.b[at + 2] = (v >>> 16) & 0xff;
    this.b[at + 3] = (v >>> 24) & 0xff;
  }
}

function nameHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 65599) + s.charCodeAt(i)) >>> 0;
  return h & 0xffff;
}

/** Per-chunk writer state: names and templates already stored in the chunk. */
class ChunkState {
  readonly names = new Map<string, number>();
  readonly templates = new Map<number, number>();
}

function writeName(w: Bytes, chunk: ChunkState, name: string): void {
  const known = chunk.names.get(name);
  if (known !== undefined) {
    w.u32(known);
    return;
  }
  const at = w.pos + 4;
  w.u32(at);
  chunk.names.set(name, at);
  w.u32(0);
  w.u16(nameHash(name));
  w.u16(name.length);
  w.utf16(name);
  w.u16(0);
}

function writeInline(w: Bytes, chunk: ChunkState, parts: TInline[]): void {
  parts.forEach((p, i) => {
    const more = i < parts.length - 1 ? 0x40 : 0;
    if ('text' in p) {
      w.u8(0x05 | more);
      w.u8(0x01);
      w.u16(p.text.length);
      w.utf16(p.text);
    } else if ('sub' in p) {
      w.u8(p.optional ? 0x0e : 0x0d);
      w.u16(p.sub);
      w.u8(p.type);
    } else if ('charref' in p) {
      w.u8(0x08 | more);
      w.u16(p.charref);
    } else {
      w.u8(0x09 | more);
      writeName(w, chunk, p.entity);
    }
  });
}

function writeNode(w: Bytes, chunk: ChunkState, n: TNode, withDependencyId: boolean): void {
  if ('el' in n) {
    const attrs = n.attrs ?? [];
    w.u8(attrs.length ? 0x41 : 0x01);
    if (withDependencyId) w.u16(0xffff);
    const size = w.hole();
    const afterSize = w.b.length;
    writeName(w, chunk, n.el);
    if (attrs.length) {
      const listSize = w.hole();
      const listStart = w.b.length;
      attrs.forEach(([name, value], i) => {
        w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
        writeName(w, chunk, name);
        writeInline(w, chunk, value);
      });
      w.patch(listSize, w.b.length - listStart);
    }
    const children = n.children ?? [];
    if (children.length === 0) w.u8(0x03);
    else {
      w.u8(0x02);
      for (const c of children) writeNode(w, chunk, c, withDependencyId);
      w.u8(0x04);
    }
    w.patch(size, w.b.length - afterSize);
  } else if ('cdata' in n) {
    w.u8(0x07);
    w.u16(n.cdata.length);
    w.utf16(n.cdata);
  } else if ('pi' in n) {
    w.u8(0x0a);
    writeName(w, chunk, n.pi);
    w.u8(0x0b);
    w.u16(n.data.length);
    w.utf16(n.data);
  } else writeInline(w, chunk, [n]);
}

function writeTemplateInstance(w: Bytes, chunk: ChunkState, t: { id: number; guid: number[]; root: TNode }, values: TValue[]): void {
  w.u8(0x0c);
  w.u8(0x01);
  w.u32(t.id);
  const known = chunk.templates.get(t.id);
  if (known !== undefined) w.u32(known);
  else {
    const defAt = w.pos + 4;
    chunk.templates.set(t.id, defAt);
    w.u32(defAt);
    w.u32(0); // next template definition
    w.raw(t.guid);
    const size = w.hole();
    const start = w.b.length;
    w.raw([0x0f, 0x01, 0x01, 0x00]);
    writeNode(w, chunk, t.root, true);
    w.u8(0x00);
    w.patch(size, w.b.length - start);
  }
  w.u32(values.length);
  for (const v of values) {
    w.u16(v.bytes.length);
    w.u8(v.type);
    w.u8(0);
  }
  for (const v of values) w.raw(v.bytes);
}

/**
 * BinXML bytes of a value of type 0x21 holding a template instance, for a value that will start
 * at chunk offset `at`. It stores its own names and template definition inline, so it never
 * refers forward to, or is referred to from, the rest of the record.
 */
export function nestedTemplateValue(at: number, t: { id: number; guid: number[]; root: TNode }, values: TValue[]): TValue {
  const chunk = new ChunkState();
  const w = new Bytes(at);
  w.raw([0x0f, 0x01, 0x01, 0x00]);
  writeTemplateInstance(w, chunk, t, values);
  w.u8(0x00);
  return { type: 0x21, bytes: w.b };
}


/**
 * BinXML bytes of a value of type 0x21 holding a plain element. The specification says element
 * starts in such values carry no dependency identifier; evtxexport (libfwevt 20181227) only reads
 * them with one, so both layouts can be written. Names are stored inline.
 */
export function nestedElementValue(at: number, node: TNode, withDependencyId: boolean): TValue {
  const w = new Bytes(at);
  w.raw([0x0f, 0x01, 0x01, 0x00]);
  writeNode(w, new ChunkState(), node, withDependencyId);
  w.u8(0x00);
  return { type: 0x21, bytes: w.b };
}

const RECORD_HEADER = 24;

/**
 * A complete `.evtx` file: one inner array per chunk, one function per record. A record function
 * receives `valueAt(i)`, the chunk offset where its i-th substitution value will be stored (nested
 * BinXML values need it for their inline names); it is called twice, first to learn the layout.
 */
export function buildEvtx(chunks: ((valueAt: (index: number) => number) => RecordSpec)[][]): Uint8Array {
  const chunkBytes: Uint8Array[] = [];
  let nextId = 1;
  for (const records of chunks) {
    const state = new ChunkState();
    const chunk = new Uint8Array(65536);
    let off = 512;
    let firstId = 0;
    let lastId = 0;
    let lastOff = 512;
    for (const make of records) {
      // Two passes: the first learns where each value lands, the second writes with those offsets.
      const snapshot = () => ({ names: new Map(state.names), templates: new Map(state.templates) });
      const saved = snapshot();
      let valueOffsets: number[] = [];
      let body: number[] = [];
      let spec: RecordSpec | undefined;
      for (let pass = 0; pass < 2; pass++) {
        state.names.clear();
        for (const [k, v] of saved.names) state.names.set(k, v);
        state.templates.clear();
        for (const [k, v] of saved.templates) state.templates.set(k, v);
        spec = make((i) => valueOffsets[i] ?? 0);
        const w = new Bytes(off + RECORD_HEADER);
        w.raw([0x0f, 0x01, 0x01, 0x00]);
        if ('template' in spec.body) {
          writeTemplateInstance(w, state, spec.body.template, spec.body.values);
          const vals = spec.body.values;
          const dataStart = w.pos - vals.reduce((s, v) => s + v.bytes.length, 0);
          valueOffsets = [];
          let p = dataStart;
          for (const v of vals) {
            valueOffsets.push(p);
            p += v.bytes.length;
          }
        } else writeNode(w, state, spec.body.element, true);
        w.u8(0x00);
        body = w.b;
      }
      const size = RECORD_HEADER + body.length + 4;
      if (off + size > 65536) throw new RangeError(`record ${spec!.id} does not fit in its chunk`);
      const rec = new Bytes(0);
      rec.raw([0x2a, 0x2a, 0x00, 0x00]);
      rec.u32(size);
      rec.u64(BigInt(spec!.id));
      rec.u64(spec!.written);
      rec.raw(body);
      rec.u32(size);
      chunk.set(rec.b, off);
      if (!firstId) firstId = spec!.id;
      lastId = spec!.id;
      lastOff = off;
      off += size;
      nextId = Math.max(nextId, spec!.id + 1);
    }
    const h = new Bytes(0);
    h.raw([0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]);
    h.u64(BigInt(firstId));
    h.u64(BigInt(lastId));
    h.u64(BigInt(firstId));
    h.u64(BigInt(lastId));
    h.u32(128);
    h.u32(lastOff);
    h.u32(off);
    h.u32(crc32(chunk, 512, off));
    chunk.set(h.b, 0);
    const sum = crc32(chunk, 128, 512, crc32(chunk, 0, 120));
    new DataView(chunk.buffer).setUint32(124, sum, true);
    chunkBytes.push(chunk);
  }
  const file = new Uint8Array(4096 + 65536 * chunkBytes.length);
  const fh = new Bytes(0);
  fh.raw([0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]);
  fh.u64(0n);
  fh.u64(BigInt(Math.max(0, chunkBytes.length - 1)));
  fh.u64(BigInt(nextId));
  fh.u32(128);
  fh.u16(1);
  fh.u16(3);
  fh.u16(4096);
  fh.u16(chunkBytes.length);
  file.set(fh.b, 0);
  new DataView(file.buffer).setUint32(124, crc32(file, 0, 120), true);
  chunkBytes.forEach((c, i) => file.set(c, 4096 + 65536 * i));
  return file;
}

