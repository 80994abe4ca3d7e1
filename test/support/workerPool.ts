/**
 * Runs `work` over `items` with `concurrency` workers, as a directory's sync job does (Entra and the
 * benchmarks use several parallel workers). Each worker takes the next item when it is done with
 * its last; the first error stops every worker from taking more and is rethrown.
 */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (index: number) => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, (_, i) => worker(i)));
}
