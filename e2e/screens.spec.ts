import { expect, test, type Browser, type Page } from '@playwright/test';
import { api, record, screenshot, showing, signIn, tenantID, TENANT, unique, type GQL } from './helpers';

// Issue 14: screens that adapt to what the viewer may do (item 2), dashboard numbers that
// match their links (item 4) and the smaller screen fixes (item 6). Every test starts
// signed in as the platform admin (global-setup.ts) unless it signs in as someone else.

/** A new account with `role` in the demo tenant, optionally scoped to a workspace, signed in. */
async function signedInAs(browser: Browser, admin: GQL, role: string, workspace?: string): Promise<{ page: Page; name: string; close(): Promise<void> }> {
  const tid = await tenantID(admin);
  const email = `${unique(role.toLowerCase())}@example.com`;
  const name = `${role[0]}${role.slice(1).toLowerCase()} ${workspace ?? 'tenant'} ${unique('x').slice(-4)}`;
  const inv = await admin<{ inviteMember: { token: string } }>(
    'mutation($t:ID!,$e:String!,$r:Role!,$w:String){ inviteMember(tenantID:$t, email:$e, role:$r, workspace:$w){ token } }',
    { t: tid, e: email, r: role, w: workspace ?? null },
  );
  const anon = await api(null);
  await anon('mutation($t:String!,$n:String,$p:String){ acceptInvitation(token:$t, name:$n, password:$p){ id } }', {
    t: inv.inviteMember.token,
    n: name,
    p: 'screens-password-1',
  });
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await signIn(page, email, 'screens-password-1');
  return { page, name, close: () => ctx.close() };
}

test('a workspace-scoped ADMIN is offered only what she may do, and told why', async ({ browser }) => {
  const admin = await api();
  const { page, close } = await signedInAs(browser, admin, 'ADMIN', 'prod-eu');
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page.getByText('Activity in workspace prod-eu.')).toBeVisible();
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Audit log' })).toBeVisible();
  for (const hidden of ['Members', 'Invitations', 'API keys', 'Retention', 'Processes', 'Archives', 'Schedules'])
    await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);

  // Typed addresses explain instead of failing.
  await page.goto(`/t/${TENANT}/settings/members`);
  await expect(page.getByText('Managed by tenant-wide admins', { exact: true })).toBeVisible();
  await expect(page.getByText(/managed by tenant-wide admins\. Your access covers the workspace “prod-eu” only/)).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page).toHaveTitle(/Not available · /);
  await page.goto(`/t/${TENANT}/activity/processes`);
  await expect(page.getByText(/Processes and archives cover every workspace/)).toBeVisible();
  await expect(page.getByText('Nothing has run yet.')).toHaveCount(0);
  await page.goto(`/t/${TENANT}/activity/archives`);
  await expect(page.getByText(/Processes and archives cover every workspace/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create archive' })).toHaveCount(0);
  await screenshot(page, 'scoped-admin-archives');
  await close();
});

test('a tenant-wide AUDITOR sees archives, and "Create archive" disabled with the reason', async ({ browser }) => {
  const admin = await api();
  const { page, close } = await signedInAs(browser, admin, 'AUDITOR');
  await page.goto(`/t/${TENANT}/activity/archives`);
  const create = page.getByRole('button', { name: 'Create archive' });
  await expect(create).toBeDisabled();
  await expect(create).toHaveAccessibleDescription(/managed by tenant-wide admins/);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await expect(nav.getByRole('link', { name: 'Processes' })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Members' })).toHaveCount(0);
  await close();
});

test('dashboard numbers match the log their links open; recent activity opens entries and updates live', async ({ page }) => {
  await page.goto(`/t/${TENANT}`);
  await expect(page).toHaveTitle(/^Dashboard · /);
  const failures = page.getByTestId('failures-link');
  await expect(failures).toBeVisible();
  const text = (await failures.textContent()) ?? '';
  const count = Number(text.replace(/[^\d]/g, ''));
  expect(text).toMatch(count === 1 ? /^1 failure$/ : /failures$/);
  const href = (await failures.getAttribute('href')) ?? '';
  expect(href).toMatch(/from=\d{4}-\d{2}-\d{2}/);
  await failures.click();
  await expect(page).toHaveURL(/activity\/audit-log\?.*from=/);
  await expect.poll(async () => (await showing(page)).total).toBe(count);

  // A top action: its count and its link agree (audit_log.* reads grow as we look, skip them).
  await page.goto(`/t/${TENANT}`);
  const item = page.getByTestId('top-action').filter({ hasNotText: /audit_log\./ }).first();
  await expect(item).toBeVisible();
  const top = item.getByRole('link');
  const n = Number(((await item.getByTestId('top-action-count').textContent()) ?? '').replace(/[^\d]/g, ''));
  expect(await top.getAttribute('href')).toMatch(/from=/);
  await top.click();
  await expect.poll(async () => (await showing(page)).total).toBe(n);

  // Recent activity: live, and each row opens its entry.
  await page.goto(`/t/${TENANT}`);
  const recent = page.getByRole('table', { name: 'Recent activity' });
  await expect(recent.getByTestId('recent-row').first()).toBeVisible();
  const gql = await api();
  const name = unique('dash-live');
  const res = await record(gql, await tenantID(gql), [{ action: 'workspace.update', resourceType: 'workspace', resourceName: name }]);
  const id = (res as { recordAuditEntries: { entries: { id: string }[] } }).recordAuditEntries.entries[0].id;
  const link = recent.getByRole('link', { name: new RegExp(name) });
  await expect(link).toBeVisible();
  await expect(recent.getByTestId('recent-row')).toHaveCount(6);
  await screenshot(page, 'dashboard-recent-live');
  await link.click();
  await expect(page).toHaveURL(new RegExp(`activity/audit-log\\?entry=${encodeURIComponent(id)}`));
});

test('a page past the end says so and offers the last page', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  // At least one archive, hence one process.
  await gql('mutation($t:ID!,$i:CreateArchiveInput!){ createArchive(tenantID:$t, input:$i){ id } }', {
    t: tid,
    i: { name: unique('pager'), from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z', format: 'JSONL_GZ' },
  });
  await page.goto(`/t/${TENANT}/activity/processes?page=9999`);
  await expect(page.getByText('There is no page 9,999')).toBeVisible();
  await expect(page.getByText('Nothing has run yet.')).toHaveCount(0);
  await page.getByRole('button', { name: /^Go to page \d+$/ }).click();
  await expect(page.getByRole('table', { name: 'Processes' })).toBeVisible();
  await page.goto(`/t/${TENANT}/activity/archives?page=9999`);
  await expect(page.getByText('There is no page 9,999')).toBeVisible();
  // The audit log: a page past the end, and a date range that ends before it starts.
  await page.goto(`/t/${TENANT}/activity/audit-log?page=9999&logReads=1`);
  await expect(page.getByText('There is no page 9,999')).toBeVisible();
  await expect(page.getByText('Nothing has been recorded yet.')).toHaveCount(0);
  await page.getByRole('button', { name: /^Go to page \d+$/ }).click();
  await expect(page.getByRole('table')).toBeVisible();
  await page.goto(`/t/${TENANT}/activity/audit-log?from=2026-03-10&to=2026-03-01`);
  await expect(page.getByText('The “To” date is before the “From” date.')).toBeVisible();
});

test('archives: the range reads as the days it holds, To before From is refused, row actions fit 390 px', async ({ page }) => {
  const name = unique('nov');
  await page.goto(`/t/${TENANT}/activity/archives`);
  await page.getByRole('button', { name: 'Create archive' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create archive' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('From (inclusive)').fill('2025-11-30');
  await dialog.getByLabel('To (inclusive)').fill('2025-11-01');
  await expect(dialog.getByText('The “To” date is before the “From” date.')).toBeVisible();
  await dialog.getByLabel('From (inclusive)').fill('2025-11-01');
  await dialog.getByLabel('To (inclusive)').fill('2025-11-30');
  await expect(dialog.getByText('The “To” date is before the “From” date.')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Create archive' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  const row = page.getByRole('row', { name: new RegExp(name) });
  // An archive waits (a few seconds, at most 30) for a signed checkpoint that covers its entries,
  // and may queue behind other processes of the run.
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText(/Nov 1\s–\s30, 2025/);
  await expect(row.locator('td').nth(1)).toHaveText(/^Nov 1\s–\s30, 2025$/);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const options = page.getByRole('button', { name: `Options for ${name}` });
  await expect(options).toBeVisible();
  const box = await options.boundingBox();
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  await expect(page.getByRole('link', { name: `Download ${name}` })).toBeInViewport();
  // The header keeps the account name in view.
  const account = page.getByRole('button', { name: 'Account menu' });
  await expect(account).toBeInViewport({ ratio: 1 });
  await screenshot(page, 'archives-390');
});

test('a role change asks first', async ({ page, browser }) => {
  const admin = await api();
  const member = await signedInAs(browser, admin, 'MEMBER');
  await member.close();
  await page.goto(`/t/${TENANT}/settings/members`);
  const select = page.getByRole('combobox', { name: `Role of ${member.name}` });
  await expect(select).toHaveValue('MEMBER');
  await select.click();
  await page.getByRole('option', { name: 'AUDITOR' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change role?' });
  await expect(dialog).toContainText(`${member.name} becomes auditor (now member)`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(select).toHaveValue('MEMBER');
  await select.click();
  await page.getByRole('option', { name: 'AUDITOR' }).click();
  await dialog.getByRole('button', { name: 'Change role' }).click();
  await expect(dialog).toBeHidden();
  await expect(select).toHaveValue('AUDITOR');
});

test('the first invitation of a tenant appears without a reload', async ({ page }) => {
  const admin = await api();
  const slug = unique('firstinv');
  await admin('mutation($s:String!){ createTenant(input:{ slug:$s, name:$s }){ id } }', { s: slug });
  await page.goto(`/t/${slug}/settings/invitations`);
  await expect(page.getByText('No invitations')).toBeVisible();
  await page.getByRole('button', { name: 'Invite member' }).click();
  const dialog = page.getByRole('dialog', { name: 'Invite a member' });
  const email = `${unique('first')}@example.com`;
  await dialog.getByLabel('Email').fill(email);
  await dialog.getByRole('button', { name: 'Send invitation' }).click();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByRole('row', { name: new RegExp(email) })).toBeVisible();
});

test('the playground opens on a tenant with sensible variables', async ({ page }) => {
  test.slow(); // GraphiQL and Monaco are a few MB of lazily loaded JavaScript
  await page.goto(`/t/${TENANT}`); // remembered as the last tenant
  await expect(page.getByTestId('failures-link')).toBeVisible();
  await page.evaluate(() => localStorage.removeItem('graphiql:tabState'));
  await page.goto('/playground');
  await expect(page).toHaveTitle(/^GraphQL playground · /);
  const variables = page.locator('.graphiql-editor-tool .monaco-editor').first();
  await expect(variables).toBeVisible({ timeout: 60_000 });
  await expect(variables).toContainText('tenantID', { timeout: 30_000 });
  await expect(variables).toContainText('failure');
  await page.getByRole('button', { name: /Execute query/ }).click();
  const response = page.locator('.graphiql-response');
  await expect(response).toContainText('totalCount', { timeout: 15_000 });
  await expect(response).not.toContainText('audit_log.view');
});
