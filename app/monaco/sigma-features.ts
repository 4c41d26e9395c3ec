/**
 * Sigma-aware editor features on top of monaco-yaml's schema support: completion of modifiers,
 * logsource values, field names and condition identifiers; hovers for modifiers (what they do,
 * and the KQL each target writes for the item) and condition identifiers (their body); quick
 * fixes from the core's diagnostics.
 */
import { monaco } from './setup.ts';
import { ruleModel } from './models.ts';
import { useStore } from '../state/store.ts';
import {
  LOGSOURCE_CATEGORIES,
  LOGSOURCE_PRODUCTS,
  LOGSOURCE_SERVICES,
  MODIFIERS,
  MODIFIER_DOCS,
  TARGETS,
  compileRule,
  fieldsForLogsource,
  getTarget,
  type FieldItem,
  type Selection,
  type SigmaRule,
} from '../../src/index.ts';

type Ctx =
  | { kind: 'modifier'; prefix: string }
  | { kind: 'logsource'; key: 'product' | 'category' | 'service' }
  | { kind: 'field' }
  | { kind: 'condition' }
  | { kind: 'none' };

const TOP_KEY = /^([A-Za-z_][\w-]*)\s*:/;

/** The top-level key whose block contains `line`, and the indentation of that block's children. */
function enclosingTopKey(model: monaco.editor.ITextModel, line: number): string | undefined {
  for (let l = line; l >= 1; l--) {
    const text = model.getLineContent(l);
    const m = TOP_KEY.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

function indentOf(s: string): number {
  return s.length - s.trimStart().length;
}

/** Whether `line` is the `condition:` entry of detection or a list item under it. */
function inCondition(model: monaco.editor.ITextModel, line: number, before: string): boolean {
  if (/^\s+condition\s*:/.test(before)) return true;
  if (!/^\s+-\s/.test(before)) return false;
  const ind = indentOf(before);
  for (let l = line - 1; l >= 1; l--) {
    const t = model.getLineContent(l);
    if (!t.trim()) continue;
    const i = indentOf(t);
    if (i < ind) return /^\s+condition\s*:\s*$/.test(t);
  }
  return false;
}

export function completionContext(model: monaco.editor.ITextModel, position: monaco.Position): Ctx {
  const before = model.getValueInRange({ startLineNumber: position.lineNumber, startColumn: 1, endLineNumber: position.lineNumber, endColumn: position.column });
  const top = enclosingTopKey(model, position.lineNumber);
  if (top === 'detection') {
    if (inCondition(model, position.lineNumber, before)) return { kind: 'condition' };
    // A key being typed: `    Image|ends` (inside a map or a list item), no colon yet.
    const key = /^\s*(?:-\s+)?([^\s:#'"]*)$/.exec(before);
    if (key && indentOf(before) > 0) {
      if (key[1].includes('|')) return { kind: 'modifier', prefix: key[1].slice(key[1].lastIndexOf('|') + 1) };
      // Identifiers sit one level under detection; fields deeper.
      if (indentOf(before) > detectionChildIndent(model, position.lineNumber) || /^\s*-\s/.test(before)) return { kind: 'field' };
    }
  }
  if (top === 'logsource') {
    const m = /^\s+(product|category|service)\s*:\s*[\w.-]*$/.exec(before);
    if (m) return { kind: 'logsource', key: m[1] as 'product' };
  }
  return { kind: 'none' };
}

function detectionChildIndent(model: monaco.editor.ITextModel, line: number): number {
  let start = line;
  for (; start >= 1; start--) if (/^detection\s*:/.test(model.getLineContent(start))) break;
  for (let l = start + 1; l <= model.getLineCount(); l++) {
    const t = model.getLineContent(l);
    if (t.trim() && !t.trimStart().startsWith('#')) return indentOf(t);
  }
  return 4;
}

/** Identifier names: from the parsed rule when there is one, else scanned from the text. */
function identifierNames(model: monaco.editor.ITextModel, rule: SigmaRule | undefined): string[] {
  if (rule && rule.detection.identifiers.size) return [...rule.detection.identifiers.keys()];
  const names: string[] = [];
  let inDetection = false;
  let childIndent = -1;
  for (let l = 1; l <= model.getLineCount(); l++) {
    const t = model.getLineContent(l);
    if (TOP_KEY.test(t)) {
      inDetection = /^detection\s*:/.test(t);
      continue;
    }
    if (!inDetection || !t.trim()) continue;
    const ind = indentOf(t);
    if (childIndent < 0) childIndent = ind;
    const m = /^\s*([^\s:#|]+)\s*:/.exec(t);
    if (ind === childIndent && m && m[1] !== 'condition' && m[1] !== 'timeframe') names.push(m[1]);
  }
  return names;
}

function modifierDoc(name: string, long = false): string {
  const doc = MODIFIER_DOCS[name as keyof typeof MODIFIER_DOCS];
  if (!doc) return '';
  return long ? `${doc.detail}\n\n\`\`\`yaml\n${doc.example}\n\`\`\`` : `${doc.summary}\n\n\`\`\`yaml\n${doc.example}\n\`\`\``;
}

function walkItems(sel: Selection, out: FieldItem[]): void {
  for (const x of sel.items) {
    if (x.kind === 'item') out.push(x);
    else walkItems(x, out);
  }
}

export function ruleItems(rule: SigmaRule): FieldItem[] {
  const out: FieldItem[] = [];
  for (const id of rule.detection.identifiers.values()) walkItems(id.selection, out);
  return out;
}

/** The KQL each target writes for one field item, from the compiler's source map. */
export function itemKqlPerTarget(rule: SigmaRule, item: FieldItem): Array<{ id: string; label: string; kql: string }> {
  const out: Array<{ id: string; label: string; kql: string }> = [];
  for (const { id } of TARGETS) {
    const r = compileRule(rule, id, { validate: false, header: false });
    const spans = r.sourceMap.filter((s) => s.range.start >= item.range.start && s.range.end <= item.range.end);
    // The outermost span inside the item is the item's whole expression.
    spans.sort((a, b) => b.end - b.start - (a.end - a.start));
    const span = spans[0];
    const kql = span ? r.query.slice(span.start, span.end) : r.diagnostics.find((d) => d.severity === 'error')?.message ?? '(not expressible)';
    out.push({ id, label: getTarget(id)?.label ?? id, kql: kql.length > 400 ? kql.slice(0, 400) + ' …' : kql });
  }
  return out;
}

let registered = false;
export function registerSigmaFeatures(): void {
  if (registered) return;
  registered = true;

  monaco.languages.registerCompletionItemProvider('yaml', {
    triggerCharacters: ['|', ' ', ':'],
    provideCompletionItems(model, position) {
      if (model !== ruleModel) return { suggestions: [] };
      const ctx = completionContext(model, position);
      const word = model.getWordUntilPosition(position);
      const range = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
      const s = useStore.getState();
      const K = monaco.languages.CompletionItemKind;
      switch (ctx.kind) {
        case 'modifier': {
          const r = new monaco.Range(position.lineNumber, position.column - ctx.prefix.length, position.lineNumber, position.column);
          return {
            suggestions: MODIFIERS.map((m, i) => ({
              label: m,
              kind: K.Function,
              insertText: m,
              range: r,
              detail: 'Sigma modifier',
              documentation: { value: modifierDoc(m) },
              sortText: String(i).padStart(3, '0'),
            })),
          };
        }
        case 'logsource': {
          const values = ctx.key === 'product' ? LOGSOURCE_PRODUCTS : ctx.key === 'category' ? LOGSOURCE_CATEGORIES : LOGSOURCE_SERVICES;
          return { suggestions: values.map((v, i) => ({ label: v, kind: K.EnumMember, insertText: v, range, detail: `logsource ${ctx.key}`, sortText: String(i).padStart(4, '0') })) };
        }
        case 'field': {
          const rule = s.rule;
          const fromTaxonomy = rule ? fieldsForLogsource(rule.logsource) : [];
          const fromEvents = (s.load?.fieldPaths ?? []).map((p) => p.path);
          const seen = new Set<string>();
          const suggestions: monaco.languages.CompletionItem[] = [];
          fromEvents.forEach((f, i) => {
            if (seen.has(f)) return;
            seen.add(f);
            const sample = s.load?.fieldPaths[i]?.sample;
            suggestions.push({ label: f, kind: K.Field, insertText: f, range, detail: 'in the pasted events', documentation: sample ? `e.g. ${sample}` : undefined, sortText: `0${String(i).padStart(5, '0')}` });
          });
          fromTaxonomy.forEach((f, i) => {
            if (seen.has(f)) return;
            seen.add(f);
            suggestions.push({ label: f, kind: K.Property, insertText: f, range, detail: `used by SigmaHQ rules for this logsource`, sortText: `1${String(i).padStart(5, '0')}` });
          });
          return { suggestions };
        }
        case 'condition': {
          const names = identifierNames(model, s.rule);
          const prefixes = [...new Set(names.filter((n) => n.includes('_')).map((n) => n.slice(0, n.indexOf('_') + 1) + '*'))];
          const kw = ['and', 'or', 'not', '1 of ', 'all of ', 'them'];
          return {
            suggestions: [
              ...names.map((n, i) => ({ label: n, kind: K.Variable, insertText: n, range, detail: 'search identifier', sortText: `0${i}` })),
              ...prefixes.map((p) => ({ label: p, kind: K.Reference, insertText: p, range, detail: `${names.filter((n) => n.startsWith(p.slice(0, -1))).length} identifiers`, sortText: '1' + p })),
              ...kw.map((k) => ({ label: k.trim(), kind: K.Keyword, insertText: k, range, sortText: '2' + k })),
            ],
          };
        }
        default:
          return { suggestions: [] };
      }
    },
  });

  monaco.languages.registerHoverProvider('yaml', {
    provideHover(model, position) {
      if (model !== ruleModel) return null;
      const rule = useStore.getState().rule;
      if (!rule) return null;
      const offset = model.getOffsetAt(position);
      // A modifier in a field key.
      for (const item of ruleItems(rule)) {
        const mod = item.modifiers.find((m) => m.range.start <= offset && offset <= m.range.end);
        if (!mod) continue;
        const per = itemKqlPerTarget(rule, item);
        const md = [
          `**\`|${mod.name}\`** — Sigma modifier`,
          modifierDoc(mod.name, true),
          `**How each target writes \`${item.field ?? 'keywords'}${item.modifiers.map((m) => '|' + m.name).join('')}\`:**`,
          ...per.map((p) => `*${p.label}*\n\n\`\`\`kql\n${p.kql}\n\`\`\``),
        ].filter(Boolean);
        return {
          range: new monaco.Range(mod.range.startLine, mod.range.startColumn, mod.range.endLine, mod.range.endColumn),
          contents: md.map((value) => ({ value })),
        };
      }
      // An identifier in the condition.
      for (const cond of rule.detection.conditions) {
        if (offset < cond.range.start || offset > cond.range.end) continue;
        const word = model.getWordAtPosition(position);
        if (!word) return null;
        const wordRange = new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, word.endColumn);
        const full = model.getValueInRange(new monaco.Range(position.lineNumber, word.startColumn, position.lineNumber, model.getLineMaxColumn(position.lineNumber)));
        const name = /^[\w.*-]+/.exec(full)?.[0] ?? word.word;
        const matching = name.includes('*')
          ? [...rule.detection.identifiers.values()].filter((i) => new RegExp('^' + name.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$').test(i.name))
          : [rule.detection.identifiers.get(name)].filter((x) => x !== undefined);
        if (!matching.length) return null;
        const body = matching
          .slice(0, 6)
          .map((i) => model.getValueInRange(new monaco.Range(i.keyRange.startLine, 1, i.range.endLine, i.range.endColumn)).replace(/\s+$/, ''))
          .join('\n');
        return {
          range: wordRange,
          contents: [{ value: `**${name}** — ${matching.length > 1 ? `${matching.length} search identifiers` : 'search identifier'}` }, { value: '```yaml\n' + body + '\n```' }],
        };
      }
      return null;
    },
  });

  monaco.languages.registerCodeActionProvider('yaml', {
    provideCodeActions(model, range, context) {
      if (model !== ruleModel) return { actions: [], dispose() {} };
      const diags = useStore.getState().ruleDiagnostics;
      const actions: monaco.languages.CodeAction[] = [];
      for (const marker of context.markers) {
        if (marker.source !== 'siglab') continue;
        const d = diags.find((x) => x.code === (typeof marker.code === 'string' ? marker.code : marker.code?.value) && x.range?.startLine === marker.startLineNumber && x.range?.startColumn === marker.startColumn);
        for (const fix of d?.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: 'quickfix',
            diagnostics: [marker],
            isPreferred: true,
            edit: {
              edits: [
                {
                  resource: model.uri,
                  versionId: model.getVersionId(),
                  textEdit: { range: new monaco.Range(fix.range.startLine, fix.range.startColumn, fix.range.endLine, fix.range.endColumn), text: fix.text },
                },
              ],
            },
          });
        }
      }
      void range;
      return { actions, dispose() {} };
    },
  });
}
