import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { EmptyState, LoadingState } from './components/states';
import { AllAuditLogPage } from './features/admin/AllAuditLogPage';
import { RequirePlatformAdmin } from './features/admin/RequirePlatformAdmin';
import { TenantsPage } from './features/admin/TenantsPage';
import { ArchivesPage } from './features/archives/ArchivesPage';
import { AuditLogPage } from './features/audit-log/AuditLogPage';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { SignInPage } from './features/auth/SignInPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { AppLayout } from './features/layout/AppLayout';
import { HomeRedirect } from './features/layout/HomeRedirect';
import { RequireTenantRole } from './features/layout/RequireTenantRole';
import { TenantRoute } from './features/layout/tenant';
import { ProcessDetailPage } from './features/processes/ProcessDetailPage';
import { ProcessesPage } from './features/processes/ProcessesPage';
import { SchedulesPage } from './features/processes/SchedulesPage';
import { APIKeysPage } from './features/settings/APIKeysPage';
import { InvitationsPage } from './features/settings/InvitationsPage';
import { MembersPage } from './features/settings/MembersPage';
import { RetentionPage } from './features/settings/RetentionPage';

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
          <Route index element={<DashboardPage />} />
          <Route path="activity/audit-log" element={<AuditLogPage />} />
          <Route path="activity/processes" element={<RequireTenantRole min="AUDITOR"><ProcessesPage /></RequireTenantRole>} />
          <Route path="activity/processes/:id" element={<RequireTenantRole min="AUDITOR"><ProcessDetailPage /></RequireTenantRole>} />
          <Route path="activity/schedules" element={<RequireTenantRole min="ADMIN"><SchedulesPage /></RequireTenantRole>} />
          <Route path="activity/archives" element={<RequireTenantRole min="AUDITOR"><ArchivesPage /></RequireTenantRole>} />
          <Route path="settings/members" element={<RequireTenantRole min="ADMIN"><MembersPage /></RequireTenantRole>} />
          <Route path="settings/invitations" element={<RequireTenantRole min="ADMIN"><InvitationsPage /></RequireTenantRole>} />
          <Route path="settings/api-keys" element={<RequireTenantRole min="ADMIN"><APIKeysPage /></RequireTenantRole>} />
          <Route path="settings/retention" element={<RequireTenantRole min="ADMIN"><RetentionPage /></RequireTenantRole>} />
        </Route>
        <Route path="admin/tenants" element={<RequirePlatformAdmin><TenantsPage /></RequirePlatformAdmin>} />
        <Route path="admin/audit-log" element={<RequirePlatformAdmin><AllAuditLogPage /></RequirePlatformAdmin>} />
        <Route path="admin/platform-log" element={<RequirePlatformAdmin><AllAuditLogPage /></RequirePlatformAdmin>} />
        <Route path="*" element={<EmptyState title="Page not found">There is nothing at this address.</EmptyState>} />
      </Route>
    </Routes>
  );
}
