/**
 * `npm run server` starts the backend with the same memory settings as the desktop app and the
 * benchmark (shared/backendRuntime.ts). package.json cannot import the constant, so this holds
 * the two together.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_NODE_FLAGS } from '../../shared/backendRuntime.js';

const packageJson = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('backend memory settings', () => {
  it('npm run server passes BACKEND_NODE_FLAGS to node before the entry', () => {
    const argv = packageJson.scripts.server!.split(/\s+/);
    expect(argv[0]).toBe('node');
    expect(argv.slice(1, 1 + BACKEND_NODE_FLAGS.length)).toEqual([...BACKEND_NODE_FLAGS]);
    expect(argv.slice(-1)).toEqual(['server/cli.ts']);
  });
});
