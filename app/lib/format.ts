/** Small formatting helpers for the UI. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  if (ms < 1) return '<1 ms';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export const FORMAT_LABELS: Record<string, string> = {
  json: 'JSON',
  ndjson: 'NDJSON',
  csv: 'CSV',
  xml: 'Windows event XML',
  'evtx-json': 'evtx JSON',
  evtx: 'EVTX',
};
