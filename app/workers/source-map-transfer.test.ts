import { describe, expect, it } from 'vitest';
import { analyzeRule } from '../lib/analyze-rule.ts';
import { packSourceMap, unpackSourceMap } from './source-map-transfer.ts';

describe('source map transfer', () => {
  it('unpacks to the spans it packed', () => {
    const rule = `title: T\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith:\n            - '\\\\a.exe'\n            - '\\\\b.exe'\n        CommandLine|contains: x\n    condition: sel\n`;
    const spans = analyzeRule(rule, 'sentinel-asim').preview.sourceMap;
    expect(spans.length).toBeGreaterThan(2);
    const packed = packSourceMap(spans);
    expect(packed.length).toBe(spans.length * 8);
    expect(unpackSourceMap(packed)).toEqual(spans.map((s) => ({ start: s.start, end: s.end, range: { ...s.range } })));
  });

  it('keeps an empty map empty', () => {
    expect(unpackSourceMap(packSourceMap([]))).toEqual([]);
  });
});
