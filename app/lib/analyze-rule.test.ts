import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { analyzeRule } from './analyze-rule.ts';

const ports = readFileSync(new URL('../../public/examples/uncommon-destination-ports.yml', import.meta.url), 'utf8');

describe('analyzeRule (what the editor runs on every keystroke)', () => {
  it('loads and compiles the start example for every target, with a source map into the rule', () => {
    for (const target of ['sentinel-asim', 'defender-xdr', 'azure-monitor']) {
      const a = analyzeRule(ports, target);
      expect(a.ruleHasErrors).toBe(false);
      expect(a.preview.ok, `${target}: ${JSON.stringify(a.diagnostics)}`).toBe(true);
      expect(a.preview.targetId).toBe(target);
      expect(a.preview.query).toMatch(/8080/);
      // Every span points at rule text: the KQL for `DestinationPort` came from its item.
      const portSpan = a.preview.sourceMap.find((s) => a.preview.query.slice(s.start, s.end).includes('8888'));
      expect(portSpan).toBeDefined();
      expect(ports.slice(portSpan!.range.start, portSpan!.range.end)).toMatch(/8888/);
    }
  });

  it('a broken rule is flagged so the app keeps the last good query and verdicts', () => {
    const broken = ports.replace('DestinationIp|cidr', 'DestinationIp|cidrx');
    const a = analyzeRule(broken, 'sentinel-asim');
    expect(a.ruleHasErrors).toBe(true);
    expect(a.preview.ok).toBe(false);
    const d = a.diagnostics.find((x) => x.code === 'unknown-modifier');
    expect(d?.range?.startLine).toBe(broken.slice(0, broken.indexOf('cidrx')).split('\n').length);
    expect(d?.fixes?.[0].text).toBe('cidr');
  });

  it('a rule the target cannot express is not a broken rule: events are still judged', () => {
    const a = analyzeRule(ports.replace('category: network_connection', 'category: no_such_category'), 'defender-xdr');
    expect(a.preview.ok).toBe(false);
    expect(a.ruleHasErrors).toBe(false);
  });

  it('empty and non-rule text give diagnostics, never a throw', () => {
    for (const text of ['', '{{{', 'title: only a title\n', '- a\n- b\n', '\u0000\uffff']) {
      const a = analyzeRule(text, 'sentinel-asim');
      expect(a.preview.ok).toBe(false);
      expect(a.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it('several documents: the first rule is used and the others are mentioned', () => {
    const two = `${ports}\n---\n${ports.replace('Communication To Uncommon Destination Ports', 'Second')}`;
    const a = analyzeRule(two, 'sentinel-asim');
    expect(a.rule?.title).toBe('Communication To Uncommon Destination Ports');
    expect(a.diagnostics.map((d) => d.code)).toContain('several-rules');
  });
});
