/** Exports of a rule for deployment: Sentinel analytics rules and Defender XDR custom detections. */
export { exportSentinelRule } from './sentinel-rule.ts';
export type { SentinelAnalyticsRule, SentinelRuleExport, SentinelRuleOptions } from './sentinel-rule.ts';
export { exportDefenderDetection, DEFENDER_PERIODS, DEFENDER_REQUIRED_COLUMNS } from './defender-detection.ts';
export type { DefenderDetectionExport, DefenderDetectionOptions, DefenderDetectionRule, DefenderPeriod, ImpactedAsset } from './defender-detection.ts';
export { connectorsForTable } from './connectors.ts';
export type { RequiredDataConnector } from './connectors.ts';
export { entityMappingsFor } from './entities.ts';
export type { EntityMapping } from './entities.ts';
export { microsoftTactic, ruleAttack, sentinelSeverity, stableRuleGuid } from './common.ts';
