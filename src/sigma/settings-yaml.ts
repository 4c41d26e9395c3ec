/**
 * One small YAML settings document (a field mapping, placeholder values), read with the same
 * guards as rules (yaml-guards.ts): absurd nesting and alias bombs are refused before anything
 * expands them, since these texts also arrive in share links from someone else. Positions stay
 * on the nodes, so every finding in a settings text can name its line.
 */
import { Composer, isAlias, isScalar, Parser, type Document, type Node, type Pair } from 'yaml';
import { LineIndex, type Diagnostic, type SourceRange } from '../diagnostics.ts';
import { AliasTable, findExcessiveFlowNesting, findExcessiveNesting, MAX_ALIAS_EXPANSION, MAX_YAML_DEPTH } from './yaml-guards.ts';

export interface SettingsYaml {
  /** The document's top node (an alias already resolved); null for an empty or unusable text. */
  root: Node | null;
  /** Syntax errors and guard refusals; when any is an error, `root` is null. */
  diagnostics: Diagnostic[];
  lines: LineIndex;
  /** The node an alias names (or the node itself); null when it names nothing. */
  deref(node: unknown): Node | null;
  /** Where a node is; the start of the text when the node has no position. */
  range(node: unknown): SourceRange;
  /** A map key as text (`4688:` reads as `4688`), or undefined when the key is not a scalar. */
  keyText(pair: Pair): string | undefined;
}

export interface SettingsYamlOptions {
  /**
   * Texts longer than this are not read (an error says so): the playground reads these texts on
   * its main thread, and a link from someone else may carry megabytes. The CLI sets no limit.
   */
  maxChars?: number;
}

/**
 * Parses `text` as one YAML document. `prefix` names the codes (`mapping-yaml-syntax`,
 * `placeholders-too-deep`, ...) and `what` the text in messages ("the field mapping").
 */
export function parseSettingsYaml(text: string, prefix: string, what: string, options: SettingsYamlOptions = {}): SettingsYaml {
  const lines = new LineIndex(text);
  const diagnostics: Diagnostic[] = [];
  let aliases: AliasTable | null = null;
  const deref = (node: unknown): Node | null => {
    if (isAlias(node)) return (aliases?.bomb ? null : (aliases?.resolve(node) ?? null)) as Node | null;
    return (node ?? null) as Node | null;
  };
  const range = (node: unknown): SourceRange => {
    const r = (node as { range?: [number, number, number] | null } | null)?.range;
    return r ? lines.range(r[0], r[1]) : lines.range(0, 0);
  };
  const keyText = (pair: Pair): string | undefined => {
    const k = deref(pair.key);
    if (!isScalar(k) || k.value === null || typeof k.value === 'object') return undefined;
    return typeof k.value === 'string' ? k.value : (k.source ?? String(k.value));
  };
  const result = (root: Node | null): SettingsYaml => ({ root, diagnostics, lines, deref, range, keyText });

  if (options.maxChars !== undefined && text.length > options.maxChars) {
    diagnostics.push({
      code: `${prefix}-too-large`,
      severity: 'error',
      message: `${what} is ${Math.round(text.length / 1000).toLocaleString('en-US')} KB; siglab reads up to ${Math.round(options.maxChars / 1000).toLocaleString('en-US')} KB here, so none of it applies`,
      range: lines.range(0, 0),
    });
    return result(null);
  }

  const tooDeepFlow = findExcessiveFlowNesting(text);
  const tokens = tooDeepFlow ? [] : Array.from(new Parser().parse(text));
  const tooDeep = tooDeepFlow ?? findExcessiveNesting(tokens);
  if (tooDeep) {
    diagnostics.push({
      code: `${prefix}-too-deep`,
      severity: 'error',
      message: `YAML nested more than ${MAX_YAML_DEPTH} levels deep here; ${what} is a map a few levels deep`,
      range: lines.range(tooDeep.offset, tooDeep.offset + 1),
    });
    return result(null);
  }
  const docs = Array.from(new Composer({ prettyErrors: false, uniqueKeys: true, strict: true }).compose(tokens) as Iterable<Document.Parsed>);
  aliases = new AliasTable(docs);
  for (const doc of docs) {
    for (const e of doc.errors) {
      const message = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      diagnostics.push({ code: `${prefix}-yaml-syntax`, severity: 'error', message: `YAML: ${message}`, range: lines.range(e.pos[0], e.pos[1]) });
    }
  }
  if (aliases.bomb) {
    diagnostics.push({
      code: `${prefix}-alias-limit`,
      severity: 'error',
      message: `YAML aliases would expand ${what} by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values (an alias bomb); no alias is followed`,
      range: range(aliases.bomb.alias),
    });
  }
  const used = docs.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  if (used.length > 1) {
    diagnostics.push({
      code: `${prefix}-several-documents`,
      severity: 'error',
      message: `${what} is one YAML document; this text holds ${used.length} (remove the '---' lines)`,
      range: range(used[1].contents),
    });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return result(null);
  return result(used.length ? deref(used[0].contents) : null);
}
