import { expect, test } from '@playwright/test';
import { api, screenshot, tenantID, TENANT, unique } from './helpers';

// Every test starts signed in as the platform admin (global-setup.ts).

function lastMonthRange() {
  const now = new Date();
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString();
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
  return { from, to };
}

test("a process's logs stream to its detail page", async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  await page.goto(`/t/${TENANT}/activity/processes`);
  await expect(page.getByRole('heading', { name: 'Processes' })).toBeVisible();
  const d = await gql<{ createArchive: { id: string } }>(
    'mutation($t:ID!,$i:CreateArchiveInput!){ createArchive(tenantID:$t, input:$i){ id } }',
    { t: tid, i: { ...lastMonthRange(), format: 'JSONL_GZ', name: unique('e2e-process') } },
  );
  await page.goto(`/t/${TENANT}/activity/processes/${encodeURIComponent(d.createArchive.id)}`);
  const log = page.getByRole('log', { name: 'Process log' });
  await expect(log.getByTestId('log-line').first()).toBeVisible();
  await expect(page.getByTestId('process-status')).toHaveText('succeeded', { timeout: 30_000 });
  const lines = await log.getByTestId('log-line').count();
  expect(lines).toBeGreaterThan(1);
  await expect(page.getByRole('button', { name: 'Copy all' })).toBeVisible();
  await screenshot(page, 'process-detail');

  await page.goto(`/t/${TENANT}/activity/processes`);
  await expect(page.getByRole('table', { name: 'Processes' })).toContainText('archive');
  await screenshot(page, 'processes');
});

test('an archive is created, downloaded and deleted via the modal', async ({ page }) => {
  const name = unique('e2e-archive');
  await page.goto(`/t/${TENANT}/activity/archives`);
  await page.getByRole('button', { name: 'Create archive' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create archive' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create archive' }).click();
  await expect(dialog.getByText('Archive started')).toBeVisible();
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByRole('row', { name: new RegExp(name) });
  // The list shows the archive once its process has written it; reload until then.
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await screenshot(page, 'archives');

  const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: `Download ${name}` }).click()]);
  expect(download.url()).toMatch(/\/archives\/[^/]+\/download$/);
  const { statSync } = await import('node:fs');
  expect(statSync((await download.path())!).size).toBeGreaterThan(0);

  // The signed manifest beside it (docs/integrity.md), for `trailmark verify archive`.
  await row.getByRole('button', { name: `Options for ${name}` }).click();
  const [manifest] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Download signed manifest' }).click()]);
  expect(manifest.url()).toMatch(/\/archives\/[^/]+\/manifest$/);
  const { readFileSync } = await import('node:fs');
  expect(JSON.parse(readFileSync((await manifest.path())!, 'utf8'))).toHaveProperty('signature');

  await row.getByRole('button', { name: `Options for ${name}` }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete archive?' });
  await expect(confirm).toContainText(name);
  await screenshot(page, 'archive-delete-confirm');
  await confirm.getByRole('button', { name: 'Delete archive' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toHaveCount(0);
});
