/**
 * Sysmon writes registry paths with abbreviated hives (`HKLM\...`, `HKU\<SID>\...`, `HKCR\...`)
 * and, for value events, as `key\valueName` in one field (TargetObject). Defender and ASIM
 * write the hives in full (`HKEY_LOCAL_MACHINE\...`, `HKEY_CURRENT_USER\<SID>\...`,
 * `HKEY_USERS\...`) and keep the value name in its own column. These expressions rebuild
 * Sysmon's form, so a Sigma value such as `HKLM\SOFTWARE\...\Run\evil` compares as written.
 * The compiler `extend`s an expression once per query, so its length costs nothing per value.
 */

export interface HiveOptions {
  /**
   * ASIM's Sysmon parsers turn Sysmon's `HKCR\` into `HKEY_LOCAL_MACHINE\Classes\`; map that
   * back to `HKCR\` too.
   */
  classesUnderLocalMachine?: boolean;
}

/** `key` with its hive abbreviated the way Sysmon writes it. */
export function sysmonRegistryKey(key: string, options: HiveOptions = {}): string {
  const hive = (expr: string, full: string, short: string) => `replace_regex(${expr}, @"(?i)^${full}(\\\\|$)", @"${short}\\1")`;
  let e = key;
  if (options.classesUnderLocalMachine) e = hive(e, 'HKEY_LOCAL_MACHINE\\\\Classes', 'HKCR');
  return hive(hive(hive(e, 'HKEY_LOCAL_MACHINE', 'HKLM'), 'HKEY_(?:USERS|CURRENT_USER)', 'HKU'), 'HKEY_CLASSES_ROOT', 'HKCR');
}

/** Sysmon's TargetObject: the key, plus `\valueName` when the event names a value. */
export function sysmonTargetObject(keyColumn: string, valueNameColumn: string, options: HiveOptions = {}): string {
  return `strcat(${sysmonRegistryKey(keyColumn, options)}, iff(isempty(${valueNameColumn}), "", strcat("\\\\", ${valueNameColumn})))`;
}

/**
 * Sysmon's Details for registry value data: numbers as `DWORD (0x0000002a)` and
 * `QWORD (0x<high>-0x<low>)`, binary data as `Binary Data`, strings as they are. Defender keeps
 * the type in RegistryValueType (`Dword`, `Qword`, `Binary`, `String`, ...) and numbers in decimal.
 */
export function sysmonRegistryDetails(typeColumn: string, dataColumn: string): string {
  const n = `tolong(${dataColumn})`;
  return (
    `case(${typeColumn} =~ "Dword", strcat("DWORD (0x", tohex(${n}, 8), ")"), ` +
    `${typeColumn} =~ "Qword", strcat("QWORD (0x", tohex(binary_shift_right(${n}, 32), 8), "-0x", tohex(binary_and(${n}, 4294967295), 8), ")"), ` +
    `${typeColumn} =~ "Binary", "Binary Data", ` +
    `${dataColumn})`
  );
}
