/**
 * Editor options that follow the size of the model: for a rule of SigmaHQ's largest kind (a list of
 * thousands of hashes, ~300 KB) two of Monaco's defaults cost the page long tasks on every edit.
 * - Word-based suggestions offer every word of the document: thousands of hashes, which the
 *   suggest widget re-filters on the main thread at each keystroke (hundreds of milliseconds).
 *   The YAML schema's suggestions stay.
 * - Sticky scroll's default outline model rebuilds from the YAML outline (one symbol per list
 *   item) after each edit, ~100 ms on the main thread; the indentation model shows the same
 *   headers for YAML from a linear scan.
 * Below `LARGE_MODEL_CHARS` the editor keeps Monaco's defaults.
 */
import { monaco } from './setup.ts';

export const LARGE_MODEL_CHARS = 32_000;

type Options = monaco.editor.IEditorOptions & monaco.editor.IGlobalEditorOptions;
// Sticky scroll is a per-editor option.
const LARGE: Options = { stickyScroll: { defaultModel: 'indentationModel' } };
const NORMAL: Options = { stickyScroll: { defaultModel: 'outlineModel' } };
// Word-based suggestions are a global option (shared by all editors): only the editable editor,
// the rule's, sets it. Monaco's default is `offWithInlineSuggestions` (missing from its typings),
// which offers words here as no inline-completion provider is registered.
const WORDS_LARGE: Options = { wordBasedSuggestions: 'off' };
const WORDS_NORMAL: Options = { wordBasedSuggestions: 'offWithInlineSuggestions' as never };

/** Keeps the options of every editor (now and later) in step with the size of its model. */
export function followModelSize(): void {
  monaco.editor.onDidCreateEditor((created) => {
    const editor = created as monaco.editor.IStandaloneCodeEditor;
    let large: boolean | undefined;
    const update = () => {
      const model = editor.getModel();
      if (!model) return;
      const now = model.getValueLength() >= LARGE_MODEL_CHARS;
      if (now === large) return;
      large = now;
      const editable = !editor.getOption(monaco.editor.EditorOption.readOnly);
      editor.updateOptions({ ...(now ? LARGE : NORMAL), ...(editable ? (now ? WORDS_LARGE : WORDS_NORMAL) : {}) });
    };
    editor.onDidChangeModel(update);
    editor.onDidChangeModelContent(update);
    // The model given at creation may be attached before this listener is.
    queueMicrotask(update);
  });
}
