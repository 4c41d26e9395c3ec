/** The Sigma rule editor: Monaco over the rule model, with rule-line highlights and KQL cross-hover. */
import { useCallback } from 'react';
import { MonacoHost } from './MonacoHost.tsx';
import { monaco } from '../monaco/setup.ts';
import { ruleModel, toMonacoRange } from '../monaco/models.ts';
import type { SourceRange } from '../../src/diagnostics.ts';

/** Whole-line highlight of a range; a range ending at column 1 does not reach into that line. */
function lineRange(r: SourceRange) {
  const m = toMonacoRange(r);
  if (m.endColumn === 1 && m.endLineNumber > m.startLineNumber) return { ...m, endLineNumber: m.endLineNumber - 1, endColumn: ruleModel.getLineMaxColumn(m.endLineNumber - 1) };
  return m;
}
import { useStore } from '../state/store.ts';

export function RuleEditor() {
  const onEditor = useCallback((editor: monaco.editor.IStandaloneCodeEditor) => {
    const disposables: monaco.IDisposable[] = [];
    disposables.push(ruleModel.onDidChangeContent(() => useStore.getState().setRuleText(ruleModel.getValue())));

    const selection = editor.createDecorationsCollection();
    const hover = editor.createDecorationsCollection();
    const paint = (s = useStore.getState()) => {
      selection.set(
        s.highlightRanges.map((r) => ({
          range: lineRange(r),
          options: { className: 'rule-decisive', isWholeLine: true, linesDecorationsClassName: 'rule-decisive-gutter', stickiness: 1 },
        })),
      );
      const hoverLines = s.ruleHoverRanges.map((r) => ({
        range: lineRange(r),
        options: { className: 'rule-linked', isWholeLine: true, linesDecorationsClassName: 'rule-linked-gutter', stickiness: 1 },
      }));
      hover.set(hoverLines);
    };
    paint();
    let lastFirstLine = 0;
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (s.highlightRanges !== prev.highlightRanges || s.ruleHoverRanges !== prev.ruleHoverRanges) {
        paint(s);
        const first = s.highlightRanges[0];
        if (first && s.highlightRanges !== prev.highlightRanges && first.startLine !== lastFirstLine) {
          lastFirstLine = first.startLine;
          editor.revealLinesInCenterIfOutsideViewport(first.startLine, s.highlightRanges[s.highlightRanges.length - 1].endLine);
        }
        // The Sigma behind the KQL under the mouse: bring it into view when it is off screen.
        const linked = s.ruleHoverRanges[0];
        if (linked && s.ruleHoverRanges !== prev.ruleHoverRanges) editor.revealLinesInCenterIfOutsideViewport(linked.startLine, linked.endLine, 0);
      }
    });

    // Hovering rule text highlights the KQL it produced.
    disposables.push(
      editor.onMouseMove((e) => {
        const pos = e.target.position;
        const s = useStore.getState();
        const preview = s.preview?.ok ? s.preview : undefined;
        if (!pos || !preview) {
          if (s.kqlHighlight.length) s.setKqlHighlight([]);
          return;
        }
        const offset = ruleModel.getOffsetAt(pos);
        // The innermost spans that cover the offset: the most specific KQL for what is under the mouse.
        const covering = preview.sourceMap.filter((m) => m.range.start <= offset && offset < m.range.end);
        const width = Math.min(...covering.map((m) => m.range.end - m.range.start));
        const spans = covering.filter((m) => m.range.end - m.range.start === width).map((m) => ({ start: m.start, end: m.end }));
        if (JSON.stringify(spans) !== JSON.stringify(s.kqlHighlight)) s.setKqlHighlight(spans);
      }),
      editor.onMouseLeave(() => {
        if (useStore.getState().kqlHighlight.length) useStore.getState().setKqlHighlight([]);
      }),
    );
    (window as unknown as { __siglab?: Record<string, unknown> }).__siglab = {
      ...((window as unknown as { __siglab?: Record<string, unknown> }).__siglab ?? {}),
      ruleEditor: editor,
    };
    return () => {
      unsubscribe();
      disposables.forEach((d) => d.dispose());
    };
  }, []);

  return (
    <MonacoHost
      model={ruleModel}
      testId="rule-editor"
      className="editor-host"
      ariaLabel="Sigma rule editor"
      onEditor={onEditor}
      options={{ quickSuggestions: { other: true, strings: true, comments: false }, suggestOnTriggerCharacters: true, glyphMargin: false, lineDecorationsWidth: 6 }}
    />
  );
}
