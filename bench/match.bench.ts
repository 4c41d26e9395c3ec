/**
 * Matcher throughput: event-rule evaluations per second (verdict only, one core) for
 *  (a) a typical process_creation rule (SigmaHQ's "Suspicious Execution of Powershell with
 *      Base64"-style encode rule: endswith list, contains list, two filters), and
 *  (b) SigmaHQ's vulnerable-driver hash rule (`Hashes|contains` with 4,432 values),
 * each over 100,000 generated events. Rules come from ../shared when present, otherwise from
 * the inline fallbacks below. Also times `explainEvent` for the on-demand path.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadRules } from '../src/sigma/load.ts';
import { compileMatcher, type CompiledRule } from '../src/engine/compile-matcher.ts';
import { explainEvent } from '../src/engine/evaluate.ts';
import type { LogEvent } from '../src/engine/event.ts';

const SHARED = path.resolve('../shared/sigma/rules/windows');
const EVENTS = 100_000;

const FALLBACK_PROCESS = `title: PowerShell Encoded Command (inline bench rule)
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith:
            - '\\powershell.exe'
            - '\\pwsh.exe'
        CommandLine|contains:
            - ' -e '
            - ' -en '
            - ' -enc '
            - ' -enco'
            - ' -ec '
    filter_encoding:
        CommandLine|contains: ' -Encoding '
    filter_azure:
        ParentImage|contains:
            - 'C:\\Packages\\Plugins\\Microsoft.GuestConfiguration.ConfigurationforWindows\\'
            - '\\gc_worker.exe'
    condition: selection and not 1 of filter_*
`;

/** A seeded generator, so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function hex(r: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += '0123456789ABCDEF'[Math.floor(r() * 16)];
  return out;
}

function loadRule(file: string, fallback: () => string): { text: string; source: string } {
  const full = path.join(SHARED, file);
  return existsSync(full) ? { text: readFileSync(full, 'utf8'), source: path.relative(process.cwd(), full) } : { text: fallback(), source: 'inline fallback' };
}

function fallbackHashRule(): string {
  const r = rng(7);
  const values = Array.from({ length: 4432 }, (_, i) => `            - '${i % 5 === 4 ? 'IMPHASH' : 'MD5'}=${hex(r, 32).toLowerCase()}'`);
  return `title: Vulnerable Driver Load (inline bench rule)\nlogsource:\n    product: windows\n    category: driver_load\ndetection:\n    selection:\n        Hashes|contains:\n${values.join('\n')}\n    condition: selection\n`;
}

function processEvents(): LogEvent[] {
  const r = rng(42);
  const images = [
    'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
    'C:\\Program Files\\PowerShell\\7\\pwsh.exe',
    'C:\\Windows\\System32\\cmd.exe',
    'C:\\Windows\\System32\\svchost.exe',
    'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
    'C:\\Windows\\System32\\conhost.exe',
    'C:\\Users\\bob\\AppData\\Local\\Temp\\setup.exe',
  ];
  const commands = [
    'powershell.exe -NoProfile -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA',
    'powershell.exe -ExecutionPolicy Bypass -File C:\\scripts\\inventory.ps1',
    'powershell.exe Get-Content x.txt -Encoding UTF8 -e x',
    '"C:\\Windows\\system32\\cmd.exe" /c dir C:\\Users',
    'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
    '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --lang=en-US --field-trial-handle=1234',
    '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
  ];
  const parents = ['C:\\Windows\\explorer.exe', 'C:\\Windows\\System32\\services.exe', 'C:\\Packages\\Plugins\\Microsoft.GuestConfiguration.ConfigurationforWindows\\gc_worker.exe'];
  return Array.from({ length: EVENTS }, (_, index) => {
    const i = Math.floor(r() * images.length);
    const c = r() < 0.5 ? i : Math.floor(r() * commands.length);
    return {
      index,
      origin: { format: 'json' as const },
      hints: {},
      data: {
        EventID: 1,
        UtcTime: '2024-05-02 08:41:17.553',
        ProcessId: 1000 + index,
        Image: images[i],
        CommandLine: commands[c],
        CurrentDirectory: 'C:\\Windows\\system32\\',
        User: 'CORP\\bob',
        IntegrityLevel: 'Medium',
        ParentImage: parents[Math.floor(r() * parents.length)],
        ParentCommandLine: 'C:\\Windows\\Explorer.EXE',
      },
    };
  });
}

function hashEvents(ruleText: string): LogEvent[] {
  const r = rng(1234);
  const known = [...ruleText.matchAll(/MD5=([0-9a-fA-F]{32})/g)].map((m) => m[1].toUpperCase());
  return Array.from({ length: EVENTS }, (_, index) => {
    const md5 = known.length && r() < 0.01 ? known[Math.floor(r() * known.length)] : hex(r, 32);
    return {
      index,
      origin: { format: 'json' as const },
      hints: {},
      data: {
        EventID: 6,
        ImageLoaded: `C:\\Windows\\System32\\drivers\\drv${index % 500}.sys`,
        Hashes: `SHA1=${hex(r, 40)},MD5=${md5},SHA256=${hex(r, 64)},IMPHASH=${hex(r, 32)}`,
        Signed: 'true',
        Signature: 'Microsoft Windows',
        SignatureStatus: 'Valid',
      },
    };
  });
}

function measure(compiled: CompiledRule, events: LogEvent[]): { perSecond: number; counts: Record<string, number> } {
  const counts: Record<string, number> = { match: 0, filtered: 0, nomatch: 0 };
  for (let i = 0; i < Math.min(events.length, 20_000); i++) compiled.verdict(events[i]); // warm up
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) compiled.verdict(events[i]);
    best = Math.min(best, performance.now() - t0);
  }
  for (const e of events) counts[compiled.verdict(e)]++;
  return { perSecond: (events.length / best) * 1000, counts };
}

function report(name: string, source: string, text: string, events: LogEvent[]): void {
  const t0 = performance.now();
  const loaded = loadRules(text);
  const compiled = compileMatcher(loaded.rules[0]);
  const compileMs = performance.now() - t0;
  const { perSecond, counts } = measure(compiled, events);
  const explained = 2000;
  for (let i = 0; i < explained; i++) explainEvent(compiled, events[i]); // warm up
  const t1 = performance.now();
  for (let i = 0; i < explained; i++) explainEvent(compiled, events[explained + i]);
  const explainMs = (performance.now() - t1) / explained;
  console.log(`  ${name}`);
  console.log(`    rule: ${source} (load + compile ${compileMs.toFixed(1)} ms)`);
  console.log(`    ${Math.round(perSecond).toLocaleString('en-US')} event-rule evaluations/s over ${events.length.toLocaleString('en-US')} events (verdict only, best of 5)`);
  console.log(`    verdicts: ${counts.match} match, ${counts.filtered} filtered, ${counts.nomatch} nomatch; explainEvent ${(explainMs * 1000).toFixed(0)} µs/event`);
}

export async function run(): Promise<void> {
  const proc = loadRule('process_creation/proc_creation_win_powershell_encode.yml', () => FALLBACK_PROCESS);
  report('(a) typical process_creation rule', proc.source, proc.text, processEvents());
  const hashes = loadRule('driver_load/driver_load_win_vuln_drivers.yml', fallbackHashRule);
  report('(b) 4,432-value hash rule (Hashes|contains)', hashes.source, hashes.text, hashEvents(hashes.text));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) await run();
