// monaco-yaml's language server, bundled by Vite as its own worker (see app/monaco/setup.ts).
import 'monaco-yaml/yaml.worker.js';
