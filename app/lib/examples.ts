/** The example gallery (public/examples): SigmaHQ rules with sample events, DRL attribution kept. */
export interface Example {
  slug: string;
  title: string;
  id: string;
  author: string;
  level: string;
  blurb: string;
  rule: string;
  events: string;
  source: string;
  license: string;
}

export interface ExampleIndex {
  attribution: string;
  examples: Example[];
}

const base = import.meta.env.BASE_URL;

let index: Promise<ExampleIndex> | undefined;
export function loadExampleIndex(): Promise<ExampleIndex> {
  index ??= fetch(`${base}examples/index.json`).then((r) => {
    if (!r.ok) throw new Error(`examples/index.json: HTTP ${r.status}`);
    return r.json() as Promise<ExampleIndex>;
  });
  return index;
}

export async function loadExample(e: Example): Promise<{ rule: string; events: string }> {
  const [rule, events] = await Promise.all([fetch(base + e.rule).then((r) => r.text()), fetch(base + e.events).then((r) => r.text())]);
  return { rule, events };
}

export const DEFAULT_EXAMPLE = 'uncommon-destination-ports';
