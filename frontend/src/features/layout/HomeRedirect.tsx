import { Navigate } from 'react-router';
import { EmptyState } from '../../components/states';
import { useViewer } from '../auth/session';

const LAST_KEY = 'trailmark.lastTenant';
const LAST_ID_KEY = 'trailmark.lastTenantID';

export function rememberTenant(slug: string, id?: string) {
  try {
    localStorage.setItem(LAST_KEY, slug);
    if (id) localStorage.setItem(LAST_ID_KEY, id);
  } catch {
    /* ignore */
  }
}

/** The last tenant whose dashboard the viewer opened: its slug and ID. */
export function lastTenant(): { slug: string | null; id: string | null } {
  try {
    return { slug: localStorage.getItem(LAST_KEY), id: localStorage.getItem(LAST_ID_KEY) };
  } catch {
    return { slug: null, id: null };
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
