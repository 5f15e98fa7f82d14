import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { activeSubscriptions, api, record, screenshot, TENANT, tenantID, unique } from './helpers';

// Issue 14 items 5 and 8: a search box and a completing query box on the audit log; a
// "Triggers & webhooks" tab showing the entries whose actor is an inbound webhook.

const log = `/t/${TENANT}/activity/audit-log`;
const SOURCES = /GitHub push|Stripe webhook|Datadog monitor|Slack \/ops command/;

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the search box searches the log and stays in the URL', async ({ page }) => {
  await page.goto(log);
  const table = page.getByRole('table', { name: 'Audit log entries' });
  const actions = table.locator('tbody tr td:nth-child(3)');
  await expect(actions.first()).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('workspace.deploy');
  await search.press('Enter');
  await expect(page).toHaveURL(/[?&]q=workspace.deploy/);
  await expect.poll(async () => [...new Set(await actions.allTextContents())]).toEqual(['workspace.deploy']);

  // The count agrees with the API's search.
  const gql = await api();
  const { tenant } = await gql<{ tenant: { id: string } }>('query($s:String!){ tenant(slug:$s){ id } }', { s: TENANT });
  const { auditEntries } = await gql<{ auditEntries: { totalCount: number } }>(
    `query($t:ID!){ auditEntries(tenantID:$t, search:"workspace.deploy", filter:"action not like 'audit\\\\_log.%'"){ totalCount } }`,
    { t: tenant.id },
  );
  expect(auditEntries.totalCount).toBeGreaterThan(25);
  await expect(page.getByText(`of ${auditEntries.totalCount.toLocaleString('en-US')}`).first()).toBeVisible();

  // The URL alone restores it; clearing removes it.
  await page.reload();
  await expect(search).toHaveValue('workspace.deploy');
  await expect(actions.first()).toHaveText('workspace.deploy');
  await page.getByRole('button', { name: 'Clear the search' }).click();
  await expect(page).not.toHaveURL(/[?&]q=/);
  await expect.poll(async () => new Set(await actions.allTextContents()).size).toBeGreaterThan(1);
});

test('plain words in the query box become a search instead of a cryptic error', async ({ page }) => {
  await page.goto(log);
  const box = page.getByLabel('Query filter');
  await box.fill('deploy');
  const hint = page.getByTestId('search-instead');
  await expect(hint).toBeVisible();
  await expect(box).toHaveAccessibleDescription(/Search for “deploy” instead\?/);
  // Enter does not send plain words to fail as a filter.
  await box.press('Enter');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  await expect(page).not.toHaveURL(/filter=/);
  await hint.getByRole('button', { name: 'Search for “deploy” instead?' }).click();
  await expect(page).toHaveURL(/[?&]q=deploy/);
  await expect(box).toHaveValue('');
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('deploy');
  await expect(hint).toHaveCount(0);
  const rows = page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr');
  await expect(rows.first()).toContainText(/deploy/i);
});

test('the query box completes fields, operators and known values from the keyboard', async ({ page }) => {
  await page.goto(log);
  const box = page.getByRole('combobox', { name: 'Query filter' });
  const list = page.getByRole('listbox', { name: 'Completions' });
  await expect(page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr').first()).toBeVisible();
  await box.click();
  await box.pressSequentially('resource_t');
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  await expect(list.getByRole('option')).toHaveText(['resource_typeworkspace, user, api_key, …']);
  await box.press('ArrowDown');
  const first = list.getByRole('option').first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id'))!);
  await box.press('Enter');
  await expect(box).toHaveValue('resource_type ');

  // After a field: its operators.
  await expect(list.getByRole('option').first()).toContainText('=');
  await expect(list.getByRole('option', { name: /like/ }).first()).toBeVisible();
  await box.press('ArrowDown');
  await box.press('Enter');
  await expect(box).toHaveValue('resource_type = ');

  // After an operator: the resource types the log holds, quoted.
  await expect(list.getByRole('option', { name: "'workspace'" })).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'audit-log-completion');
  await box.pressSequentially("'works");
  await expect(list.getByRole('option')).toHaveText(["'workspace'"]);
  await box.press('ArrowDown');
  await box.press('Enter');
  await expect(box).toHaveValue("resource_type = 'workspace' ");
  await expect(list.getByRole('option')).toHaveText(['and', 'or']);

  // Escape closes the list; Enter then applies the filter.
  await box.press('Escape');
  await expect(box).toHaveAttribute('aria-expanded', 'false');
  await expect(list).toBeHidden();
  await box.press('Enter');
  await expect(page).toHaveURL(/filter=resource_type/);
  const types = page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr td:nth-child(2)');
  await expect.poll(async () => [...new Set(await types.allTextContents())]).toEqual(['workspace']);

  // Completion is at the caret: in the middle of the text, not at its end.
  await box.fill("status  and resource_type = 'workspace'");
  await box.evaluate((el: HTMLInputElement) => el.setSelectionRange(7, 7));
  await box.press('Control+Space');
  await expect(list.getByRole('option').first()).toContainText('=');
  await expect(list.getByRole('option', { name: /like/ })).toHaveCount(0); // status is an enum
});

test('the Triggers & webhooks tab: the same table, filters and drawer for webhook actors', async ({ page }) => {
  await page.goto(log);
  const tabs = page.getByRole('tablist', { name: 'Audit log views' });
  const all = tabs.getByRole('tab', { name: 'All activity' });
  const triggers = tabs.getByRole('tab', { name: 'Triggers & webhooks' });
  await expect(all).toHaveAttribute('aria-selected', 'true');
  const table = page.getByRole('table', { name: 'Audit log entries' });
  const users = table.locator('tbody tr td:nth-child(4)');
  await expect(users.first()).toBeVisible();

  // Arrow keys move between tabs (ARIA tabs pattern) and the tab goes into the URL.
  await all.focus();
  await page.keyboard.press('ArrowRight');
  await expect(triggers).toHaveAttribute('aria-selected', 'true');
  await expect(triggers).toBeFocused();
  await expect(page).toHaveURL(/[?&]tab=triggers/);
  await expect(page.getByRole('tabpanel', { name: 'Triggers & webhooks' })).toContainText('Include log reads');
  await expect.poll(async () => (await users.allTextContents()).every((u) => SOURCES.test(u)) && (await users.count()) > 0).toBe(true);

  // As many as the API says, with the same paging.
  const gql = await api();
  const { tenant } = await gql<{ tenant: { id: string } }>('query($s:String!){ tenant(slug:$s){ id } }', { s: TENANT });
  const { auditEntries } = await gql<{ auditEntries: { totalCount: number } }>(
    `query($t:ID!){ auditEntries(tenantID:$t, filter:"actor_type = 'webhook'"){ totalCount } }`,
    { t: tenant.id },
  );
  expect(auditEntries.totalCount).toBeGreaterThan(25);
  await expect(page.getByText(`of ${auditEntries.totalCount.toLocaleString('en-US')}`).first()).toBeVisible();
  expect(await seriousViolations(page)).toEqual([]);
  await screenshot(page, 'audit-log-triggers');

  // Filters apply on top of the tab: the search narrows to Stripe's events.
  const search = page.getByRole('searchbox', { name: 'Search' });
  await search.fill('stripe');
  await search.press('Enter');
  await expect(page).toHaveURL(/tab=triggers.*q=stripe|q=stripe.*tab=triggers/);
  await expect.poll(async () => [...new Set(await users.allTextContents())]).toEqual(['Stripe webhook']);

  // The drawer shows the delivery, payload included.
  await table.locator('tbody tr').first().click();
  const drawer = page.getByRole('dialog');
  await expect(drawer).toContainText('WEBHOOK');
  const request = drawer.getByRole('region', { name: 'Request' });
  await expect(request).toContainText('/hooks/stripe');
  await expect(request).toContainText('customer.subscription.updated');
  await screenshot(page, 'audit-log-trigger-drawer');
  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();

  // A reload keeps the tab; back on All activity the tab leaves the URL and other actors return.
  await page.reload();
  await expect(triggers).toHaveAttribute('aria-selected', 'true');
  await expect(users.first()).toHaveText('Stripe webhook');
  await all.click();
  await expect(page).not.toHaveURL(/tab=/);
  await expect(page).toHaveURL(/q=stripe/);
  await search.fill('');
  await search.press('Enter');
  await expect.poll(async () => (await users.allTextContents()).some((u) => !SOURCES.test(u))).toBe(true);
});

test('live on the triggers tab with a search: only new webhook entries that match appear', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  const marker = unique('hook');
  await expect.poll(() => activeSubscriptions(page)).toBe(0);
  await page.goto(`${log}?tab=triggers&q=${marker}&live=1`);
  await expect(page.getByText('Nothing matches')).toBeVisible();
  await expect.poll(() => activeSubscriptions(page)).toBe(1);
  const hook = { type: 'WEBHOOK', name: 'GitHub push', id: `${marker}-delivery` };
  await record(gql, tid, [
    { action: 'workspace.deploy', resourceType: 'workspace', resourceName: `${marker} match`, actor: hook },
    { action: 'workspace.deploy', resourceType: 'workspace', resourceName: 'no marker here', actor: { ...hook, id: 'other-delivery' } },
    { action: 'workspace.deploy', resourceType: 'workspace', resourceName: `${marker} by a person`, actor: { type: 'USER', name: 'Ada' } },
  ]);
  const rows = page.getByRole('table', { name: 'Audit log entries' }).locator('tbody tr[data-new]');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(`${marker} match`);
  await page.waitForTimeout(1500);
  await expect(rows).toHaveCount(1);
});
