/**
 * WAL checkpoints off the event loop, for `serve` on SQLite. By default SQLite checkpoints inside
 * whichever COMMIT takes the WAL past 1,000 pages: that COMMIT copies the pages into the database
 * file and fsyncs it and the WAL, synchronously, and every request in flight waits (an Entra sync
 * writes ~11 pages per create, so about every 90 creates). Here the server's connection never
 * checkpoints (`wal_autocheckpoint = 0`); a worker thread with its own connection runs PASSIVE
 * checkpoints every CHECKPOINT_INTERVAL_MS instead, which copy what is committed without taking
 * any lock a writer needs, while the event loop goes on.
 *
 * A PASSIVE checkpoint that ends with frames committed meanwhile leaves the WAL to grow, since a
 * writer starts it over only when everything in it was checkpointed. Under a steady write load that
 * is always, so past RESTART_FRAMES the worker asks for a pause: the group commit
 * (sqliteGroupCommit.ts) starts no new batch until the worker has checkpointed the rest (a short
 * catch-up, the worker keeps up), and the next batch's BEGIN starts the WAL over. Requests wait for
 * that as they wait for a batch's COMMIT; the loop is never blocked.
 *
 * Durability is unchanged: a checkpoint only moves committed pages from the WAL into the database
 * file (with the fsyncs synchronous=NORMAL asks for), from any connection, and a crash at any point
 * of it is recovered from the WAL as before. If the worker fails, the connection checkpoints
 * itself again as SQLite does by default.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export const CHECKPOINT_INTERVAL_MS = 50;
/** WAL frames (≈ 4 KiB each) past which new batches pause for a catch-up checkpoint. */
export const RESTART_FRAMES = 8000;

/** Messages from the worker. */
type FromWorker = { type: 'pause' } | { type: 'caughtUp' } | { type: 'failed'; message: string } | { type: 'stopped' };

// Plain CommonJS run by the worker (eval), so that it survives bundling: it requires the same
// better-sqlite3 the server loaded, by absolute path.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
let timer;
let stopping = false;
let pauseAsked = false;
function checkpoint() {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  return result;
}
function tick() {
  timer = undefined;
  if (stopping) return;
  try {
    const result = checkpoint();
    // Keep checkpointing meanwhile: writes outside a batch (autocommit) do not wait for the pause.
    if (result.log >= workerData.restartFrames && !pauseAsked) { pauseAsked = true; parentPort.postMessage({ type: 'pause' }); }
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) });
    return;
  }
  timer = setTimeout(tick, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message.type === 'paused') {
    // No batch is open: this checkpoint reaches the end of the WAL, so the next writer starts it over.
    try { checkpoint(); } catch (error) { parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) }); return; }
    pauseAsked = false;
    parentPort.postMessage({ type: 'caughtUp' });
  } else if (message.type === 'stop') {
    stopping = true;
    if (timer) clearTimeout(timer);
    db.close();
    parentPort.postMessage({ type: 'stopped' });
  }
});
try {
  db = new Database(workerData.file, { fileMustExist: true });
  db.pragma('busy_timeout = 0');
  timer = setTimeout(tick, workerData.intervalMs);
} catch (error) {
  parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) });
}
`;

export interface BackgroundCheckpointer {
  /** Resolves when new batches may start: at once, or after a requested catch-up checkpoint. */
  beforeBatch(): Promise<void> | undefined;
  /** Stops the worker and closes its connection (before the server's connection closes). */
  stop(): Promise<void>;
}

export function startBackgroundCheckpointer(
  file: string,
  onFailure: (message: string) => void,
  options: { intervalMs?: number; restartFrames?: number } = {},
): BackgroundCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS, restartFrames: options.restartFrames ?? RESTART_FRAMES },
  });
  // A server that exits without closing the store must not be kept alive by its checkpointer.
  worker.unref();
  /** A catch-up the worker asked for; `told` once the worker was told no batch is open. */
  let pause: { promise: Promise<void>; resolve: () => void; told: boolean } | undefined;
  let failed = false;
  let stopped: Promise<void> | undefined;
  const release = () => {
    pause?.resolve();
    pause = undefined;
  };
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    release();
    onFailure(message);
  };
  worker.on('message', (message: FromWorker) => {
    if (message.type === 'pause') {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      pause = { promise, resolve, told: false };
    } else if (message.type === 'caughtUp') {
      release();
    } else if (message.type === 'failed') {
      fail(message.message);
    }
  });
  worker.on('error', (error) => fail(error.message));
  worker.on('exit', () => fail('checkpoint worker exited'));
  return {
    beforeBatch() {
      if (!pause) return undefined;
      // The batch before this one has committed and no other is open: the worker may catch up.
      if (!pause.told) {
        pause.told = true;
        worker.postMessage({ type: 'paused' });
      }
      return pause.promise;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        failed = true; // stopping is not a failure to report
        release();
        worker.ref();
        worker.once('exit', () => resolve());
        worker.on('message', (message: FromWorker) => {
          if (message.type === 'stopped') void worker.terminate();
        });
        worker.postMessage({ type: 'stop' });
      });
      return stopped;
    },
  };
}
