/** The binary `.evtx` reader: public entry points. */
export { readEvtx, iterateEvtxEvents, type ReadEvtxOptions } from './read-evtx.ts';
export { iterateEvtxRecords, hasEvtxMagic, type EvtxRecord, type IterateEvtxOptions } from './iterate-evtx-records.ts';
export { evtxJson } from './evtx-json.ts';
export { renderEvtxXml } from './render-evtx-xml.ts';
export type { EvtxElement, EvtxContent, EvtxAttribute, EvtxInline, EvtxValue, EvtxScalar } from './evtx-types.ts';
