/**
 * KQL syntax highlighting for the read-only preview: a Monarch grammar covering what the siglab
 * compiler emits plus common hand-written KQL (tabular operators, string operators, functions,
 * verbatim and obfuscated string literals, comments).
 */
import type * as Monaco from 'monaco-editor/editor';

export const KQL_LANGUAGE_ID = 'kql';

const TABULAR_OPERATORS = [
  'where', 'project', 'project-away', 'project-rename', 'project-reorder', 'extend', 'summarize', 'by',
  'take', 'limit', 'top', 'sort', 'order', 'asc', 'desc', 'join', 'kind', 'on', 'union', 'let', 'lookup',
  'mv-expand', 'mv-apply', 'parse', 'parse-where', 'distinct', 'count', 'render', 'as', 'invoke',
  'materialize', 'datatable', 'print', 'range', 'search', 'evaluate', 'with', 'nulls', 'first', 'last',
];

const STRING_OPERATORS = [
  'and', 'or', 'not', 'in', 'in~', '!in', '!in~', 'has', '!has', 'has_cs', '!has_cs', 'has_any', 'has_all',
  'hasprefix', 'hasprefix_cs', 'hassuffix', 'hassuffix_cs', 'contains', '!contains', 'contains_cs',
  '!contains_cs', 'startswith', '!startswith', 'startswith_cs', '!startswith_cs', 'endswith',
  '!endswith', 'endswith_cs', '!endswith_cs', 'matches', 'regex', 'between', '!between', 'has_ipv4',
  'has_ipv4_prefix', 'has_any_ipv4', 'has_any_ipv4_prefix',
];

const CONSTANTS = ['true', 'false', 'null', 'dynamic', 'bool', 'int', 'long', 'real', 'double', 'string', 'datetime', 'timespan', 'guid', 'decimal'];

export function registerKqlLanguage(monaco: typeof Monaco): void {
  monaco.languages.register({ id: KQL_LANGUAGE_ID, extensions: ['.kql', '.csl'], aliases: ['KQL', 'Kusto'] });
  monaco.languages.setLanguageConfiguration(KQL_LANGUAGE_ID, {
    comments: { lineComment: '//' },
    brackets: [['(', ')'], ['[', ']'], ['{', '}']],
    autoClosingPairs: [{ open: '(', close: ')' }, { open: '[', close: ']' }, { open: '"', close: '"' }, { open: "'", close: "'" }],
  });
  monaco.languages.setMonarchTokensProvider(KQL_LANGUAGE_ID, {
    ignoreCase: false,
    tabular: TABULAR_OPERATORS,
    stringOperators: STRING_OPERATORS,
    constants: CONSTANTS,
    tokenizer: {
      root: [
        [/\/\/.*$/, 'comment'],
        [/\|/, 'delimiter.pipe'],
        // Verbatim (@"..."), hidden (h"...") and combined string literals.
        [/[hH]?@"/, { token: 'string', next: '@verbatimDouble' }],
        [/[hH]?@'/, { token: 'string', next: '@verbatimSingle' }],
        [/[hH]?"/, { token: 'string', next: '@stringDouble' }],
        [/[hH]?'/, { token: 'string', next: '@stringSingle' }],
        [/!(?:in~?|has(?:_cs)?|contains(?:_cs)?|startswith(?:_cs)?|endswith(?:_cs)?|between)\b/, 'keyword.operator'],
        [/in~/, 'keyword.operator'],
        [/\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?:d|h|m|s|ms|microsecond|tick)?\b/, 'number'],
        [/[a-zA-Z_][\w-]*(?=\s*\()/, {
          cases: { '@constants': 'type', '@default': 'predefined' },
        }],
        [/[a-zA-Z_][\w]*(?:-[a-z]+)?/, {
          cases: {
            '@tabular': 'keyword',
            '@stringOperators': 'keyword.operator',
            '@constants': 'constant',
            '@default': 'identifier',
          },
        }],
        [/\[\s*'[^']*'\s*\]|\[\s*"[^"]*"\s*\]/, 'identifier.quoted'],
        [/==|!=|=~|!~|<=|>=|<|>|=/, 'operator'],
        [/[()[\]{}]/, '@brackets'],
        [/[,;.]/, 'delimiter'],
        [/\s+/, 'white'],
      ],
      verbatimDouble: [[/""/, 'string.escape'], [/"/, { token: 'string', next: '@pop' }], [/[^"]+/, 'string']],
      verbatimSingle: [[/''/, 'string.escape'], [/'/, { token: 'string', next: '@pop' }], [/[^']+/, 'string']],
      stringDouble: [[/\\./, 'string.escape'], [/"/, { token: 'string', next: '@pop' }], [/[^"\\]+/, 'string']],
      stringSingle: [[/\\./, 'string.escape'], [/'/, { token: 'string', next: '@pop' }], [/[^'\\]+/, 'string']],
    },
  } as Monaco.languages.IMonarchLanguage);
}
