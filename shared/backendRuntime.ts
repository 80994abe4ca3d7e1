/**
 * How every launcher starts the SCIM backend process: the desktop app (child process in
 * development, Electron utility process when packaged), `npm run server`, and the benchmark, so
 * what is measured is what ships.
 *
 * Why: left alone, V8 lets the young generation grow to 16 MiB semi-spaces and the old generation
 * to a multiple of the live heap before a major GC, and glibc gives each of the process's threads
 * its own malloc arena. The backend's live heap is ~30 MiB, yet its resident memory peaked at
 * 160–205 MiB under the benchmark's write workloads (bench/RESULTS.md). With these settings the
 * same runs peak 25–35 MiB lower at no extra CPU per request (measured in back-to-back pairs).
 * They are growth factors, not caps: a large request can still use what it needs, nothing runs
 * out of memory earlier.
 */
export const BACKEND_NODE_FLAGS: readonly string[] = [
  // Young generation: 4 MiB semi-spaces (scavenges stay short; the default grows to 16 MiB).
  '--max-semi-space-size=4',
  // Old generation: the next major GC at 1.5× the live heap (V8's default factor reaches 4×).
  '--heap-growing-percent=50',
];

/** Environment for the backend process. Only glibc reads MALLOC_ARENA_MAX; elsewhere it is inert. */
export const BACKEND_ENVIRONMENT: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
};
