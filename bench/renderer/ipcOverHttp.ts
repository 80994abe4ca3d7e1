/**
 * The benchmark page's IPC to main's handlers, carried over loopback HTTP (`fetch`) instead of a
 * Playwright binding. A binding's answer reaches the page as a DevTools protocol message that the
 * page's main thread decodes itself: for one 33 KB `pool:list` page that took 2.5–7 ms of the
 * page's main thread at the median and up to 75 ms (p90 10–21 ms), against 0.35 ms for `fetch` +
 * `text()` (a 40-call Chromium trace, bench/renderer/RESULTS.md). Electron's `ipcRenderer.invoke`
 * answer is a mojo message decoded by structured clone, the `fetch` side of that comparison: the
 * binding made every page landing mid-scroll cost the page a harness's work the app never does.
 * The e2e tests keep the binding (test/e2e/bridge.ts); they time nothing. The benchmark's page
 * bypasses the app's CSP (`connect-src 'none'`) for this `fetch`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MainServices } from '../../main/services/ipcHandlers.js';
import type { IpcChannel } from '../../shared/ipc.js';

/**
 * Serves `POST {url}{channel}` with the request as the JSON body, answering the handler's `Result`
 * as JSON text (what `exposeIpcHandlers` answers over the binding). The body is sent as text/plain,
 * so the cross-origin call from the renderer's origin needs no preflight.
 */
export async function serveIpcOverHttp(handlers: MainServices['handlers']): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const channel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1)) as IpcChannel;
      const answer = async (): Promise<unknown> => {
        const handler = handlers[channel] as ((request: unknown) => Promise<unknown>) | undefined;
        if (!handler) return { ok: false, error: { code: 'invalid_request', message: `unknown channel ${channel}` } };
        const body = Buffer.concat(chunks).toString('utf8');
        return handler(body === '' ? undefined : JSON.parse(body)); // no body: a call without a request
      };
      answer().then(
        (result) => res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' }).end(JSON.stringify(result)),
        (error: unknown) => res.writeHead(500, { 'Access-Control-Allow-Origin': '*' }).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
