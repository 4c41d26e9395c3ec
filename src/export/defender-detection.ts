/**
 * A Sigma rule as a Microsoft Defender XDR custom detection rule: the request body of Microsoft
 * Graph `POST /beta/security/rules/detectionRules` (resource `microsoft.graph.security.
 * detectionRule`), so it can be created by API or kept in git and deployed by a pipeline. JSON,
 * because that is what the API takes; the same object is what the Defender portal shows.
 *
 * Defender runs a custom detection's query and requires its results to carry `Timestamp`,
 * `DeviceId` and `ReportId` (to link the alert to the event and the device). The siglab query
 * returns every column of its table; the export adds `| project-reorder Timestamp, DeviceId,
 * ReportId` so the requirement is explicit and checked: the Kusto language service rejects the
 * query if the table lacks one of them, while all other columns stay available to the alert.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { isKustoLanguageServiceLoaded, validateKql } from '../kql/validate.ts';
import type { CompileOptions } from '../kql/compile.ts';
import type { SigmaRule } from '../sigma/model.ts';
import { getTarget } from '../targets/index.ts';
import { errorsOf, exportQuery, ruleAttack } from './common.ts';

/** How often Defender runs the rule: `0` = continuous (near real time), else every 1, 3, 12 or 24 hours. */
export type DefenderPeriod = '0' | '1H' | '3H' | '12H' | '24H';
export const DEFENDER_PERIODS: readonly DefenderPeriod[] = ['0', '1H', '3H', '12H', '24H'];
export const DEFENDER_REQUIRED_COLUMNS = ['Timestamp', 'DeviceId', 'ReportId'] as const;

export interface DefenderDetectionOptions {
  /** Default `1H`. */
  period?: DefenderPeriod;
  /** Default true. */
  enabled?: boolean;
  compile?: CompileOptions;
}

export interface ImpactedAsset {
  '@odata.type': '#microsoft.graph.security.impactedDeviceAsset' | '#microsoft.graph.security.impactedUserAsset';
  /** A result column, named in lower camel case (`deviceId`, `accountSid`). */
  identifier: string;
}

export interface DefenderDetectionRule {
  displayName: string;
  isEnabled: boolean;
  queryCondition: { queryText: string };
  schedule: { period: DefenderPeriod };
  detectionAction: {
    alertTemplate: {
      title: string;
      description: string;
      severity: 'informational' | 'low' | 'medium' | 'high';
      category: string;
      recommendedActions: string | null;
      mitreTechniques: string[];
      impactedAssets: ImpactedAsset[];
    };
    organizationalScope: null;
    responseActions: never[];
  };
}

export interface DefenderDetectionExport {
  ok: boolean;
  rule: DefenderDetectionRule;
  /** The Graph request body, pretty-printed JSON. */
  json: string;
  table?: string;
  diagnostics: Diagnostic[];
}

function severity(level: string | undefined): DefenderDetectionRule['detectionAction']['alertTemplate']['severity'] {
  const l = (level ?? '').toLowerCase();
  return l === 'informational' || l === 'low' || l === 'high' ? l : l === 'critical' ? 'high' : 'medium';
}

const lowerCamel = (column: string): string => column.charAt(0).toLowerCase() + column.slice(1);

export function exportDefenderDetection(rule: SigmaRule, options: DefenderDetectionOptions = {}): DefenderDetectionExport {
  const diagnostics: Diagnostic[] = [];
  const compiled = exportQuery(rule, 'defender-xdr', { ...options.compile, validate: false });
  diagnostics.push(...compiled.diagnostics);
  const target = getTarget('defender-xdr')!;
  const schema = compiled.table ? target.tables[compiled.table] : undefined;
  const period = options.period ?? '1H';
  if (!DEFENDER_PERIODS.includes(period)) diagnostics.push({ code: 'defender-invalid-period', severity: 'error', message: `period '${period}' is not one Defender offers (${DEFENDER_PERIODS.join(', ')})` });

  let query = compiled.query.replace(/\s+$/, '');
  if (compiled.ok && schema) {
    const missing = DEFENDER_REQUIRED_COLUMNS.filter((c) => !Object.hasOwn(schema, c));
    if (missing.length) diagnostics.push({ code: 'defender-missing-columns', severity: 'error', message: `Table ${compiled.table} lacks ${missing.join(', ')}, which a custom detection must return.` });
    query += `\n| project-reorder ${DEFENDER_REQUIRED_COLUMNS.join(', ')}`;
    if (options.compile?.validate !== false) {
      if (isKustoLanguageServiceLoaded()) {
        for (const d of validateKql(query, target.tables)) diagnostics.push({ ...d, code: `kql-${d.code}`, message: `Kusto: ${d.message} (query line ${d.range?.startLine ?? 1})`, range: rule.detection.range });
      } else diagnostics.push({ code: 'kql-not-validated', severity: 'info', message: 'The Kusto language service is not loaded; the query was not checked.' });
    }
  }

  const assets: ImpactedAsset[] = [];
  if (schema && Object.hasOwn(schema, 'DeviceId')) assets.push({ '@odata.type': '#microsoft.graph.security.impactedDeviceAsset', identifier: 'deviceId' });
  const userColumn = schema ? ['AccountSid', 'InitiatingProcessAccountSid'].find((c) => Object.hasOwn(schema, c)) : undefined;
  if (userColumn) assets.push({ '@odata.type': '#microsoft.graph.security.impactedUserAsset', identifier: lowerCamel(userColumn) });

  const attack = ruleAttack(rule);
  const detection: DefenderDetectionRule = {
    displayName: rule.title || '(untitled Sigma rule)',
    isEnabled: options.enabled ?? true,
    queryCondition: { queryText: query + '\n' },
    schedule: { period },
    detectionAction: {
      alertTemplate: {
        title: rule.title || '(untitled Sigma rule)',
        description: (rule.description ?? rule.title ?? '').trim() || '(no description)',
        severity: severity(rule.level),
        // Defender's alert categories use the same names as Sentinel's tactics.
        category: attack.primaryTactic ?? 'SuspiciousActivity',
        recommendedActions: rule.falsepositives.length ? `Known false positives: ${rule.falsepositives.join('; ')}` : null,
        mitreTechniques: attack.techniques,
        impactedAssets: assets,
      },
      organizationalScope: null,
      responseActions: [],
    },
  };
  return {
    ok: errorsOf(diagnostics).length === 0,
    rule: detection,
    json: JSON.stringify(detection, null, 2) + '\n',
    ...(compiled.table ? { table: compiled.table } : {}),
    diagnostics,
  };
}
