/**
 * Pieces both exports share: the query for a target, ATT&CK from the rule's tags in Microsoft's
 * tactic spelling, severity from the Sigma level, and a stable GUID for rules without an id.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { attackFromTags, attackTactic, type AttackTactic } from '../attack/attack.ts';
import { compileRule, type CompileOptions, type CompileResult } from '../kql/compile.ts';
import type { SigmaRule } from '../sigma/model.ts';

/**
 * Sentinel's and Defender's tactic names (the `tactics` of an analytics rule, the `category`
 * of a Defender alert). They follow ATT&CK before v19: Stealth and Defense Impairment, the two
 * halves of the retired Defense Evasion, both map to DefenseEvasion.
 */
const MICROSOFT_TACTICS: Record<string, string> = {
  TA0043: 'Reconnaissance',
  TA0042: 'ResourceDevelopment',
  TA0001: 'InitialAccess',
  TA0002: 'Execution',
  TA0003: 'Persistence',
  TA0004: 'PrivilegeEscalation',
  TA0005: 'DefenseEvasion',
  TA0112: 'DefenseEvasion',
  TA0006: 'CredentialAccess',
  TA0007: 'Discovery',
  TA0008: 'LateralMovement',
  TA0009: 'Collection',
  TA0011: 'CommandAndControl',
  TA0010: 'Exfiltration',
  TA0040: 'Impact',
};

export function microsoftTactic(tactic: AttackTactic | string): string | undefined {
  const t = typeof tactic === 'string' ? attackTactic(tactic) : tactic;
  return t ? MICROSOFT_TACTICS[t.id] : undefined;
}

export interface RuleAttack {
  /** Microsoft tactic names, kill-chain order, each once. */
  tactics: string[];
  /** The Microsoft name of the rule's first tactic tag: what the author put first. */
  primaryTactic?: string;
  /** Technique ids as tagged: `T1059.001`. */
  techniques: string[];
  /** Parent technique ids (`T1059` for `T1059.001`), each once, in tag order: Sentinel's `relevantTechniques` takes both. */
  parentTechniques: string[];
}

export function ruleAttack(rule: SigmaRule): RuleAttack {
  const s = attackFromTags(rule.tags);
  const tactics = [...new Set(s.tactics.map((t) => MICROSOFT_TACTICS[t.id]).filter((x): x is string => !!x))];
  const techniques = s.techniques.map((t) => t.id);
  const parentTechniques = [...new Set(s.techniques.map((t) => t.parentId ?? t.id))];
  const first = s.tags.find((t) => t.kind === 'tactic');
  const primaryTactic = first?.kind === 'tactic' ? MICROSOFT_TACTICS[first.tactic.id] : undefined;
  return { tactics, ...(primaryTactic ? { primaryTactic } : {}), techniques, parentTechniques };
}

/** Sigma level → Sentinel severity (Sentinel has no Critical; critical rules are High). */
export function sentinelSeverity(level: string | undefined): 'Informational' | 'Low' | 'Medium' | 'High' {
  switch ((level ?? '').toLowerCase()) {
    case 'informational':
      return 'Informational';
    case 'low':
      return 'Low';
    case 'high':
    case 'critical':
      return 'High';
    default:
      return 'Medium';
  }
}

/** FNV-1a over UTF-16 units, four lanes with different seeds: 128 stable bits for a name-based GUID. */
function hash128(text: string): number[] {
  const seeds = [0x811c9dc5, 0x01000193, 0x1b873593, 0xcc9e2d51];
  return seeds.map((seed) => {
    let h = seed >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
      h ^= h >>> 13;
    }
    return h >>> 0;
  });
}

/**
 * The rule's id when it is a UUID; otherwise a GUID derived from the title, so re-exporting the
 * same rule updates the same Sentinel rule instead of creating a new one. Version nibble 8 (RFC
 * 9562 "custom") says it is not random.
 */
export function stableRuleGuid(rule: SigmaRule): string {
  if (rule.id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(rule.id)) return rule.id.toLowerCase();
  const hex = hash128(`siglab:${rule.title}`)
    .map((n) => n.toString(16).padStart(8, '0'))
    .join('');
  const v = hex.slice(0, 12) + '8' + hex.slice(13, 16) + ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 32);
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`;
}

/** Compiles without the `//` header (the export carries title, id and tags in its own fields). */
export function exportQuery(rule: SigmaRule, target: string, options: CompileOptions = {}): CompileResult {
  return compileRule(rule, target, { ...options, header: false });
}

export function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}
