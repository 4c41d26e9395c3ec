/**
 * Monaco for the playground: core editor, editor features, the YAML grammar, our KQL grammar,
 * monaco-yaml with the bundled Sigma JSON schemas (per document: app/monaco/sigma-schema.ts), themes, and the worker wiring. Everything is
 * bundled by Vite; nothing is loaded from a CDN.
 */
import * as monaco from 'monaco-editor/editor';
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/definitions/yaml/register';
import { configureMonacoYaml } from 'monaco-yaml';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import YamlWorker from './yaml.worker.ts?worker';
import { SIGMA_DOCUMENT_SCHEMA } from './sigma-schema.ts';
import { registerKqlLanguage } from './kql-language.ts';
import { defineThemes } from './themes.ts';

export { monaco };

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

self.MonacoEnvironment = {
  getWorker(_id: string, label: string): Worker {
    if (label === 'yaml') return new YamlWorker();
    return new EditorWorker();
  },
};

/**
 * monaco-yaml (via monaco-worker-manager) still calls the pre-0.53
 * `createWebWorker({ moduleId, label, createData })`; Monaco 0.57 only accepts `{ worker }`.
 * The worker module waits for one start message, then reads the create data from the next one.
 */
const legacyWorkerMonaco = {
  ...monaco,
  editor: {
    ...monaco.editor,
    createWebWorker(options: { label?: string; createData?: unknown; worker?: Worker }) {
      if (options.worker) return monaco.editor.createWebWorker(options as { worker: Worker });
      const worker = self.MonacoEnvironment!.getWorker('', options.label ?? '');
      worker.postMessage('start');
      worker.postMessage(options.createData);
      return monaco.editor.createWebWorker({ worker });
    },
  },
};

export const SIGMA_RULE_URI = monaco.Uri.parse('file:///rule.sigma.yml');
export const KQL_URI = monaco.Uri.parse('file:///query.kql');

let configured = false;
export function setupMonaco(): void {
  if (configured) return;
  configured = true;
  registerKqlLanguage(monaco);
  defineThemes(monaco);
  configureMonacoYaml(legacyWorkerMonaco as unknown as typeof monaco, {
    enableSchemaRequest: false,
    hover: true,
    completion: true,
    validate: true,
    format: { enable: false },
    schemas: [
      {
        // Shown as the source in hovers; never fetched (the schemas are bundled).
        uri: 'https://github.com/SigmaHQ/sigma-specification/tree/main/json-schema',
        fileMatch: ['**/*.sigma.yml'],
        schema: SIGMA_DOCUMENT_SCHEMA as never,
      },
    ],
  });
}
