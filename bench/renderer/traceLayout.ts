/**
 * What each scroll step costs the page's main thread, from a Chromium trace of a scroll run (the
 * `--trace` files of poolBenchmark.ts): per Layout, the dirty and total layout objects and the
 * layout roots Chromium names; per style recalc, the elements it touched; pointer/mouse over/out
 * dispatches (rows moving under a still pointer) and garbage collection; per frame (the intervals
 * between animation frames, as the benchmark counts them), the main thread's longest task and busy
 * time, split by whether a `pool:list` page landed in the frame (the bridge's User Timing mark), and
 * what the task that applied each landed page cost. Frame times on a loaded machine wander; these
 * counts do not, so before/after pairs of a table change compare them.
 *
 *   node --import tsx bench/renderer/traceLayout.ts TRACE.json [...]
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POOL_PAGE_ANSWERED_MARK } from './pageContract.js';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of an `X` event, µs: what the thread ran of its `dur`. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: {
    name?: string;
    /** On the scheduler's `ThreadControllerImpl::RunTask`: what posted the task. */
    src_func?: string;
    elementCount?: number;
    beginData?: { dirtyObjects?: number; totalObjects?: number; frame?: string };
    endData?: { layoutRoots?: { nodeName?: string }[] };
    data?: { type?: string; frame?: string; functionName?: string; url?: string; lineNumber?: number; columnNumber?: number };
    chrome_mojo_event_info?: { mojo_interface_tag?: string; payload_size?: number };
    /** On `AnimationFrame` begin events: the vsync the frame was made for. */
    animation_frame_timing_info?: { begin_frame_id?: { sequence_number?: number } };
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
  /** Each major GC's atomic pause (`MajorGC`) on the main thread. */
  majorGcs: MajorGc[];
  /** The median layout's thread time, to set each major GC's next layout against. */
  layoutCpuMedianMs: number;
  frames: FrameSummary;
  /** Every main-thread task over 16.7 ms, with what ran inside it. */
  longTasks: LongTask[];
}

export interface MajorGc {
  /** ms from the first measured frame. */
  atMs: number;
  wallMs: number;
  cpuMs: number | null;
  /**
   * What was running when V8 started the incremental marking this pause finished: `Layout` (Blink
   * allocating layout objects), `FunctionCall` (the page's script), `Receive mojo message` (in these
   * runs, the harness's per-step `page.evaluate` over the DevTools session), or V8's own job task.
   */
  startedIn: string;
  /** CPU ms of the first layout after the pause, and the run's median layout CPU ms. */
  nextLayoutCpuMs: number | null;
}

/** A nested main-thread event of a long task, and what it was about. */
export interface TaskPart {
  depth: number;
  name: string;
  /** The event type, the script function and where it is, the layout's dirty objects, … */
  detail: string;
  wallMs: number;
  cpuMs: number | null;
}

export interface LongTask {
  /** ms from the first measured frame (the rAF recorder's start); negative: before the scroll was measured. */
  atMs: number;
  wallMs: number;
  /**
   * Thread time: what the main thread ran of the task. The rest of `wallMs` it was not running
   * (descheduled: on a 2-core machine the compositor, raster workers, GPU process and backend want
   * the same cores), which no change to the page's own work removes.
   */
  cpuMs: number | null;
  /** The scheduler's name for what posted it (`ScheduledActionSendBeginMainFrame`: a frame's update). */
  postedBy: string;
  measured: boolean;
  /** ms since the last major GC on the main thread ended, if one did before the task. */
  sinceMajorGcMs: number | null;
  parts: TaskPart[];
}

/** Frames of one kind: how many, how many missed a vsync, and the page's main-thread work in them. */
export interface FrameGroup {
  frames: number;
  dropped: number;
  /** The longest main-thread task overlapping each frame, ms. */
  longestTaskMs: Spread;
  /** Main-thread task time inside each frame, ms. */
  busyMs: Spread;
}

export interface FrameSummary {
  withLanding: FrameGroup;
  withoutLanding: FrameGroup;
  /** The tasks in which a `pool:list` answer reached the store (and React rendered what it changed). */
  landingTaskMs: Spread;
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

/**
 * The main thread's tasks: the outermost of the scheduler's `ThreadControllerImpl::RunTask` and the
 * timeline's `RunTask` (a `fetch` answer's task has only the latter), in time order.
 */
function mainTasks(events: TraceEvent[], main: string): TraceEvent[] {
  const tasks: TraceEvent[] = [];
  for (const e of events
    .filter((x) => `${x.pid}:${x.tid}` === main && x.ph === 'X' && (x.name === 'ThreadControllerImpl::RunTask' || x.name === 'RunTask') && x.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
    const previous = tasks[tasks.length - 1];
    if (!previous || e.ts >= previous.ts + previous.dur!) tasks.push(e);
  }
  return tasks;
}

/** While the benchmark's rAF recorder ran: its first and last `FireAnimationFrame`, µs. */
function recorderWindow(events: TraceEvent[], main: string): [number, number] {
  const fired = events.filter((e) => `${e.pid}:${e.tid}` === main && e.name === 'FireAnimationFrame').map((e) => e.ts);
  return [Math.min(...fired), Math.max(...fired)];
}

const LONG_TASK_US = 16_700;
/** Nested events shorter than this are left out of a long task's parts (they add up to little). */
const PART_MIN_US = 500;
const TASK_WRAPPERS = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

function partDetail(e: TraceEvent): string {
  const a = e.args;
  switch (e.name) {
    case 'FunctionCall': {
      const d = a?.data;
      return `${d?.functionName || '(anonymous)'} ${d?.url?.replace(/^.*\//, '') ?? '?'}:${d?.lineNumber ?? '?'}:${d?.columnNumber ?? '?'}`;
    }
    case 'EventDispatch':
      return a?.data?.type ?? '';
    case 'Layout':
      return `dirty ${a?.beginData?.dirtyObjects ?? '?'} of ${a?.beginData?.totalObjects ?? '?'} objects`;
    case 'UpdateLayoutTree':
      return `${a?.elementCount ?? '?'} elements`;
    case 'Receive mojo message':
      return a?.chrome_mojo_event_info?.mojo_interface_tag ?? '';
    default:
      return '';
  }
}

/**
 * Every main-thread task over 16.7 ms, each with its nested events of 0.5 ms or more (script with
 * its function and place in the bundle, event dispatches, style, layout, paint, GC phases, mojo
 * messages) and, for the task and each part, wall and thread (CPU) time: a task whose CPU time is
 * well under its wall time was long because the thread was not running, not because of its work.
 */
function summariseLongTasks(events: TraceEvent[], main: string, majorGcs: TraceEvent[]): LongTask[] {
  const tasks = mainTasks(events, main).filter((t) => t.dur! > LONG_TASK_US);
  const [recorderFrom, recorderTo] = recorderWindow(events, main);
  const nested = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined && !TASK_WRAPPERS.has(e.name)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const ms = (us: number | undefined) => (us === undefined ? null : Math.round(us / 100) / 10);
  return tasks.map((task) => {
    const end = task.ts + task.dur!;
    const parts: TaskPart[] = [];
    const open: TraceEvent[] = [];
    for (const e of nested) {
      if (e.ts < task.ts || e.ts >= end) continue;
      while (open.length && e.ts >= open[open.length - 1]!.ts + open[open.length - 1]!.dur!) open.pop();
      if (e.dur! >= PART_MIN_US) parts.push({ depth: open.length, name: e.name, detail: partDetail(e), wallMs: ms(e.dur)!, cpuMs: ms(e.tdur) });
      open.push(e);
    }
    const lastGc = majorGcs.filter((g) => g.ts + g.dur! <= task.ts).at(-1);
    // The task the scheduler reports carries `src_func`; the outer `RunTask` does not.
    const posted = nested.length === 0 ? undefined : events.find((e) => e.name === 'ThreadControllerImpl::RunTask' && `${e.pid}:${e.tid}` === main && e.ts >= task.ts && e.ts < end)?.args?.src_func;
    return {
      atMs: Math.round((task.ts - recorderFrom) / 1000),
      wallMs: ms(task.dur)!,
      cpuMs: ms(task.tdur),
      postedBy: posted ?? task.args?.src_func ?? task.name,
      measured: task.ts >= recorderFrom - 20_000 && task.ts <= recorderTo,
      sinceMajorGcMs: lastGc ? Math.round((task.ts - lastGc.ts - lastGc.dur!) / 1000) : null,
      parts,
    };
  });
}

/**
 * Frames are Chromium's own `AnimationFrame` spans on the page's main thread, each tagged with the
 * vsync (BeginFrame) sequence number it was made for: a frame that skips a number missed a vsync.
 * That is the benchmark's dropped frame without the timestamp jitter of rAF times. Only frames
 * while the benchmark's rAF recorder ran (first to last `FireAnimationFrame`) count; a frame's
 * interval runs from the previous frame's start to its own, and tasks count toward every interval
 * they overlap.
 */
function summariseFrames(events: TraceEvent[], main: string): FrameSummary {
  const onMain = (e: TraceEvent) => `${e.pid}:${e.tid}` === main;
  const tasks = mainTasks(events, main);
  const marks = events.filter((e) => e.name === POOL_PAGE_ANSWERED_MARK).map((e) => e.ts).sort((a, b) => a - b);
  const [recorderFrom, recorderTo] = recorderWindow(events, main);
  const frames = events
    .filter((e) => onMain(e) && e.name === 'AnimationFrame' && e.ph === 'b' && e.ts >= recorderFrom - 20_000 && e.ts <= recorderTo)
    .map((e) => ({ ts: e.ts, vsync: e.args?.animation_frame_timing_info?.begin_frame_id?.sequence_number }))
    .filter((f): f is { ts: number; vsync: number } => typeof f.vsync === 'number')
    .sort((a, b) => a.ts - b.ts);
  const groups = { withLanding: [] as { dropped: boolean; longest: number; busy: number }[], withoutLanding: [] as { dropped: boolean; longest: number; busy: number }[] };
  let t = 0;
  for (let i = 1; i < frames.length; i++) {
    const [from, to] = [frames[i - 1]!.ts, frames[i]!.ts];
    while (t < tasks.length && tasks[t]!.ts + tasks[t]!.dur! <= from) t++;
    let longest = 0;
    let busy = 0;
    for (let k = t; k < tasks.length && tasks[k]!.ts < to; k++) {
      const task = tasks[k]!;
      longest = Math.max(longest, task.dur! / 1000);
      busy += (Math.min(to, task.ts + task.dur!) - Math.max(from, task.ts)) / 1000;
    }
    const landed = marks.some((m) => m >= from && m < to);
    (landed ? groups.withLanding : groups.withoutLanding).push({ dropped: frames[i]!.vsync - frames[i - 1]!.vsync > 1, longest, busy });
  }
  const group = (frames: { dropped: boolean; longest: number; busy: number }[]): FrameGroup => ({
    frames: frames.length,
    dropped: frames.filter((f) => f.dropped).length,
    longestTaskMs: spread(frames.map((f) => f.longest)),
    busyMs: spread(frames.map((f) => f.busy)),
  });
  const landingTasks = marks.map((m) => tasks.find((task) => task.ts <= m && m <= task.ts + task.dur!)).filter((task) => task !== undefined);
  return { withLanding: group(groups.withLanding), withoutLanding: group(groups.withoutLanding), landingTaskMs: spread(landingTasks.map((task) => task.dur! / 1000)) };
}

/**
 * Each major GC: its pause, what started the marking it finished (the innermost non-GC event around
 * `V8.GC_MC_INCREMENTAL_START`), and what the next layout cost: in these traces the first layout
 * after a major GC took 2.5–10 ms of CPU against a median of ~1.1 ms, with nothing traced inside it.
 */
function summariseMajorGcs(onMain: TraceEvent[], majorGcs: TraceEvent[], recorderFrom: number): MajorGc[] {
  const starts = onMain.filter((e) => e.name === 'V8.GC_MC_INCREMENTAL_START');
  const layouts = onMain.filter((e) => e.name === 'Layout').sort((a, b) => a.ts - b.ts);
  const ms = (us: number | undefined) => (us === undefined ? null : Math.round(us / 100) / 10);
  return majorGcs.map((gc) => {
    const start = starts.filter((s) => s.ts < gc.ts).at(-1);
    const around = start
      ? onMain
          .filter((e) => e !== start && !/GC/.test(e.name) && e.ts <= start.ts && start.ts <= e.ts + e.dur!)
          .sort((a, b) => b.ts - a.ts || a.dur! - b.dur!)[0]
      : undefined;
    const next = layouts.find((l) => l.ts > gc.ts + gc.dur!);
    return {
      atMs: Math.round((gc.ts - recorderFrom) / 1000),
      wallMs: ms(gc.dur)!,
      cpuMs: ms(gc.tdur),
      startedIn: around ? `${around.name}${around.args?.src_func ? ` (${around.args.src_func})` : partDetail(around) ? ` [${partDetail(around)}]` : ''}` : 'not traced',
      nextLayoutCpuMs: next ? ms(next.tdur ?? next.dur) : null,
    };
  });
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
  const majorGcs = gcs.filter((e) => e.name === 'MajorGC');
  const [recorderFrom] = recorderWindow(events, main);
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
    majorGcs: summariseMajorGcs(onMain, majorGcs, recorderFrom),
    layoutCpuMedianMs: spread(layouts.map((e) => (e.tdur ?? e.dur!) / 1000)).median,
    frames: summariseFrames(events, main),
    longTasks: summariseLongTasks(events, main, majorGcs),
  };
}

export function formatLayoutSummary(s: LayoutSummary): string {
  const f = (x: Spread, unit = '') => `median ${x.median}${unit}, p90 ${x.p90}${unit}, max ${x.max}${unit}`;
  const frames = (name: string, g: FrameGroup) =>
    `  frames ${name}: ${g.frames}, ${g.dropped} missed a vsync; longest main-thread task ${f(g.longestTaskMs, ' ms')}; busy ${f(g.busyMs, ' ms')}`;
  return [
    `scroll steps ${s.scrollSteps}; layouts ${s.layout.ms.n} (${f(s.layout.ms, ' ms')}; total ${Math.round(s.layout.ms.total)} ms)`,
    `  dirty objects per layout: ${f(s.layout.dirtyObjects)}; of total ${s.layout.totalObjects.median}; roots ${JSON.stringify(s.layout.roots)}`,
    `  style recalcs ${s.styleRecalc.ms.n} (${f(s.styleRecalc.ms, ' ms')}), elements ${f(s.styleRecalc.elements)}`,
    `  paint ${s.paintMsPerStep} ms per step; hover dispatches ${s.hoverEvents.count} (${s.hoverEvents.ms} ms); GC minor ${s.gc.minor}, major ${s.gc.major} (${s.gc.ms} ms)`,
    frames('a page landed in', s.frames.withLanding),
    frames('no page landed in', s.frames.withoutLanding),
    `  tasks that applied a landed page: ${s.frames.landingTaskMs.n} (${f(s.frames.landingTaskMs, ' ms')}; total ${Math.round(s.frames.landingTaskMs.total)} ms)`,
    `  major GCs (pause wall / CPU ms; at ms from the first measured frame; marking started in; next layout's CPU ms, median ${s.layoutCpuMedianMs}): ${
      s.majorGcs.map((g) => `${g.wallMs} / ${g.cpuMs ?? '?'} at ${g.atMs}, started in ${g.startedIn}, next layout ${g.nextLayoutCpuMs ?? '?'}`).join('; ') || 'none'
    }`,
    formatLongTasks(s.longTasks),
  ].join('\n');
}

function formatLongTasks(tasks: LongTask[]): string {
  const measured = tasks.filter((t) => t.measured);
  const onCpu = measured.filter((t) => (t.cpuMs ?? t.wallMs) > LONG_TASK_US / 1000);
  const lines = [
    `  tasks > 16.7 ms while measured: ${measured.length}, of which > 16.7 ms on CPU: ${onCpu.length}; before or after the measured scroll: ${tasks.length - measured.length}`,
  ];
  for (const t of tasks) {
    const gc = t.sinceMajorGcMs === null ? '' : `, ${t.sinceMajorGcMs} ms after a major GC`;
    lines.push(`    ${t.measured ? '' : '(not measured) '}at ${t.atMs} ms: ${t.wallMs} ms, ${t.cpuMs ?? '?'} on CPU, ${t.postedBy}${gc}`);
    for (const p of t.parts) lines.push(`    ${'  '.repeat(p.depth + 1)}${p.name}${p.detail ? ` [${p.detail}]` : ''} ${p.wallMs} / ${p.cpuMs ?? '?'}`);
  }
  return lines.join('\n');
}

export function readTraceEvents(file: string): TraceEvent[] {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(parsed) ? parsed : parsed.traceEvents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of process.argv.slice(2)) console.log(`${file}\n${formatLayoutSummary(summariseLayout(readTraceEvents(file)))}\n`);
}
