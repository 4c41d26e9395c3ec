import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OFFICIAL_SCHEMAS, SIGMA_DOCUMENT_SCHEMA } from './sigma-schema.ts';

const reference = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/reference/sigma-json-schema/${name}`, import.meta.url), 'utf8'));
const withoutDialect = ({ $schema: _d, ...rest }: Record<string, unknown>) => rest;

describe('the per-document Sigma schema', () => {
  it('bundles the official schemas unchanged', () => {
    expect(OFFICIAL_SCHEMAS.rule).toEqual(reference('sigma-detection-rule-schema.json'));
    expect(OFFICIAL_SCHEMAS.correlation).toEqual(reference('sigma-correlation-rules-schema.json'));
    expect(OFFICIAL_SCHEMAS.filter).toEqual(reference('sigma-filters-schema.json'));
  });

  it('applies the correlation schema to correlation documents, the filter schema to filters, the rule schema otherwise', () => {
    const s = SIGMA_DOCUMENT_SCHEMA as any;
    expect(s.if).toEqual({ type: 'object', required: ['correlation'] });
    expect(s.then).toEqual(withoutDialect(OFFICIAL_SCHEMAS.correlation));
    expect(s.else.if).toEqual({ type: 'object', required: ['filter'] });
    expect(s.else.then).toEqual(withoutDialect(OFFICIAL_SCHEMAS.filter));
    expect(s.else.else).toEqual(withoutDialect(OFFICIAL_SCHEMAS.rule));
  });
});
