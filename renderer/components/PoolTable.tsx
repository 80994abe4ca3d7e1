/**
 * The pool as a virtualized grid (`@tanstack/react-virtual`): only the rows on screen exist in the
 * DOM, and the store fetches the pages they fall in. Keyboard: ↑/↓/PageUp/PageDown/Home/End move
 * the row focus (aria-activedescendant), Space toggles the selection when the table is a picker.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { POOL_STATUSES, type PoolEntry, type PoolStatus } from '../../shared/api/pool.js';
import { useApi } from '../api.js';
import { useStores } from '../stores/index.js';
import { POOL_PAGE_SIZE, createPoolStore, unselectableReason, type PoolStore } from '../stores/pool.js';
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
  const pages = useStore(store, (s) => s.pages);
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
  // Rows are keyed by slot (index modulo the most rows ever on screen at once), not by index: a
  // scroll step reuses the DOM of the rows that left for the rows that enter, so the browser
  // updates some text and a transform instead of creating and styling ~15 new rows of 7 cells and
  // tearing down as many. A contiguous range no longer than `slots` never repeats a slot.
  const slots = Math.max(items.length, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN + 2);
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;

  useEffect(() => {
    if (count > 0) void store.getState().ensureRange(Math.max(0, first - LOOK_AHEAD_ROWS), Math.min(count - 1, last + LOOK_AHEAD_ROWS));
  }, [store, first, last, count, generation]);
  useEffect(() => {
    setFocus(0);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
  }, [query.search, query.status, query.connectionId]);
  const onActivate = useCallback(
    (index: number, row: PoolEntry) => {
      setFocus(index);
      if (selectable) store.getState().toggle(row);
    },
    [store, selectable],
  );

  if (status === 'error' && error && total === null) {
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
  if (total === 0 && !query.search && !query.status && empty) return <>{empty}</>;

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
        <div role="rowgroup" className="pool-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = pages[Math.floor(item.index / POOL_PAGE_SIZE) + 1]?.[item.index % POOL_PAGE_SIZE];
            const id = `${gridId}-row-${item.index}`;
            const key = item.index % slots;
            if (!row) return <PoolLoadingRow key={key} id={id} index={item.index} top={item.start} columns={columns} />;
            return (
              <PoolRow
                key={key}
                id={id}
                index={item.index}
                top={item.start}
                columns={columns}
                row={row}
                selectable={selectable}
                selected={!!selected[row.id]}
                focused={item.index === focus}
                onActivate={onActivate}
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

interface RowPlacement {
  id: string;
  index: number;
  /** Offset from the top of the table body (px); rows are absolutely placed, one fixed height. */
  top: number;
  columns: string;
}

/**
 * One row. Memoized on plain props: a page landing or the table scrolling re-renders only the rows
 * whose data, selection or focus changed, not every row on screen.
 */
const PoolRow = memo(function PoolRow({
  id,
  index,
  top,
  columns,
  row,
  selectable,
  selected,
  focused,
  onActivate,
}: RowPlacement & { row: PoolEntry; selectable: boolean; selected: boolean; focused: boolean; onActivate: (index: number, row: PoolEntry) => void }) {
  const reason = selectable ? unselectableReason(row) : null;
  return (
    <div
      id={id}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selectable ? selected : undefined}
      aria-disabled={reason ? true : undefined}
      data-entry={row.id}
      className={['pool-row', columns, focused ? 'pool-row-focus' : '', selected ? 'pool-row-selected' : '', reason ? 'pool-row-disabled' : ''].join(' ')}
      style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}
      onClick={() => onActivate(index, row)}
    >
      {selectable ? (
        <span role="gridcell" className="cell-check">
          <span className={`checkbox${selected ? ' checkbox-on' : ''}${reason ? ' checkbox-off' : ''}`} aria-hidden="true">
            {selected ? <Icon name="check" /> : null}
          </span>
          <span className="sr-only">{selected ? 'Selected' : reason ? `Not selectable: ${reason}` : 'Not selected'}</span>
        </span>
      ) : null}
      <span role="gridcell" className="truncate cell-name" title={row.name}>
        {row.name}
      </span>
      <span role="gridcell" className="truncate" title={row.email ?? ''}>
        {row.email ?? <span className="muted">no email</span>}
      </span>
      <span role="gridcell" className="truncate mono small" title={row.userName}>
        {row.userName}
      </span>
      <span role="gridcell">
        <span className={`dir-status${row.directoryActive ? '' : ' dir-status-off'}`}>{directoryStatusOf(row)}</span>
      </span>
      <span role="gridcell" className="truncate">
        <span className={`pill ${STATUS_TONE[row.status]}`}>{STATUS_LABEL[row.status]}</span>
        {reason && row.status === 'available' ? <span className="muted small"> {reason}</span> : null}
      </span>
      <span role="gridcell" className="muted small nowrap" title={row.lastDirectoryChangeAt}>
        {ago(row.lastDirectoryChangeAt)}
      </span>
    </div>
  );
});

const PoolLoadingRow = memo(function PoolLoadingRow({ id, index, top, columns }: RowPlacement) {
  return (
    <div id={id} role="row" aria-rowindex={index + 2} className={`pool-row ${columns} pool-row-loading`} style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT }}>
      <span role="gridcell" className="skeleton-cell" aria-label="Loading">
        <span className="skeleton" />
      </span>
    </div>
  );
});

export function PoolEmpty({ text }: { text: string }) {
  return <EmptyState title={text} icon="user" />;
}
