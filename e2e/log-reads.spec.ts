import { expect, test } from '@playwright/test';
import { api, TENANT } from './helpers';

// Every read of the log records an audit_log.view (docs/api.md); the audit log and the dashboard
// leave those out unless "Include log reads" is on, and the choice lives in the URL.

const reads = /audit_log\./;

test('the audit log hides its own reads behind "Include log reads"', async ({ page }) => {
  const gql = await api();
  const { tenant } = await gql<{ tenant: { name: string } }>('query($s:String!){ tenant(slug:$s){ name } }', { s: TENANT });

  await page.goto(`/t/${TENANT}/activity/audit-log`);
  const table = page.getByRole('table', { name: 'Audit log entries' });
  const actions = table.locator('tbody tr td:nth-child(3)');
  const toggle = page.getByRole('switch', { name: 'Include log reads' });
  await expect(toggle).toBeVisible();
  await expect(toggle).not.toBeChecked();
  await expect(actions.first()).toBeVisible();
  expect(await actions.allTextContents()).not.toContainEqual(expect.stringMatching(reads));

  // Switched on: kept in the URL, and the reads (this page's own among them) show, named by tenant.
  await toggle.click();
  await expect(page).toHaveURL(/logReads=1/);
  await expect(toggle).toBeChecked();
  const views = table.locator('tbody tr').filter({ has: page.locator('td:nth-child(3)', { hasText: 'audit_log.view' }) });
  await expect(async () => {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(views.first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(views.first()).toContainText(tenant.name);
  await expect(views.first()).not.toContainText(/ten_[0-9A-Z]/);

  // Other filters keep the choice; a reload restores it.
  const box = page.getByLabel('Query filter');
  await box.fill("action like 'audit%'");
  await box.press('Enter');
  await expect(page).toHaveURL(/filter=.*logReads=1|logReads=1.*filter=/);
  await expect(views.first()).toBeVisible();
  await page.reload();
  await expect(toggle).toBeChecked();
  await expect(views.first()).toBeVisible();

  // Off again: gone from the URL and from the table.
  await toggle.click();
  await expect(page).not.toHaveURL(/logReads=/);
  await expect(toggle).not.toBeChecked();
  await expect(views).toHaveCount(0);
  await expect(page.getByText('Nothing matches this filter')).toBeVisible();
});

test('the dashboard hides log reads unless switched on', async ({ page }) => {
  await page.goto(`/t/${TENANT}`);
  const toggle = page.getByRole('switch', { name: 'Include log reads' });
  await expect(toggle).not.toBeChecked();
  const recent = page.getByRole('table', { name: 'Recent activity' });
  await expect(recent.getByTestId('recent-row').first()).toBeVisible();
  await expect(page.getByTestId('top-action').first()).toBeVisible();
  expect(await recent.getByTestId('recent-row').allTextContents()).not.toContainEqual(expect.stringMatching(reads));
  expect(await page.getByTestId('top-action').allTextContents()).not.toContainEqual(expect.stringMatching(reads));

  await toggle.click();
  await expect(page).toHaveURL(/logReads=1/);
  // The reads of this dashboard arrive in Recent activity live (written within about a second).
  await expect(recent.getByTestId('recent-row').filter({ hasText: 'audit_log.view' }).first()).toBeVisible({ timeout: 30_000 });
  // Links into the log keep the choice.
  await expect(page.getByRole('link', { name: 'Show more' })).toHaveAttribute('href', /logReads=1/);
  const top = page.getByTestId('top-action').first().getByRole('link');
  await expect(top).toHaveAttribute('href', /logReads=1/);
});
