/**
 * The Monaco models of the field mapping and the placeholder values, kept in step with the store
 * both ways: typing writes the store (which the compiler, the matcher, autosave and share links
 * read); a link or a draft that sets the store writes the model. The sync lives here, not in a
 * component, so it holds while the editors are collapsed.
 */
import { monaco, setupMonaco } from './setup.ts';
import { setModelText } from './models.ts';
import { useStore, type AppState } from '../state/store.ts';

setupMonaco();

// Not `*.sigma.yml`: the Sigma JSON schema must not judge these texts (app/monaco/setup.ts).
export const mappingModel = monaco.editor.createModel('', 'yaml', monaco.Uri.parse('file:///mapping.yml'));
export const placeholdersModel = monaco.editor.createModel('', 'yaml', monaco.Uri.parse('file:///placeholders.yml'));
mappingModel.updateOptions({ tabSize: 2, insertSpaces: true });
placeholdersModel.updateOptions({ tabSize: 2, insertSpaces: true });

function link(model: monaco.editor.ITextModel, read: (s: AppState) => string, write: (text: string) => void): void {
  model.setValue(read(useStore.getState()));
  model.onDidChangeContent(() => {
    const text = model.getValue();
    if (text !== read(useStore.getState())) write(text);
  });
  useStore.subscribe((s, prev) => {
    const text = read(s);
    if (text !== read(prev) && text !== model.getValue()) setModelText(model, text);
  });
}

link(
  mappingModel,
  (s) => s.mappingText,
  (t) => useStore.getState().setMappingText(t),
);
link(
  placeholdersModel,
  (s) => s.placeholdersText,
  (t) => useStore.getState().setPlaceholdersText(t),
);

// Test hooks, next to the rule and KQL models (app/App.tsx).
(window as unknown as { __siglab: Record<string, unknown> }).__siglab = {
  ...((window as unknown as { __siglab?: Record<string, unknown> }).__siglab ?? {}),
  mappingModel,
  placeholdersModel,
};
