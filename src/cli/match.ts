/**
 * `siglab match RULE EVENTS [--json] [--placeholders FILE] [--rule N]`: evaluates the events in
 * EVENTS (JSON, NDJSON, CSV, evtx-JSON, Windows event XML, binary .evtx; `-` reads stdin) against the Sigma
 * rule in RULE, one line per event: index, verdict (match / filtered / nomatch), reason.
 * `--json` prints `{"events":[{index,verdict,reasons,explanation,...}],"summary":{...}}`.
 * When RULE holds correlation rules they are evaluated too (`--timestamp FIELD` names the event
 * time when detection picks the wrong one): the table is followed by each correlation's groups,
 * and `--json` gains `"correlations":[{"rule","group","window","value","fired","events":[...]}]`.
 * Exit 0 done, 1 the rule has errors or the events are unreadable, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import type { CommandIO } from './main.ts';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { loadRules } from '../sigma/load.ts';
import { readPlaceholderValues } from '../sigma/placeholder-values.ts';
import { decodeText, readEventsFromFile } from './read-events-file.ts';
import { compileMatcher } from '../engine/compile-matcher.ts';
import { evaluateEvents } from '../engine/evaluate.ts';
import { evaluateCorrelations, type CorrelationEvaluation } from '../engine/correlate.ts';

const USAGE = 'usage: siglab match RULE EVENTS [--json] [--placeholders FILE] [--rule N] [--timestamp FIELD]\n';

interface Args {
  rule: string;
  events: string;
  json: boolean;
  placeholders?: string;
  ruleIndex: number;
  timestamp?: string;
}

function parseArgs(args: string[]): Args | string {
  const positional: string[] = [];
  let json = false;
  let placeholders: string | undefined;
  let ruleIndex = 0;
  let timestamp: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') json = true;
    else if (a === '--placeholders' || a.startsWith('--placeholders=')) {
      placeholders = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!placeholders) return '--placeholders needs a file';
    } else if (a === '--rule' || a.startsWith('--rule=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!v || !/^\d+$/.test(v)) return '--rule needs a document index (0, 1, ...)';
      ruleIndex = Number(v);
    } else if (a === '--timestamp' || a.startsWith('--timestamp=')) {
      timestamp = a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[++i];
      if (!timestamp) return '--timestamp needs a field name';
    } else if (a === '-h' || a === '--help') return '';
    else if (a.startsWith('--')) return `unknown option '${a}'`;
    else positional.push(a);
  }
  if (positional.length !== 2) return positional.length < 2 ? 'RULE and EVENTS are required' : `unexpected argument '${positional[2]}'`;
  return { rule: positional[0], events: positional[1], json, placeholders, ruleIndex, ...(timestamp ? { timestamp } : {}) };
}

function readText(file: string): string {
  return decodeText(new Uint8Array(file === '-' ? readFileSync(0) : readFileSync(file)));
}

function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}

export async function matchCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    if (parsed) io.stderr(`siglab match: ${parsed}\n`);
    io.stderr(USAGE);
    return parsed ? 2 : 0;
  }
  if (parsed.rule === '-' && parsed.events === '-') {
    io.stderr('siglab match: RULE and EVENTS cannot both be standard input\n');
    return 2;
  }
  let ruleText: string;
  let placeholders: Record<string, string[]> | undefined;
  try {
    ruleText = readText(parsed.rule);
  } catch (e) {
    io.stderr(`${parsed.rule}:1:1: error rule-unreadable cannot read the rule: ${(e as Error).message}\n`);
    return 1;
  }
  if (parsed.placeholders) {
    let text: string;
    try {
      text = readText(parsed.placeholders);
    } catch (e) {
      io.stderr(`${parsed.placeholders}:1:1: error placeholders-unreadable cannot read the placeholders: ${(e as Error).message}\n`);
      return 1;
    }
    // The core's reader (src/sigma/placeholder-values.ts), shared with the playground.
    const read = readPlaceholderValues(text);
    for (const d of read.diagnostics) io.stderr(formatDiagnostic(parsed.placeholders, d) + '\n');
    if (hasErrors(read.diagnostics)) return 1;
    placeholders = read.placeholders ?? {};
  }

  const loaded = loadRules(ruleText, { placeholders });
  const read = await readEventsFromFile(parsed.events);
  const diagnostics: Array<{ file: string; d: Diagnostic }> = [
    ...loaded.diagnostics.map((d) => ({ file: parsed.rule, d })),
    ...read.diagnostics.map((d) => ({ file: parsed.events, d })),
  ];
  const rule = loaded.rules[parsed.ruleIndex];
  if (loaded.rules.length > 1 && !parsed.json) {
    io.stderr(`siglab match: ${parsed.rule} holds ${loaded.rules.length} rules; evaluating rule ${parsed.ruleIndex} (choose with --rule N)\n`);
  }
  if (!rule && loaded.rules.length > 0) {
    io.stderr(`siglab match: --rule ${parsed.ruleIndex}: ${parsed.rule} holds ${loaded.rules.length} rules\n`);
    return 2;
  }
  let failed = hasErrors(loaded.diagnostics) || hasErrors(read.diagnostics) || !rule;
  if (!rule) diagnostics.push({ file: parsed.rule, d: { code: 'no-rule', severity: 'error', message: 'no Sigma rule found in the file' } });

  const result = rule ? evaluateEvents(compileMatcher(rule, { placeholders }), read.events) : undefined;
  // The loader reports most of what compiling finds again (e.g. unresolved placeholders).
  const reported = new Set(loaded.diagnostics.map((d) => d.range?.start ?? -1));
  for (const d of result?.diagnostics ?? []) {
    if (d.range && reported.has(d.range.start)) continue;
    diagnostics.push({ file: parsed.rule, d });
    if (d.severity === 'error') failed = true;
  }

  const correlations: CorrelationEvaluation | undefined = loaded.correlations?.length
    ? evaluateCorrelations(loaded, read.events, { placeholders, ...(parsed.timestamp ? { timestampField: parsed.timestamp } : {}) })
    : undefined;
  for (const d of correlations?.diagnostics ?? []) {
    if (d.range && reported.has(d.range.start)) continue;
    diagnostics.push({ file: d.range ? parsed.rule : parsed.events, d });
    if (d.severity === 'error') failed = true;
  }

  for (const { file, d } of diagnostics) io.stderr(formatDiagnostic(file, d) + '\n');
  const summary = result?.summary ?? { match: 0, filtered: 0, nomatch: 0 };
  if (parsed.json) {
    io.stdout(
      JSON.stringify({
        rule: rule ? { title: rule.title, id: rule.id } : null,
        format: read.format ?? null,
        events: (result?.results ?? []).map((r) => ({
          index: r.index,
          verdict: r.verdict,
          reasons: r.reasons,
          ...(r.filteredBy ? { filteredBy: r.filteredBy } : {}),
          ...(r.logsource ? { logsource: r.logsource } : {}),
          ...(r.notes ? { notes: r.notes } : {}),
          explanation: r.explanation,
        })),
        summary,
        ...(correlations ? { timestamp: correlations.timestamp.field ?? null } : {}),
        correlations: (correlations?.results ?? []).flatMap((c) =>
          c.windows.map((w) => ({
            rule: c.title,
            ...(c.name ? { name: c.name } : {}),
            ...(c.id ? { id: c.id } : {}),
            type: c.type ?? null,
            group: w.group,
            window: { start: w.window.start, end: w.window.end },
            value: w.value,
            fired: w.fired,
            events: w.events,
            reason: w.reason,
          })),
        ),
        diagnostics: diagnostics.map(({ file, d }) => ({ file, ...d })),
      }) + '\n',
    );
  } else if (result) {
    const width = Math.max(5, String(Math.max(0, read.events.length - 1)).length);
    const lines = [`${'index'.padEnd(width)}  ${'verdict'.padEnd(8)}  reason`];
    for (const r of result.results) lines.push(`${String(r.index).padEnd(width)}  ${r.verdict.padEnd(8)}  ${oneLine(r.reasons.join('; '))}`);
    const n = result.results.length;
    lines.push('', `${n} event${n === 1 ? '' : 's'}: ${summary.match} match, ${summary.filtered} filtered, ${summary.nomatch} nomatch`);
    if (correlations) lines.push(...correlationLines(correlations));
    io.stdout(lines.join('\n') + '\n');
  } else if (correlations) {
    io.stdout(correlationLines(correlations).join('\n') + '\n');
  }
  return failed ? 1 : 0;
}

/** The human form of correlation results: per correlation, one line per group window. */
function correlationLines(evaluation: CorrelationEvaluation): string[] {
  const lines: string[] = [];
  if (evaluation.timestamp.field) lines.push('', `event time: ${evaluation.timestamp.field}`);
  for (const c of evaluation.results) {
    lines.push('', `correlation ${c.name ?? c.title} (${c.type ?? '?'}): ${c.skipped ? `not evaluated, ${c.skipped}` : `${c.fired} of ${c.windows.length} group window${c.windows.length === 1 ? '' : 's'} fired`}`);
    for (const w of c.windows) {
      const group = Object.entries(w.group).map(([k, v]) => `${k}=${v ?? '(none)'}`).join(' ') || '(all events)';
      const events = w.events.length > 12 ? `${w.events.slice(0, 12).join(',')},… (${w.events.length})` : w.events.join(',');
      lines.push(`  ${w.fired ? 'FIRED' : '-    '}  ${oneLine(group)}  ${w.window.start} .. ${w.window.end}  value ${w.value ?? '-'}  events ${events}  ${oneLine(w.reason)}`);
    }
  }
  return lines;
}
