import { getCoreRowModel, useReactTable, type ColumnDef, type ColumnSizingState, type VisibilityState } from '@tanstack/react-table';
import { memo, startTransition, useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { AuditEntryFieldsFragment } from '../../gql/graphql';
import { actorLabel, compactJSON, formatLocal, formatUTC } from '../../lib/format';
import { columnsFor } from './columnChoice';
import { COLUMN_SIZING_KEY, loadColumnSizing, saveColumnSizing } from './columnSizing';

type Entry = AuditEntryFieldsFragment;

/*
 * Rendering speed (issue 14, docs/performance.md): rows are memoised and made of plain elements
 * (no Mantine components per cell), dates use one shared Intl formatter, a row's cells are
 * computed once per entry, and column resizing re-renders the header only: with
 * `table-layout: fixed` the header cells alone set the column widths, so the body never needs
 * the sizes; and a new page's rows come a screenful first (useProgressiveRows).
 */

function StatusPill({ status }: { status: string }) {
  return <span className={`tm-status tm-status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

/** The content of one cell; `title` shows the full value on hover. */
export function cellContent(id: string, e: Entry): React.ReactNode {
  switch (id) {
    case 'time':
      return <span title={formatUTC(e.occurredAt)}>{formatLocal(e.occurredAt)}</span>;
    case 'type':
      return e.resourceType;
    case 'action':
      return <span className="tm-mono">{e.action}</span>;
    case 'user':
      return <span title={e.actor.email ?? e.actor.type}>{actorLabel(e.actor)}</span>;
    case 'tenant':
      return e.tenant?.name ?? <span className="tm-dimmed">platform</span>;
    case 'workspace':
      return e.workspace ?? '';
    case 'identifier':
      return <span title={e.resourceID ?? undefined}>{e.resourceName || e.resourceID || ''}</span>;
    case 'old': {
      const s = compactJSON(e.oldValue);
      return <span className="tm-mono" title={s}>{s}</span>;
    }
    case 'new': {
      const s = compactJSON(e.newValue);
      return <span className="tm-mono" title={s}>{s}</span>;
    }
    case 'status':
      return <StatusPill status={e.status} />;
    default:
      return null;
  }
}

const rowLabel = (e: Entry) => `${e.action} ${e.resourceName ?? ''} — open details`;

const Row = memo(function Row({ entry, cols, isNew }: { entry: Entry; cols: readonly string[]; isNew: boolean }) {
  return (
    <tr tabIndex={0} data-id={entry.id} className={isNew ? 'tm-row-new' : undefined} data-new={isNew || undefined} aria-label={rowLabel(entry)}>
      {cols.map((c) => (
        <td key={c}>{cellContent(c, entry)}</td>
      ))}
    </tr>
  );
});

/** Opens the entry of the row (or card) an event happened in: one handler for all of them. */
function useOpenHandlers(entries: Entry[], onOpen: (e: Entry) => void) {
  const byId = useRef(new Map<string, Entry>());
  byId.current = new Map(entries.map((e) => [e.id, e]));
  const open = useRef(onOpen);
  open.current = onOpen;
  const find = (target: EventTarget | null) => {
    const el = (target as HTMLElement | null)?.closest?.('[data-id]');
    return el ? byId.current.get(el.getAttribute('data-id') ?? '') : undefined;
  };
  const onClick = useCallback((ev: MouseEvent) => {
    const e = find(ev.target);
    if (e) open.current(e);
  }, []);
  const onKeyDown = useCallback((ev: KeyboardEvent) => {
    if (ev.key !== 'Enter' && ev.key !== ' ') return;
    if ((ev.target as HTMLElement).tagName === 'BUTTON') return; // a button clicks itself
    const e = find(ev.target);
    if (e) {
      ev.preventDefault();
      open.current(e);
    }
  }, []);
  return { onClick, onKeyDown };
}

const FIRST_ROWS = 30; // more than a 1440×900 window shows
const MORE_ROWS = 35;

/**
 * A new page's rows, the first screenful at once and the rest a chunk a frame in a transition, so
 * that the next page is painted soon after its data arrives and no task blocks the main thread
 * for long. A list that only grew at the top (live entries) is shown whole at once.
 */
export function useProgressiveRows<T>(items: T[]): T[] {
  const [limit, setLimit] = useState(FIRST_ROWS);
  const [prev, setPrev] = useState(items);
  if (items !== prev) {
    setPrev(items);
    if (!(prev.length > 0 && items.includes(prev[0]))) setLimit(FIRST_ROWS);
  }
  useEffect(() => {
    if (limit >= items.length) return;
    const id = requestAnimationFrame(() => startTransition(() => setLimit((l) => l + MORE_ROWS)));
    return () => cancelAnimationFrame(id);
  }, [limit, items.length]);
  return limit >= items.length ? items : items.slice(0, limit);
}

const Body = memo(function Body({ entries, cols, newIds, onOpen }: { entries: Entry[]; cols: readonly string[]; newIds: ReadonlySet<string>; onOpen(e: Entry): void }) {
  const handlers = useOpenHandlers(entries, onOpen);
  const shown = useProgressiveRows(entries);
  return (
    <tbody {...handlers}>
      {shown.map((e) => (
        <Row key={e.id} entry={e} cols={cols} isNew={newIds.has(e.id)} />
      ))}
    </tbody>
  );
});

export interface AuditTableProps {
  entries: Entry[];
  newIds: ReadonlySet<string>;
  showTenant: boolean;
  /** Ids of the columns to show, in order (see columnChoice.ts). */
  columns: readonly string[];
  onOpen(entry: Entry): void;
  storageKey?: string;
}

export function AuditTable({ entries, newIds, showTenant, columns: visible, onOpen, storageKey = COLUMN_SIZING_KEY }: AuditTableProps) {
  const columns = useMemo<ColumnDef<Entry>[]>(() => columnsFor(showTenant).map((c) => ({ id: c.id, header: c.label, size: c.size })), [showTenant]);
  const columnVisibility = useMemo<VisibilityState>(() => Object.fromEntries(columnsFor(showTenant).map((c) => [c.id, visible.includes(c.id)])), [showTenant, visible]);
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>(() => loadColumnSizing(storageKey));
  useEffect(() => {
    const t = setTimeout(() => saveColumnSizing(columnSizing, storageKey), 150);
    return () => clearTimeout(t);
  }, [columnSizing, storageKey]);

  const table = useReactTable({
    data: entries,
    columns,
    getRowId: (r) => r.id,
    getCoreRowModel: getCoreRowModel(),
    columnResizeMode: 'onChange',
    enableColumnResizing: true,
    defaultColumn: { minSize: 60, maxSize: 1200 },
    state: { columnSizing, columnVisibility },
    onColumnSizingChange: setColumnSizing,
  });
  const cols = useMemo(() => columnsFor(showTenant).map((c) => c.id).filter((id) => visible.includes(id)), [showTenant, visible]);

  return (
    <div className="tm-table-scroll">
      <table className="tm-table" style={{ width: table.getTotalSize() }} aria-label="Audit log entries">
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} style={{ width: h.getSize() }} scope="col" data-column={h.column.id}>
                  {String(h.column.columnDef.header)}
                  <div
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize ${String(h.column.columnDef.header)} column`}
                    aria-valuenow={h.getSize()}
                    tabIndex={0}
                    className={`tm-resizer${h.column.getIsResizing() ? ' tm-resizing' : ''}`}
                    onMouseDown={h.getResizeHandler()}
                    onTouchStart={h.getResizeHandler()}
                    onDoubleClick={() => h.column.resetSize()}
                    onKeyDown={(e) => {
                      const step = e.shiftKey ? 50 : 10;
                      if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                        e.preventDefault();
                        const next = Math.min(1200, Math.max(60, h.getSize() + (e.key === 'ArrowRight' ? step : -step)));
                        setColumnSizing((s) => ({ ...s, [h.column.id]: next }));
                      }
                    }}
                  />
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <Body entries={entries} cols={cols} newIds={newIds} onOpen={onOpen} />
      </table>
    </div>
  );
}

const Card = memo(function Card({ entry, isNew }: { entry: Entry; isNew: boolean }) {
  return (
    <li className={isNew ? 'tm-card tm-row-new' : 'tm-card'} data-new={isNew || undefined}>
      <button type="button" data-id={entry.id} className="tm-card-button" aria-label={rowLabel(entry)}>
        <span className="tm-card-line">
          <span className="tm-mono tm-card-action">{entry.action}</span>
          <StatusPill status={entry.status} />
        </span>
        <span className="tm-card-line tm-dimmed">
          <span title={formatUTC(entry.occurredAt)}>{formatLocal(entry.occurredAt)}</span>
          <span>{entry.resourceType}</span>
        </span>
        <span className="tm-card-line">
          <span>{actorLabel(entry.actor)}</span>
          <span className="tm-card-id">{entry.resourceName || entry.resourceID || ''}</span>
        </span>
      </button>
    </li>
  );
});

/** The entries as cards, for narrow screens: action and status, time and type, who and what. */
export const AuditCards = memo(function AuditCards({ entries, newIds, onOpen }: { entries: Entry[]; newIds: ReadonlySet<string>; onOpen(e: Entry): void }) {
  const handlers = useOpenHandlers(entries, onOpen);
  const shown = useProgressiveRows(entries);
  return (
    <ul className="tm-cards" aria-label="Audit log entries" onClick={handlers.onClick}>
      {shown.map((e) => (
        <Card key={e.id} entry={e} isNew={newIds.has(e.id)} />
      ))}
    </ul>
  );
});
