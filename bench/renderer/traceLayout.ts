/**
 * What each scroll step costs the page's main thread, from a Chromium trace of a scroll run (the
 * `--trace` files of poolBenchmark.ts): per Layout, the dirty and total layout objects and the
 * layout roots Chromium names; per style recalc, the elements it touched; pointer/mouse over/out
 * dispatches (rows moving under a still pointer) and garbage collection. Frame times on a loaded
 * machine wander; these counts do not, so before/after pairs of a table change compare them.
 *
 *   node --import tsx bench/renderer/traceLayout.ts TRACE.json [...]
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    elementCount?: number;
    beginData?: { dirtyObjects?: number; totalObjects?: number; frame?: string };
    endData?: { layoutRoots?: { nodeName?: string }[] };
    data?: { type?: string; frame?: string };
  };
}

interface Spread {
  n: number;
  median: number;
  p90: number;
  max: number;
  total: number;
}

export interface LayoutSummary {
  /** `scroll` events dispatched: one per wheel step that moved the table. */
  scrollSteps: number;
  /** `roots`: how many layouts had each element (tag and class) among their layout roots. */
  layout: { ms: Spread; dirtyObjects: Spread; totalObjects: Spread; roots: Record<string, number> };
  styleRecalc: { ms: Spread; elements: Spread };
  paintMsPerStep: number;
  /** pointerover/out and mouseover/out dispatches: hover moving as rows pass under the pointer. */
  hoverEvents: { count: number; ms: number };
  gc: { minor: number; major: number; ms: number };
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : NaN);
  const round = (v: number) => Math.round(v * 100) / 100;
  return { n: sorted.length, median: round(at(0.5)), p90: round(at(0.9)), max: round(at(1)), total: round(sorted.reduce((s, v) => s + v, 0)) };
}

/** The page's renderer main thread: the CrRendererMain that ran the most Layout events. */
function pageMainThread(events: TraceEvent[]): string {
  const names = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') names.set(`${e.pid}:${e.tid}`, e.args?.name ?? '');
  const layouts = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name === 'Layout' && names.get(key) === 'CrRendererMain') layouts.set(key, (layouts.get(key) ?? 0) + 1);
  }
  return [...layouts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

export function summariseLayout(events: TraceEvent[]): LayoutSummary {
  const main = pageMainThread(events);
  const onMain = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined);
  const ms = (e: TraceEvent) => e.dur! / 1000;
  const layouts = onMain.filter((e) => e.name === 'Layout');
  const roots: Record<string, number> = {};
  // Roots by element and class, not id: every row is its own root, and they differ only by id.
  const rootName = (name = '?') => name.replace(/ id='[^']*'/, '');
  for (const e of layouts) for (const r of e.args?.endData?.layoutRoots ?? []) roots[rootName(r.nodeName)] = (roots[rootName(r.nodeName)] ?? 0) + 1;
  const styles = onMain.filter((e) => e.name === 'UpdateLayoutTree');
  const dispatches = onMain.filter((e) => e.name === 'EventDispatch');
  const hover = dispatches.filter((e) => /^(pointer|mouse)(over|out|enter|leave)$/.test(e.args?.data?.type ?? ''));
  const scrollSteps = dispatches.filter((e) => e.args?.data?.type === 'scroll').length;
  const gcs = onMain.filter((e) => e.name === 'MinorGC' || e.name === 'MajorGC');
  return {
    scrollSteps,
    layout: {
      ms: spread(layouts.map(ms)),
      dirtyObjects: spread(layouts.map((e) => e.args?.beginData?.dirtyObjects ?? 0)),
      totalObjects: spread(layouts.map((e) => e.args?.beginData?.totalObjects ?? 0)),
      roots: Object.fromEntries(Object.entries(roots).sort((a, b) => b[1] - a[1]).slice(0, 5)),
    },
    styleRecalc: { ms: spread(styles.map(ms)), elements: spread(styles.map((e) => e.args?.elementCount ?? 0)) },
    paintMsPerStep: Math.round((onMain.filter((e) => e.name === 'Paint').reduce((s, e) => s + ms(e), 0) / Math.max(1, scrollSteps)) * 100) / 100,
    hoverEvents: { count: hover.length, ms: Math.round(hover.reduce((s, e) => s + ms(e), 0)) },
    gc: { minor: gcs.filter((e) => e.name === 'MinorGC').length, major: gcs.filter((e) => e.name === 'MajorGC').length, ms: Math.round(gcs.reduce((s, e) => s + ms(e), 0)) },
  };
}

export function formatLayoutSummary(s: LayoutSummary): string {
  const f = (x: Spread, unit = '') => `median ${x.median}${unit}, p90 ${x.p90}${unit}, max ${x.max}${unit}`;
  return [
    `scroll steps ${s.scrollSteps}; layouts ${s.layout.ms.n} (${f(s.layout.ms, ' ms')}; total ${Math.round(s.layout.ms.total)} ms)`,
    `  dirty objects per layout: ${f(s.layout.dirtyObjects)}; of total ${s.layout.totalObjects.median}; roots ${JSON.stringify(s.layout.roots)}`,
    `  style recalcs ${s.styleRecalc.ms.n} (${f(s.styleRecalc.ms, ' ms')}), elements ${f(s.styleRecalc.elements)}`,
    `  paint ${s.paintMsPerStep} ms per step; hover dispatches ${s.hoverEvents.count} (${s.hoverEvents.ms} ms); GC minor ${s.gc.minor}, major ${s.gc.major} (${s.gc.ms} ms)`,
  ].join('\n');
}

export function readTraceEvents(file: string): TraceEvent[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) console.log(`${file}\n${formatLayoutSummary(summariseLayout(readTraceEvents(file)))}\n`);
}
