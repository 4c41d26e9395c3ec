/**
 * A Sigma rule as a Microsoft Sentinel scheduled analytics rule, in the YAML format of the
 * Azure-Sentinel repository's `Detections/` and `Solutions/<solution>/Analytic Rules/` folders (the
 * format its CI validates and its ARM conversion reads): id, name, description, severity, status,
 * requiredDataConnectors, queryFrequency, queryPeriod, triggerOperator, triggerThreshold,
 * tactics, relevantTechniques, query, entityMappings, version, kind — in that order.
 */
import { Document, Scalar } from 'yaml';
import type { Diagnostic } from '../diagnostics.ts';
import type { CompileOptions } from '../kql/compile.ts';
import type { SigmaRule } from '../sigma/model.ts';
import { getTarget } from '../targets/index.ts';
import { connectorsForTable, type RequiredDataConnector } from './connectors.ts';
import { entityMappingsFor, type EntityMapping } from './entities.ts';
import { errorsOf, exportQuery, ruleAttack, sentinelSeverity, stableRuleGuid } from './common.ts';

export interface SentinelRuleOptions {
  /** Target whose query is scheduled: `sentinel-asim` (default), `azure-monitor` or `defender-xdr` (Defender tables streamed to Sentinel). */
  target?: string;
  /** How often the rule runs (Sentinel duration: `5m`, `1h`, `1d`); default `1h`. */
  queryFrequency?: string;
  /** How far back each run looks; default the frequency, or the rule's `timeframe` when longer. */
  queryPeriod?: string;
  /** Alert when the result count is `gt` (default), `lt`, `eq` or `ne` the threshold (default 0). */
  triggerOperator?: 'gt' | 'lt' | 'eq' | 'ne';
  triggerThreshold?: number;
  /** `version` of the analytics rule (default `1.0.0`). */
  version?: string;
  /** Passed to the compiler (field mappings, placeholders, Kusto validation). */
  compile?: CompileOptions;
}

/** The analytics rule as data, keys in the repository's order. */
export interface SentinelAnalyticsRule {
  id: string;
  name: string;
  description: string;
  severity: 'Informational' | 'Low' | 'Medium' | 'High';
  /** `Available`: the rule is ready to enable (the repository's other value is `Deprecated`). */
  status: 'Available';
  requiredDataConnectors: RequiredDataConnector[];
  queryFrequency: string;
  queryPeriod: string;
  triggerOperator: 'gt' | 'lt' | 'eq' | 'ne';
  triggerThreshold: number;
  tactics: string[];
  relevantTechniques: string[];
  query: string;
  entityMappings: EntityMapping[];
  version: string;
  kind: 'Scheduled';
}

export interface SentinelRuleExport {
  /** No error diagnostics: the query compiled (and passed the Kusto check when it ran). */
  ok: boolean;
  rule: SentinelAnalyticsRule;
  /** The YAML file text. */
  yaml: string;
  /** The table (or ASIM parser) queried. */
  table?: string;
  diagnostics: Diagnostic[];
}

const DURATION = /^(\d+)([mhd])$/;
const MINUTES = { m: 1, h: 60, d: 1440 } as const;

function minutes(d: string): number | undefined {
  const m = DURATION.exec(d);
  return m ? Number(m[1]) * MINUTES[m[2] as 'm' | 'h' | 'd'] : undefined;
}

/** Sigma timeframe (`15s`, `30m`, `1h`, `2d`) as a Sentinel duration, rounded up to minutes. */
function timeframeDuration(tf: string | undefined): string | undefined {
  const m = /^(\d+)([smhdM])$/.exec((tf ?? '').trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  switch (m[2]) {
    case 's':
      return `${Math.max(1, Math.ceil(n / 60))}m`;
    case 'm':
    case 'h':
    case 'd':
      return `${n}${m[2]}`;
    default:
      return `${n * 30}d`;
  }
}

function yamlText(rule: SentinelAnalyticsRule): string {
  const doc = new Document(rule);
  for (const key of ['description', 'query']) {
    const node = doc.get(key, true);
    if (node instanceof Scalar) node.type = Scalar.BLOCK_LITERAL;
  }
  return doc.toString({ lineWidth: 0, indent: 2, indentSeq: true });
}

export function exportSentinelRule(rule: SigmaRule, options: SentinelRuleOptions = {}): SentinelRuleExport {
  const targetId = options.target ?? 'sentinel-asim';
  const diagnostics: Diagnostic[] = [];
  const compiled = exportQuery(rule, targetId, options.compile);
  diagnostics.push(...compiled.diagnostics);
  const target = getTarget(targetId);
  const schema = target && compiled.table ? target.tables[compiled.table] : undefined;

  const frequency = options.queryFrequency ?? '1h';
  if (minutes(frequency) === undefined) diagnostics.push({ code: 'sentinel-invalid-duration', severity: 'error', message: `queryFrequency '${frequency}' is not a Sentinel duration such as 5m, 1h or 1d` });
  let period = options.queryPeriod ?? frequency;
  const tf = timeframeDuration(rule.detection.timeframe);
  if (!options.queryPeriod && tf && (minutes(tf) ?? 0) > (minutes(period) ?? 0)) period = tf;
  if (minutes(period) === undefined) diagnostics.push({ code: 'sentinel-invalid-duration', severity: 'error', message: `queryPeriod '${period}' is not a Sentinel duration such as 5m, 1h or 1d` });
  else if ((minutes(period) ?? 0) > 14 * 1440) diagnostics.push({ code: 'sentinel-invalid-duration', severity: 'error', message: `queryPeriod '${period}' is longer than the 14 days Sentinel allows` });

  let connectors: RequiredDataConnector[] = [];
  if (compiled.table) {
    const known = connectorsForTable(compiled.table);
    if (known) connectors = known;
    else diagnostics.push({ code: 'sentinel-no-connector', severity: 'warning', message: `No Sentinel data connector is known for table ${compiled.table}; requiredDataConnectors is empty (add the connector that brings this table to your workspace).` });
  }
  const attack = ruleAttack(rule);
  if (attack.tactics.length === 0) diagnostics.push({ code: 'sentinel-no-tactic', severity: 'info', message: 'The rule has no ATT&CK tactic tag (attack.<tactic>); the analytics rule lists no tactics.', range: rule.ranges.tags });

  const analytics: SentinelAnalyticsRule = {
    id: stableRuleGuid(rule),
    name: rule.title || '(untitled Sigma rule)',
    description: (rule.description ?? rule.title ?? '').trim() || '(no description)',
    severity: sentinelSeverity(rule.level),
    status: 'Available',
    requiredDataConnectors: connectors,
    queryFrequency: frequency,
    queryPeriod: period,
    triggerOperator: options.triggerOperator ?? 'gt',
    triggerThreshold: options.triggerThreshold ?? 0,
    tactics: attack.tactics,
    // Sentinel lists techniques and sub-techniques (T1059, T1059.001) in relevantTechniques.
    relevantTechniques: [...new Set(attack.techniques.flatMap((t) => (t.includes('.') ? [t.split('.')[0], t] : [t])))],
    query: compiled.query.replace(/\s+$/, '') + '\n',
    entityMappings: schema ? entityMappingsFor(schema) : [],
    version: options.version ?? '1.0.0',
    kind: 'Scheduled',
  };
  if (!rule.id) diagnostics.push({ code: 'sentinel-derived-id', severity: 'info', message: `The rule has no id; the analytics rule id ${analytics.id} is derived from the title.` });
  return {
    ok: errorsOf(diagnostics).length === 0,
    rule: analytics,
    yaml: yamlText(analytics),
    ...(compiled.table ? { table: compiled.table } : {}),
    diagnostics,
  };
}
