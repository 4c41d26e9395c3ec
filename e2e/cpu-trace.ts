/**
 * The longest main-thread task in thread (CPU) time, from a Chromium trace (`browser.startTracing`
 * with the `toplevel` category). Wall-time long tasks (PerformanceObserver `longtask`) include the
 * time the main thread waited for a core: on a loaded 2-core machine they grow several-fold with
 * other processes' work. Thread time is the app's own work. Used by e2e/guards.ts and bench/.
 */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}

/** The page's main thread is the renderer main thread (CrRendererMain) with the most task time. */
export function longestCpuTask(trace: Buffer): number {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const byThread = new Map<string, { total: number; longest: number }>();
  for (const e of events) {
    if ((e.name !== 'ThreadControllerImpl::RunTask' && e.name !== 'RunTask') || e.ph !== 'X' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const k = `${e.pid}:${e.tid}`;
    const t = byThread.get(k) ?? { total: 0, longest: 0 };
    const cpu = (e.tdur ?? e.dur ?? 0) / 1000;
    t.total += cpu;
    t.longest = Math.max(t.longest, cpu);
    byThread.set(k, t);
  }
  const busiest = [...byThread.values()].sort((a, b) => b.total - a.total)[0];
  return busiest?.longest ?? 0;
}

/** The categories to trace for `longestCpuTask`. */
export const CPU_TRACE_CATEGORIES = ['toplevel', 'devtools.timeline'];

/**
 * What the longest main-thread task did: the trace events inside it that took at least a tenth of
 * it (needs the `devtools.timeline` category), e.g. `EventDispatch paste 60ms > FunctionCall ...`.
 * For diagnostics (bench output, test annotations); never asserted on.
 */
export function describeLongestTask(trace: Buffer): string {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: Array<TraceEvent & { ts: number; args?: { name?: string; data?: Record<string, unknown> } }> }).traceEvents;
  const mains = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const tasks = events.filter((e) => (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.ph === 'X' && mains.has(`${e.pid}:${e.tid}`));
  const top = tasks.sort((a, b) => (b.tdur ?? b.dur ?? 0) - (a.tdur ?? a.dur ?? 0))[0];
  if (!top) return '';
  const end = top.ts + (top.dur ?? 0);
  const inside = events.filter((e) => e.pid === top.pid && e.tid === top.tid && e.ph === 'X' && e !== top && e.ts >= top.ts && e.ts + (e.dur ?? 0) <= end && (e.dur ?? 0) >= (top.dur ?? 0) / 10);
  const label = (e: (typeof events)[number]) => {
    const d = e.args?.data ?? {};
    const what = [d.type, d.functionName, typeof d.url === 'string' ? d.url.split('/').pop() : undefined].filter(Boolean).join(' ');
    return `${e.name}${what ? ` (${what})` : ''} ${Math.round((e.tdur ?? e.dur ?? 0) / 1000)}ms`;
  };
  return inside
    .sort((a, b) => a.ts - b.ts)
    .slice(0, 8)
    .map(label)
    .join(' > ');
}
