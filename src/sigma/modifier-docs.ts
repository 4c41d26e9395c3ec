/**
 * Documentation for the editor: hovers and completion items for value modifiers, top-level rule
 * keys, logsource keys and detection keys. Wording follows the Sigma specification v2.1
 * (rules specification and modifiers appendix); where siglab decides something the
 * specification leaves open (the regular expression engine), the detail says so.
 *
 * Plain text with Markdown code spans only: the app renders it as Markdown, with HTML disabled.
 */
import type { ModifierName } from './model.ts';

export type ModifierGroup = 'generic' | 'string' | 'regex' | 'encoding' | 'numeric' | 'time' | 'ip' | 'specific';

export interface ModifierDoc {
  /** One line, for completion lists. */
  summary: string;
  /** A paragraph or two, for hovers. */
  detail: string;
  /** A YAML detection item using the modifier. */
  example: string;
  /** The section of the modifiers appendix it belongs to. */
  group: ModifierGroup;
}

export const MODIFIER_DOCS: Readonly<Record<ModifierName, ModifierDoc>> = {
  contains: {
    group: 'generic',
    summary: 'The value may appear anywhere in the field.',
    detail:
      'Puts `*` wildcards around each value, so it matches anywhere in the field instead of the whole field. ' +
      'Matching stays case-insensitive unless `cased` is added. Combine with `all` to require every listed value.',
    example: "CommandLine|contains: ' -encodedcommand '",
  },
  startswith: {
    group: 'generic',
    summary: 'The field starts with the value.',
    detail: 'Appends a `*` wildcard to each value (replaces writing `value*`). Case-insensitive unless `cased` is added.',
    example: "Image|startswith: 'C:\\Users\\Public\\'",
  },
  endswith: {
    group: 'generic',
    summary: 'The field ends with the value.',
    detail: 'Prepends a `*` wildcard to each value (replaces writing `*value`). Case-insensitive unless `cased` is added.',
    example: "Image|endswith: '\\cmd.exe'",
  },
  all: {
    group: 'generic',
    summary: 'Every listed value must match (AND instead of OR).',
    detail:
      'A list of values normally means "any of them"; `all` changes that to "all of them", which is useful for command-line ' +
      'flags that may come in any order. The specification does not allow `all` on a single value. Without `contains`, ' +
      'several whole-value matches on the same field can rarely all hold at once.',
    example: "CommandLine|contains|all:\n    - ' -nop '\n    - ' -w hidden '",
  },
  exists: {
    group: 'generic',
    summary: 'The field is present (`true`) or absent (`false`).',
    detail:
      'Tests only whether the field exists in the event, not its value: an empty or null value still exists. ' +
      'The value must be the boolean `true` or `false`, and `exists` cannot be combined with other modifiers.',
    example: 'PasswordLastSet|exists: true',
  },
  cased: {
    group: 'generic',
    summary: 'Compare case-sensitively.',
    detail: 'Sigma compares strings case-insensitively by default; `cased` makes the comparison case-sensitive.',
    example: "CommandLine|contains|cased: 'MiniDump'",
  },
  neq: {
    group: 'generic',
    summary: 'The field is different from the value(s).',
    detail:
      'Holds when the field does not equal any of the listed values. Also applies to numbers, and can be combined ' +
      'with `fieldref` to compare two fields for inequality.',
    example: 'LogonType|neq: 3',
  },
  windash: {
    group: 'string',
    summary: 'Match command-line flags written with `-`, `/`, `–`, `—` or `―`.',
    detail:
      'Windows programs often accept `-flag` and `/flag` alike. `windash` expands each value into every permutation of ' +
      '`-`, `/`, `–` (en dash), `—` (em dash) and `―` (horizontal bar), so one value covers all spellings.',
    example: "CommandLine|windash|contains: ' -urlcache '",
  },
  re: {
    group: 'regex',
    summary: 'The value is a regular expression (case-sensitive by default).',
    detail:
      'The value is matched as a regular expression against the field; unlike plain values it is case-sensitive unless ' +
      'the `i` flag is added, and it is not anchored (use `^` and `$`). The specification allows a PCRE subset: `.`, ' +
      '`^`, `$`, `*`, `+`, `?`, `{n,m}`, character classes, alternation and groups. siglab runs it on RE2, a ' +
      'linear-time engine that is also the flavour of KQL `matches regex`, so back-references and look-around are ' +
      'reported as errors. Flags follow as modifiers: `re|i`, `re|m`, `re|s`.',
    example: "CommandLine|re: '\\s-[eE][nN][cC]\\s'",
  },
  i: {
    group: 'regex',
    summary: 'Regex flag: case-insensitive matching.',
    detail: 'Sub-modifier of `re`: makes the regular expression case-insensitive. Only valid after `re`.',
    example: "CommandLine|re|i: 'invoke-(expression|webrequest)'",
  },
  m: {
    group: 'regex',
    summary: 'Regex flag: `^` and `$` match at line breaks.',
    detail: 'Sub-modifier of `re` (multi-line): `^` and `$` match at the start and end of every line, not only of the whole value.',
    example: "ScriptBlockText|re|m: '^iex '",
  },
  s: {
    group: 'regex',
    summary: 'Regex flag: `.` also matches newlines.',
    detail: 'Sub-modifier of `re` (single-line, "dot all"): `.` matches every character including the newline.',
    example: "ScriptBlockText|re|s: 'FromBase64String.*Invoke'",
  },
  base64: {
    group: 'encoding',
    summary: 'Match the Base64 encoding of the value.',
    detail:
      'The value is Base64-encoded before matching, for fields that hold encoded data. Wildcards cannot be used, since ' +
      'they would be encoded too. When the value may sit anywhere inside a longer encoded string, use `base64offset`.',
    example: "CommandLine|base64: 'http://'",
  },
  base64offset: {
    group: 'encoding',
    summary: 'Match the value inside a longer Base64 string, at any offset.',
    detail:
      'Base64 encodes 3 bytes at a time, so the encoded form of a value depends on its position in the whole string. ' +
      '`base64offset` produces the three variants (shifts by zero, one and two bytes), each reduced to the part that ' +
      'stays the same whatever surrounds it. Usually combined with `contains`.',
    example: "CommandLine|base64offset|contains: 'IEX ('",
  },
  wide: {
    group: 'encoding',
    summary: 'Alias of `utf16le`.',
    detail: 'Encodes the value as UTF-16 little-endian (`cmd` → `63 00 6d 00 64 00`), typically before `base64` or `base64offset`.',
    example: "CommandLine|wide|base64offset|contains: 'ping'",
  },
  utf16le: {
    group: 'encoding',
    summary: 'Encode the value as UTF-16 little-endian.',
    detail: 'Transforms the value to UTF-16LE (`cmd` → `63 00 6d 00 64 00`), as PowerShell `-EncodedCommand` uses before Base64.',
    example: "CommandLine|utf16le|base64offset|contains: 'Invoke-'",
  },
  utf16be: {
    group: 'encoding',
    summary: 'Encode the value as UTF-16 big-endian.',
    detail: 'Transforms the value to UTF-16BE (`cmd` → `00 63 00 6d 00 64`).',
    example: "Payload|utf16be|base64offset|contains: 'cmd'",
  },
  utf16: {
    group: 'encoding',
    summary: 'Encode as UTF-16 with a byte order mark.',
    detail: 'Prepends the byte order mark and encodes as UTF-16 (`cmd` → `FF FE 63 00 6d 00 64 00`).',
    example: "Payload|utf16|base64: 'cmd'",
  },
  cidr: {
    group: 'ip',
    summary: 'The field is an IP address inside the network range.',
    detail:
      'The value is a CIDR network, IPv4 (`10.0.0.0/8`) or IPv6 (`fc00::/7`); the field matches when its address lies ' +
      'in the range. A list of ranges means any of them.',
    example: "DestinationIp|cidr:\n    - '10.0.0.0/8'\n    - 'fe80::/10'",
  },
  lt: {
    group: 'numeric',
    summary: 'The field is less than the number.',
    detail: 'Numeric comparison: the field value, read as a number, is strictly less than the value.',
    example: 'DestinationPort|lt: 1024',
  },
  lte: {
    group: 'numeric',
    summary: 'The field is less than or equal to the number.',
    detail: 'Numeric comparison: the field value, read as a number, is less than or equal to the value.',
    example: 'LogonType|lte: 3',
  },
  gt: {
    group: 'numeric',
    summary: 'The field is greater than the number.',
    detail: 'Numeric comparison: the field value, read as a number, is strictly greater than the value.',
    example: 'FileSize|gt: 10000000',
  },
  gte: {
    group: 'numeric',
    summary: 'The field is greater than or equal to the number.',
    detail: 'Numeric comparison: the field value, read as a number, is greater than or equal to the value.',
    example: 'DestinationPort|gte: 49152',
  },
  minute: {
    group: 'time',
    summary: 'The minute (0-59) of a timestamp field equals the number.',
    detail: 'Extracts the minute from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|minute: 0',
  },
  hour: {
    group: 'time',
    summary: 'The hour (0-23) of a timestamp field equals the number.',
    detail: 'Extracts the hour from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|hour:\n    - 1\n    - 2\n    - 3',
  },
  day: {
    group: 'time',
    summary: 'The day of the month (1-31) of a timestamp field equals the number.',
    detail: 'Extracts the day of the month from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|day: 1',
  },
  week: {
    group: 'time',
    summary: 'The week of the year (1-52) of a timestamp field equals the number.',
    detail: 'Extracts the week of the year from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|week: 52',
  },
  month: {
    group: 'time',
    summary: 'The month (1-12) of a timestamp field equals the number.',
    detail: 'Extracts the month from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|month: 12',
  },
  year: {
    group: 'time',
    summary: 'The year of a timestamp field equals the number.',
    detail: 'Extracts the year from a date value and compares it with the number. No time zone or format conversion is done.',
    example: 'UtcTime|year: 2024',
  },
  expand: {
    group: 'specific',
    summary: 'Expand `%placeholders%` in the value.',
    detail:
      'Placeholders such as `%Administrators%` or `%DomainControllers%` are replaced at conversion or matching time ' +
      '(siglab takes their values from the placeholders you supply). Without `expand`, `%name%` is literal text; ' +
      'a literal percent sign is written `\\%`. A rule whose placeholder has no value is rejected, never silently ' +
      'non-matching.',
    example: "TargetUserName|expand: '%Administrators%'",
  },
  fieldref: {
    group: 'specific',
    summary: 'Compare with the value of another field of the same event.',
    detail:
      'The value is the name of another field; the item holds when both fields are equal. Can be combined with ' +
      '`neq` (fields differ) and with `contains`, `startswith` or `endswith`.',
    example: 'TargetUserName|fieldref: SubjectUserName',
  },
};

export interface KeyDoc {
  summary: string;
  detail: string;
  /** Whether the specification requires the key. */
  required: boolean;
  /** The allowed values, when the specification fixes them. */
  values?: readonly string[];
  example: string;
}

/** The keys of a Sigma detection rule document. */
export const TOP_LEVEL_FIELD_DOCS: Readonly<Record<string, KeyDoc>> = {
  title: {
    required: true,
    summary: 'A brief title saying what the rule detects (at most 256 characters).',
    detail: 'Mandatory. Should say what the rule is supposed to detect, in a few words.',
    example: 'title: Whoami Execution',
  },
  id: {
    required: false,
    summary: 'A globally unique identifier: a random UUID (version 4).',
    detail:
      'Identifies the rule across repositories and tools. Give a rule a new id after a major change of its logic, when ' +
      'deriving a rule that stays active beside the original, or when merging rules; link the old ones with `related`.',
    example: 'id: 929a690e-bef0-4204-a928-ef5e620d6fcc',
  },
  name: {
    required: false,
    summary: 'A unique human-readable name, usable instead of the id in correlation rules.',
    detail: 'Optional. Lets correlation rules refer to this rule by a readable name.',
    example: 'name: failed_logon',
  },
  related: {
    required: false,
    summary: 'Links to related rules by id, each with a relationship type.',
    detail:
      'A list of `id` and `type` pairs. Types: `derived` (derived from the referred rule, which may stay active), ' +
      '`obsolete` (this rule replaces it), `merged` (merged from the referred rules), `renamed` (the rule used to have ' +
      'that id), `similar` (similar detection, e.g. another log source).',
    values: ['derived', 'obsolete', 'merged', 'renamed', 'similar'],
    example: 'related:\n    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9\n      type: derived',
  },
  taxonomy: {
    required: false,
    summary: 'The taxonomy of field and log source names; `sigma` by default.',
    detail: 'Another taxonomy (for example one with `process_command_line` instead of `CommandLine`) must be handled by the tool.',
    example: 'taxonomy: sigma',
  },
  status: {
    required: false,
    summary: 'Maturity of the rule.',
    detail:
      '`stable`: may be used in production. `test`: mostly stable, may need slight tuning. `experimental`: may be noisy. ' +
      '`deprecated`: replaced by another rule (see `related`). `unsupported`: cannot be used as it is.',
    values: ['stable', 'test', 'experimental', 'deprecated', 'unsupported'],
    example: 'status: test',
  },
  description: {
    required: false,
    summary: 'What the rule detects and why it is suspicious (at most 65,535 characters).',
    detail: 'A short and accurate description of the malicious or suspicious activity the rule detects.',
    example: 'description: Detects the execution of whoami, often used by attackers after gaining access',
  },
  license: {
    required: false,
    summary: 'The licence of the rule, as an SPDX identifier.',
    detail: 'An SPDX licence identifier such as `DRL-1.1` or `MIT`.',
    example: 'license: DRL-1.1',
  },
  author: {
    required: false,
    summary: 'Who wrote the rule; several authors separated by commas.',
    detail: 'A name, nickname or handle; several authors are separated by commas.',
    example: 'author: Florian Roth (Nextron Systems)',
  },
  references: {
    required: false,
    summary: 'Sources the rule was derived from (articles, papers, talks).',
    detail: 'A list of URLs or citations that the rule is based on.',
    example: 'references:\n    - https://attack.mitre.org/techniques/T1033/',
  },
  date: {
    required: false,
    summary: 'Creation date, `YYYY-MM-DD`.',
    detail: 'The date the rule was created, in ISO 8601 format with separators.',
    example: 'date: 2019-10-23',
  },
  modified: {
    required: false,
    summary: 'Last modification date, `YYYY-MM-DD`.',
    detail: 'Update it when the title, detection, level or log source changes, or when the status becomes `deprecated`.',
    example: 'modified: 2024-03-11',
  },
  logsource: {
    required: true,
    summary: 'Which log data the rule applies to: `category`, `product`, `service`.',
    detail:
      'Mandatory. `category` selects a logical group of logs (process_creation, webserver), `product` a product or ' +
      'operating system (windows, aws), `service` a subset (security, sshd). Values are lowercase, `_` for spaces; ' +
      'they can be used alone or together. `definition` explains requirements to the reader.',
    example: 'logsource:\n    category: process_creation\n    product: windows',
  },
  detection: {
    required: true,
    summary: 'Search identifiers and the `condition` that combines them.',
    detail:
      'Mandatory. Each search identifier is a map (all field items must match), a list of maps (any map), or a list ' +
      'of keywords (searched in the whole event). `condition` combines them with `and`, `or`, `not`, parentheses and ' +
      '`1 of` / `all of` patterns.',
    example: "detection:\n    selection:\n        Image|endswith: '\\whoami.exe'\n    condition: selection",
  },
  fields: {
    required: false,
    summary: 'Log fields worth showing to the analyst.',
    detail: 'A list of fields that are interesting for further analysis of a matching event.',
    example: 'fields:\n    - CommandLine\n    - ParentImage',
  },
  falsepositives: {
    required: false,
    summary: 'Known false positives.',
    detail: 'A list of known benign causes of matches.',
    example: 'falsepositives:\n    - Administrative activity',
  },
  level: {
    required: false,
    summary: 'Criticality of a match.',
    detail:
      '`informational`: enrichment only, no alert. `low`: notable, rarely an incident. `medium`: review regularly. ' +
      '`high`: alert, review promptly. `critical`: indicates an incident, review immediately.',
    values: ['informational', 'low', 'medium', 'high', 'critical'],
    example: 'level: high',
  },
  tags: {
    required: false,
    summary: 'Namespaced tags such as `attack.t1033` or `attack.discovery`.',
    detail:
      'Lowercase letters, digits, `_` and `-`, no spaces, namespaces separated by dots (`attack.t1059.001`, ' +
      '`cve.2021-44228`, `detection.threat-hunting`).',
    example: 'tags:\n    - attack.discovery\n    - attack.t1033',
  },
  scope: {
    required: false,
    summary: 'Kinds of systems the rule is meant for (e.g. `server`).',
    detail: 'A list of intended scopes, e.g. a rule for a registry key that only exists on Windows Server has scope `server`.',
    example: 'scope:\n    - server',
  },
};

/** The keys of `logsource`. */
export const LOGSOURCE_FIELD_DOCS: Readonly<Record<string, KeyDoc>> = {
  category: {
    required: false,
    summary: 'A logical group of logs, independent of the product (process_creation, webserver, antivirus).',
    detail: 'Lets one rule cover several sources: `process_creation` on Windows is Sysmon EventID 1 or Security EventID 4688.',
    example: 'category: process_creation',
  },
  product: {
    required: false,
    summary: 'The product or operating system that writes the logs (windows, linux, aws).',
    detail: '`windows` covers Security, System, Application and every other Windows channel.',
    example: 'product: windows',
  },
  service: {
    required: false,
    summary: 'A specific subset of the product\'s logs (security, sysmon, sshd, cloudtrail).',
    detail: 'On Windows a service is an event log channel: `security` is the Security log, `powershell` is Microsoft-Windows-PowerShell/Operational.',
    example: 'service: security',
  },
  definition: {
    required: false,
    summary: 'Free text for the reader: what must be configured to get these events.',
    detail: 'Not evaluated by tools; describes the required log verbosity or configuration.',
    example: "definition: 'Requirements: Audit Policy : Detailed Tracking > Audit Process creation'",
  },
};

/** The reserved keys inside `detection`. */
export const DETECTION_KEY_DOCS: Readonly<Record<string, KeyDoc>> = {
  condition: {
    required: true,
    summary: 'How the search identifiers combine: `and`, `or`, `not`, `( )`, `1 of x*`, `all of x*`.',
    detail:
      'Precedence from least to most binding: `or`, `and`, `not`, `x of`, parentheses. `1 of selection_*` (or ' +
      '`any of`) needs one matching identifier, `all of` all of them; `them` means every identifier not starting ' +
      'with `_`. A list of conditions means any of them.',
    example: 'condition: selection and not 1 of filter_*',
  },
  timeframe: {
    required: false,
    summary: 'Time window for Sigma v1 aggregations (deprecated; use correlation rules).',
    detail: 'Used by the old `| count()` syntax. Sigma v2 moves aggregation into correlation rules, which have their own `timespan`.',
    example: 'timeframe: 5m',
  },
};
