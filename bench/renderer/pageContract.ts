/**
 * Names the page bridge (pageBridge.ts, bundled into the page) shares with the Node side of the
 * benchmark (the trace summary, the IPC server). Their own module, free of Node and DOM imports,
 * so neither side pulls in the other.
 */

/** User Timing mark set when a `pool:list` answer reaches the renderer, in the task that hands it to the store. */
export const POOL_PAGE_ANSWERED_MARK = 'bench:pool-page-answered';

/** The `window` property an init script sets to the benchmark's IPC server (ipcOverHttp.ts), before the bridge runs. */
export const IPC_URL_GLOBAL = '__benchIpcUrl';
