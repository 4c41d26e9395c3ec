/**
 * The rule as a SOC analyst reads it, beside the editor: what it detects, how bad, who wrote it,
 * which ATT&CK tactics and techniques (named, linked), CVEs and other tags, which table each
 * target needs, false positives, references and related rules. Pure data from the parsed rule,
 * the ATT&CK table and the target definitions; the app renders it.
 */
import { attackFromTags, type AttackTactic, type AttackTechnique } from './attack/attack.ts';
import { connectorsForTable, type RequiredDataConnector } from './export/connectors.ts';
import { findLogsource } from './kql/compile.ts';
import type { Logsource, RelatedRule, SigmaRule } from './sigma/model.ts';
import { TARGETS } from './targets/index.ts';
import type { FixedPredicate } from './targets/types.ts';

export interface RuleCardLink {
  /** The tag as written in the rule. */
  tag: string;
  id: string;
  url: string;
}

export interface RuleCardDataSource {
  target: string;
  targetLabel: string;
  /** False when the target cannot query this logsource (`message` says why and what it offers). */
  supported: boolean;
  /** The table or ASIM parser queried. */
  table?: string;
  /** Conditions the target adds for this logsource, in KQL (`EventID == 1`, `ActionType == "NamedPipeEvent"`). */
  where: string[];
  /** The mapping's approximation warning, or the reason it is unsupported. */
  message?: string;
  /** Sentinel connectors that bring the table (empty when none is known). */
  connectors: RequiredDataConnector[];
}

/** The metadata a card shows as it is written in the document. */
interface CardMeta {
  title: string;
  id?: string;
  level?: string;
  status?: string;
  description?: string;
  author?: string;
  date?: string;
  modified?: string;
  license?: string;
}

export interface RuleCard extends CardMeta {
  /** ATT&CK tactics, kill-chain order, with the tag that named each. */
  tactics: Array<AttackTactic & { tag: string }>;
  techniques: Array<AttackTechnique & { tag: string }>;
  /** ATT&CK groups (G…), software (S…) and data sources (DS…). */
  attackOther: Array<RuleCardLink & { kind: 'group' | 'software' | 'data-source' }>;
  cves: RuleCardLink[];
  /** MITRE CAR analytics. */
  car: RuleCardLink[];
  /** Other tags (`detection.threat-hunting`, `tlp.amber`, ...). */
  otherTags: Array<{ tag: string; namespace: string; value: string }>;
  /** `attack.` tags the shipped ATT&CK table does not know (typo, or newer than the table). */
  unknownAttackTags: string[];
  logsource: { product?: string; category?: string; service?: string; definition?: string; text: string };
  dataSources: RuleCardDataSource[];
  falsepositives: string[];
  /** References; `url` is set only for http(s) links, so the app never renders other schemes as links. */
  references: Array<{ text: string; url?: string }>;
  related: Array<{ id: string; type: string }>;
}

function fixedText(p: FixedPredicate): string {
  if ('kql' in p) return p.kql;
  const lit = (v: string | number | boolean): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
  const value = Array.isArray(p.value) ? `(${(p.value as Array<string | number | boolean>).map(lit).join(', ')})` : lit(p.value as string | number | boolean);
  return `${p.column} ${p.op} ${value}`;
}

function httpUrl(s: string): string | undefined {
  try {
    const u = new URL(s.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** What a card is made of: a rule's metadata (or a correlation's or filter's), and the logsource it reads. */
export interface CardSource extends CardMeta {
  tags: readonly string[];
  falsepositives: readonly string[];
  references: readonly string[];
  related: readonly RelatedRule[];
  logsource: Logsource;
}

export function ruleCard(rule: SigmaRule, options: { targets?: readonly string[] } = {}): RuleCard {
  return cardOf(rule, options);
}

export function cardOf(rule: CardSource, options: { targets?: readonly string[] } = {}): RuleCard {
  const attack = attackFromTags(rule.tags);
  const tactics: RuleCard['tactics'] = [];
  const techniques: RuleCard['techniques'] = [];
  const attackOther: RuleCard['attackOther'] = [];
  const cves: RuleCardLink[] = [];
  const car: RuleCardLink[] = [];
  const otherTags: RuleCard['otherTags'] = [];
  const unknownAttackTags: string[] = [];
  const seen = new Set<string>();
  for (const t of attack.tags) {
    switch (t.kind) {
      case 'tactic':
        if (!seen.has(t.tactic.id)) tactics.push({ ...t.tactic, tag: t.tag });
        seen.add(t.tactic.id);
        break;
      case 'technique':
        if (!seen.has(t.technique.id)) techniques.push({ ...t.technique, tag: t.tag });
        seen.add(t.technique.id);
        break;
      case 'group':
      case 'software':
      case 'data-source':
        attackOther.push({ kind: t.kind, tag: t.tag, id: t.id, url: t.url });
        break;
      case 'cve':
        cves.push({ tag: t.tag, id: t.id, url: t.url });
        break;
      case 'car':
        car.push({ tag: t.tag, id: t.id, url: t.url });
        break;
      case 'unknown-attack':
        unknownAttackTags.push(t.tag);
        break;
      default:
        otherTags.push({ tag: t.tag, namespace: t.namespace, value: t.value });
    }
  }
  const order = new Map(attack.tactics.map((t, i) => [t.id, i]));
  tactics.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));

  const ls = rule.logsource;
  const wanted = options.targets;
  const dataSources: RuleCardDataSource[] = TARGETS.filter((t) => !wanted || wanted.includes(t.id)).map((target) => {
    const m = findLogsource(target, ls);
    if (!m || m.unsupported) {
      return {
        target: target.id,
        targetLabel: target.label,
        supported: false,
        where: [],
        message: m?.unsupported ?? `${target.label} has no table for this logsource`,
        connectors: [],
      };
    }
    return {
      target: target.id,
      targetLabel: target.label,
      supported: true,
      table: m.table,
      where: (m.where ?? []).map(fixedText),
      ...(m.warning ? { message: m.warning } : {}),
      connectors: connectorsForTable(m.table) ?? [],
    };
  });

  return {
    title: rule.title,
    ...(rule.id ? { id: rule.id } : {}),
    ...(rule.level ? { level: rule.level } : {}),
    ...(rule.status ? { status: rule.status } : {}),
    ...(rule.description ? { description: rule.description } : {}),
    ...(rule.author ? { author: rule.author } : {}),
    ...(rule.date ? { date: rule.date } : {}),
    ...(rule.modified ? { modified: rule.modified } : {}),
    ...(rule.license ? { license: rule.license } : {}),
    tactics,
    techniques,
    attackOther,
    cves,
    car,
    otherTags,
    unknownAttackTags,
    logsource: {
      ...(ls.product ? { product: ls.product } : {}),
      ...(ls.category ? { category: ls.category } : {}),
      ...(ls.service ? { service: ls.service } : {}),
      ...(ls.definition ? { definition: ls.definition } : {}),
      text: [ls.product, ls.category, ls.service].filter(Boolean).join(' / ') || '(none)',
    },
    dataSources,
    falsepositives: [...rule.falsepositives],
    references: rule.references.map((text) => {
      const url = httpUrl(text);
      return url ? { text, url } : { text };
    }),
    related: rule.related.map((r) => ({ id: r.id, type: r.type })),
  };
}
