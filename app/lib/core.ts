/** What the app takes from the core (src/index.ts), plus the target list for the selector. */
import { TARGETS } from '../../src/index.ts';

export interface TargetOption {
  id: string;
  label: string;
  description: string;
}

export const TARGET_OPTIONS: TargetOption[] = TARGETS.map((t) => ({ id: t.id, label: t.label, description: t.description }));
