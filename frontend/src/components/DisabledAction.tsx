import { Button, Group, Text } from '@mantine/core';
import { useId } from 'react';

/** An action the viewer may not take: shown disabled, with the reason in words next to it. */
export function DisabledAction({ label, reason }: { label: string; reason: string }) {
  const id = useId();
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Text id={id} size="xs" c="dimmed" maw={320} ta="right">
        {reason}
      </Text>
      <Button disabled aria-describedby={id}>
        {label}
      </Button>
    </Group>
  );
}
