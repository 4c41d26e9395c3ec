/**
 * Cheap checks that refuse hostile YAML before it costs time: absurd nesting (found in the
 * parser's concrete syntax tree, before documents are built, whose builder recurses and would
 * overflow the stack) and alias bombs (the expanded size of every alias is computed once, in one
 * pass, so a "billion laughs" document is refused in linear time instead of being walked).
 */
import { isAlias, isCollection, isPair, Lexer, type Alias, type CST, type Document, type Node } from 'yaml';

/**
 * Collections nested deeper than this are refused. SigmaHQ rules nest about six levels; the
 * detection reader has its own, lower limit (detection.ts) with a Sigma-specific message.
 */
export const MAX_YAML_DEPTH = 100;

/**
 * The most values aliases may add to a document when expanded (each alias use adds the size of
 * what it names). SigmaHQ rules that use aliases add a handful; past this budget no alias is followed.
 */
export const MAX_ALIAS_EXPANSION = 50_000;

export interface TooDeep {
  /** Source offset of the collection that went past the limit. */
  offset: number;
  depth: number;
}

/**
 * A quick look for absurd flow nesting (`[[[[...` or `{a: {a: ...`) before any parsing: the YAML
 * lexer and parser take time proportional to the text times its depth, hundreds of milliseconds
 * for 5,000 levels in a browser. Brackets are counted through the raw text first (microseconds);
 * only when that count goes past `max` are the lexer's tokens counted, so brackets inside quoted
 * strings or comments never cause a refusal. Deep nesting this misses (block indentation, or
 * brackets hidden by quoted closers) is still found by `findExcessiveNesting` on the parsed tokens.
 */
export function findExcessiveFlowNesting(source: string, max = MAX_YAML_DEPTH): TooDeep | null {
  let depth = 0;
  let suspicious = false;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > max) {
        suspicious = true;
        break;
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  if (!suspicious) return null;
  depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(source)) {
    if (token === '[' || token === '{') {
      if (++depth > max) return { offset, depth };
    } else if ((token === ']' || token === '}') && depth > 0) depth--;
    // The lexer's control tokens (document start, flow end, scalar start) are not source text.
    if (token !== '\x02' && token !== '\x18' && token !== '\x1f') offset += token.length;
  }
  return null;
}

/** The first collection nested deeper than `max` in the CST, or null. Iterative: any depth is safe. */
export function findExcessiveNesting(tokens: readonly CST.Token[], max = MAX_YAML_DEPTH): TooDeep | null {
  const stack: Array<[CST.Token, number]> = [];
  for (let i = tokens.length - 1; i >= 0; i--) stack.push([tokens[i], 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (token.type === 'document') {
      if (token.value) stack.push([token.value, depth]);
      continue;
    }
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    const inner = depth + 1;
    if (inner > max) return { offset: token.offset, depth: inner };
    const items = token.items as Array<{ key?: CST.Token | null; value?: CST.Token }>;
    for (let j = items.length - 1; j >= 0; j--) {
      const item = items[j];
      if (item.value) stack.push([item.value, inner]);
      if (item.key) stack.push([item.key, inner]);
    }
  }
  return null;
}

export interface AliasBomb {
  /** The alias use at which the expanded size went past the budget. */
  alias: Alias;
  /** Expanded size of the document reached (Infinity for an alias inside its own anchor). */
  size: number;
}

/**
 * What every alias of a set of documents points to, and whether expanding them would exceed the
 * budget. Aliases point to the last node with their anchor before them (YAML 1.2, as `yaml` reads
 * them); one walk per document in document order records that, so resolving is a map look-up
 * instead of the `yaml` package's walk of the whole document per alias.
 * The walk recurses once per nesting level: call it only after `findExcessiveNesting` passed.
 */
export class AliasTable {
  private readonly targets = new Map<Alias, Node | null>();
  /** The first alias bomb found, if any. */
  readonly bomb: AliasBomb | null = null;

  constructor(docs: readonly Document.Parsed[], budget = MAX_ALIAS_EXPANSION) {
    for (const doc of docs) {
      const anchors = new Map<string, Node>();
      const sizes = new Map<Node, number>();
      // `total` counts values as expanded, `written` as they appear: aliases add the difference.
      let total = 0;
      let written = 0;
      const visit = (node: unknown): void => {
        if (node === null || node === undefined || this.bomb) return;
        written++;
        if (isAlias(node)) {
          const target = anchors.get(node.source) ?? null;
          this.targets.set(node, target);
          // Not measured yet: the alias sits inside the collection its anchor names (a cycle).
          total += target ? (sizes.get(target) ?? Number.POSITIVE_INFINITY) : 1;
          if (total - written > budget) (this as { bomb: AliasBomb | null }).bomb = { alias: node, size: total };
          return;
        }
        const n = node as Node;
        if (n.anchor) anchors.set(n.anchor, n);
        const before = total;
        total++;
        if (isCollection(n)) {
          for (const item of n.items) {
            if (isPair(item)) {
              visit(item.key);
              visit(item.value);
            } else visit(item);
          }
        }
        sizes.set(n, total - before);
      };
      visit(doc.contents);
      if (this.bomb) return;
    }
  }

  /** The node an alias points to; null when it points nowhere (or only through another alias). */
  resolve(alias: Alias): Node | null {
    const target = this.targets.get(alias);
    return target && !isAlias(target) ? target : null;
  }
}
