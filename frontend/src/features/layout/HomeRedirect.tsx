import { Navigate } from 'react-router';
import { EmptyState } from '../../components/states';
import { useViewer } from '../auth/session';

const LAST_KEY = 'trailmark.lastTenant';

export function rememberTenant(slug: string) {
  try {
    localStorage.setItem(LAST_KEY, slug);
  } catch {
    /* ignore */
  }
}

export function HomeRedirect() {
  const viewer = useViewer();
  let last: string | null = null;
  try {
    last = localStorage.getItem(LAST_KEY);
  } catch {
    /* ignore */
  }
  const m = viewer.memberships.find((x) => x.tenant.slug === last) ?? viewer.memberships[0];
  if (m) return <Navigate to={`/t/${m.tenant.slug}`} replace />;
  if (viewer.user.isPlatformAdmin) return <Navigate to="/admin/tenants" replace />;
  return <EmptyState title="No tenants yet">You are not a member of any tenant. Ask an admin for an invitation.</EmptyState>;
}
