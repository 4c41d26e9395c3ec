/**
 * Drop a Sigma rule file (.yml / .yaml) anywhere on the page to open it. The work it replaces is
 * kept as a draft first, and the replacement is one undoable edit in the editor (Ctrl+Z).
 * Event files dropped outside the events panel still go to the events.
 */
import { useEffect, useState } from 'react';
import './keep-work.css';
import { ruleModel } from '../monaco/models.ts';
import { useStore } from '../state/store.ts';
import { keepDraftBefore } from '../persistence/autosave.ts';

const RULE_FILE = /\.(ya?ml)$/i;
/** A Sigma rule is a few KB; anything this large is not one (and would stall the editor). */
const MAX_RULE_BYTES = 2 * 1024 * 1024;

function hasFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
}

export async function openRuleFile(file: File): Promise<void> {
  const s = useStore.getState();
  if (file.size > MAX_RULE_BYTES) {
    s.showToast(`${file.name} is ${(file.size / 1048576).toFixed(1)} MB: too large to be a Sigma rule; nothing was opened.`);
    return;
  }
  const text = await file.text();
  await keepDraftBefore('before-open');
  useStore.setState({ exampleSlug: undefined });
  ruleModel.pushEditOperations([], [{ range: ruleModel.getFullModelRange(), text }], () => null);
  s.showToast(`Opened ${file.name}. Your previous rule is in Drafts (or press Ctrl+Z).`);
}

export function RuleFileDrop() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    // The Import tests dialog takes its own drops (rule files with testcases among them).
    const inTestDrop = (e: DragEvent) => e.target instanceof Element && !!e.target.closest('[data-test-drop]');
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e) || inTestDrop(e)) return;
      depth++;
      // File names are hidden until the drop; say what each kind of file does.
      setOver(true);
    };
    const onLeave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const onDrop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      if (inTestDrop(e)) return;
      const files = Array.from(e.dataTransfer?.files ?? []);
      const rule = files.find((f) => RULE_FILE.test(f.name));
      if (rule) {
        // Captured before the events panel sees it: a rule file is never read as events.
        e.preventDefault();
        e.stopPropagation();
        void openRuleFile(rule);
        return;
      }
      // Outside the events panel the browser would navigate to the file: never leave the page.
      if (files.length && !(e.target instanceof Element && e.target.closest('.events-panel'))) {
        e.preventDefault();
        useStore.getState().showToast('Drop event files on the Events panel, or a .yml rule file anywhere to open it.');
      }
    };
    window.addEventListener('dragenter', onEnter, true);
    window.addEventListener('dragleave', onLeave, true);
    window.addEventListener('dragover', onOver, true);
    window.addEventListener('drop', onDrop, true);
    return () => {
      window.removeEventListener('dragenter', onEnter, true);
      window.removeEventListener('dragleave', onLeave, true);
      window.removeEventListener('dragover', onOver, true);
      window.removeEventListener('drop', onDrop, true);
    };
  }, []);
  return over ? <div className="rule-drop-overlay">Drop a .yml rule to open it · event files on the Events panel</div> : null;
}
