import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentCard, mayHoldMetaDocuments } from './document-card.ts';
import { loadRules } from './sigma/load.ts';

const fixture = (name: string) => readFileSync(new URL(`./sigma/fixtures/correlation/${name}`, import.meta.url), 'utf8');

describe('documentCard', () => {
  it('presents a correlation file by its outermost correlation, not its first base rule', () => {
    const d = documentCard(loadRules(fixture('failed_logins_followed_by_success.yml')))!;
    expect(d.kind).toBe('correlation');
    expect(d.card).toMatchObject({ title: 'Correlation - Multiple Failed Logins Followed by Successful Login', level: 'high', status: 'experimental', author: 'Florian Roth (Nextron Systems)', date: '2023-06-16' });
    expect(d.card.falsepositives).toEqual(['Unlikely']);
    // Both base rules read the Security log: its tables are the data sources.
    expect(d.card.logsource.text).toBe('windows / security');
    expect(d.card.dataSources.find((s) => s.target === 'azure-monitor')).toMatchObject({ supported: true, table: 'SecurityEvent' });
    expect(d.ruleCount).toBe(2);

    const [outer, inner] = d.correlations;
    expect(outer).toMatchObject({ type: 'temporal_ordered', typeLabel: 'Temporal proximity, ordered', groupBy: ['User'], timespan: { text: '10m', words: '10 minutes' }, condition: 'all 2 rules, in order' });
    expect(outer.summary).toBe("Fires when 'Multiple failed logons' then 'Successful login' occur in this order with the same User within 10 minutes.");
    expect(outer.rules).toEqual([
      { ref: 'multiple_failed_login', kind: 'correlation', title: 'Multiple failed logons', correlationType: 'event_count' },
      { ref: 'successful_login', kind: 'rule', title: 'Successful login', logsource: 'windows / security' },
    ]);
    expect(inner).toMatchObject({ title: 'Multiple failed logons', type: 'event_count', condition: 'count >= 10' });
    expect(inner.summary).toBe("Fires when at least 10 events of 'Single failed login' occur with the same User within 10 minutes.");
  });

  it('states every correlation type as a condition and a sentence', () => {
    const d = documentCard(loadRules(fixture('every_type.yml')))!;
    const byTitle = Object.fromEntries(d.correlations.map((c) => [c.title, c]));
    expect(byTitle['Whoami burst'].condition).toBe('count >= 3 and < 100');
    expect(byTitle['Several recon command lines'].summary).toBe("Fires when events of 'Whoami' and 'Net use' with the same User show at least 2 distinct values of CommandLine within 30 minutes.");
    expect(byTitle['Whoami and net use together'].summary).toMatch(/all of 'Whoami' and 'Net use' occur .* in any order/);
    expect(byTitle['Whoami without net use'].condition).toBe('whoami and not net_use');
    expect(byTitle['Many ports summed'].condition).toBe('sum(DestinationPort) > 10000');
    expect(byTitle['High port percentile'].condition).toBe('90th percentile(DestinationPort) >= 8000');
    // The headline is the first outermost correlation; its rules read process creation.
    expect(d.card.title).toBe(d.correlations[0].title);
    expect(d.card.dataSources.find((s) => s.target === 'sentinel-asim')?.table).toBe('imProcessCreate');
    // One correlation over rules of two logsources: no single table to name.
    const mixed = documentCard(loadRules(fixture('every_type.yml').replace(/^title: Several recon command lines[\s\S]*?(?=^title: Whoami burst then)/m, '')))!;
    expect(mixed.card.title).toBe('Whoami burst then outbound connection');
    expect(mixed.card.dataSources).toEqual([]);
    expect(mixed.card.logsource.text).toBe('2 logsources (see the correlated rules)');
  });

  it('says what each filter excludes and for which rules', () => {
    const d = documentCard(loadRules(fixture('filters.yml')))!;
    expect(d.kind).toBe('rule');
    expect(d.card.title).toBe('Data Compressed - rar.exe');
    expect(d.filters[0]).toMatchObject({
      title: 'Filter Administrator account',
      logsource: 'windows / process_creation',
      condition: 'selection',
      excludes: ["selection: User|startswith: 'adm_'"],
      rules: [
        { ref: '6f3e2987-db24-4c78-a860-b4f4095a7095', title: 'Data Compressed - rar.exe', state: 'applied' },
        { ref: 'df0841c0-9846-4e9f-ad8a-7df91571771b', title: 'Login on jump host', state: 'applied' },
      ],
    });
    // The DNS filter names the same rules but cannot apply to process creation.
    expect(d.filters[1].rules.map((r) => r.state)).toEqual(['logsource', 'logsource']);
  });

  it('presents a file of filters only by its first filter; names rules that are not in the file', () => {
    const only = fixture('filters.yml').split('\n---\n').slice(0, 1).join('');
    const d = documentCard(loadRules(only))!;
    expect(d.kind).toBe('filter');
    expect(d.card.title).toBe('Filter Administrator account');
    expect(d.filters[0].rules.every((r) => r.state === 'not-in-file' && r.title === undefined)).toBe(true);
  });

  it('knows cheaply when a text may hold correlation or filter documents', () => {
    expect(mayHoldMetaDocuments(fixture('filters.yml'))).toBe(true);
    expect(mayHoldMetaDocuments(fixture('failed_logins_followed_by_success.yml'))).toBe(true);
    expect(mayHoldMetaDocuments('title: x\ndetection:\n  filter:\n    a: 1\n  condition: not filter\n')).toBe(false);
  });
});
