/** Pool paging and search, live member removal, the toast and the persistent alert, invite results. */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Profiler } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/App.js';
import { PoolTable, PoolToolbar, ROW_HEIGHT } from '../../renderer/components/PoolTable.js';
import { createStores } from '../../renderer/stores/index.js';
import { COUNT_UP_TO, createPoolStore } from '../../renderer/stores/pool.js';
import { POOL_EMPTY_TEXT } from '../../renderer/screens/org/InviteUsersScreen.js';
import { ACCOUNT, connectionView, createFakeApi } from './fakeApi.js';

const C = '22222222-2222-4222-8222-222222222222';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const entry = (i: number) => ({
  id: uuid(i), connectionId: C, userName: `u${i}@acme.test`, name: `User ${i}`, email: `u${i}@acme.test`, directoryActive: true,
  deletedInDirectory: false, status: 'available' as const, memberId: null, inviteId: null, lastDirectoryChangeAt: new Date().toISOString(),
});
const ok = <T,>(value: T) => ({ ok: true as const, value });
/** The backend's paging and counting rules over `total` people; a search "N" finds User N. */
const poolHandler = (total: number, delay: (r: any) => number = () => 0) => (r: any) =>
  new Promise<ReturnType<typeof ok>>((resolve) => setTimeout(() => {
    const all = r.search ? [entry(Number(r.search))] : [];
    const n = r.search ? all.length : total;
    const start = (r.page - 1) * r.pageSize;
    const items = r.search ? all : Array.from({ length: Math.max(0, Math.min(r.pageSize, n - start)) }, (_, k) => entry(start + k));
    const capped = r.countUpTo !== undefined && n >= r.countUpTo;
    resolve(ok({ items, total: capped ? Math.max(r.countUpTo, start + items.length) : n, totalExact: !capped, page: r.page, pageSize: r.pageSize }));
  }, delay(r)));
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => cleanup());

describe('pool table', () => {
  /** Every data row on screen: its 0-based index (from aria-rowindex), its name, and where it is placed. */
  const shownRows = () =>
    [...document.querySelectorAll<HTMLElement>('[data-testid="pool-grid"] [role="row"][data-entry]')].map((row) => ({
      index: Number(row.getAttribute('aria-rowindex')) - 2,
      name: row.querySelector('.cell-name')?.textContent,
      top: row.style.transform,
    }));
  const scrollTo = (grid: HTMLElement, top: number) => {
    Object.defineProperty(grid, 'scrollTop', { configurable: true, writable: true, value: top });
    fireEvent.scroll(grid);
  };

  /** A pool of 100,000 in a table of 440 × 1,000 px; jsdom lays nothing out, so the virtualizer is told the size. */
  const renderLargePool = async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(440);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    render(<PoolTable store={pool} label="Pool" />);
    return screen.getByRole('grid', { name: 'Pool' });
  };

  it('rows reused while scrolling show the person at their own index, in their own place, there and back', async () => {
    const grid = await renderLargePool();
    const consistent = () => {
      const rows = shownRows();
      expect(rows.length).toBeGreaterThan(5);
      for (const r of rows) expect(r).toEqual({ index: r.index, name: `User ${r.index}`, top: `translateY(${r.index * ROW_HEIGHT}px)` });
      return rows.map((r) => r.index);
    };
    await vi.waitFor(() => expect(consistent()).toContain(0));
    for (const index of [7, 14, 3000, 3013, 50_000, 20]) {
      scrollTo(grid, index * ROW_HEIGHT);
      await vi.waitFor(() => expect(consistent()).toContain(index));
    }
    vi.restoreAllMocks();
  });

  it('scrolling gives the entering rows the leaving rows’ elements without adding, removing or moving any, and tells assistive technology the rows in order', async () => {
    const grid = await renderLargePool();
    await vi.waitFor(() => expect(shownRows().map((r) => r.index)).toContain(0));
    const body = grid.querySelector('[role="rowgroup"].pool-body')!;
    const elements = [...body.children];
    const moves: MutationRecord[] = [];
    const observer = new MutationObserver((records) => moves.push(...records));
    observer.observe(body, { childList: true });
    // A wheel step at a time (~14 rows), across a page boundary, then a jump and back.
    for (const index of [14, 28, 42, 95, 110, 3000, 20]) {
      scrollTo(grid, index * ROW_HEIGHT);
      await vi.waitFor(() => expect(shownRows().map((r) => r.index)).toContain(index));
      // Screen readers read the rows in the order aria-owns gives: every rendered row, by index.
      const owned = body.getAttribute('aria-owns')!.split(' ').map((id) => document.getElementById(id));
      const indices = owned.map((row) => Number(row?.getAttribute('aria-rowindex')) - 2);
      expect(owned.every((row) => row?.parentElement === body)).toBe(true);
      expect(indices).toEqual(Array.from({ length: body.children.length }, (_, k) => indices[0]! + k));
      expect(indices).toContain(index);
    }
    await pause(0);
    observer.disconnect();
    expect(moves).toEqual([]);
    expect([...body.children]).toEqual(elements);
    vi.restoreAllMocks();
  });

  it('a page landing beyond the rows on screen renders nothing, and one landing among them changes only the rows it fills', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(440);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000, (r) => (r.page > 1 ? 40 : 0)) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    await vi.waitFor(() => expect(pool.getState().totalExact).toBe(true)); // rows past the first 1,000 exist
    let commits = 0;
    render(
      <Profiler id="pool" onRender={() => commits++}>
        <PoolTable store={pool} label="Pool" />
      </Profiler>,
    );
    const grid = screen.getByRole('grid', { name: 'Pool' });
    await vi.waitFor(() => expect(shownRows().map((r) => r.index)).toContain(0));
    await pause(100); // the look-ahead's pages, if any, have landed
    const body = grid.querySelector('[role="rowgroup"].pool-body')!;
    const changes: MutationRecord[] = [];
    const observer = new MutationObserver((records) => changes.push(...records));
    observer.observe(body, { subtree: true, childList: true, attributes: true, characterData: true });

    // Rows 5,000–5,099 (a page prefetched for another part of the table) land off screen.
    commits = 0;
    await pool.getState().ensureRange(5000, 5050);
    expect(pool.getState().rowAt(5000)?.name).toBe('User 5000');
    await pause(0);
    expect(commits).toBe(0);
    expect(changes).toEqual([]);

    // A jump to row 3,000: its rows show placeholders until their page lands, then only they change.
    scrollTo(grid, 3000 * ROW_HEIGHT);
    await vi.waitFor(() => expect(document.querySelectorAll('.pool-row-loading').length).toBeGreaterThan(5));
    const placeholders = new Set(document.querySelectorAll('.pool-row-loading'));
    await pause(0);
    changes.length = 0;
    await vi.waitFor(() => expect(document.querySelector('.pool-row-loading')).toBeNull());
    await pause(0);
    const changedRows = new Set(changes.map((c) => (c.target instanceof Element ? c.target : c.target.parentElement)!.closest('[role="row"]')));
    expect(changedRows.size).toBeGreaterThan(0);
    for (const row of changedRows) expect(placeholders.has(row!)).toBe(true);
    observer.disconnect();
    vi.restoreAllMocks();
  });

  it('gives a cell its tooltip only while the pointer is on it, from the person shown there, and takes it away when the pointer leaves or the table scrolls', async () => {
    const grid = await renderLargePool();
    await vi.waitFor(() => expect(shownRows().map((r) => r.index)).toContain(3));
    // No row carries a title of its own: scrolling changes no title.
    expect(grid.querySelectorAll('[title]')).toHaveLength(0);
    const row = () => grid.querySelector('[role="row"][aria-rowindex="5"]')!; // index 3
    const cell = (tip: string) => row().querySelector<HTMLElement>(`[data-tip="${tip}"]`)!;
    fireEvent.pointerOver(cell('email'));
    expect(cell('email').title).toBe('u3@acme.test');
    fireEvent.pointerOver(row().querySelector('.pill')!); // a cell without a tooltip
    expect(grid.querySelectorAll('[title]')).toHaveLength(0);
    fireEvent.pointerOver(cell('lastDirectoryChangeAt'));
    expect(cell('lastDirectoryChangeAt').title).toMatch(/^\d{4}-\d\d-\d\dT/); // the exact time, where the cell says "2 min ago"
    fireEvent.pointerOver(cell('name'));
    expect([...grid.querySelectorAll('[title]')].map((e) => e.getAttribute('title'))).toEqual(['User 3']);
    fireEvent.pointerLeave(grid.querySelector('.pool-body')!);
    expect(grid.querySelectorAll('[title]')).toHaveLength(0);
    // The row element is reused for another person as the table scrolls: its tooltip goes with the scroll.
    fireEvent.pointerOver(cell('userName'));
    expect(cell('userName').title).toBe('u3@acme.test');
    scrollTo(grid, 3000 * ROW_HEIGHT);
    expect(grid.querySelectorAll('[title]')).toHaveLength(0);
    vi.restoreAllMocks();
  });

  it('lets the pointer through the rows while the table scrolls, and gives it back once it has been still for 150 ms', async () => {
    const grid = await renderLargePool();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      expect(grid.hasAttribute('data-scrolling')).toBe(false);
      scrollTo(grid, 600);
      expect(grid.hasAttribute('data-scrolling')).toBe(true);
      // Still scrolling 100 ms later: the pause counts from the last scroll event.
      vi.advanceTimersByTime(100);
      scrollTo(grid, 1200);
      vi.advanceTimersByTime(100);
      expect(grid.hasAttribute('data-scrolling')).toBe(true);
      vi.advanceTimersByTime(60);
      expect(grid.hasAttribute('data-scrolling')).toBe(false);
    } finally {
      vi.useRealTimers();
      vi.restoreAllMocks();
    }
  });

  it('pages fetched while scrolling leave the toolbar alone: no spinner, no change to the announced total; a new search shows the spinner outside it', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(440);
    vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    // Slow answers, so the test can look while a page or a search is on its way.
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000, (r) => (r.page > 1 || r.search ? 80 : 0)) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    await vi.waitFor(() => expect(pool.getState().totalExact).toBe(true));
    render(
      <>
        <PoolToolbar store={pool} />
        <PoolTable store={pool} label="Pool" />
      </>,
    );
    const total = screen.getByTestId('pool-total');
    expect(total.closest('[aria-live]')).toBe(total);
    expect(total.textContent).toBe('100,000 people');
    const spinner = () => document.querySelector('.pool-toolbar .spinner');
    const announced: MutationRecord[] = [];
    const observer = new MutationObserver((records) => announced.push(...records));
    observer.observe(total, { childList: true, subtree: true, characterData: true, attributes: true });

    scrollTo(screen.getByRole('grid', { name: 'Pool' }), 3000 * ROW_HEIGHT);
    await vi.waitFor(() => expect(Object.keys(pool.getState().loadingPages).length).toBeGreaterThan(0));
    expect(document.querySelector('.pool-row-loading')).not.toBeNull();
    expect(spinner()).toBeNull();
    await vi.waitFor(() => expect(shownRows().map((r) => r.index)).toContain(3000));
    await pause(0);
    expect(announced).toEqual([]);

    const searched = pool.getState().setSearch('12');
    await vi.waitFor(() => expect(spinner()).not.toBeNull());
    expect(total.contains(spinner())).toBe(false);
    await searched;
    await vi.waitFor(() => expect(spinner()).toBeNull());
    expect(total.textContent).toBe('1 person');
    observer.disconnect();
    vi.restoreAllMocks();
  });
});

describe('pool store', () => {
  it('scrolling through 1,000 rows fetches them two pages to a request, with a new query’s first page alone', async () => {
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    await vi.waitFor(() => expect(pool.getState().totalExact).toBe(true));
    // What the table asks for as it scrolls a wheel step (~14 rows) at a time: the rows on screen and 50 ahead.
    for (let first = 0; first < 1000; first += 14) await pool.getState().ensureRange(first, first + 27 + 50);
    for (let index = 0; index < 1000; index++) expect(pool.getState().rowAt(index)?.name).toBe(`User ${index}`);
    const pages = fake.callsTo('pool:list').filter((r) => r.pageSize > 1).map((r) => [r.page, r.pageSize]);
    // Page 1 came with the query; page 2 alone (its pair holds page 1); then pages 3–4, 5–6, … 11–12.
    expect(pages).toEqual([[1, 100], [2, 100], [2, 200], [3, 200], [4, 200], [5, 200], [6, 200]]);
  });

  it('fetches pages of 100 keyed by index (two to a request while scrolling), never the whole directory', async () => {
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    await vi.waitFor(() => expect(pool.getState().totalExact).toBe(true));
    expect(pool.getState().total).toBe(100_000);
    await pool.getState().ensureRange(50_000, 50_030);
    expect(pool.getState().rowAt(50_010)?.name).toBe('User 50010');
    await pool.getState().ensureRange(50_000, 50_030);
    // Page 1 for the new query; rows 50,000–50,030 (page 501) come with page 502, as one page of 200.
    expect(fake.callsTo('pool:list').filter((r) => r.pageSize > 1).map((r) => [r.page, r.pageSize])).toEqual([[1, 100], [251, 200]]);
    expect(pool.getState().rowAt(50_150)?.name).toBe('User 50150');
    expect(Math.max(...fake.callsTo('pool:list').map((r) => r.pageSize))).toBe(200);
  });

  it('shows "1,000+" while a query is new and fills in the exact total once typing pauses', async () => {
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(100_000) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    // The first answer counted no further than it needed to.
    expect(fake.callsTo('pool:list')[0]).toMatchObject({ page: 1, countUpTo: COUNT_UP_TO });
    expect(pool.getState()).toMatchObject({ total: COUNT_UP_TO, totalExact: false });
    expect(pool.getState().rowAt(0)?.name).toBe('User 0');
    await vi.waitFor(() => expect(pool.getState()).toMatchObject({ total: 100_000, totalExact: true }));
    // Pages fetched while scrolling never ask for a count again.
    await pool.getState().ensureRange(400, 420);
    expect(fake.callsTo('pool:list').at(-1)).toMatchObject({ page: 3, pageSize: 200, countUpTo: 1 });
    expect(pool.getState().total).toBe(100_000);
  });

  it('sends a keystroke at once, keeps one search in flight, and the latest one wins', async () => {
    const fake = createFakeApi({ overrides: { 'pool:list': poolHandler(10, (r) => (r.search === '1' ? 60 : 5)) } });
    const pool = createPoolStore(fake.api);
    await pool.getState().open(C);
    const sent = () => fake.callsTo('pool:list').filter((r) => r.pageSize > 1).map((r) => r.search);
    void pool.getState().setSearch('1');
    expect(sent()).toEqual([undefined, '1']); // no debounce to wait out
    await pause(20); // "1" is in flight (slow)
    void pool.getState().setSearch('12');
    void pool.getState().setSearch('123');
    expect(sent()).toEqual([undefined, '1']); // nothing piles up behind it
    // The rows on screen stay those of the last answered query until the new one lands.
    expect(pool.getState()).toMatchObject({ searching: true, query: { search: '' } });
    expect(pool.getState().rowAt(0)?.name).toBe('User 0');
    await vi.waitFor(() => expect(pool.getState().searching).toBe(false));
    // "1" came back after the box said "123": dropped, and only the latest query went out.
    expect(sent()).toEqual([undefined, '1', '123']);
    expect(pool.getState().query.search).toBe('123');
    expect(pool.getState().rowAt(0)?.name).toBe('User 123');
    expect(pool.getState().total).toBe(1);
  });
});

describe('live offboarding', () => {
  const member = { id: uuid(9), email: 'u9@acme.test', name: 'User 9', role: 'member' as const, status: 'active' as const, source: { kind: 'directory' as const, connectionId: C, connectionName: 'Okta', poolEntryId: uuid(9) }, createdAt: new Date().toISOString(), removedAt: null, removedBy: null, removalReason: null };
  const by = { type: 'connection' as const, id: C, label: 'Default SCIM Connection' };

  it('drops the member at once and shows a toast; a refused removal stays until dismissed', async () => {
    let gone = false;
    const alerts = [{ id: uuid(77), kind: 'member.removal_refused', message: 'The last owner cannot be removed', details: {}, createdAt: new Date().toISOString(), dismissedAt: null }];
    const fake = createFakeApi({
      connections: [connectionView()],
      overrides: {
        'members:list': () => ok({ items: gone ? [] : [member], total: gone ? 0 : 1, page: 1, pageSize: 50 }),
        'invites:list': () => ok({ items: [], total: 0, page: 1, pageSize: 200 }),
        'alerts:list': () => ok({ items: alerts }),
        'alerts:dismiss': () => { alerts.length = 0; return ok({ dismissed: true }); },
        'audit:list': () => ok({ items: [], total: 0, page: 1, pageSize: 25 }),
      },
    });
    window.location.hash = '#/my-org/members';
    const stores = createStores(fake.api, { toastMs: 0 });
    render(<App api={fake.api} stores={stores} />);
    expect(await screen.findByText('u9@acme.test')).toBeTruthy();
    gone = true;
    fake.push({ kind: 'live', accountId: ACCOUNT.id, event: { type: 'member.removed', memberId: member.id, name: 'User 9', email: 'u9@acme.test', by, revokedDevices: 1, cancelledInvites: 0 } });
    expect((await screen.findByTestId('toast')).textContent).toContain('User 9 (u9@acme.test) was removed by the directory connection “Default SCIM Connection”');
    expect(screen.getByRole('status', { name: 'Notifications' }).textContent).toContain('1 device signed out');
    expect(screen.queryByRole('table', { name: 'Members' })?.textContent ?? '').not.toContain('u9@acme.test');
    const banner = await screen.findByTestId('alert-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(screen.queryByTestId('alert-banner')).toBeNull();
    expect(fake.callsTo('alerts:dismiss')).toEqual([{ alertId: uuid(77) }]);
  });
});

describe('Invite Users', () => {
  it('shows the exact empty-state text when the directory has nobody available', async () => {
    const fake = createFakeApi({ connections: [connectionView()], overrides: { 'pool:list': poolHandler(0), 'alerts:list': () => ok({ items: [] }) } });
    window.location.hash = '#/my-org/members/invite';
    render(<App api={fake.api} stores={createStores(fake.api)} />);
    expect(await screen.findByText(POOL_EMPTY_TEXT)).toBeTruthy();
    expect(POOL_EMPTY_TEXT).toBe("This user directory doesn't have anyone available to invite.");
  });
});
