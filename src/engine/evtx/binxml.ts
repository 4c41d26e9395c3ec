/**
 * Binary XML (BinXML) of one EVTX chunk: tokens, names, template definitions and template
 * instances with their substitution values. Template definitions are compiled once per chunk into
 * a tree with substitution slots, then instantiated per record, which is what keeps the reader fast.
 *
 * Every offset is checked against the chunk before it is read; a malformed structure raises
 * BinXmlError, which the record reader turns into a warning for that record.
 */
import {
  ValueType,
  type EvtxContent,
  type EvtxElement,
  type EvtxAttribute,
  type EvtxInline,
  type EvtxScalar,
  type EvtxValue,
} from './evtx-types.ts';
import { decodeValue, readUtf16 } from './values.ts';

export class BinXmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Nested BinXML values and templates deeper than this are treated as damage, not data. */
const MAX_DEPTH = 16;
/** Deeper element nesting than any real event log has; guards the recursion. */
const MAX_ELEMENT_DEPTH = 128;
const MAX_TEMPLATE_VALUES = 4096;
/**
 * Nodes one record may expand to. Substitutions can repeat a nested BinXML value many times and
 * nest that again, so a small hostile record could otherwise expand exponentially when rendered.
 */
const MAX_RECORD_NODES = 200_000;

const enum Tok {
  EOF = 0x00,
  OpenStart = 0x01,
  CloseStart = 0x02,
  CloseEmpty = 0x03,
  End = 0x04,
  Value = 0x05,
  Attribute = 0x06,
  CData = 0x07,
  CharRef = 0x08,
  EntityRef = 0x09,
  PITarget = 0x0a,
  PIData = 0x0b,
  TemplateInstance = 0x0c,
  NormalSubst = 0x0d,
  OptionalSubst = 0x0e,
  FragmentHeader = 0x0f,
}

// Compiled template nodes: kind tags are small integers to keep instantiation cheap.
const enum K {
  Element,
  Text,
  Subst,
  CData,
  CharRef,
  Entity,
  PI,
  Concrete,
}

interface TElement {
  k: K.Element;
  name: string;
  attrs: TAttr[];
  children: TNode[];
  /** Whether any direct child is a substitution (only those elements can repeat for arrays). */
  hasSubst: boolean;
}
interface TAttr {
  name: string;
  parts: TInline[];
  /** The attribute itself when no part is a substitution, shared by every instance. */
  fixed?: EvtxAttribute;
}
interface TText {
  k: K.Text;
  text: string;
  /** Literal nodes are immutable, so one object serves every instance. */
  node?: EvtxContent;
}
interface TSubst {
  k: K.Subst;
  id: number;
  type: number;
  optional: boolean;
}
interface TCData {
  k: K.CData;
  text: string;
}
interface TCharRef {
  k: K.CharRef;
  code: number;
}
interface TEntity {
  k: K.Entity;
  name: string;
}
interface TPI {
  k: K.PI;
  target: string;
  data: string;
}
/** Nodes already concrete at compile time (a template instance inside plain BinXML content). */
interface TConcrete {
  k: K.Concrete;
  nodes: EvtxContent[];
  /** Node count once expanded, charged at each instantiation. */
  weight: number;
}
type TInline = TText | TSubst | TCharRef | TEntity;
type TNode = TElement | TInline | TCData | TPI | TConcrete;

/** A substitution value: scalar or array, or nested BinXML already turned into nodes. */
interface SubstValue {
  type: number;
  value: EvtxValue;
  nodes?: EvtxContent[];
  /** Node count of `nodes` once expanded, charged each time they are spliced in. */
  weight?: number;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Reads the BinXML of one chunk; caches names and compiled templates across its records. */
export class ChunkBinXml {
  readonly view: DataView;
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, TNode[]>();
  /** Offsets of templates being compiled, to refuse a template that contains itself. */
  private readonly compiling = new Set<number>();
  /** Nodes the current record may still produce (see MAX_RECORD_NODES). */
  private budget = MAX_RECORD_NODES;

  /**
   * @param bytes the whole file
   * @param base file offset of the chunk
   * @param end file offset where the chunk's data ends
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly base: number,
    readonly end: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Parses a BinXML document (a record's event, or a nested BinXML value) in `[pos, end)`. */
  parseDocument(pos: number, end: number, depth = 0, hasDependencyId = true): EvtxContent[] {
    if (depth > MAX_DEPTH) throw new BinXmlError('BinXML nested too deeply', pos);
    if (depth === 0) this.budget = MAX_RECORD_NODES;
    const out: EvtxContent[] = [];
    const state = { pos };
    while (state.pos < end) {
      const tok = this.bytes[state.pos];
      switch (tok & 0x1f) {
        case Tok.EOF:
          return out;
        case Tok.FragmentHeader:
          state.pos += 4;
          break;
        case Tok.TemplateInstance:
          for (const n of this.templateInstance(state, end, depth)) out.push(n);
          break;
        case Tok.OpenStart: {
          const el = this.compileElement(state, end, depth, 0, hasDependencyId);
          for (const n of this.instantiate([el], [], depth)) out.push(n);
          break;
        }
        case Tok.PITarget:
        case Tok.PIData: {
          const pi = this.compilePI(state, end);
          out.push({ kind: 'pi', target: pi.target, data: pi.data });
          break;
        }
        default:
          throw new BinXmlError(`unexpected BinXML token 0x${tok.toString(16)} at document level`, state.pos);
      }
    }
    return out;
  }

  private need(pos: number, n: number, end: number): void {
    if (pos < this.base || pos + n > end) throw new BinXmlError('BinXML data runs past its end', pos);
  }

  private u8(p: number): number {
    return this.bytes[p];
  }
  private u16(p: number): number {
    return this.bytes[p] | (this.bytes[p + 1] << 8);
  }
  private u32(p: number): number {
    return (this.bytes[p] | (this.bytes[p + 1] << 8) | (this.bytes[p + 2] << 16) | (this.bytes[p + 3] << 24)) >>> 0;
  }

  /** Whether a name structure can start at chunk offset `off` (used to tell optional fields apart). */
  private plausibleName(off: number, at: number): boolean {
    const abs = this.base + off;
    if (abs === at) return abs + 10 <= this.end;
    if (this.names.has(off)) return true;
    if (off < 0x200 || abs + 10 > this.end || abs >= at) return false;
    const count = this.u16(abs + 6);
    return abs + 10 + 2 * count <= this.end && this.u16(abs + 8 + 2 * count) === 0;
  }

  /**
   * Reads the name referenced at `state.pos` (a 32-bit chunk offset); when the name is stored
   * inline right there, steps over it.
   */
  private readNameRef(state: { pos: number }, end: number): string {
    this.need(state.pos, 4, end);
    const off = this.u32(state.pos);
    state.pos += 4;
    const abs = this.base + off;
    if (abs === state.pos) {
      this.need(abs, 8, end);
      const count = this.u16(abs + 6);
      this.need(abs, 10 + 2 * count, end);
      const cached = this.names.get(off);
      const name = cached ?? readUtf16(this.bytes, abs + 8, count);
      if (cached === undefined) this.names.set(off, name);
      state.pos = abs + 10 + 2 * count;
      return name;
    }
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    if (abs < this.base + 0x80 || abs + 8 > this.end) throw new BinXmlError(`name offset 0x${off.toString(16)} outside the chunk`, state.pos - 4);
    const count = this.u16(abs + 6);
    if (abs + 8 + 2 * count > this.end) throw new BinXmlError(`name at offset 0x${off.toString(16)} runs past the chunk`, state.pos - 4);
    const name = readUtf16(this.bytes, abs + 8, count);
    this.names.set(off, name);
    return name;
  }

  private compileElement(state: { pos: number }, end: number, depth: number, nesting: number, hasDependencyId: boolean): TElement {
    if (nesting > MAX_ELEMENT_DEPTH) throw new BinXmlError('elements nested too deeply', state.pos);
    const start = state.pos;
    const tok = this.u8(start);
    // The dependency identifier is absent inside BinXML-typed substitution values; decide by
    // which layout puts a well-formed name where the name offset should be.
    this.need(start, 9, end);
    let withDep = hasDependencyId;
    const depLayoutOk = start + 11 <= end && this.plausibleName(this.u32(start + 7), start + 11);
    const plainLayoutOk = this.plausibleName(this.u32(start + 5), start + 9);
    if (withDep && !depLayoutOk && plainLayoutOk) withDep = false;
    else if (!withDep && !plainLayoutOk && depLayoutOk) withDep = true;
    state.pos = start + (withDep ? 3 : 1) + 4; // token, [dependency id], data size
    const name = this.readNameRef(state, end);
    const attrs: TAttr[] = [];
    if (tok & 0x40) {
      this.need(state.pos, 4, end);
      const listSize = this.u32(state.pos);
      state.pos += 4;
      const listEnd = state.pos + listSize;
      if (listEnd > end) throw new BinXmlError('attribute list runs past its end', state.pos - 4);
      while (state.pos < listEnd && (this.u8(state.pos) & 0x1f) === Tok.Attribute) {
        state.pos += 1;
        const attrName = this.readNameRef(state, end);
        attrs.push({ name: attrName, parts: this.compileInline(state, end) });
      }
    }
    this.need(state.pos, 1, end);
    const close = this.u8(state.pos) & 0x1f;
    state.pos += 1;
    const children: TNode[] = [];
    let hasSubst = false;
    if (close === Tok.CloseEmpty) return { k: K.Element, name, attrs, children, hasSubst };
    if (close !== Tok.CloseStart) throw new BinXmlError(`element <${name}>: expected close-start token, found 0x${close.toString(16)}`, state.pos - 1);
    for (;;) {
      this.need(state.pos, 1, end);
      const t = this.u8(state.pos);
      switch (t & 0x1f) {
        case Tok.End:
          state.pos += 1;
          return { k: K.Element, name, attrs, children, hasSubst };
        case Tok.OpenStart:
          children.push(this.compileElement(state, end, depth, nesting + 1, hasDependencyId));
          break;
        case Tok.Value:
        case Tok.CharRef:
        case Tok.EntityRef:
        case Tok.NormalSubst:
        case Tok.OptionalSubst:
          for (const part of this.compileInline(state, end)) {
            if (part.k === K.Subst) hasSubst = true;
            children.push(part);
          }
          break;
        case Tok.CData: {
          this.need(state.pos, 3, end);
          const n = this.u16(state.pos + 1);
          this.need(state.pos + 3, 2 * n, end);
          children.push({ k: K.CData, text: readUtf16(this.bytes, state.pos + 3, n) });
          state.pos += 3 + 2 * n;
          break;
        }
        case Tok.PITarget:
        case Tok.PIData:
          children.push(this.compilePI(state, end));
          break;
        case Tok.TemplateInstance: {
          const before = this.budget;
          const nodes = this.templateInstance(state, end, depth + 1);
          children.push({ k: K.Concrete, nodes, weight: Math.max(1, before - this.budget) });
          break;
        }
        case Tok.FragmentHeader:
          state.pos += 4;
          break;
        default:
          throw new BinXmlError(`element <${name}>: unexpected token 0x${t.toString(16)} in content`, state.pos);
      }
    }
  }

  /** Value text, substitutions and references, as many as follow each other. */
  private compileInline(state: { pos: number }, end: number): TInline[] {
    const parts: TInline[] = [];
    for (;;) {
      if (state.pos >= end) return parts;
      const p = state.pos;
      const t = this.u8(p) & 0x1f;
      if (t === Tok.Value) {
        this.need(p, 4, end);
        const type = this.u8(p + 1);
        if (type !== ValueType.String) throw new BinXmlError(`value token with unsupported type 0x${type.toString(16)}`, p);
        const n = this.u16(p + 2);
        this.need(p + 4, 2 * n, end);
        parts.push({ k: K.Text, text: readUtf16(this.bytes, p + 4, n) });
        state.pos = p + 4 + 2 * n;
      } else if (t === Tok.NormalSubst || t === Tok.OptionalSubst) {
        this.need(p, 4, end);
        parts.push({ k: K.Subst, id: this.u16(p + 1), type: this.u8(p + 3), optional: t === Tok.OptionalSubst });
        state.pos = p + 4;
      } else if (t === Tok.CharRef) {
        this.need(p, 3, end);
        parts.push({ k: K.CharRef, code: this.u16(p + 1) });
        state.pos = p + 3;
      } else if (t === Tok.EntityRef) {
        state.pos = p + 1;
        parts.push({ k: K.Entity, name: this.readNameRef(state, end) });
      } else {
        return parts;
      }
    }
  }

  private compilePI(state: { pos: number }, end: number): TPI {
    let target = '';
    if ((this.u8(state.pos) & 0x1f) === Tok.PITarget) {
      state.pos += 1;
      target = this.readNameRef(state, end);
    }
    let data = '';
    if (state.pos < end && (this.u8(state.pos) & 0x1f) === Tok.PIData) {
      this.need(state.pos, 3, end);
      const n = this.u16(state.pos + 1);
      this.need(state.pos + 3, 2 * n, end);
      data = readUtf16(this.bytes, state.pos + 3, n);
      state.pos += 3 + 2 * n;
    }
    return { k: K.PI, target, data };
  }

  /** A compiled template definition at chunk offset `off`, cached for the chunk. */
  private template(off: number, depth: number): TNode[] {
    const cached = this.templates.get(off);
    if (cached) return cached;
    if (this.compiling.has(off)) throw new BinXmlError('template refers to itself', this.base + off);
    const abs = this.base + off;
    if (off < 0x200 || abs + 24 > this.end) throw new BinXmlError(`template definition offset 0x${off.toString(16)} outside the chunk`, abs);
    const dataSize = this.u32(abs + 20);
    const bodyEnd = abs + 24 + dataSize;
    if (bodyEnd > this.end) throw new BinXmlError('template definition runs past the chunk', abs);
    this.compiling.add(off);
    try {
      const nodes: TNode[] = [];
      const state = { pos: abs + 24 };
      while (state.pos < bodyEnd) {
        const t = this.u8(state.pos) & 0x1f;
        if (t === Tok.EOF) break;
        if (t === Tok.FragmentHeader) state.pos += 4;
        else if (t === Tok.OpenStart) nodes.push(this.compileElement(state, bodyEnd, depth, 0, true));
        else if (t === Tok.PITarget || t === Tok.PIData) nodes.push(this.compilePI(state, bodyEnd));
        else throw new BinXmlError(`unexpected token 0x${t.toString(16)} in template definition`, state.pos);
      }
      this.templates.set(off, nodes);
      return nodes;
    } finally {
      this.compiling.delete(off);
    }
  }

  /** A template instance at `state.pos` (token 0x0c): definition reference or inline definition, then values. */
  private templateInstance(state: { pos: number }, end: number, depth: number): EvtxContent[] {
    if (depth > MAX_DEPTH) throw new BinXmlError('template instances nested too deeply', state.pos);
    const start = state.pos;
    this.need(start, 10, end);
    const defOff = this.u32(start + 6);
    let p = start + 10;
    if (this.base + defOff === p) {
      this.need(p, 24, end);
      p += 24 + this.u32(p + 20);
      if (p > end) throw new BinXmlError('inline template definition runs past its end', start);
    }
    const tree = this.template(defOff, depth);
    this.need(p, 4, end);
    const count = this.u32(p);
    if (count > MAX_TEMPLATE_VALUES || p + 4 + 4 * count > end) throw new BinXmlError(`implausible template value count ${count}`, p);
    let dataPos = p + 4 + 4 * count;
    const values: SubstValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const d = p + 4 + 4 * i;
      const size = this.u16(d);
      const type = this.u8(d + 2);
      if (dataPos + size > end) throw new BinXmlError(`template value ${i} runs past its end`, dataPos);
      if (type === ValueType.BinXml) {
        const before = this.budget;
        const nodes = size === 0 ? [] : this.parseDocument(dataPos, dataPos + size, depth + 1, false);
        values[i] = { type, value: null, nodes, weight: Math.max(1, before - this.budget) };
      } else {
        const value = decodeValue(this.bytes, this.view, type, dataPos, size);
        if (value === undefined) throw new BinXmlError(`template value ${i}: ${size} bytes cannot hold value type 0x${type.toString(16)}`, dataPos);
        values[i] = { type, value };
      }
      dataPos += size;
    }
    state.pos = dataPos;
    return this.instantiate(tree, values, depth);
  }

  private instantiate(nodes: TNode[], values: SubstValue[], depth: number): EvtxContent[] {
    const out: EvtxContent[] = [];
    for (const n of nodes) this.instantiateNode(n, values, out, depth, undefined);
    return out;
  }

  /**
   * Appends the instance of `n` to `out`. `arrayItem` binds one array substitution to a single
   * item while an element is repeated for each item of that array.
   */
  private instantiateNode(n: TNode, values: SubstValue[], out: EvtxContent[], depth: number, arrayItem: { id: number; item: EvtxScalar } | undefined): void {
    if (--this.budget < 0) throw new BinXmlError(`record expands to more than ${MAX_RECORD_NODES} nodes`, this.base);
    switch (n.k) {
      case K.Element: {
        if (n.hasSubst) {
          // An optional substitution without a value removes its element (evtxexport agrees).
          for (const c of n.children) {
            if (c.k !== K.Subst || !c.optional) continue;
            const v = values[c.id];
            if (!v || (v.type === ValueType.Null && !v.nodes)) return;
          }
        }
        if (n.hasSubst && arrayItem === undefined) {
          // An element whose content is an array substitution is repeated once per item (a
          // single empty element for an empty array).
          for (const c of n.children) {
            if (c.k !== K.Subst) continue;
            const v = values[c.id];
            if (v && v.type & ValueType.ArrayFlag && Array.isArray(v.value)) {
              if (v.value.length === 0) out.push(this.instantiateElement(n, values, depth, { id: c.id, item: null }));
              for (const item of v.value) out.push(this.instantiateElement(n, values, depth, { id: c.id, item }));
              return;
            }
          }
        }
        out.push(this.instantiateElement(n, values, depth, undefined));
        return;
      }
      case K.Text:
        out.push((n.node ??= { kind: 'text', text: n.text }));
        return;
      case K.CharRef:
        out.push({ kind: 'charref', code: n.code });
        return;
      case K.Entity:
        out.push({ kind: 'entity', name: n.name });
        return;
      case K.CData:
        out.push({ kind: 'cdata', text: n.text });
        return;
      case K.PI:
        out.push({ kind: 'pi', target: n.target, data: n.data });
        return;
      case K.Concrete:
        this.budget -= n.weight;
        if (this.budget < 0) throw new BinXmlError(`record expands to more than ${MAX_RECORD_NODES} nodes`, this.base);
        for (const c of n.nodes) out.push(c);
        return;
      case K.Subst: {
        const v = values[n.id];
        if (!v) return;
        if (v.nodes) {
          this.budget -= v.weight ?? v.nodes.length;
          if (this.budget < 0) throw new BinXmlError(`record expands to more than ${MAX_RECORD_NODES} nodes`, this.base);
          for (const c of v.nodes) out.push(c);
          return;
        }
        if (v.type === ValueType.Null) return;
        if (arrayItem && arrayItem.id === n.id) {
          if (arrayItem.item !== null) out.push({ kind: 'value', type: v.type & 0x7f, value: arrayItem.item });
          return;
        }
        out.push({ kind: 'value', type: v.type, value: v.value });
        return;
      }
    }
  }

  private instantiateElement(n: TElement, values: SubstValue[], depth: number, arrayItem: { id: number; item: EvtxScalar } | undefined): EvtxElement {
    const attributes: EvtxAttribute[] = [];
    for (const a of n.attrs) {
      if (a.fixed) {
        attributes.push(a.fixed);
        continue;
      }
      if (!a.parts.some((p) => p.k === K.Subst)) {
        a.fixed = { name: a.name, value: a.parts.map(literalInline) };
        attributes.push(a.fixed);
        continue;
      }
      const parts: EvtxInline[] = [];
      let drop = false;
      for (const p of a.parts) {
        if (p.k === K.Subst) {
          const v = values[p.id];
          if (!v || v.type === ValueType.Null || v.nodes) {
            // An optional substitution without a value removes the attribute altogether.
            if (p.optional) drop = true;
            continue;
          }
          parts.push({ kind: 'value', type: v.type, value: v.value });
        } else if (p.k === K.Text) parts.push({ kind: 'text', text: p.text });
        else if (p.k === K.CharRef) parts.push({ kind: 'charref', code: p.code });
        else parts.push({ kind: 'entity', name: p.name });
      }
      if (!drop) attributes.push({ name: a.name, value: parts });
    }
    const children: EvtxContent[] = [];
    for (const c of n.children) this.instantiateNode(c, values, children, depth, arrayItem);
    return { kind: 'element', name: n.name, attributes, children };
  }
}

function literalInline(p: TInline): EvtxInline {
  if (p.k === K.Text) return { kind: 'text', text: p.text };
  if (p.k === K.CharRef) return { kind: 'charref', code: p.code };
  if (p.k === K.Entity) return { kind: 'entity', name: p.name };
  throw new Error('substitution in a literal attribute');
}

/** Text of an entity reference (`amp` → `&`); unknown entities keep their `&name;` form. */
export function entityText(name: string): string {
  return Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : `&${name};`;
}
