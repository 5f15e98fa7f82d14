import { Box, Code, Group, Text } from '@mantine/core';
import { prettyJSON } from '../lib/format';
import { CopyIconButton } from './CopyText';

/** Formatted JSON with a copy button; `null`/missing shows a dash. */
export function JsonBlock({ value, label, maxHeight = 320 }: { value: unknown; label: string; maxHeight?: number }) {
  const text = prettyJSON(value);
  return (
    <Box>
      <Group justify="space-between" gap="xs" mb={4}>
        <Text size="sm" fw={600}>
          {label}
        </Text>
        {value !== null && value !== undefined && <CopyIconButton value={text} label={`Copy ${label.toLowerCase()}`} />}
      </Group>
      {value === null || value === undefined ? (
        <Text size="sm" c="dimmed">
          —
        </Text>
      ) : (
        <Code block fz="xs" style={{ maxHeight, overflow: 'auto' }} aria-label={label}>
          {text}
        </Code>
      )}
    </Box>
  );
}
