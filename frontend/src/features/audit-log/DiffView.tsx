import { Badge, Table, Text } from '@mantine/core';
import { compactJSON } from '../../lib/format';
import { changeKind, leafChanges, type LeafChange } from './diff';

const kindColor = { added: 'teal', removed: 'red', changed: 'blue' } as const;

function Value({ v, strike }: { v: unknown; strike?: boolean }) {
  if (v === null || v === undefined)
    return (
      <Text span c="dimmed" size="xs">
        —
      </Text>
    );
  return (
    <Text span ff="monospace" size="xs" td={strike ? 'line-through' : undefined} style={{ wordBreak: 'break-all' }}>
      {compactJSON(v, 400)}
    </Text>
  );
}

/** Old → new, field by field. Prefers the server's `changes`; derives them when absent. */
export function DiffView({ changes, oldValue, newValue }: { changes?: LeafChange[] | null; oldValue: unknown; newValue: unknown }) {
  const rows = changes && changes.length > 0 ? changes : leafChanges(oldValue, newValue);
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No changes recorded.
      </Text>
    );
  return (
    <Table withTableBorder withColumnBorders fz="xs" aria-label="Changes" verticalSpacing={4}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Field</Table.Th>
          <Table.Th>Old</Table.Th>
          <Table.Th>New</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((c) => {
          const kind = changeKind(c);
          return (
            <Table.Tr key={c.path} data-kind={kind}>
              <Table.Td>
                <Text span ff="monospace" size="xs">
                  {c.path}
                </Text>{' '}
                <Badge size="xs" variant="light" color={kindColor[kind]}>
                  {kind}
                </Badge>
              </Table.Td>
              <Table.Td bg={kind !== 'added' ? 'var(--mantine-color-red-light)' : undefined}>
                <Value v={c.old} strike={kind === 'changed'} />
              </Table.Td>
              <Table.Td bg={kind !== 'removed' ? 'var(--mantine-color-teal-light)' : undefined}>
                <Value v={c.new} />
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
