import { Alert, Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import type { CombinedError } from '@urql/core';
import type { ReactNode } from 'react';
import { errorCode, errorMessage } from '../lib/errors';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function ErrorState({ error, onRetry, title }: { error: CombinedError | Error | string; onRetry?: () => void; title?: string }) {
  const message = typeof error === 'string' ? error : 'graphQLErrors' in error ? errorMessage(error) : error.message;
  const code = typeof error === 'object' && 'graphQLErrors' in error ? errorCode(error) : undefined;
  return (
    <Alert color="red" variant="light" title={title ?? (code === 'FORBIDDEN' ? 'Not allowed' : 'Something went wrong')} role="alert">
      <Stack gap="xs">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Group>
            <Button size="xs" variant="light" color="red" onClick={onRetry}>
              Try again
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Center py="xl">
      <Stack gap={4} align="center">
        <Text fw={600}>{title}</Text>
        {children && (
          <Text c="dimmed" size="sm" ta="center">
            {children}
          </Text>
        )}
      </Stack>
    </Center>
  );
}
