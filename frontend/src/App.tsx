import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { EmptyState, LoadingState } from './components/states';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { SignInPage } from './features/auth/SignInPage';
import { AuditLogPage } from './features/audit-log/AuditLogPage';
import { AppLayout } from './features/layout/AppLayout';
import { HomeRedirect } from './features/layout/HomeRedirect';
import { TenantRoute } from './features/layout/tenant';

const PlaygroundPage = lazy(() => import('./features/playground/PlaygroundPage'));

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route path="/accept-invitation" element={<AcceptInvitationPage />} />
      <Route
        path="/playground"
        element={
          <RequireAuth>
            <Suspense fallback={<LoadingState label="Loading the playground…" />}>
              <PlaygroundPage />
            </Suspense>
          </RequireAuth>
        }
      />
      <Route
        element={
          <RequireAuth>
            <AppLayout />
          </RequireAuth>
        }
      >
        <Route index element={<HomeRedirect />} />
        <Route path="t/:slug" element={<TenantRoute />}>
          <Route index element={<AuditLogPage />} />
          <Route path="activity/audit-log" element={<AuditLogPage />} />
        </Route>
        <Route path="*" element={<EmptyState title="Page not found">There is nothing at this address.</EmptyState>} />
      </Route>
    </Routes>
  );
}
