/**
 * The request log's write of a buffered batch (server/scim/requestLog.ts), against the real store
 * (SQLite here, PostgreSQL in integration-pg). Under load one flush holds thousands of requests of
 * one connection; only the newest REQUEST_LOG_SIZE of them are kept, and the counters behind the
 * health line must still count every one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Store } from '../../server/store/database.js';
import { EventBus } from '../../server/domain/eventBus.js';
import { REQUEST_LOG_SIZE, RequestLogRecorder, type LoggedRequest } from '../../server/scim/requestLog.js';
import { openTestStore } from '../support/testDatabase.js';

const BUSY = '0b3f8a52-6a43-4c38-9d25-8f2d4d1e0001';
const QUIET = '0b3f8a52-6a43-4c38-9d25-8f2d4d1e0002';

let db: Store;
let closeStore: () => Promise<void>;

beforeAll(async () => {
  ({ db, close: closeStore } = await openTestStore());
});
afterAll(() => closeStore());

const entry = (connectionId: string, n: number, status = 200): LoggedRequest => ({
  connectionId,
  orgId: 'org-1',
  at: new Date(Date.UTC(2026, 10, 30, 2, 0, 0, n)).toISOString(),
  method: 'GET',
  path: `/Users?n=${n}`,
  status,
  durationMs: 0.4,
  errorDetail: status >= 400 ? `failed ${n}` : null,
  body: n % 2 === 0 ? null : `{"n":${n}}`,
});

async function logOf(connectionId: string) {
  return db
    .selectFrom('scim_request_log')
    .select(['at', 'method', 'path', 'status', 'duration_ms', 'error_detail', 'body'])
    .where('connection_id', '=', connectionId)
    .orderBy('seq', 'asc')
    .execute();
}

describe('request log flush', () => {
  it('keeps the newest 500 of a 1,200-request batch in order, and counts all 1,200', async () => {
    const recorder = new RequestLogRecorder({ db, bus: new EventBus(), log: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
    const busy = Array.from({ length: 1200 }, (_, n) => entry(BUSY, n, n === 10 ? 500 : 200));
    // The quiet connection's three requests fall among the busy one's oldest, which are not kept.
    const batch = [...busy.slice(0, 5), entry(QUIET, 0), entry(QUIET, 1, 404), ...busy.slice(5, 20), entry(QUIET, 2), ...busy.slice(20)];
    for (const request of batch) recorder.record(request);
    await recorder.close();

    const rows = await logOf(BUSY);
    expect(rows).toHaveLength(REQUEST_LOG_SIZE);
    expect(rows.map((r) => r.path)).toEqual(busy.slice(-REQUEST_LOG_SIZE).map((r) => r.path));
    expect(rows[0]).toEqual({ at: busy[700]!.at, method: 'GET', path: '/Users?n=700', status: 200, duration_ms: 0.4, error_detail: null, body: null });
    expect(rows[1]!.body).toBe('{"n":701}');
    expect((await logOf(QUIET)).map((r) => [r.path, r.status, r.error_detail])).toEqual([
      ['/Users?n=0', 200, null],
      ['/Users?n=1', 404, 'failed 1'],
      ['/Users?n=2', 200, null],
    ]);

    const stats = await db.selectFrom('scim_request_stats').select(['connection_id', 'hour', 'requests', 'errors']).orderBy('connection_id').execute();
    expect(stats.map((s) => ({ ...s, requests: Number(s.requests), errors: Number(s.errors) }))).toEqual([
      // The 500 of request 10 is counted although its row was not kept.
      { connection_id: BUSY, hour: '2026-11-30T02', requests: 1200, errors: 1 },
      { connection_id: QUIET, hour: '2026-11-30T02', requests: 3, errors: 1 },
    ]);
  });

  it('stores every kind of text as it was logged: quotes, backslashes, non-ASCII, emoji, JSON bodies', async () => {
    const recorder = new RequestLogRecorder({ db, bus: new EventBus(), log: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
    const ODD = '0b3f8a52-6a43-4c38-9d25-8f2d4d1e0003';
    const odd: LoggedRequest = {
      ...entry(ODD, 1, 400),
      path: '/Users?filter=userName eq "Zoë \\ O\'Brien 👩‍💻"',
      errorDetail: 'Attribute "naïve\tname" is not valid: \u0041 "quoted"',
      body: '{"userName":"Zoë 👩‍💻","list":[1,2.5,null,true]}',
      durationMs: 12.25,
    };
    recorder.record(odd);
    await recorder.close();
    expect(await logOf(ODD)).toEqual([
      { at: odd.at, method: 'GET', path: odd.path, status: 400, duration_ms: 12.25, error_detail: odd.errorDetail, body: odd.body },
    ]);
  });

  it('a later batch pushes the oldest rows out, keeping the newest 500 across both', async () => {
    const recorder = new RequestLogRecorder({ db, bus: new EventBus(), log: pino({ level: 'silent' }), flushIntervalMs: 60_000 });
    for (let n = 1200; n < 1300; n++) recorder.record(entry(BUSY, n));
    await recorder.close();
    const rows = await logOf(BUSY);
    expect(rows).toHaveLength(REQUEST_LOG_SIZE);
    expect(rows[0]!.path).toBe('/Users?n=800');
    expect(rows.at(-1)!.path).toBe('/Users?n=1299');
  });
});
