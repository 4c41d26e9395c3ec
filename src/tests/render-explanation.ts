/**
 * The explanation tree as indented text, one node a line, ✓ for true and ✗ for false: what
 * `siglab test` prints under a failing event, and what a JUnit failure carries.
 */
import type { ExplainNode } from '../engine/explain.ts';

export interface RenderOptions {
  /** Prefix for every line (default two spaces per level, starting at none). */
  indent?: string;
  /** Stop after this many lines (default 400) and say how many were left out. */
  maxLines?: number;
}

function oneLine(s: string, max = 160): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  return flat.length > max ? flat.slice(0, max - 1) + '…' : flat;
}

function describe(node: ExplainNode): string {
  const parts: string[] = [];
  switch (node.kind) {
    case 'rule':
      parts.push(node.label, node.summary ? `— ${node.summary}` : '');
      break;
    case 'condition':
      parts.push(`condition: ${node.label}`);
      break;
    case 'item':
      parts.push(node.label);
      if (node.field !== undefined && node.actual !== undefined) parts.push(`(${node.field}: ${node.actual}${node.path && node.path !== node.field ? ` at ${node.path}` : ''})`);
      break;
    case 'value':
      parts.push(node.expected ?? node.label);
      if (node.reason) parts.push(`— ${node.reason}`);
      break;
    case 'logsource':
      parts.push(node.label, node.reason ? `— ${node.reason}` : '');
      break;
    default:
      parts.push(node.label);
  }
  if (node.error) parts.push(`[error: ${node.error}]`);
  return oneLine(parts.filter(Boolean).join(' '), 240);
}

/** Renders `node` and its descendants. A selection that is an identifier's only child is folded into it. */
export function renderExplanation(node: ExplainNode, options: RenderOptions = {}): string[] {
  const max = options.maxLines ?? 400;
  const base = options.indent ?? '';
  const lines: string[] = [];
  let dropped = 0;
  const walk = (n: ExplainNode, depth: number): void => {
    if (lines.length >= max) {
      dropped++;
      for (const c of n.children) walk(c, depth + 1);
      return;
    }
    lines.push(`${base}${'  '.repeat(depth)}${n.result ? '✓' : '✗'} ${describe(n)}`);
    const children = n.kind === 'identifier' && n.children.length === 1 && n.children[0].kind === 'selection' ? n.children[0].children : n.children;
    for (const c of children) walk(c, depth + 1);
    if (n.omitted && lines.length < max) lines.push(`${base}${'  '.repeat(depth + 1)}… ${n.omitted.toLocaleString('en-US')} more not shown`);
  };
  walk(node, 0);
  if (dropped > 0) lines.push(`${base}… ${dropped.toLocaleString('en-US')} more nodes not shown`);
  return lines;
}
