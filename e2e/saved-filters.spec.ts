import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { api, record, screenshot, signIn, tenantID, TENANT, unique } from './helpers';

/** Serious or critical axe violations of what is on screen (an open menu or dialog included). */
async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} ${v.nodes.map((n) => n.target.join(" ") + " " + n.failureSummary).join("; ")}`);
}

const openQueryMenu = async (page: Page) => {
  await page.getByRole('button', { name: 'Query', exact: true }).click();
  return page.getByRole('menu');
};

test('saved filters on the audit log: built-in first, save, share, apply, rename, delete', async ({ page, browser }) => {
  const admin = await api();
  const tid = await tenantID(admin);
  const sharedName = unique('Shared failures');
  const privateName = unique('Private invites');

  await page.goto(`/t/${TENANT}/activity/audit-log?filter=${encodeURIComponent("status = 'failure'")}`);
  await expect(page.getByLabel('Query filter')).toHaveValue("status = 'failure'");
  let menu = await openQueryMenu(page);
  // Built-in filters come first.
  await expect(menu.getByRole('menuitem').first()).toHaveText('Failures');
  await expect(menu.getByRole('menuitem', { name: 'Changes by people' })).toBeVisible();
  await menu.getByRole('menuitem', { name: 'Save current filters…' }).click();
  let dialog = page.getByRole('dialog', { name: 'Save current filters' });
  await expect(dialog.getByLabel('Name')).toHaveValue("status = 'failure'");
  await dialog.getByLabel('Name').fill(sharedName);
  await dialog.getByLabel('Share with the tenant').check();
  await screenshot(page, 'saved-filter-save');
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  // A second, private one of the action picker, through the URL.
  await page.goto(`/t/${TENANT}/activity/audit-log?action=member.invite`);
  menu = await openQueryMenu(page);
  await menu.getByRole('menuitem', { name: 'Save current filters…' }).click();
  dialog = page.getByRole('dialog', { name: 'Save current filters' });
  await dialog.getByLabel('Name').fill(privateName);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  // The same name again is refused with the server's reason.
  menu = await openQueryMenu(page);
  await menu.getByRole('menuitem', { name: 'Save current filters…' }).click();
  dialog = page.getByRole('dialog', { name: 'Save current filters' });
  await dialog.getByLabel('Name').fill(privateName);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already have a saved filter named');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // Applying a saved filter replaces the page's filters.
  await page.goto(`/t/${TENANT}/activity/audit-log?page=2`);
  menu = await openQueryMenu(page);
  await expect(menu.getByRole('menuitem', { name: new RegExp(sharedName) })).toContainText('shared');
  await screenshot(page, 'saved-filters-menu');
  expect(await seriousViolations(page)).toEqual([]);
  await menu.getByRole('menuitem', { name: new RegExp(sharedName) }).click();
  await expect(page).toHaveURL(/filter=status/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page.getByLabel('Query filter')).toHaveValue("status = 'failure'");

  // Every change is in the tenant's log.
  const log = await admin<{ auditEntries: { edges: { node: { action: string; resourceName: string } }[] } }>(
    `query($t:ID!){ auditEntries(tenantID:$t, filter:"resource_type = 'saved_filter'", first:50){ edges { node { action resourceName } } } }`,
    { t: tid },
  );
  expect(log.auditEntries.edges.map((e) => `${e.node.action} ${e.node.resourceName}`)).toEqual(
    expect.arrayContaining([`saved_filter.create ${sharedName}`, `saved_filter.create ${privateName}`]),
  );

  // A MEMBER of the tenant sees the shared filter, not the private one, and may not delete it.
  const email = `${unique('saver')}@example.com`;
  const inv = await admin<{ inviteMember: { token: string } }>('mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: MEMBER){ token } }', { t: tid, e: email });
  const anon = await api(null);
  await anon('mutation($t:String!){ acceptInvitation(token:$t, name:"Sam Saver", password:"saver-password-1"){ id } }', { t: inv.inviteMember.token });
  const memberCtx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const mp = await memberCtx.newPage();
  await signIn(mp, email, 'saver-password-1');
  await mp.goto(`/t/${TENANT}/activity/audit-log`);
  const mm = await openQueryMenu(mp);
  await expect(mm.getByRole('menuitem', { name: new RegExp(sharedName) })).toContainText('team');
  await expect(mm.getByRole('menuitem', { name: new RegExp(privateName) })).toHaveCount(0);
  await mm.getByRole('menuitem', { name: 'Manage saved filters…' }).click();
  const mdialog = mp.getByRole('dialog', { name: 'Saved filters' });
  await expect(mdialog.getByRole('row', { name: new RegExp(sharedName) })).toContainText('shared by a teammate');
  await expect(mdialog.getByRole('button', { name: `Delete ${sharedName}` })).toHaveCount(0);
  await expect(mdialog.getByRole('button', { name: `Rename ${sharedName}` })).toHaveCount(0);
  await memberCtx.close();

  // The owner renames the shared filter and deletes the private one.
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  menu = await openQueryMenu(page);
  await menu.getByRole('menuitem', { name: 'Manage saved filters…' }).click();
  const manage = page.getByRole('dialog', { name: 'Saved filters' });
  await manage.getByRole('button', { name: `Rename ${sharedName}` }).click();
  await manage.getByLabel(`New name for ${sharedName}`).fill(`${sharedName} renamed`);
  await manage.getByRole('button', { name: 'Save' }).click();
  await expect(manage.getByText(`${sharedName} renamed`)).toBeVisible();
  await manage.getByRole('button', { name: `Delete ${privateName}` }).click();
  await manage.getByRole('button', { name: `Confirm deleting ${privateName}` }).click();
  await expect(manage.getByText(privateName)).toHaveCount(0);
  await screenshot(page, 'saved-filters-manage');
  expect(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');
  menu = await openQueryMenu(page);
  await expect(menu.getByRole('menuitem', { name: new RegExp(`${sharedName} renamed`) })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: new RegExp(privateName) })).toHaveCount(0);
});

test('saved filters on processes and archives', async ({ page }) => {
  for (const [path, filter] of [
    ['processes', "status = 'failed'"],
    ['archives', "format = 'csv_gz'"],
  ] as const) {
    const name = unique(`Saved ${path}`);
    await page.goto(`/t/${TENANT}/activity/${path}?filter=${encodeURIComponent(filter)}`);
    let menu = await openQueryMenu(page);
    await menu.getByRole('menuitem', { name: 'Save current filters…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save current filters' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await page.goto(`/t/${TENANT}/activity/${path}`);
    await expect(page.getByLabel('Query filter')).toHaveValue('');
    menu = await openQueryMenu(page);
    await menu.getByRole('menuitem', { name }).click();
    await expect(page.getByLabel('Query filter')).toHaveValue(filter);
  }
});

test('the global log: facet pickers, a tenant picker, tenant filter and per-tenant export', async ({ page }) => {
  const admin = await api();
  const slug = unique('e2e-other').toLowerCase().replace(/[^a-z0-9-]/g, '-');
  const created = await admin<{ createTenant: { id: string } }>('mutation($s:String!){ createTenant(input:{slug:$s, name:"Other Co"}){ id } }', { s: slug });
  const action = `global.${unique('probe').toLowerCase().replace(/[^a-z0-9]/g, '')}`;
  await record(admin, created.createTenant.id, [{ action, resourceType: 'probe' }]);

  await page.goto('/admin/audit-log');
  const table = page.getByRole('table', { name: 'Audit log entries' });
  await expect(table).toBeVisible();
  // The same pickers as a tenant's log, with values of every tenant.
  await expect(page.getByRole('combobox', { name: 'Action' })).toBeVisible();
  await expect(page.getByText('Pick one tenant to export: exports are per tenant.')).toBeVisible();

  await page.getByRole('combobox', { name: 'Action' }).click();
  await expect(page.getByRole('option', { name: /^workspace\.deploy / })).toBeVisible();
  await page.keyboard.press('Escape');

  // Pick the other tenant: only its entries, and export is offered for it.
  await page.getByRole('combobox', { name: 'Tenant' }).click();
  await page.getByRole('option', { name: new RegExp(slug) }).click();
  await page.keyboard.press('Escape');
  await expect(page).toHaveURL(new RegExp(`tenant=${slug}`));
  await expect(table).toContainText(action);
  await expect(table).not.toContainText('Acme Inc');
  // The pickers count the picked tenant's entries only: its one probe, none of acme's actions.
  await page.getByRole('combobox', { name: 'Action' }).click();
  await expect(page.getByRole('option', { name: `${action} (1)` })).toBeVisible();
  await expect(page.getByRole('option', { name: /^workspace\.deploy / })).toHaveCount(0);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByRole('menuitem', { name: 'CSV' })).toHaveAttribute('href', new RegExp(`tenant=${slug}.*filter=tenant`));
  await page.keyboard.press('Escape');
  await screenshot(page, 'global-log-tenant-picker');

  // acme only: the other tenant's entry is gone.
  await page.goto(`/admin/audit-log?tenant=${TENANT}`);
  await expect(table).toContainText('Acme Inc');
  await expect(table).not.toContainText('Other Co');

  // The filter language's tenant field, by slug, in the query box.
  await page.goto('/admin/audit-log');
  await page.getByLabel('Query filter').fill(`tenant = '${slug}'`);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(table).toContainText(action);
  await expect(table).not.toContainText('Acme Inc');
});
