import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ErrorState, LoadingState } from '../../components/states';
import { useSession } from './session';
import { Container } from '@mantine/core';

export function RequireAuth({ children }: { children: ReactNode }) {
  const { viewer, loading, error, refresh } = useSession();
  const location = useLocation();
  if (loading) return <LoadingState label="Checking your session…" />;
  if (error)
    return (
      <Container size="sm" py="xl">
        <ErrorState error={error} onRetry={refresh} title="Cannot reach the server" />
      </Container>
    );
  if (!viewer) {
    const next = location.pathname + location.search;
    return <Navigate to={`/sign-in${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  return <>{children}</>;
}
