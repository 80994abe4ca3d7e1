/**
 * Runs the bundled backend in an Electron utility process instead of a child process of the
 * Electron binary with ELECTRON_RUN_AS_NODE: the packaged app burns the `runAsNode` fuse, so the
 * binary cannot be used as a plain Node. `utilityProcess.fork` runs a JS file with Electron's Node
 * without that fuse (its `process.argv` is `[execPath, entry, ...args]`, as under Node).
 *
 * `createUtilityProcessSpawn(utilityProcess.fork)` returns a function with the shape of
 * `child_process.spawn` as the bundled backend uses it (the command is ignored; leading
 * `--name=value` Node flags become execArgv, the next argument is the JS entry), answering an object with the `ChildProcess` members the backend reads: `pid`,
 * `exitCode`, `signalCode`, `stdout`, `stderr`, `kill`, and the `spawn`, `exit` and `close` events.
 * This file does not import electron itself, so it is unit tested with a stand-in for `fork`.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

export type SpawnLike = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** The part of Electron's `UtilityProcess` used here. */
export interface UtilityProcessLike {
  pid: number | undefined;
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(): boolean;
  once(event: 'spawn', listener: () => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
}

export type UtilityFork = (
  modulePath: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; execArgv?: string[]; stdio: 'pipe'; serviceName: string },
) => UtilityProcessLike;

function streamEnded(stream: Readable | null): Promise<void> {
  if (!stream || stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

export function createUtilityProcessSpawn(fork: UtilityFork, serviceName = 'SCIM Directory Sync backend'): SpawnLike {
  return (_command, args, options) => {
    // Leading `--name=value` arguments are Node flags (as on a node command line); a utility
    // process takes them as execArgv, and the first other argument is the JS entry.
    const firstOther = args.findIndex((arg) => !arg.startsWith('-'));
    const execArgv = args.slice(0, firstOther === -1 ? args.length : firstOther);
    const [entry, ...rest] = args.slice(execArgv.length);
    if (!entry) throw new Error('utilityProcess spawn: the JS entry (the first argument after the Node flags) is missing');
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[key] = value;
    const child = fork(entry, rest, {
      ...(typeof options.cwd === 'string' ? { cwd: options.cwd } : {}),
      env,
      ...(execArgv.length > 0 ? { execArgv } : {}),
      stdio: 'pipe',
      serviceName,
    });
    const stdout = child.stdout as Readable | null;
    const stderr = child.stderr as Readable | null;
    const emitter = Object.assign(new EventEmitter(), {
      pid: child.pid,
      exitCode: null as number | null,
      signalCode: null as NodeJS.Signals | null,
      stdout,
      stderr,
      killed: false,
      kill(_signal?: NodeJS.Signals | number): boolean {
        if (emitter.exitCode !== null) return false;
        emitter.killed = true;
        // On POSIX this is SIGTERM (the backend stops gracefully); Electron reaps the process.
        return child.kill();
      },
    });
    child.once('spawn', () => {
      emitter.pid = child.pid;
      emitter.emit('spawn');
    });
    child.once('exit', (code) => {
      emitter.exitCode = code;
      emitter.emit('exit', code, null);
      void Promise.all([streamEnded(stdout), streamEnded(stderr)]).then(() => emitter.emit('close', code, null));
    });
    return emitter as unknown as ChildProcess;
  };
}
