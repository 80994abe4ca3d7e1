/**
 * Runs inside the page (bundled by esbuild, added as an init script): `window.api`, built by the
 * very `buildDesktopApi` the preload uses, over the benchmark's loopback HTTP (ipcOverHttp.ts),
 * plus what the benchmark reads back:
 * - `__benchIpc`: every `pool:list` call with the page's `performance.now()` when it was sent and
 *   when its answer reached the renderer (before the store sees it);
 * - `__benchFrames`: a requestAnimationFrame recorder, and Long Animation Frame entries where the
 *   browser has them.
 */
import { buildDesktopApi, type DesktopApi, type IpcChannel, type PushMessage, type Result } from '../../shared/ipc.js';
import { IPC_URL_GLOBAL, POOL_PAGE_ANSWERED_MARK } from './pageContract.js';

export interface BenchIpcCall {
  channel: IpcChannel;
  search: string | null;
  page: number | null;
  sentAt: number;
  answeredAt: number | null;
  total: number | null;
}

/** One Long Animation Frame: how long, and how much of it was script vs. style/layout/paint. */
export interface LoafSummary {
  duration: number;
  blockingDuration: number;
  startTime: number;
  scriptMs: number;
  /** From renderStart to the end of the frame: rAF callbacks, style, layout, paint. */
  renderMs: number;
  topScript: string;
}

interface BenchFrames {
  running: boolean;
  stamps: number[];
  loaf: LoafSummary[];
  start(): void;
  stop(): { stamps: number[]; loaf: BenchFrames['loaf'] };
}

type BridgeWindow = Window & {
  api?: DesktopApi;
  /** The benchmark's IPC server (ipcOverHttp.ts), set by an init script before this one. */
  [IPC_URL_GLOBAL]?: string;
  __pushFromMain?: (message: PushMessage) => void;
  __benchIpc: BenchIpcCall[];
  __benchFrames: BenchFrames;
};

const target = window as unknown as BridgeWindow;
// The benchmark runs under tsx, whose esbuild wraps named functions in `__name(...)` (keepNames);
// functions it passes to page.evaluate carry that call into the page.
(window as unknown as { __name?: (fn: unknown) => unknown }).__name ??= (fn) => fn;
const listeners = new Set<(message: PushMessage) => void>();
target.__pushFromMain = (message) => {
  for (const listener of listeners) listener(message);
};
target.__benchIpc = [];
target.api = buildDesktopApi(
  async (channel, request) => {
    // Over loopback HTTP (ipcOverHttp.ts), not a Playwright binding: a binding's answer costs the
    // page's main thread far more than Electron's IPC does.
    const url = target[IPC_URL_GLOBAL];
    if (!url) throw new Error(`window.${IPC_URL_GLOBAL} is not set: the benchmark serves the IPC (ipcOverHttp.ts)`);
    const invoke = async () =>
      JSON.parse(await (await fetch(url + encodeURIComponent(channel), { method: 'POST', body: request === undefined ? '' : JSON.stringify(request) })).text()) as Result<unknown>;
    if (channel !== 'pool:list') return invoke();
    const r = request as { search?: string; page?: number };
    const call: BenchIpcCall = { channel, search: r.search ?? null, page: r.page ?? null, sentAt: performance.now(), answeredAt: null, total: null };
    target.__benchIpc.push(call);
    const result = await invoke();
    call.answeredAt = performance.now();
    // A User Timing mark in the task that hands the page to the store: traceLayout.ts finds the
    // frames a page landed in, and the task that applied it, by this mark.
    performance.mark(POOL_PAGE_ANSWERED_MARK);
    if (result.ok) call.total = (result.value as { total: number }).total;
    return result;
  },
  (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
);

const frames: BenchFrames = {
  running: false,
  stamps: [],
  loaf: [],
  start() {
    frames.running = true;
    frames.stamps = [];
    frames.loaf = [];
    const tick = (t: number) => {
      if (!frames.running) return;
      frames.stamps.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  },
  stop() {
    frames.running = false;
    return { stamps: frames.stamps, loaf: frames.loaf };
  },
};
target.__benchFrames = frames;
try {
  new PerformanceObserver((list) => {
    if (!frames.running) return;
    for (const e of list.getEntries()) {
      const entry = e as PerformanceEntry & {
        blockingDuration?: number;
        renderStart?: number;
        scripts?: { duration: number; invoker: string; sourceURL: string; sourceFunctionName: string }[];
      };
      const scripts = [...(entry.scripts ?? [])].sort((a, b) => b.duration - a.duration);
      const top = scripts[0];
      frames.loaf.push({
        duration: entry.duration,
        blockingDuration: entry.blockingDuration ?? 0,
        startTime: entry.startTime,
        scriptMs: scripts.reduce((sum, x) => sum + x.duration, 0),
        renderMs: entry.renderStart ? entry.startTime + entry.duration - entry.renderStart : 0,
        topScript: top ? `${top.invoker} ${top.sourceFunctionName || ''} ${top.sourceURL.split('/').pop() ?? ''} ${Math.round(top.duration)}ms` : '',
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: false });
} catch {
  // No Long Animation Frames API in this browser: the rAF recorder alone counts frames.
}
