import { describe, expect, it } from 'vitest';
import { analyzeRule } from './analyze-rule.ts';
import { MAX_SETTINGS_CHARS, readMappingText, ruleSettings } from './rule-settings.ts';

const RULE = `title: Whoami Outside Admin Hosts
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    admins:
        Computer|expand: '%admin_hosts%'
    condition: selection and not admins
`;

describe('rule settings in the analysis', () => {
  it('placeholder values resolve the rule: no unresolved-placeholder, the values in the KQL', () => {
    const without = analyzeRule(RULE, 'defender-xdr');
    expect(without.diagnostics.map((d) => d.code)).toContain('unresolved-placeholder');
    expect(without.ruleHasErrors).toBe(true);
    const a = analyzeRule(RULE, 'defender-xdr', ruleSettings('', 'admin_hosts: [ADMIN01, ADMIN02]'));
    expect(a.diagnostics.map((d) => d.code)).not.toContain('unresolved-placeholder');
    expect(a.ruleHasErrors).toBe(false);
    expect(a.preview.ok).toBe(true);
    expect(a.preview.query).toContain('DeviceName !in~ ("ADMIN01", "ADMIN02")');
  });

  it('the mapping changes the column; with YAML errors nothing of it applies', () => {
    const placeholders = 'admin_hosts: [A]';
    const mapped = analyzeRule(RULE, 'defender-xdr', ruleSettings('tables:\n  DeviceProcessEvents:\n    Image: InitiatingProcessFolderPath\n', placeholders));
    expect(mapped.preview.query).toContain('InitiatingProcessFolderPath endswith');
    const broken = analyzeRule(RULE, 'defender-xdr', ruleSettings('tables:\n  DeviceProcessEvents:\n    Image: [InitiatingProcessFolderPath\n', placeholders));
    expect(broken.preview.query).toContain('FolderPath endswith');
    expect(broken.preview.query).not.toContain('InitiatingProcessFolderPath');
  });

  it('a settings text over the limit applies nothing and says so', () => {
    const huge = `Image: X\n${'#'.repeat(MAX_SETTINGS_CHARS)}\n`;
    expect(ruleSettings(huge, '')).toEqual({});
    expect(readMappingText(huge).diagnostics.map((d) => d.code)).toEqual(['mapping-too-large']);
  });
});
