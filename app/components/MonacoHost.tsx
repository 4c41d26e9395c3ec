/** A div that hosts one Monaco editor and disposes it with the component. */
import { useEffect, useRef } from 'react';
import { monaco } from '../monaco/setup.ts';

export interface MonacoHostProps {
  model: monaco.editor.ITextModel;
  options?: monaco.editor.IStandaloneEditorConstructionOptions;
  onEditor?: (editor: monaco.editor.IStandaloneCodeEditor) => (() => void) | void;
  className?: string;
  testId?: string;
  ariaLabel: string;
}

export function MonacoHost({ model, options, onEditor, className, testId, ariaLabel }: MonacoHostProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const editor = monaco.editor.create(ref.current!, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      lineHeight: 20,
      fontFamily: "'JetBrains Mono', 'Cascadia Code', 'SFMono-Regular', Menlo, Consolas, 'Liberation Mono', monospace",
      scrollBeyondLastLine: false,
      renderLineHighlight: 'line',
      tabSize: 4,
      insertSpaces: true,
      fixedOverflowWidgets: true,
      ariaLabel,
      padding: { top: 8, bottom: 8 },
      scrollbar: { verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
      // A pasted or linked line of many KB (5,000 nested brackets, a minified blob) would be
      // tokenized, bracket-matched and measured on the main thread in one long task.
      maxTokenizationLineLength: 2000,
      stopRenderingLineAfter: 4000,
      ...options,
    });
    const cleanup = onEditor?.(editor);
    return () => {
      cleanup?.();
      editor.dispose();
    };
    // The editor lives as long as the component; the model and options are fixed at creation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [model]);
  return <div ref={ref} className={className} data-testid={testId} />;
}
