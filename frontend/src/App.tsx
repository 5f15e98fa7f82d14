import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router';
import { EmptyState, LoadingState } from './components/states';
import { usePageTitle } from './components/usePageTitle';
import { RequirePlatformAdmin } from './features/admin/RequirePlatformAdmin';
import { AuditLogPage } from './features/audit-log/AuditLogPage';
import { RequireAuth } from './features/auth/RequireAuth';
import { SignInPage } from './features/auth/SignInPage';
import { DashboardPage } from './features/dashboard/DashboardPage';
import { AppLayout } from './features/layout/AppLayout';
import { HomeRedirect } from './features/layout/HomeRedirect';
import { RequireTenantRole } from './features/layout/RequireTenantRole';
import { TenantRoute } from './features/layout/tenant';

const PlaygroundPage = lazy(() => import('./features/playground/PlaygroundPage'));
// Screens beyond the audit log load on demand to keep the first download small.
const AllAuditLogPage = lazy(() => import('./features/admin/AllAuditLogPage').then((m) => ({ default: m.AllAuditLogPage })));
const TenantsPage = lazy(() => import('./features/admin/TenantsPage').then((m) => ({ default: m.TenantsPage })));
const IntegrityPage = lazy(() => import('./features/integrity/IntegrityPage').then((m) => ({ default: m.IntegrityPage })));
const ArchivesPage = lazy(() => import('./features/archives/ArchivesPage').then((m) => ({ default: m.ArchivesPage })));
const ProcessDetailPage = lazy(() => import('./features/processes/ProcessDetailPage').then((m) => ({ default: m.ProcessDetailPage })));
const ProcessesPage = lazy(() => import('./features/processes/ProcessesPage').then((m) => ({ default: m.ProcessesPage })));
const SchedulesPage = lazy(() => import('./features/processes/SchedulesPage').then((m) => ({ default: m.SchedulesPage })));
const APIKeysPage = lazy(() => import('./features/settings/APIKeysPage').then((m) => ({ default: m.APIKeysPage })));
const InvitationsPage = lazy(() => import('./features/settings/InvitationsPage').then((m) => ({ default: m.InvitationsPage })));
const MembersPage = lazy(() => import('./features/settings/MembersPage').then((m) => ({ default: m.MembersPage })));
const LogStreamsPage = lazy(() => import('./features/streams/LogStreamsPage').then((m) => ({ default: m.LogStreamsPage })));
const LogStreamPage = lazy(() => import('./features/streams/LogStreamPage').then((m) => ({ default: m.LogStreamPage })));
const RetentionPage = lazy(() => import('./features/settings/RetentionPage').then((m) => ({ default: m.RetentionPage })));
const AcceptInvitationPage = lazy(() => import('./features/auth/AcceptInvitationPage').then((m) => ({ default: m.AcceptInvitationPage })));

function NotFound() {
  usePageTitle('Page not found');
  return <EmptyState title="Page not found">There is nothing at this address.</EmptyState>;
}

export function App() {
  return (
    <Suspense fallback={<LoadingState />}>
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
          <Route path="activity/processes" element={<RequireTenantRole min="AUDITOR" need="seeProcesses"><ProcessesPage /></RequireTenantRole>} />
          <Route path="activity/processes/:id" element={<RequireTenantRole min="AUDITOR" need="seeProcesses"><ProcessDetailPage /></RequireTenantRole>} />
          <Route path="activity/schedules" element={<RequireTenantRole min="ADMIN" need="manage"><SchedulesPage /></RequireTenantRole>} />
          <Route path="activity/archives" element={<RequireTenantRole min="AUDITOR" need="seeProcesses"><ArchivesPage /></RequireTenantRole>} />
          <Route path="integrity" element={<RequireTenantRole min="AUDITOR" need="seeProcesses"><IntegrityPage /></RequireTenantRole>} />
          <Route path="settings/members" element={<RequireTenantRole min="ADMIN" need="manage"><MembersPage /></RequireTenantRole>} />
          <Route path="settings/invitations" element={<RequireTenantRole min="ADMIN" need="manage"><InvitationsPage /></RequireTenantRole>} />
          <Route path="settings/api-keys" element={<RequireTenantRole min="ADMIN" need="manage"><APIKeysPage /></RequireTenantRole>} />
          <Route path="settings/log-streams" element={<RequireTenantRole min="ADMIN" need="streams"><LogStreamsPage /></RequireTenantRole>} />
          <Route path="settings/log-streams/:id" element={<RequireTenantRole min="ADMIN" need="streams"><LogStreamPage /></RequireTenantRole>} />
          <Route path="settings/retention" element={<RequireTenantRole min="ADMIN" need="manage"><RetentionPage /></RequireTenantRole>} />
        </Route>
        <Route path="admin/tenants" element={<RequirePlatformAdmin><TenantsPage /></RequirePlatformAdmin>} />
        <Route path="admin/audit-log" element={<RequirePlatformAdmin><AllAuditLogPage /></RequirePlatformAdmin>} />
        <Route path="admin/platform-log" element={<RequirePlatformAdmin><AllAuditLogPage /></RequirePlatformAdmin>} />
        <Route path="admin/schedules" element={<RequirePlatformAdmin><SchedulesPage /></RequirePlatformAdmin>} />
        <Route path="admin/processes/:id" element={<RequirePlatformAdmin><ProcessDetailPage /></RequirePlatformAdmin>} />
        <Route path="admin/log-streams" element={<RequirePlatformAdmin><LogStreamsPage /></RequirePlatformAdmin>} />
        <Route path="admin/log-streams/:id" element={<RequirePlatformAdmin><LogStreamPage /></RequirePlatformAdmin>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
    </Suspense>
  );
}
