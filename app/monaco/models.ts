/** The two Monaco models of the page (the rule and the KQL preview), reachable by tests. */
import { KQL_URI, SIGMA_RULE_URI, monaco, setupMonaco } from './setup.ts';
import { KQL_LANGUAGE_ID } from './kql-language.ts';
import { followModelSize } from './large-model-options.ts';

setupMonaco();
followModelSize();

export const ruleModel = monaco.editor.createModel('', 'yaml', SIGMA_RULE_URI);
ruleModel.updateOptions({ tabSize: 4, insertSpaces: true });
export const kqlModel = monaco.editor.createModel('', KQL_LANGUAGE_ID, KQL_URI);

import type { SourceRange } from '../../src/diagnostics.ts';
import type { Diagnostic } from '../../src/diagnostics.ts';

export function toMonacoRange(r: SourceRange): monaco.IRange {
  return { startLineNumber: r.startLine, startColumn: r.startColumn, endLineNumber: r.endLine, endColumn: r.endColumn };
}

const SEVERITY = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info } as const;

/** Diagnostics → Monaco markers; a diagnostic without a position marks the first line. */
export function toMarkers(diagnostics: readonly Diagnostic[], model: monaco.editor.ITextModel): monaco.editor.IMarkerData[] {
  return diagnostics.map((d) => {
    const r = d.range ?? { startLine: 1, startColumn: 1, endLine: 1, endColumn: model.getLineMaxColumn(1), start: 0, end: 0 };
    // A zero-width range is invisible: widen it to the word (or character) at that position.
    let endColumn = r.endColumn;
    if (r.startLine === r.endLine && r.endColumn <= r.startColumn) {
      const line = Math.min(r.startLine, model.getLineCount());
      endColumn = Math.min(model.getLineMaxColumn(line), r.startColumn + 1);
    }
    return {
      severity: SEVERITY[d.severity],
      message: d.message,
      code: d.code,
      source: 'siglab',
      startLineNumber: r.startLine,
      startColumn: r.startColumn,
      endLineNumber: r.endLine,
      endColumn,
    };
  });
}

/**
 * Replaces a model's text with the smallest edit (common prefix and suffix kept), so Monaco
 * re-tokenizes and re-wraps only the lines that changed: a keystroke in the rule usually changes
 * one line of the query.
 */
export function setModelText(model: monaco.editor.ITextModel, text: string): void {
  const old = model.getValue();
  if (old === text) return;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  const a = model.getPositionAt(start);
  const b = model.getPositionAt(endOld);
  model.applyEdits([{ range: new monaco.Range(a.lineNumber, a.column, b.lineNumber, b.column), text: text.slice(start, endNew) }]);
}

const markerKeys = new WeakMap<monaco.editor.ITextModel, Map<string, string>>();

/** Sets markers only when they differ from the last ones set for this owner. */
export function setMarkersIfChanged(model: monaco.editor.ITextModel, owner: string, markers: monaco.editor.IMarkerData[]): void {
  let byOwner = markerKeys.get(model);
  if (!byOwner) markerKeys.set(model, (byOwner = new Map()));
  const key = JSON.stringify(markers);
  if (byOwner.get(owner) === key) return;
  byOwner.set(owner, key);
  monaco.editor.setModelMarkers(model, owner, markers);
}
