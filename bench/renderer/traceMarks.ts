/**
 * User Timing marks the benchmark's page bridge sets and the trace summary looks for. Its own
 * module: the bridge is bundled into the page, the summary runs in Node, and neither should pull
 * in the other.
 */

/** Set when a `pool:list` answer reaches the renderer, in the task that hands it to the store. */
export const POOL_PAGE_ANSWERED_MARK = 'bench:pool-page-answered';
