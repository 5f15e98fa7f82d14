import { Badge } from '@mantine/core';
import type { CSSProperties } from 'react';

const statusColors: Record<string, string> = {
  SUCCESS: 'teal', FAILURE: 'red', QUEUED: 'gray', RUNNING: 'blue', SUCCEEDED: 'teal', FAILED: 'red', CANCELED: 'gray',
  PENDING: 'blue', ACCEPTED: 'teal', REVOKED: 'gray', EXPIRED: 'gray',
};

/** A status in words on a tinted badge; the text is the darkest shade so it reads at 4.5:1 (WCAG AA). */
export function StatusBadge({ status }: { status: string }) {
  const color = statusColors[status] ?? 'gray';
  return (
    <Badge color={color} variant="light" size="sm" style={
        {
          '--badge-color': `light-dark(var(--mantine-color-${color}-9), var(--mantine-color-${color}-2))`,
          '--badge-bg': `light-dark(var(--mantine-color-${color}-0), var(--mantine-color-${color}-light))`,
        } as CSSProperties
      }>
      {status.toLowerCase()}
    </Badge>
  );
}
