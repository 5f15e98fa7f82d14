import type { ReactNode } from 'react';
import { EmptyState } from '../../components/states';
import { useViewer } from '../auth/session';

export function RequirePlatformAdmin({ children }: { children: ReactNode }) {
  const viewer = useViewer();
  if (!viewer.user.isPlatformAdmin) return <EmptyState title="Platform admins only">You do not have access to this page.</EmptyState>;
  return <>{children}</>;
}
