import { describe, expect, it } from 'vitest';
import { ruleCard } from './rule-card.ts';
import { loadRules } from './sigma/load.ts';

const RULE = `title: Suspicious Named Pipe
id: 11111111-2222-4333-8444-555555555555
related:
    - id: 22222222-3333-4444-8555-666666666666
      type: derived
status: test
description: A pipe name used by a known implant.
references:
    - https://example.org/report
    - javascript:alert(1)
    - internal wiki page
author: Jane Analyst
date: 2024-01-02
modified: 2025-03-04
tags:
    - attack.execution
    - attack.t1059.001
    - attack.command-and-control
    - attack.defense-evasion
    - attack.g0032
    - attack.s0002
    - cve.2021-44228
    - car.2016-04-005
    - detection.emerging-threats
    - attack.t9999
logsource:
    product: windows
    category: pipe_created
detection:
    sel:
        PipeName: '\\evil'
    condition: sel
falsepositives:
    - Unknown
level: high
`;

describe('ruleCard', () => {
  const card = ruleCard(loadRules(RULE).rules[0]);

  it('carries the metadata an analyst reads', () => {
    expect(card).toMatchObject({
      title: 'Suspicious Named Pipe',
      id: '11111111-2222-4333-8444-555555555555',
      level: 'high',
      status: 'test',
      description: 'A pipe name used by a known implant.',
      author: 'Jane Analyst',
      date: '2024-01-02',
      modified: '2025-03-04',
      falsepositives: ['Unknown'],
      related: [{ id: '22222222-3333-4444-8555-666666666666', type: 'derived' }],
      logsource: { product: 'windows', category: 'pipe_created', text: 'windows / pipe_created' },
    });
  });

  it('names and links ATT&CK, CVEs and other tags', () => {
    expect(card.tactics.map((t) => [t.id, t.name, t.tag])).toEqual([
      ['TA0002', 'Execution', 'attack.execution'],
      ['TA0005', 'Stealth', 'attack.defense-evasion'],
      ['TA0011', 'Command and Control', 'attack.command-and-control'],
    ]);
    expect(card.tactics[0].url).toBe('https://attack.mitre.org/tactics/TA0002/');
    expect(card.techniques).toEqual([
      expect.objectContaining({ id: 'T1059.001', fullName: 'Command and Scripting Interpreter: PowerShell', url: 'https://attack.mitre.org/techniques/T1059/001/', tag: 'attack.t1059.001' }),
    ]);
    expect(card.attackOther.map((x) => [x.kind, x.id])).toEqual([
      ['group', 'G0032'],
      ['software', 'S0002'],
    ]);
    expect(card.cves).toEqual([{ tag: 'cve.2021-44228', id: 'CVE-2021-44228', url: 'https://nvd.nist.gov/vuln/detail/CVE-2021-44228' }]);
    expect(card.car[0].url).toBe('https://car.mitre.org/analytics/CAR-2016-04-005/');
    expect(card.otherTags).toEqual([{ tag: 'detection.emerging-threats', namespace: 'detection', value: 'emerging-threats' }]);
    expect(card.unknownAttackTags).toEqual(['attack.t9999']);
  });

  it('links only http(s) references', () => {
    expect(card.references).toEqual([{ text: 'https://example.org/report', url: 'https://example.org/report' }, { text: 'javascript:alert(1)' }, { text: 'internal wiki page' }]);
  });

  it('says which table each target needs', () => {
    const byTarget = Object.fromEntries(card.dataSources.map((d) => [d.target, d]));
    expect(Object.keys(byTarget).sort()).toEqual(['azure-monitor', 'defender-xdr', 'sentinel-asim']);
    expect(byTarget['defender-xdr']).toMatchObject({ supported: true, table: 'DeviceEvents' });
    expect(byTarget['defender-xdr'].where.join(' ')).toMatch(/ActionType/);
    expect(byTarget['defender-xdr'].connectors).toEqual([{ connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceEvents'] }]);
    expect(byTarget['sentinel-asim'].message).toBeTruthy();
    const only = ruleCard(loadRules(RULE).rules[0], { targets: ['azure-monitor'] });
    expect(only.dataSources.map((d) => d.target)).toEqual(['azure-monitor']);
    const linux = ruleCard(loadRules('title: L\nlogsource: {product: linux, service: auditd}\ndetection:\n  sel: {a: 1}\n  condition: sel\n').rules[0], { targets: ['defender-xdr'] });
    expect(linux.dataSources[0]).toMatchObject({ supported: false, where: [], connectors: [] });
    expect(linux.dataSources[0].message).toBeTruthy();
  });
});
