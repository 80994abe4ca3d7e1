import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl, mimeTypeFor, resolveAppPath, serveAppRequest } from '../../main/services/security/appProtocol.js';

let root: string;
let outside: string;

beforeAll(() => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'app-protocol-'));
  root = path.join(base, 'renderer');
  outside = path.join(base, 'secret.txt');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>SCIM Directory Sync</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  fs.writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  fs.writeFileSync(outside, 'top secret');
  fs.symlinkSync(outside, path.join(root, 'assets', 'link.txt'));
});
afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('recognises only the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://scim-directory-sync/assets/x.js')).toBe(true);
    expect(isAppUrl('app://other-host/index.html')).toBe(false);
    expect(isAppUrl('https://scim-directory-sync/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('app://user:pw@scim-directory-sync/index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('maps paths under the build folder, / to index.html', () => {
    expect(resolveAppPath('app://scim-directory-sync/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath('app://scim-directory-sync', root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath('app://scim-directory-sync/assets/index-abc.js?v=1#x', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
  });

  it.each([
    'app://scim-directory-sync/../secret.txt',
    'app://scim-directory-sync/assets/../../secret.txt',
    'app://scim-directory-sync/%2e%2e/secret.txt',
    'app://scim-directory-sync/%2E%2E%2Fsecret.txt',
    'app://scim-directory-sync/assets%2F..%2F..%2Fsecret.txt',
    'app://scim-directory-sync/..%5Csecret.txt',
    'app://scim-directory-sync/%00index.html',
    'app://scim-directory-sync/C:%5Cwindows',
    'app://scim-directory-sync/%E0%A4%A',
    'app://evil/index.html',
  ])('refuses %s', async (url) => {
    expect(resolveAppPath(url, root)).toBeNull();
    const response = await serveAppRequest(url, root);
    expect(response.status).toBe(404);
    expect(String(response.body)).not.toContain('top secret');
  });

  it('serves files with their MIME type, the CSP and nosniff', async () => {
    const html = await serveAppRequest(APP_ENTRY_URL, root);
    expect(html.status).toBe(200);
    expect(html.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(html.headers['Content-Security-Policy']).toContain("default-src 'self'");
    expect(html.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(Buffer.from(html.body).toString()).toContain('SCIM Directory Sync');
    expect((await serveAppRequest('app://scim-directory-sync/assets/index-abc.js', root)).headers['Content-Type']).toMatch(/^text\/javascript/);
    expect((await serveAppRequest('app://scim-directory-sync/assets/index-abc.css', root)).headers['Content-Type']).toMatch(/^text\/css/);
    expect((await serveAppRequest('app://scim-directory-sync/assets/logo.svg', root)).headers['Content-Type']).toBe('image/svg+xml');
  });

  it('answers 404 for unknown files, folders and symlinks out of the folder', async () => {
    expect((await serveAppRequest('app://scim-directory-sync/missing.js', root)).status).toBe(404);
    expect((await serveAppRequest('app://scim-directory-sync/assets', root)).status).toBe(404);
    const link = await serveAppRequest('app://scim-directory-sync/assets/link.txt', root);
    expect(link.status).toBe(404);
    expect(String(link.body)).not.toContain('top secret');
  });

  it('knows the MIME types of a Vite build', () => {
    expect(mimeTypeFor('a.mjs')).toMatch(/javascript/);
    expect(mimeTypeFor('a.woff2')).toBe('font/woff2');
    expect(mimeTypeFor('a.PNG')).toBe('image/png');
    expect(mimeTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});
