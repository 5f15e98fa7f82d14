import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { api, screenshot, TENANT, tenantID } from './helpers';

// The platform log's VERIFY schedules in the admin area (/admin/schedules): the tenant
// schedules page's own view, with the platform log's one kind. Every test starts signed in
// as the platform admin (global-setup.ts).

interface ScheduleRow {
  id: string;
  cron: string;
  lastProcess: { id: string; status: string } | null;
}

async function platformSchedules(): Promise<ScheduleRow[]> {
  const gql = await api();
  const d = await gql<{ schedules: ScheduleRow[] }>('{ schedules(platform: true) { id cron lastProcess { id status } } }', {});
  return d.schedules;
}

/** Removes the platform schedules of these crons, so that none fires during other tests. */
async function deletePlatformSchedules(...crons: string[]) {
  const gql = await api();
  for (const s of await platformSchedules()) if (crons.includes(s.cron)) await gql('mutation($id:ID!){ deleteSchedule(id:$id) }', { id: s.id });
}

// Crons no other test uses: a nightly one (never fires during the run) and one that fires every minute.
const NIGHTLY = '41 3 * * *';
const EVERY_MINUTE = '* * * * *';

test.afterAll(async () => {
  await deletePlatformSchedules(NIGHTLY, EVERY_MINUTE);
});

async function seriousViolations(page: Page) {
  // Wait for dialogs' and overlays' transitions to settle: axe reads colours as painted.
  await page.waitForFunction(() =>
    document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
  );
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

const rowOf = (page: Page, cron: string) =>
  page.getByRole('table', { name: 'Platform schedules' }).getByTestId('schedule-row').filter({ has: page.getByRole('cell', { name: cron, exact: true }) });

test('a platform admin creates, pauses, resumes and deletes a VERIFY schedule of the platform log', async ({ page }) => {
  await page.goto('/admin/tenants');
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Platform schedules' }).click();
  await expect(page).toHaveURL(/\/admin\/schedules$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Platform schedules' })).toBeVisible();
  await expect(page).toHaveTitle(/^Platform schedules · Trailmark$/);

  await page.getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  // The platform log has one kind of schedule: the form offers VERIFY and nothing else.
  const kind = dialog.getByRole('combobox', { name: 'Kind' });
  await expect(kind).toHaveValue('Verify');
  await expect(kind).toBeDisabled();
  await expect(dialog.getByText('Each run re-hashes every stored entry of the log')).toBeVisible();
  for (const other of ['Period', 'Format', 'Filter', 'Name', 'Last days']) await expect(dialog.getByLabel(other, { exact: true })).toHaveCount(0);
  await expect(dialog.getByLabel('Cron')).toHaveValue('30 4 * * *');
  await expect(dialog.getByTestId('schedule-input-preview')).toHaveText('input: {}');
  expect(await seriousViolations(page)).toEqual([]);

  // A cron the server cannot parse is shown under the field, and nothing is created.
  await dialog.getByLabel('Cron').fill('61 4 * * *');
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog.getByLabel('Cron')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByText(/not a 5-field cron expression/)).toBeVisible();
  await expect(dialog).toBeVisible();
  expect((await platformSchedules()).some((s) => s.cron === '61 4 * * *')).toBe(false);

  await dialog.getByLabel('Cron').fill(NIGHTLY);
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();
  const row = rowOf(page, NIGHTLY);
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').first()).toHaveText('verify');
  await expect(row.getByTestId('schedule-input')).toContainText('verify every stored entry against the signed tree');
  await expect(row.getByTestId('schedule-next-run')).not.toHaveText(/Paused|—/);
  await expect(row.getByTestId('schedule-last-run')).toHaveText('—');
  const made = (await platformSchedules()).find((s) => s.cron === NIGHTLY);
  expect(made).toBeTruthy();

  // The schedule is the platform log's: a tenant's schedules page does not list it, and offers VERIFY among its kinds.
  await page.goto(`/t/${TENANT}/activity/schedules`);
  await expect(page.getByRole('heading', { level: 1, name: 'Schedules' })).toBeVisible();
  await expect(page.getByRole('cell', { name: NIGHTLY, exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'New schedule' }).click();
  const tenantDialog = page.getByRole('dialog', { name: 'New schedule' });
  await tenantDialog.getByRole('combobox', { name: 'Kind' }).click();
  await expect(page.getByRole('option')).toHaveText(['Archive', 'Export', 'Retention', 'Verify']);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await expect(tenantDialog).toBeHidden();

  // Pause from the row's menu, with the keyboard.
  await page.goto('/admin/schedules');
  await row.getByRole('button', { name: `Options for schedule ${NIGHTLY}` }).focus();
  await page.keyboard.press('Enter');
  const pause = page.getByRole('menuitem', { name: 'Pause' });
  await expect(pause).toBeVisible();
  await pause.focus();
  await page.keyboard.press('Enter');
  await expect(row.getByTestId('schedule-next-run')).toHaveText('Paused');
  await expect(row.getByRole('switch', { name: `Enable verify schedule ${NIGHTLY}` })).not.toBeChecked();
  await screenshot(page, 'platform-schedules');

  // Resume with the switch.
  await row.getByRole('switch', { name: `Enable verify schedule ${NIGHTLY}` }).click({ force: true });
  await expect(row.getByRole('switch', { name: `Enable verify schedule ${NIGHTLY}` })).toBeChecked();
  await expect(row.getByTestId('schedule-next-run')).not.toHaveText(/Paused|—/);
  expect(await seriousViolations(page)).toEqual([]);

  // Delete, confirmed.
  await row.getByRole('button', { name: `Options for schedule ${NIGHTLY}` }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete schedule?' });
  await expect(confirm).toContainText(NIGHTLY);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  await expect(rowOf(page, NIGHTLY)).toHaveCount(0);
  expect((await platformSchedules()).some((s) => s.cron === NIGHTLY)).toBe(false);
});

test('a platform schedule’s run opens its VERIFY process of the platform log', async ({ page }) => {
  test.setTimeout(180_000);
  const gql = await api();
  await gql('mutation($c:String!){ createSchedule(platform: true, input: {kind: VERIFY, cron: $c}){ id } }', { c: EVERY_MINUTE });
  await page.goto('/admin/schedules');
  const row = rowOf(page, EVERY_MINUTE);
  await expect(row).toHaveCount(1);
  // The page is not live (as a tenant's): read it again until the first run is listed.
  const lastRun = row.getByTestId('schedule-last-run').getByRole('link');
  await expect(async () => {
    await page.reload();
    await expect(lastRun).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 100_000, intervals: [3_000] });
  // One run is enough: pause it before it fires again.
  await row.getByRole('switch', { name: `Enable verify schedule ${EVERY_MINUTE}` }).click({ force: true });
  await expect(row.getByTestId('schedule-next-run')).toHaveText('Paused');

  await lastRun.click();
  await expect(page).toHaveURL(/\/admin\/processes\/[^/]+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'verify process' })).toBeVisible();
  await expect(page.getByText('A process of the platform log')).toBeVisible();
  await expect(page.getByText('Started by schedule')).toContainText(EVERY_MINUTE);
  // It finishes (read again while it runs) and its log streams in.
  await expect(page.getByTestId('process-status')).toHaveText(/succeeded|failed/, { timeout: 60_000 });
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await page.getByRole('link', { name: '← Platform schedules' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Platform schedules' })).toBeVisible();
});

test('a tenant’s process opened under /admin/processes goes to its tenant’s page', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  const { startVerification: p } = await gql<{ startVerification: { id: string } }>(
    'mutation($t:ID!){ startVerification(tenantID: $t){ id } }',
    { t: tid },
  );
  await page.goto(`/admin/processes/${p.id}`);
  // The tenant's page: its breadcrumb and live updates, not the platform log's.
  await expect(page).toHaveURL(new RegExp(`/t/${TENANT}/activity/processes/${p.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: 'verify process' })).toBeVisible();
  await expect(page.getByRole('link', { name: '← Processes' })).toBeVisible();
  await expect(page.getByText('A process of the platform log')).toHaveCount(0);
  await expect(page.getByTestId('process-status')).toHaveText(/succeeded|failed/, { timeout: 60_000 });
  // Back goes where the user came from, not to the redirecting address.
  await page.goBack();
  await expect(page).not.toHaveURL(/\/admin\/processes\//);
});

test('the platform schedules page works on a narrow screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 });
  const gql = await api();
  await gql('mutation($c:String!){ createSchedule(platform: true, input: {kind: VERIFY, cron: $c, enabled: false}){ id } }', { c: NIGHTLY });
  await page.goto('/admin/tenants');
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Platform schedules' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Platform schedules' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'New schedule' })).toBeInViewport();
  // The table scrolls sideways inside its container; the page itself does not.
  await expect(rowOf(page, NIGHTLY)).toHaveCount(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await screenshot(page, 'platform-schedules-narrow');
  await page.getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  await expect(dialog.getByRole('combobox', { name: 'Kind' })).toHaveValue('Verify');
  await dialog.getByRole('button', { name: 'Create schedule' }).scrollIntoViewIfNeeded();
  await expect(dialog.getByRole('button', { name: 'Create schedule' })).toBeInViewport();
});
