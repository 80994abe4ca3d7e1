import { describe, expect, it } from 'vitest';
import { coalescedLoad } from '../../renderer/stores/coalescedLoad.js';

describe('coalescedLoad', () => {
  it('runs once more after a burst of calls, never twice at once, and shares one promise', async () => {
    let running = 0;
    let maxConcurrent = 0;
    let runs = 0;
    let starts = 0;
    const load = coalescedLoad(
      async () => {
        running++;
        maxConcurrent = Math.max(maxConcurrent, running);
        runs++;
        await new Promise((resolve) => setTimeout(resolve, 10));
        running--;
      },
      () => starts++,
    );
    const first = load();
    const burst = [load(), load(), load()];
    expect(burst.every((p) => p === first)).toBe(true);
    await Promise.all([first, ...burst]);
    expect(runs).toBe(2);
    expect(starts).toBe(1);
    expect(maxConcurrent).toBe(1);
  });

  it('recovers after a failed run', async () => {
    let fail = true;
    const load = coalescedLoad(async () => {
      if (fail) throw new Error('backend down');
    });
    await expect(load()).rejects.toThrow('backend down');
    fail = false;
    await expect(load()).resolves.toBeUndefined();
  });
});
