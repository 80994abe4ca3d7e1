/**
 * The pool as a virtualized grid (`@tanstack/react-virtual`): only the rows on screen exist in the
 * DOM, and the store fetches the pages they fall in. Keyboard: ↑/↓/PageUp/PageDown/Home/End move
 * the row focus (aria-activedescendant), Space toggles the selection when the table is a picker.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type MouseEvent, type PointerEvent, type ReactNode, type RefObject } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { POOL_STATUSES, type PoolEntry, type PoolStatus } from '../../shared/api/pool.js';
import { useApi } from '../api.js';
import { useStores } from '../stores/index.js';
import { POOL_PAGE_SIZE, createPoolStore, pageOfIndex, unselectableReason, type PoolStore } from '../stores/pool.js';
import { Button, EmptyState, ErrorCallout, Icon, Spinner, ago } from './ui.js';

export const ROW_HEIGHT = 44;
/**
 * Rows rendered beyond each edge of the viewport. Scrolling renders the entering rows inside the
 * scroll event (the virtualizer's flushSync), so overscan only has to cover what the compositor
 * scrolls before the main thread catches up (a trackpad fling: tens of px per frame); 12 made every
 * step style, lay out and paint ~24 off-screen rows for nothing (bench/renderer/RESULTS.md).
 */
const OVERSCAN = 8;
/**
 * Pages are asked for this many rows before the viewport reaches them, so a steady scroll finds
 * them loaded: no placeholder rows mounted, then torn down for the real ones a round trip later.
 */
const LOOK_AHEAD_ROWS = POOL_PAGE_SIZE / 2;

/** One pool store for the life of a component, registered for live pushes while mounted. */
export function usePoolStore(connectionId: string | null, options: { search?: string; status?: PoolStatus | null } = {}): PoolStore {
  const api = useApi();
  const stores = useStores();
  const [store] = useState(() => createPoolStore(api));
  useEffect(() => {
    stores.pools.add(store);
    return () => {
      stores.pools.delete(store);
      store.getState().dispose();
    };
  }, [stores, store]);
  useEffect(() => {
    if (connectionId) void store.getState().open(connectionId, options);
  }, [store, connectionId, options.search, options.status]);
  return store;
}

const STATUS_LABEL: Record<PoolStatus, string> = { available: 'Available', invited: 'Invited', member: 'Member', deactivated: 'Deactivated' };
const STATUS_TONE: Record<PoolStatus, string> = { available: 'pill-info', invited: 'pill-warn', member: 'pill-ok', deactivated: 'pill-error' };

export function directoryStatusOf(entry: PoolEntry): string {
  return entry.deletedInDirectory ? 'Deleted' : entry.directoryActive ? 'Active' : 'Deactivated';
}

export function PoolToolbar({ store, searchLabel = 'Search the pool' }: { store: PoolStore; searchLabel?: string }) {
  const id = useId();
  const searchInput = useStore(store, (s) => s.searchInput);
  const status = useStore(store, (s) => s.query.status);
  const total = useStore(store, (s) => s.total);
  const totalExact = useStore(store, (s) => s.totalExact);
  // Busy only while a new query (the first load, a search, a filter) is on its way. Pages fetched
  // while scrolling are not shown here: their rows show placeholders, and a spinner mounted and
  // torn down for every page made each page landing re-lay out and repaint the whole document
  // and create and drop a composited layer for the spin animation: the dropped frames of a
  // table's first scroll (bench/renderer/RESULTS.md).
  const busy = useStore(store, (s) => s.status === 'loading' || s.searching);
  return (
    <div className="pool-toolbar">
      <div className="search">
        <Icon name="search" />
        <label htmlFor={`${id}-q`} className="sr-only">
          {searchLabel}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          placeholder="Search by name, email or userName"
          value={searchInput}
          onChange={(e) => void store.getState().setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void store.getState().flushSearch();
          }}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="segmented" role="group" aria-label="Filter by org status">
        {[null, ...POOL_STATUSES].map((s) => (
          <button key={s ?? 'all'} type="button" className="seg" aria-pressed={status === s} onClick={() => void store.getState().setStatus(s)}>
            {s ? STATUS_LABEL[s] : 'All'}
          </button>
        ))}
      </div>
      <div className="pool-total">
        {/* A fixed-size box outside the live region: the spinner coming and going neither moves the
            total nor makes a screen reader announce the region again (the grid says aria-busy). */}
        <span className="pool-busy">{busy ? <Spinner /> : null}</span>
        <p aria-live="polite" data-testid="pool-total">
          {total === null ? '' : `${total.toLocaleString('en-US')}${totalExact ? '' : '+'} ${total === 1 && totalExact ? 'person' : 'people'}`}
        </p>
      </div>
    </div>
  );
}

export interface PoolTableProps {
  store: PoolStore;
  label: string;
  /** A picker: rows get a checkbox, Space toggles, unselectable rows say why. */
  selectable?: boolean;
  height?: number;
  /** Shown instead of the grid when the query has no rows and no search or filter is set. */
  empty?: ReactNode;
}

export function PoolTable({ store, label, selectable = false, height = 440, empty }: PoolTableProps) {
  const gridId = useId();
  const scrollRef = useRef<HTMLDivElement>(null);
  const total = useStore(store, (s) => s.total);
  const status = useStore(store, (s) => s.status);
  const error = useStore(store, (s) => s.error);
  const query = useStore(store, (s) => s.query);
  const selected = useStore(store, (s) => s.selected);
  const generation = useStore(store, (s) => s.generation);
  const searching = useStore(store, (s) => s.searching);
  const [focus, setFocus] = useState(0);
  const count = total ?? 0;

  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: { width: 1000, height },
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  // A fixed set of row elements ("slots"), each kept at its place in the DOM for the life of the
  // table: row `index` is drawn by slot `index % slots`, and slots are rendered in slot order, so
  // when the table scrolls the rows that leave hand their elements to the rows that enter, and no
  // element is created, removed or moved. The browser then re-lays out only the changed text of the
  // entering rows, each row its own layout root (`contain: strict`). Rendering them in index order
  // instead made React move the reused elements to the end on every step, and a moved element gets
  // its style and layout tree built from scratch: ~140 elements and 268 layout objects per wheel
  // step, laid out from the scroller (bench/renderer/RESULTS.md). Every slot is always used (the
  // window is `slots` rows from `first`), so none is mounted or unmounted while scrolling either.
  const slots = Math.max(items.length, Math.ceil(height / ROW_HEIGHT) + 1 + 2 * OVERSCAN);
  const windowStart = Math.max(0, Math.min(first, count - slots));
  const windowEnd = Math.min(count, windowStart + slots);
  const rowIndices: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const index = windowStart + ((slot - (windowStart % slots) + slots) % slots);
    if (index < windowEnd) rowIndices.push(index);
  }
  // The table reads only the pages of the rows it draws (one or two), compared one by one: a page
  // landing beyond them (the look-ahead below, or a page a view asked for elsewhere) renders
  // nothing at all, and one landing among them re-renders the table and, through the memoized
  // rows, only the rows it fills. Reading `pages` itself re-rendered the table, the virtualizer and
  // every row's props for each page that landed while scrolling, though nearly all land beyond the
  // rows on screen. Pages, not rows: the selector runs on every store change and render, and
  // comparing the window's ~27 rows showed in a scroll profile, one or two pages does not.
  const firstPage = pageOfIndex(windowStart);
  const lastPage = pageOfIndex(Math.max(windowStart, windowEnd - 1));
  const windowPages = useStore(
    store,
    useShallow((s) => {
      const pages: (PoolEntry[] | undefined)[] = [];
      for (let page = firstPage; page <= lastPage; page++) pages.push(s.pages[page]);
      return pages;
    }),
  );
  // DOM order is slot order, not row order: aria-owns gives assistive technology the rows in order.
  let owns = '';
  for (let index = windowStart; index < windowEnd; index++) owns += `${owns ? ' ' : ''}${gridId}-row-${index}`;

  useEffect(() => {
    if (count > 0) void store.getState().ensureRange(Math.max(0, first - LOOK_AHEAD_ROWS), Math.min(count - 1, last + LOOK_AHEAD_ROWS));
  }, [store, first, last, count, generation]);
  useEffect(() => {
    setFocus(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [query.search, query.status, query.connectionId]);
  // One click handler for every row (not a closure per row per render): the row says its index.
  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      const index = Number((event.target as Element).closest('[data-index]')?.getAttribute('data-index'));
      if (!Number.isInteger(index)) return;
      setFocus(index);
      const row = store.getState().rowAt(index);
      if (selectable && row) store.getState().toggle(row);
    },
    [store, selectable],
  );
  const failed = status === 'error' && error !== null && total === null;
  const showsEmpty = total === 0 && !query.search && !query.status && Boolean(empty);
  const tooltips = useCellTooltips(store);
  useScrollingFlag(scrollRef, !failed && !showsEmpty, tooltips.clear);

  if (failed) {
    return (
      <ErrorCallout
        error={error}
        title="Could not load the pool"
        action={
          <Button size="sm" icon={<Icon name="refresh" />} onClick={() => void store.getState().refresh()}>
            Try again
          </Button>
        }
      />
    );
  }
  if (showsEmpty) return <>{empty}</>;

  const move = (to: number) => {
    const next = Math.max(0, Math.min(count - 1, to));
    setFocus(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(focus + 1),
      ArrowUp: () => move(focus - 1),
      PageDown: () => move(focus + page),
      PageUp: () => move(focus - page),
      Home: () => move(0),
      End: () => move(count - 1),
      ' ': () => {
        const row = store.getState().rowAt(focus);
        if (selectable && row) store.getState().toggle(row);
      },
    };
    const action = keys[event.key];
    if (action && count > 0) {
      event.preventDefault();
      action();
    }
  };

  const columns = selectable ? 'pool-cols pool-cols-select' : 'pool-cols';
  const focusedRow = count > 0 ? `${gridId}-row-${focus}` : undefined;
  return (
    <div className="pool-grid-wrap">
      <div
        ref={scrollRef}
        className="pool-scroll"
        style={{ height }}
        role="grid"
        aria-label={label}
        aria-rowcount={count + 1}
        aria-multiselectable={selectable || undefined}
        aria-busy={status === 'loading' || searching || undefined}
        aria-activedescendant={focusedRow}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="pool-grid"
      >
        <div role="rowgroup" className="pool-head">
          <div role="row" aria-rowindex={1} className={`pool-row ${columns}`}>
            {selectable ? (
              <span role="columnheader" className="cell-check">
                <span className="sr-only">Selected</span>
              </span>
            ) : null}
            <span role="columnheader">Name</span>
            <span role="columnheader">Email</span>
            <span role="columnheader">userName</span>
            <span role="columnheader">Directory</span>
            <span role="columnheader">Org status</span>
            <span role="columnheader">Last change</span>
          </div>
        </div>
        <div
          role="rowgroup"
          className="pool-body"
          style={{ height: virtualizer.getTotalSize() }}
          aria-owns={owns || undefined}
          onClick={onClick}
          onPointerOver={tooltips.onPointerOver}
          onPointerLeave={tooltips.onPointerLeave}
        >
          {rowIndices.map((index) => {
            const row = windowPages[pageOfIndex(index) - firstPage]?.[index % POOL_PAGE_SIZE];
            return (
              <PoolRow
                key={index % slots}
                id={`${gridId}-row-${index}`}
                index={index}
                columns={columns}
                row={row}
                selectable={selectable}
                selected={row ? !!selected[row.id] : false}
                focused={index === focus}
              />
            );
          })}
        </div>
      </div>
      {total === 0 ? <p className="pool-none">Nobody matches {query.search ? `“${query.search}”` : 'this filter'}.</p> : null}
      {total === null && status === 'loading' ? <p className="sr-only">Loading the pool…</p> : null}
    </div>
  );
}

/** Rows are absolutely placed at a fixed height, so a row's offset is its index's. */
const rowTransform = (index: number) => `translateY(${index * ROW_HEIGHT}px)`;

interface PoolRowProps {
  id: string;
  index: number;
  columns: string;
  /** Undefined while the row's page is loading: the row shows a placeholder. */
  row: PoolEntry | undefined;
  selectable: boolean;
  selected: boolean;
  focused: boolean;
}

/**
 * One row. Memoized on plain props: a page landing or the table scrolling re-renders only the rows
 * whose index, data, selection or focus changed, not every row on screen. A placeholder and the row
 * that replaces it share the row element, so a page landing changes its content, not the element.
 * The props are compared field by field: React's default compare takes `Object.keys` of both
 * props objects, two arrays per row per render, ~3 KB of garbage a scroll step (a sampling heap
 * profile, bench/renderer/RESULTS.md).
 */
const PoolRow = memo(function PoolRow({ id, index, columns, row, selectable, selected, focused }: PoolRowProps) {
  const style = { transform: rowTransform(index), height: ROW_HEIGHT };
  if (!row) {
    return (
      <div id={id} role="row" aria-rowindex={index + 2} data-index={index} className={`pool-row ${columns} pool-row-loading`} style={style}>
        <span role="gridcell" className="skeleton-cell" aria-label="Loading">
          <span className="skeleton" />
        </span>
      </div>
    );
  }
  const reason = selectable ? unselectableReason(row) : null;
  const name = (
    <span role="gridcell" className="truncate cell-name" data-tip="name">
      {row.name}
    </span>
  );
  const email = (
    <span role="gridcell" className="truncate" data-tip="email">
      {row.email ?? <span className="muted">no email</span>}
    </span>
  );
  const userName = (
    <span role="gridcell" className="truncate mono small" data-tip="userName">
      {row.userName}
    </span>
  );
  const directory = <span role="gridcell" className={`dir-status${row.directoryActive ? '' : ' dir-status-off'}`}>{directoryStatusOf(row)}</span>;
  const status =
    reason && row.status === 'available' ? (
      <span role="gridcell" className="truncate">
        <span className={`pill ${STATUS_TONE[row.status]}`}>{STATUS_LABEL[row.status]}</span>
        <span className="muted small"> {reason}</span>
      </span>
    ) : (
      // The pill is the cell itself when it stands alone (nearly every row): one element less.
      <span role="gridcell" className={`pill pill-cell ${STATUS_TONE[row.status]}`}>
        {STATUS_LABEL[row.status]}
      </span>
    );
  const lastChange = (
    <span role="gridcell" className="muted small nowrap" data-tip="lastDirectoryChangeAt">
      {ago(row.lastDirectoryChangeAt)}
    </span>
  );
  const attributes = {
    id,
    role: 'row',
    'aria-rowindex': index + 2,
    'aria-selected': selectable ? selected : undefined,
    'aria-disabled': reason ? true : undefined,
    'data-entry': row.id,
    'data-index': index,
    className: `pool-row ${columns}${focused ? ' pool-row-focus' : ''}${selected ? ' pool-row-selected' : ''}${reason ? ' pool-row-disabled' : ''}`,
    style,
  } as const;
  // Two shapes, not a `{selectable ? cell : null}` first child: a null before the cells makes React
  // reconcile every re-rendered row's children through a Map of them (its keyed fallback), ~6 KB of
  // garbage and the Map's work a scroll step.
  if (!selectable) {
    return (
      <div {...attributes}>
        {name}
        {email}
        {userName}
        {directory}
        {status}
        {lastChange}
      </div>
    );
  }
  return (
    <div {...attributes}>
      <span role="gridcell" className="cell-check">
        <span className={`checkbox${selected ? ' checkbox-on' : ''}${reason ? ' checkbox-off' : ''}`} aria-hidden="true">
          {selected ? <Icon name="check" /> : null}
        </span>
        <span className="sr-only">{selected ? 'Selected' : reason ? `Not selectable: ${reason}` : 'Not selected'}</span>
      </span>
      {name}
      {email}
      {userName}
      {directory}
      {status}
      {lastChange}
    </div>
  );
}, samePoolRowProps);

function samePoolRowProps(a: PoolRowProps, b: PoolRowProps): boolean {
  return (
    a.id === b.id && a.index === b.index && a.columns === b.columns && a.row === b.row && a.selectable === b.selectable && a.selected === b.selected && a.focused === b.focused
  );
}

/** The cells whose full value a tooltip shows (their text is truncated, or a relative time). */
type TipColumn = 'name' | 'email' | 'userName' | 'lastDirectoryChangeAt';
const TIPS: Record<TipColumn, (entry: PoolEntry) => string> = {
  name: (entry) => entry.name,
  email: (entry) => entry.email ?? '',
  userName: (entry) => entry.userName,
  lastDirectoryChangeAt: (entry) => entry.lastDirectoryChangeAt,
};

/**
 * Tooltips (`title`) are given to the cell under the pointer, from its row's entry, and taken away
 * when the pointer leaves it or the table scrolls: not rendered on every row. A `title` changing
 * restyles its element (Chromium's own stylesheet has an `[title]` selector), so four per row made
 * each scroll step restyle every entering row's four cells as well as the row. Taken away on
 * leaving, a row element reused for another person never carries the last one's tooltip.
 */
function useCellTooltips(store: PoolStore) {
  const tipped = useRef<HTMLElement | null>(null);
  const clear = useCallback(() => {
    tipped.current?.removeAttribute('title');
    tipped.current = null;
  }, []);
  const onPointerOver = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      const cell = (event.target as Element).closest<HTMLElement>('[data-tip]');
      if (cell === tipped.current) return;
      clear();
      const index = Number(cell?.closest('[data-index]')?.getAttribute('data-index'));
      const entry = cell && Number.isInteger(index) ? store.getState().rowAt(index) : undefined;
      const tip = entry ? TIPS[cell!.dataset.tip as TipColumn]?.(entry) : undefined;
      if (!cell || !tip) return;
      cell.title = tip;
      tipped.current = cell;
    },
    [store, clear],
  );
  return { onPointerOver, onPointerLeave: clear, clear };
}

/** How long after the last scroll event the rows take the pointer again. */
const SCROLL_IDLE_MS = 150;

/**
 * Marks the scroller `data-scrolling` while it scrolls and until it has been still for
 * SCROLL_IDLE_MS; the stylesheet then lets the pointer through the rows. Otherwise every scroll step
 * moves a new row under a still pointer: pointerout/over and mouseout/over dispatched, two rows'
 * hover style recalculated and repainted, inside the step's frame (one of those dispatches carried a
 * garbage-collection step in a 40 ms frame, bench/renderer/RESULTS.md). Set on the element directly,
 * not through React state, so scrolling renders nothing for it.
 */
function useScrollingFlag(scrollRef: RefObject<HTMLDivElement | null>, mounted: boolean, onScrollStart: () => void): void {
  useEffect(() => {
    const scroller = scrollRef.current;
    if (!mounted || !scroller) return;
    let lastScroll = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = () => {
      const still = performance.now() - lastScroll;
      if (still < SCROLL_IDLE_MS) {
        timer = setTimeout(settle, SCROLL_IDLE_MS - still);
        return;
      }
      timer = undefined;
      delete scroller.dataset.scrolling;
    };
    const onScroll = () => {
      lastScroll = performance.now();
      if (timer !== undefined) return; // one timer per scroll burst, not one per scroll event
      scroller.dataset.scrolling = '';
      onScrollStart();
      timer = setTimeout(settle, SCROLL_IDLE_MS);
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      scroller.removeEventListener('scroll', onScroll);
      clearTimeout(timer);
    };
  }, [scrollRef, mounted, onScrollStart]);
}

export function PoolEmpty({ text }: { text: string }) {
  return <EmptyState title={text} icon="user" />;
}
