import { ActionIcon, AppShell, Burger, Group, Menu, NavLink, ScrollArea, Select, Text, Tooltip, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { MouseEvent } from 'react';
import { Link, Outlet, useLocation, useMatch, useNavigate } from 'react-router';
import { IconMoon, IconSun } from '../../components/icons';
import { abilities } from '../auth/abilities';
import { effectiveRole } from '../auth/roles';
import { useSession, useViewer } from '../auth/session';
import './layout.css';

export function ThemeToggle() {
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <Tooltip label={`Switch to ${next} theme`}>
      <ActionIcon variant="default" size="lg" aria-label={`Switch to ${next} theme`} onClick={() => setColorScheme(next)}>
        {scheme === 'dark' ? <IconSun /> : <IconMoon />}
      </ActionIcon>
    </Tooltip>
  );
}

function TenantSwitcher({ slug }: { slug: string | undefined }) {
  const viewer = useViewer();
  const navigate = useNavigate();
  const location = useLocation();
  const data = viewer.memberships.map((m) => ({ value: m.tenant.slug, label: m.tenant.name }));
  if (slug && !data.some((d) => d.value === slug)) data.push({ value: slug, label: slug });
  if (data.length === 0) return null;
  return (
    <Select
      aria-label="Tenant"
      size="sm"
      w={{ base: 130, xs: 200 }}
      data={data}
      value={slug ?? null}
      placeholder="Choose a tenant"
      allowDeselect={false}
      searchable={data.length > 8}
      onChange={(v) => {
        if (!v) return;
        // Keep the same page in the other tenant where that makes sense.
        const rest = slug ? location.pathname.replace(/^\/t\/[^/]+/, '').replace(/\/processes\/.+$/, '/processes') : '';
        navigate(`/t/${v}${rest}`);
      }}
    />
  );
}

interface NavItem {
  to: string;
  label: string;
  exact?: boolean;
}

function NavSection({ title, items, onNavigate }: { title: string; items: NavItem[]; onNavigate(): void }) {
  const { pathname } = useLocation();
  if (items.length === 0) return null;
  return (
    <>
      <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" pt="md" pb={4}>
        {title}
      </Text>
      {items.map((it) => (
        <NavLink
          key={it.to}
          component={Link}
          to={it.to}
          label={it.label}
          onClick={onNavigate}
          active={it.exact ? pathname === it.to : pathname === it.to || pathname.startsWith(`${it.to}/`)}
        />
      ))}
    </>
  );
}

/** The skip link moves focus to the page, past the header and navigation. */
function focusMain(e: MouseEvent<HTMLAnchorElement>) {
  const main = document.getElementById('main');
  if (!main) return;
  e.preventDefault();
  main.focus();
  main.scrollIntoView({ block: 'start' });
}

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const viewer = useViewer();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const match = useMatch('/t/:slug/*');
  const slug = match?.params.slug;
  const membership = viewer.memberships.find((m) => m.tenant.slug === slug);
  const role = effectiveRole(membership?.role, viewer.user.isPlatformAdmin);
  const can = abilities({ role, workspace: membership?.workspace ?? null, isPlatformAdmin: viewer.user.isPlatformAdmin });
  const base = slug ? `/t/${slug}` : '';

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <a className="tm-skip-link" href="#main" onClick={focusMain}>
        Skip to main content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <UnstyledButton component={Link} to="/" aria-label="Trailmark home">
              <Text fw={800} size="lg" visibleFrom="xs">
                Trailmark
              </Text>
            </UnstyledButton>
            <TenantSwitcher slug={slug} />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <ThemeToggle />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <UnstyledButton aria-label={`${viewer.user.name}, account menu`} px="xs">
                  <Text size="sm" fw={500} truncate maw={{ base: 110, xs: 160 }} title={viewer.user.name}>
                    {viewer.user.name}
                  </Text>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{viewer.user.email}</Menu.Label>
                <Menu.Item component={Link} to="/playground">
                  GraphQL playground
                </Menu.Item>
                <Menu.Item
                  color="red"
                  onClick={async () => {
                    await signOut();
                    navigate('/sign-in', { replace: true });
                  }}
                >
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar aria-label="Main navigation">
        <ScrollArea p="xs">
          {slug && (
            <>
              <NavSection title={membership?.tenant.name ?? slug} items={[{ to: base, label: 'Dashboard', exact: true }]} onNavigate={close} />
              <NavSection
                title="Activity"
                onNavigate={close}
                items={[
                  { to: `${base}/activity/audit-log`, label: 'Audit log' },
                  ...(can.seeProcesses
                    ? [
                        { to: `${base}/activity/processes`, label: 'Processes' },
                        { to: `${base}/activity/archives`, label: 'Archives' },
                        { to: `${base}/integrity`, label: 'Integrity' },
                      ]
                    : []),
                  ...(can.manage ? [{ to: `${base}/activity/schedules`, label: 'Schedules' }] : []),
                ]}
              />
              {can.manage && (
                <NavSection
                  title="Settings"
                  onNavigate={close}
                  items={[
                    { to: `${base}/settings/members`, label: 'Members' },
                    { to: `${base}/settings/invitations`, label: 'Invitations' },
                    { to: `${base}/settings/api-keys`, label: 'API keys' },
                    ...(can.streams ? [{ to: `${base}/settings/log-streams`, label: 'Log streams' }] : []),
                    { to: `${base}/settings/retention`, label: 'Retention' },
                  ]}
                />
              )}
            </>
          )}
          {viewer.user.isPlatformAdmin && (
            <NavSection
              title="Platform"
              onNavigate={close}
              items={[
                { to: '/admin/tenants', label: 'Tenants' },
                { to: '/admin/audit-log', label: 'All audit logs' },
                { to: '/admin/platform-log', label: 'Platform log' },
                { to: '/admin/log-streams', label: 'Platform log streams' },
                { to: '/admin/schedules', label: 'Platform schedules' },
              ]}
            />
          )}
          <NavSection title="Developers" onNavigate={close} items={[{ to: '/playground', label: 'Playground' }]} />
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
