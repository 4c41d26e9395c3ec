/** Editor themes that match the app's light and dark palettes (app/styles.css). */
import type * as Monaco from 'monaco-editor/editor';

export const THEME_DARK = 'siglab-dark';
export const THEME_LIGHT = 'siglab-light';

export function defineThemes(monaco: typeof Monaco): void {
  monaco.editor.defineTheme(THEME_DARK, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '6b7a90', fontStyle: 'italic' },
      { token: 'keyword', foreground: 'c792ea' },
      { token: 'keyword.operator', foreground: '89ddff' },
      { token: 'predefined', foreground: '82aaff' },
      { token: 'string', foreground: 'c3e88d' },
      { token: 'string.escape', foreground: 'f78c6c' },
      { token: 'number', foreground: 'f78c6c' },
      { token: 'constant', foreground: 'ff9cac' },
      { token: 'type', foreground: 'ffcb6b' },
      { token: 'identifier', foreground: 'dbe3ee' },
      { token: 'identifier.quoted', foreground: 'dbe3ee' },
      { token: 'delimiter.pipe', foreground: 'c792ea', fontStyle: 'bold' },
      { token: 'type.yaml', foreground: '82aaff' },
      { token: 'string.yaml', foreground: 'c3e88d' },
      { token: 'number.yaml', foreground: 'f78c6c' },
      { token: 'keyword.yaml', foreground: 'ff9cac' },
    ],
    colors: {
      'editor.background': '#11161f',
      'editor.foreground': '#dbe3ee',
      'editorLineNumber.foreground': '#3f4b5e',
      'editorLineNumber.activeForeground': '#8b9ab0',
      'editor.lineHighlightBackground': '#18202c',
      'editor.selectionBackground': '#2a3d5a',
      'editorGutter.background': '#11161f',
      'editorWidget.background': '#18202c',
      'editorHoverWidget.background': '#18202c',
      'editorHoverWidget.border': '#2a3444',
      'editorSuggestWidget.background': '#18202c',
      'editorSuggestWidget.border': '#2a3444',
      'editorIndentGuide.background1': '#1f2836',
      'scrollbarSlider.background': '#2a344488',
    },
  });
  monaco.editor.defineTheme(THEME_LIGHT, {
    base: 'vs',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '7a8494', fontStyle: 'italic' },
      { token: 'keyword', foreground: '7c3aed' },
      { token: 'keyword.operator', foreground: '0e7490' },
      { token: 'predefined', foreground: '1d4ed8' },
      { token: 'string', foreground: '15803d' },
      { token: 'string.escape', foreground: 'c2410c' },
      { token: 'number', foreground: 'c2410c' },
      { token: 'constant', foreground: 'be123c' },
      { token: 'type', foreground: 'a16207' },
      { token: 'identifier', foreground: '1f2937' },
      { token: 'delimiter.pipe', foreground: '7c3aed', fontStyle: 'bold' },
      { token: 'type.yaml', foreground: '1d4ed8' },
      { token: 'string.yaml', foreground: '15803d' },
      { token: 'number.yaml', foreground: 'c2410c' },
      { token: 'keyword.yaml', foreground: 'be123c' },
    ],
    colors: {
      'editor.background': '#ffffff',
      'editorLineNumber.foreground': '#b3bac5',
      'editorLineNumber.activeForeground': '#4b5563',
      'editor.lineHighlightBackground': '#f5f7fa',
      'editorGutter.background': '#ffffff',
    },
  });
}
