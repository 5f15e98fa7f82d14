import { Box, Text } from '@mantine/core';
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef, type ColumnSizingState } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { StatusBadge } from '../../components/badges';
import type { AuditEntryFieldsFragment } from '../../gql/graphql';
import { actorLabel, compactJSON, formatLocal, formatUTC } from '../../lib/format';
import { COLUMN_SIZING_KEY, loadColumnSizing, saveColumnSizing } from './columnSizing';

type Entry = AuditEntryFieldsFragment;

function Mono({ children, title }: { children: string; title?: string }) {
  return (
    <Text span ff="monospace" size="xs" title={title ?? children}>
      {children}
    </Text>
  );
}

export function auditColumns(showTenant: boolean): ColumnDef<Entry>[] {
  const cols: ColumnDef<Entry>[] = [
    {
      id: 'time',
      header: 'Time',
      size: 200,
      cell: ({ row }) => <span title={formatUTC(row.original.occurredAt)}>{formatLocal(row.original.occurredAt)}</span>,
    },
    { id: 'type', header: 'Type', size: 120, cell: ({ row }) => row.original.resourceType },
    { id: 'action', header: 'Action', size: 180, cell: ({ row }) => <Mono>{row.original.action}</Mono> },
    {
      id: 'user',
      header: 'User',
      size: 160,
      cell: ({ row }) => <span title={row.original.actor.email ?? row.original.actor.type}>{actorLabel(row.original.actor)}</span>,
    },
  ];
  if (showTenant) cols.push({ id: 'tenant', header: 'Tenant', size: 130, cell: ({ row }) => row.original.tenant?.name ?? <Text span c="dimmed" size="xs">platform</Text> });
  cols.push(
    { id: 'workspace', header: 'Workspace', size: 120, cell: ({ row }) => row.original.workspace ?? '' },
    {
      id: 'identifier',
      header: 'Identifier',
      size: 170,
      cell: ({ row }) => {
        const e = row.original;
        return <span title={e.resourceID ?? undefined}>{e.resourceName || e.resourceID || ''}</span>;
      },
    },
    { id: 'old', header: 'Old value', size: 180, cell: ({ row }) => <Mono>{compactJSON(row.original.oldValue)}</Mono> },
    { id: 'new', header: 'New value', size: 180, cell: ({ row }) => <Mono>{compactJSON(row.original.newValue)}</Mono> },
    { id: 'status', header: 'Status', size: 100, cell: ({ row }) => <StatusBadge status={row.original.status} /> },
  );
  return cols;
}

export interface AuditTableProps {
  entries: Entry[];
  newIds: ReadonlySet<string>;
  showTenant: boolean;
  onOpen(entry: Entry): void;
  storageKey?: string;
}

export function AuditTable({ entries, newIds, showTenant, onOpen, storageKey = COLUMN_SIZING_KEY }: AuditTableProps) {
  const columns = useMemo(() => auditColumns(showTenant), [showTenant]);
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
    state: { columnSizing },
    onColumnSizingChange: setColumnSizing,
  });

  return (
    <Box className="tm-table-scroll">
      <table className="tm-table" style={{ width: table.getTotalSize() }} aria-label="Audit log entries">
        <thead>
          {table.getHeaderGroups().map((hg) => (
            <tr key={hg.id}>
              {hg.headers.map((h) => (
                <th key={h.id} style={{ width: h.getSize() }} scope="col" data-column={h.column.id}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
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
        <tbody>
          {table.getRowModel().rows.map((row) => (
            <tr
              key={row.id}
              tabIndex={0}
              className={newIds.has(row.id) ? 'tm-row-new' : undefined}
              data-new={newIds.has(row.id) || undefined}
              onClick={() => onOpen(row.original)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onOpen(row.original);
                }
              }}
              aria-label={`${row.original.action} ${row.original.resourceName ?? ''} — open details`}
            >
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} style={{ width: cell.column.getSize() }}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </Box>
  );
}
