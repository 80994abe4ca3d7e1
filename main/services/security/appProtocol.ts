/**
 * The `app://` protocol that serves the renderer build. The only origin the window may show is
 * `app://scim-directory-sync`; a request maps to a file under the renderer build folder, never
 * outside it (`..`, encoded or not, backslashes, NUL bytes and symlinks out of the folder are
 * refused), and anything that is not a file there answers 404.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_CSP } from './contentSecurityPolicy.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'scim-directory-sync';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(filePath: string): string {
  return MIME_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/** True when `url` is on the app origin (`app://scim-directory-sync/...`), without credentials. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/**
 * The file under `rootDir` that `requestUrl` names, or null when the URL is not on the app origin
 * or tries to leave the folder. Pure path logic: whether the file exists is checked when serving.
 */
export function resolveAppPath(requestUrl: string, rootDir: string): string | null {
  if (!isAppUrl(requestUrl)) return null;
  // Work on the raw path, before any normalisation the URL parser might do, so an encoded `..`
  // (`%2e%2e`, `%2F`) is seen and refused rather than silently resolved.
  const rawPath = requestUrl.slice(APP_ORIGIN.length).split(/[?#]/, 1)[0] ?? '';
  if (rawPath !== '' && !rawPath.startsWith('/')) return null;
  const segments: string[] = [];
  for (const rawSegment of rawPath.split('/').slice(1)) {
    let segment: string;
    try {
      segment = decodeURIComponent(rawSegment);
    } catch {
      return null;
    }
    if (segment === '') continue;
    if (segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  if (segments.length === 0) segments.push('index.html');
  const root = path.resolve(rootDir);
  const filePath = path.resolve(root, ...segments);
  const relative = path.relative(root, filePath);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return filePath;
}

export interface AppProtocolResponse {
  status: 200 | 404;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/** Security headers every `app://` response carries, the CSP among them. */
export function appResponseHeaders(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': APP_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

function notFound(): AppProtocolResponse {
  return { status: 404, headers: appResponseHeaders('text/plain; charset=utf-8'), body: 'Not found' };
}

/** Answers one `app://` request from the renderer build folder. */
export async function serveAppRequest(requestUrl: string, rootDir: string): Promise<AppProtocolResponse> {
  const filePath = resolveAppPath(requestUrl, rootDir);
  if (filePath === null) return notFound();
  try {
    // A symlink inside the folder must not lead out of it.
    const [realRoot, realFile] = await Promise.all([fs.realpath(path.resolve(rootDir)), fs.realpath(filePath)]);
    const relative = path.relative(realRoot, realFile);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return notFound();
    const stat = await fs.stat(realFile);
    if (!stat.isFile()) return notFound();
    const body = await fs.readFile(realFile);
    return { status: 200, headers: appResponseHeaders(mimeTypeFor(realFile)), body: new Uint8Array(body) };
  } catch {
    return notFound();
  }
}
