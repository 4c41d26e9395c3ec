/**
 * The decoded shape of an EVTX record: an XML-like tree whose substitution values keep their
 * BinXML value type, so JSON output can keep numbers as numbers and XML output can render them
 * the way Windows does. Trees are shared structures (literal nodes and attributes of a template
 * are reused by every record that instantiates it): treat them as read-only.
 */

/** BinXML value types (the high bit 0x80 marks an array of the base type). */
export const ValueType = {
  Null: 0x00,
  String: 0x01,
  AnsiString: 0x02,
  Int8: 0x03,
  UInt8: 0x04,
  Int16: 0x05,
  UInt16: 0x06,
  Int32: 0x07,
  UInt32: 0x08,
  Int64: 0x09,
  UInt64: 0x0a,
  Real32: 0x0b,
  Real64: 0x0c,
  Bool: 0x0d,
  Binary: 0x0e,
  Guid: 0x0f,
  SizeT: 0x10,
  FileTime: 0x11,
  SysTime: 0x12,
  Sid: 0x13,
  HexInt32: 0x14,
  HexInt64: 0x15,
  EvtHandle: 0x20,
  BinXml: 0x21,
  EvtXml: 0x23,
  ArrayFlag: 0x80,
} as const;

/**
 * A decoded scalar: strings for text, GUIDs (`{XXXXXXXX-...}`), SIDs, hex integers (`0x1f`),
 * binary (upper-case hex), FILETIME/SYSTEMTIME (ISO 8601 UTC) and 64-bit integers beyond 2^53
 * (decimal text, so no precision is lost); numbers for other integers and floats; booleans; null.
 */
export type EvtxScalar = string | number | boolean | null;
export type EvtxValue = EvtxScalar | EvtxScalar[];

export interface EvtxElement {
  kind: 'element';
  name: string;
  attributes: EvtxAttribute[];
  children: EvtxContent[];
}

export interface EvtxAttribute {
  name: string;
  value: EvtxInline[];
}

/** Literal text from the BinXML itself (value tokens). */
export interface EvtxText {
  kind: 'text';
  text: string;
}

/** A template substitution value with its BinXML value type. */
export interface EvtxTypedValue {
  kind: 'value';
  type: number;
  value: EvtxValue;
}

export interface EvtxCharRef {
  kind: 'charref';
  code: number;
}

export interface EvtxEntityRef {
  kind: 'entity';
  name: string;
}

export interface EvtxCData {
  kind: 'cdata';
  text: string;
}

export interface EvtxPI {
  kind: 'pi';
  target: string;
  data: string;
}

export type EvtxInline = EvtxText | EvtxTypedValue | EvtxCharRef | EvtxEntityRef;
export type EvtxContent = EvtxElement | EvtxInline | EvtxCData | EvtxPI;
