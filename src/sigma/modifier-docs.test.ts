import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { MODIFIERS } from './model.ts';
import { DETECTION_KEY_DOCS, LOGSOURCE_FIELD_DOCS, MODIFIER_DOCS, TOP_LEVEL_FIELD_DOCS } from './modifier-docs.ts';

describe('MODIFIER_DOCS', () => {
  it('documents every modifier in MODIFIERS and nothing else', () => {
    expect(Object.keys(MODIFIER_DOCS).sort()).toEqual([...MODIFIERS].sort());
  });

  for (const name of MODIFIERS) {
    it(`${name}: summary, detail and an example that uses it`, () => {
      const doc = MODIFIER_DOCS[name];
      expect(doc.summary.length).toBeGreaterThan(10);
      expect(doc.summary.length).toBeLessThanOrEqual(100);
      expect(doc.detail.length).toBeGreaterThan(doc.summary.length);
      // The example is a valid YAML detection item whose key carries the modifier.
      const parsed = YAML.parse(doc.example) as Record<string, unknown>;
      const keys = Object.keys(parsed);
      expect(keys).toHaveLength(1);
      const [field, ...modifiers] = keys[0].split('|');
      expect(field).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(modifiers).toContain(name);
      for (const m of modifiers) expect(MODIFIERS as readonly string[]).toContain(m);
      // No HTML: the app renders these as Markdown with HTML disabled.
      expect(doc.detail + doc.summary).not.toMatch(/<[a-z]/i);
    });
  }

  it('regex flags only follow re in examples', () => {
    for (const flag of ['i', 'm', 's'] as const) {
      const key = Object.keys(YAML.parse(MODIFIER_DOCS[flag].example) as object)[0];
      expect(key.split('|')[1]).toBe('re');
    }
  });

  it('windash names all five dash characters of the specification', () => {
    for (const c of ['-', '/', '–', '—', '―']) expect(MODIFIER_DOCS.windash.detail).toContain(c);
  });
});

describe('key docs', () => {
  it('documents every top-level key of the rule specification', () => {
    const specKeys = [
      'title', 'id', 'name', 'related', 'taxonomy', 'status', 'description', 'license', 'author', 'references',
      'date', 'modified', 'logsource', 'detection', 'fields', 'falsepositives', 'level', 'tags', 'scope',
    ];
    expect(Object.keys(TOP_LEVEL_FIELD_DOCS).sort()).toEqual([...specKeys].sort());
    expect(Object.entries(TOP_LEVEL_FIELD_DOCS).filter(([, d]) => d.required).map(([k]) => k).sort()).toEqual(['detection', 'logsource', 'title']);
  });

  it('enumerated values are the specification\'s', () => {
    expect(TOP_LEVEL_FIELD_DOCS.status.values).toEqual(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
    expect(TOP_LEVEL_FIELD_DOCS.level.values).toEqual(['informational', 'low', 'medium', 'high', 'critical']);
    expect(TOP_LEVEL_FIELD_DOCS.related.values).toEqual(['derived', 'obsolete', 'merged', 'renamed', 'similar']);
  });

  it('every example is valid YAML for its own key', () => {
    const all = { ...TOP_LEVEL_FIELD_DOCS, ...LOGSOURCE_FIELD_DOCS, ...DETECTION_KEY_DOCS };
    for (const [key, doc] of Object.entries(all)) {
      const parsed = YAML.parse(doc.example) as Record<string, unknown>;
      expect(Object.keys(parsed), key).toEqual([key]);
      if (doc.values && typeof parsed[key] === 'string') expect(doc.values, key).toContain(parsed[key]);
    }
  });
});
