/**
 * The explanation tree of one event: ✓/✗ per condition node, identifier, field item and value.
 * Keyboard (the ARIA tree pattern, one tab stop): ↑/↓ move between visible nodes, → expands or
 * enters a node, ← collapses it or goes to its parent, Home/End, Enter or Space highlights the
 * node's rule lines.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ExplainView } from '../state/types.ts';
import { useStore } from '../state/store.ts';

function nodeButtons(tree: HTMLElement): HTMLButtonElement[] {
  return [...tree.querySelectorAll<HTMLButtonElement>('button.xmain')];
}

function itemOf(button: HTMLElement): HTMLElement | null {
  return button.closest<HTMLElement>('[role=treeitem]');
}

export function ExplanationTree({ root }: { root: ExplainView }) {
  const treeRef = useRef<HTMLUListElement>(null);
  // Exactly one node button is in the tab order: the last one focused (or the first).
  useLayoutEffect(() => {
    const tree = treeRef.current;
    if (!tree) return;
    const buttons = nodeButtons(tree);
    if (!buttons.length || buttons.some((b) => b.tabIndex === 0)) return;
    buttons[0].tabIndex = 0;
  });
  const onFocus = (e: React.FocusEvent<HTMLUListElement>) => {
    const t = e.target as HTMLElement;
    if (!t.classList.contains('xmain') || !treeRef.current) return;
    for (const b of nodeButtons(treeRef.current)) b.tabIndex = b === t ? 0 : -1;
  };
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const t = e.target as HTMLElement;
    const tree = treeRef.current;
    if (!tree || !t.classList.contains('xmain') || e.ctrlKey || e.metaKey || e.altKey) return;
    const buttons = nodeButtons(tree);
    const i = buttons.indexOf(t as HTMLButtonElement);
    const item = itemOf(t);
    const expanded = item?.getAttribute('aria-expanded');
    const go = (j: number) => buttons[Math.max(0, Math.min(buttons.length - 1, j))]?.focus();
    const toggle = () => item?.querySelector<HTMLButtonElement>(':scope > .xrow > button.xtoggle')?.click();
    switch (e.key) {
      case 'ArrowDown':
        go(i + 1);
        break;
      case 'ArrowUp':
        go(i - 1);
        break;
      case 'Home':
        go(0);
        break;
      case 'End':
        go(buttons.length - 1);
        break;
      case 'ArrowRight':
        if (expanded === 'false') toggle();
        else if (expanded === 'true') go(i + 1);
        break;
      case 'ArrowLeft': {
        if (expanded === 'true') toggle();
        else {
          const parent = item?.parentElement?.closest<HTMLElement>('[role=treeitem]');
          parent?.querySelector<HTMLButtonElement>(':scope > .xrow > button.xmain')?.focus();
        }
        break;
      }
      default:
        return;
    }
    // The tree's keys never reach the events table around it.
    e.preventDefault();
    e.stopPropagation();
  };
  return (
    <ul className="xtree" role="tree" aria-label="Why this verdict" data-testid="explanation" ref={treeRef} onKeyDown={onKey} onFocus={onFocus}>
      {/* The rule node only repeats the verdict: start at its logsource and condition nodes. */}
      {(root.kind === 'rule' ? root.children : [root]).map((n, i) => (
        <XNode key={i} node={n} depth={0} />
      ))}
    </ul>
  );
}

const MAX_CHILDREN = 12;

function XNode({ node, depth }: { node: ExplainView; depth: number }) {
  const setHighlight = useStore((s) => s.setHighlightRanges);
  const [open, setOpen] = useState(depth < 6);
  const [all, setAll] = useState(false);
  const icon = node.ok === true ? '✓' : node.ok === false ? '✗' : '–';
  const cls = node.ok === true ? 'ok' : node.ok === false ? 'bad' : 'skip';
  // Long value lists: show the ones that decided first; the rest on demand.
  const kids = node.children;
  const ordered = kids.length > MAX_CHILDREN ? [...kids.filter((k) => k.ok === true), ...kids.filter((k) => k.ok !== true)] : kids;
  const shown = all ? ordered : ordered.slice(0, MAX_CHILDREN);
  return (
    <li role="treeitem" aria-expanded={kids.length ? open : undefined} className={`xnode xnode-${cls}`} data-ok={String(node.ok)}>
      <div className="xrow">
        {kids.length > 0 ? (
          <button className="xtoggle" tabIndex={-1} onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="xtoggle" />
        )}
        <button
          className="xmain"
          tabIndex={-1}
          onClick={() => node.range && setHighlight([node.range])}
          title={node.range ? `Rule line ${node.range.startLine}${node.range.endLine !== node.range.startLine ? `–${node.range.endLine}` : ''}` : undefined}
        >
          <span className={`xicon xicon-${cls}`} aria-label={node.ok === true ? 'true' : node.ok === false ? 'false' : 'not evaluated'}>
            {icon}
          </span>
          <span className={`xkind xkind-${node.kind}`}>{node.kind}</span>
          <span className="xlabel mono" title={node.label}>
            {node.label}
          </span>
          {node.range && <span className="xline">L{node.range.startLine}</span>}
        </button>
      </div>
      {(node.expected !== undefined || node.actual !== undefined || node.reason) && (
        <div className="xfacts">
          {node.expected !== undefined && (
            <span className="xfact">
              <span className="xfact-k">expected</span> <code>{node.expected}</code>
            </span>
          )}
          {node.actual !== undefined && (
            <span className="xfact">
              <span className="xfact-k">actual</span> <code>{node.actual}</code>
            </span>
          )}
          {node.reason && <span className={`xreason xreason-${cls}`}>{node.reason}</span>}
        </div>
      )}
      {open && kids.length > 0 && (
        <ul role="group">
          {shown.map((k, i) => (
            <XNode key={i} node={k} depth={depth + 1} />
          ))}
          {ordered.length > shown.length && (
            <li className="xmore" role="treeitem">
              {/* An .xmain, so the tree's arrow keys reach it too. */}
              <button className="xmain link" tabIndex={-1} onClick={() => setAll(true)}>
                Show {ordered.length - shown.length} more
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}
