/** The explanation tree of one event: ✓/✗ per condition node, identifier, field item and value. */
import { useState } from 'react';
import type { ExplainView } from '../state/types.ts';
import { useStore } from '../state/store.ts';

export function ExplanationTree({ root }: { root: ExplainView }) {
  return (
    <ul className="xtree" role="tree" aria-label="Why this verdict" data-testid="explanation">
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
          <button className="xtoggle" onClick={() => setOpen(!open)} aria-label={open ? 'Collapse' : 'Expand'}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="xtoggle" />
        )}
        <button
          className="xmain"
          onClick={() => node.range && setHighlight([node.range])}
          title={node.range ? `Rule line ${node.range.startLine}${node.range.endLine !== node.range.startLine ? `–${node.range.endLine}` : ''}` : undefined}
        >
          <span className={`xicon xicon-${cls}`} aria-label={node.ok === true ? 'true' : node.ok === false ? 'false' : 'not evaluated'}>
            {icon}
          </span>
          <span className={`xkind xkind-${node.kind}`}>{node.kind}</span>
          <span className="xlabel mono">{node.label}</span>
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
            <li className="xmore">
              <button className="link" onClick={() => setAll(true)}>
                Show {ordered.length - shown.length} more
              </button>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}
