/**
 * Completion in the field-mapping editor: after `Field: ` the columns of the table the entry is
 * for (its `tables:` section, or else the table the rule queries on the selected target), with
 * their KQL types; at a key, the rule's own field names, the target's tables under `tables:`, and
 * `fields` / `tables` at the top. Writing a mapping means knowing both sides; this shows both.
 */
import { monaco } from './setup.ts';
import { mappingModel } from './settings-models.ts';
import { ruleItems } from './sigma-features.ts';
import { useStore } from '../state/store.ts';
import { getTarget } from '../../src/index.ts';

const indentOf = (line: string): number => line.length - line.trimStart().length;
const keyOf = (line: string): string | undefined => /^\s*([^\s#:][^:#]*?)\s*:/.exec(line)?.[1]?.replace(/^['"]|['"]$/g, '');

/** The keys enclosing `lineNumber`, outermost first (by indentation, as YAML nests). */
function parents(model: monaco.editor.ITextModel, lineNumber: number, indent: number): string[] {
  const out: string[] = [];
  let limit = indent;
  for (let n = lineNumber - 1; n >= 1 && limit > 0; n--) {
    const line = model.getLineContent(n);
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const i = indentOf(line);
    if (i >= limit) continue;
    const key = keyOf(line);
    if (key !== undefined) out.unshift(key);
    limit = i;
  }
  return out;
}

let registered = false;
export function registerMappingCompletion(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider('yaml', {
    triggerCharacters: [' '],
    provideCompletionItems(model, position) {
      if (model !== mappingModel) return { suggestions: [] };
      const s = useStore.getState();
      const target = getTarget(s.targetId);
      if (!target) return { suggestions: [] };
      const line = model.getLineContent(position.lineNumber);
      const before = line.slice(0, position.column - 1);
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const K = monaco.languages.CompletionItemKind;
      const indent = indentOf(line);
      const path = parents(model, position.lineNumber, indent);
      const ruleTable = s.preview?.table;

      // A value: `Field: |` → columns.
      const tableKeyLine = path.length === 1 && path[0] === 'tables';
      if (/:\s+[\w.]*$/.test(before) && !/^\s*(fields|tables)\s*:/.test(before) && !tableKeyLine) {
        const table = path[0] === 'tables' && path[1] ? path[1] : ruleTable;
        const columns = table ? target.tables[table] : undefined;
        if (!columns) return { suggestions: [] };
        return {
          suggestions: Object.entries(columns).map(([name, type]) => ({ label: name, kind: K.Field, insertText: name, range, detail: `${type} · ${table}` })),
        };
      }
      if (before.includes(':')) return { suggestions: [] };

      // A key.
      if (tableKeyLine) {
        const names = Object.keys(target.tables).sort((a, b) => Number(b === ruleTable) - Number(a === ruleTable) || a.localeCompare(b));
        return {
          suggestions: names.map((t, i) => ({
            label: t,
            kind: K.Module,
            insertText: `${t}:\n${' '.repeat(indent + 2)}`,
            range,
            detail: t === ruleTable ? "this rule's table" : target.label,
            sortText: String(i).padStart(4, '0'),
          })),
        };
      }
      const fields = [...new Set(s.rule ? ruleItems(s.rule).flatMap((i) => (i.field ? [i.field] : [])) : [])];
      const suggestions: monaco.languages.CompletionItem[] = fields.map((f, i) => ({
        label: f,
        kind: K.Property,
        insertText: `${f}: `,
        range,
        detail: 'a field of this rule',
        sortText: `0${String(i).padStart(4, '0')}`,
        command: { id: 'editor.action.triggerSuggest', title: 'columns' },
      }));
      if (indent === 0) {
        suggestions.push(
          { label: 'fields', kind: K.Keyword, insertText: 'fields:\n  ', range, detail: 'mappings for any table', sortText: '1a' },
          { label: 'tables', kind: K.Keyword, insertText: 'tables:\n  ', range, detail: 'mappings for one table', sortText: '1b' },
        );
      }
      return { suggestions };
    },
  });
}
