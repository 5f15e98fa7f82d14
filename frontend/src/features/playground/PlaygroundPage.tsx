// Lazy-loaded: GraphiQL and Monaco stay out of the main bundle.
import '@graphiql/react/setup-workers/vite';
import 'graphiql/style.css';
import { Anchor, Group, Text, useComputedColorScheme } from '@mantine/core';
import { GraphiQL } from 'graphiql';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { usePageTitle } from '../../components/usePageTitle';
import { useSession, useViewer } from '../auth/session';
import { lastTenant } from '../layout/HomeRedirect';
import { exampleTabs, playgroundTenant } from './examples';
import { sessionFetcher } from './fetcher';

export default function PlaygroundPage() {
  usePageTitle('GraphQL playground');
  const { ws } = useSession();
  const viewer = useViewer();
  const scheme = useComputedColorScheme('light');
  const fetcher = useMemo(() => sessionFetcher(ws), [ws]);
  const tabs = useMemo(() => exampleTabs(playgroundTenant(viewer.memberships, lastTenant())), [viewer]);
  return (
    <div style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Group px="md" py={6} justify="space-between" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Group gap="sm">
          <Anchor component={Link} to="/" fw={700}>
            Trailmark
          </Anchor>
          <Text size="sm" c="dimmed">
            GraphQL playground — signed in as {viewer.user.name}
          </Text>
        </Group>
      </Group>
      <div style={{ flex: 1, minHeight: 0 }} data-testid="playground">
        <GraphiQL fetcher={fetcher as never} defaultTabs={tabs} initialQuery={tabs[0].query ?? undefined} initialVariables={tabs[0].variables ?? undefined} forcedTheme={scheme} shouldPersistHeaders={false} defaultEditorToolsVisibility="variables" />
      </div>
    </div>
  );
}
