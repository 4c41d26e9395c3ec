/**
 * The rule card's view of the whole file (src/document-card.ts). The analysis keeps only the first
 * base rule in the store; a file with correlation or filter documents is loaded once more here,
 * as a whole, and only then (a cheap text test decides), so plain rules cost nothing extra.
 */
import { useDeferredValue, useMemo } from 'react';
import { useStore } from '../state/store.ts';
import { loadRules, type LoadResult } from '../../src/index.ts';
import { documentCard, mayHoldMetaDocuments, type DocumentCard } from '../../src/document-card.ts';
import type { SigmaRule } from '../../src/sigma/model.ts';

let last: { text: string; load: LoadResult | undefined } | undefined;

/** The file loaded as a whole when it may hold correlations or filters; undefined for plain rules. */
function metaLoad(text: string): LoadResult | undefined {
  if (last?.text === text) return last.load;
  const load = mayHoldMetaDocuments(text) ? loadRules(text) : undefined;
  last = { text, load: load && (load.correlations || load.filters) ? load : undefined };
  return last.load;
}

function useMetaLoad(): LoadResult | undefined {
  // Deferred: typing in a correlation file re-renders the card after the keystroke, not during it.
  const text = useDeferredValue(useStore((s) => s.ruleText));
  return useMemo(() => metaLoad(text), [text]);
}

/** The full card (for the drawer): the file's correlations and filters, or the rule's own card. */
export function useDocumentCard(): DocumentCard | undefined {
  const rule = useStore((s) => s.rule);
  const load = useMetaLoad();
  return useMemo(() => {
    try {
      return documentCard(load ?? { rules: rule ? [rule] : [], diagnostics: [] });
    } catch {
      return undefined;
    }
  }, [load, rule]);
}

export interface Headline {
  kind: 'rule' | 'correlation' | 'filter';
  title: string;
  level?: string;
  description?: string;
  /** Logsource of a rule or filter; the correlation type for a correlation. */
  chip?: string;
  chipTitle?: string;
  /** The first base rule (for the example attribution). */
  rule?: SigmaRule;
}

/** What the panel header names: the correlation of a correlation file, else the rule (or the filter). */
export function useHeadline(): Headline | undefined {
  const rule = useStore((s) => s.rule);
  const load = useMetaLoad();
  return useMemo(() => {
    const ruleChip = (r: SigmaRule) => [r.logsource.product, r.logsource.category, r.logsource.service].filter(Boolean).join(' / ') || undefined;
    if (!load) return rule ? { kind: 'rule', title: rule.title, level: rule.level, description: rule.description, chip: ruleChip(rule), chipTitle: 'logsource', rule } : undefined;
    const card = documentCard(load, { targets: [] });
    if (!card) return undefined;
    if (card.kind === 'correlation') {
      const c = card.correlations[0];
      return { kind: 'correlation', title: c.title, level: c.level, description: c.summary, chip: `correlation · ${c.type ?? '?'}`, chipTitle: `${c.typeLabel}: ${c.summary}`, rule: load.rules[0] };
    }
    const first = load.rules[0];
    if (card.kind === 'rule' && first) return { kind: 'rule', title: first.title, level: first.level, description: first.description, chip: ruleChip(first), chipTitle: 'logsource', rule: first };
    return { kind: 'filter', title: card.card.title, description: card.card.description, chip: `filter · ${card.card.logsource.text}`, chipTitle: 'Meta filter (no detection of its own)' };
  }, [load, rule]);
}
