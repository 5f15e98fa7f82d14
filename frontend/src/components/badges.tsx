import { Badge } from '@mantine/core';

const statusColors: Record<string, string> = {
  SUCCESS: 'teal', FAILURE: 'red', QUEUED: 'gray', RUNNING: 'blue', SUCCEEDED: 'teal', FAILED: 'red', CANCELED: 'yellow',
  PENDING: 'blue', ACCEPTED: 'teal', REVOKED: 'gray', EXPIRED: 'yellow',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge color={statusColors[status] ?? 'gray'} variant="light" size="sm">
      {status.toLowerCase()}
    </Badge>
  );
}
