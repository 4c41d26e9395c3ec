/** Every KQL target siglab compiles to, by id. */
import type { TargetDefinition } from './types.ts';
import { target as sentinelAsim } from './sentinel-asim/index.ts';
import { target as defenderXdr } from './defender-xdr/index.ts';
import { target as azureMonitor } from './azure-monitor/index.ts';

export const TARGETS: readonly TargetDefinition[] = [sentinelAsim, defenderXdr, azureMonitor];

/** Target ids in display order: `sentinel-asim`, `defender-xdr`, `azure-monitor`. */
export const TARGET_IDS: readonly string[] = TARGETS.map((t) => t.id);

export function getTarget(id: string): TargetDefinition | undefined {
  return TARGETS.find((t) => t.id === id);
}
