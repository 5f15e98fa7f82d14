import { expect, test, type Locator, type Page } from '@playwright/test';
import { api, screenshot, TENANT, unique } from './helpers';

// Every test starts signed in as the platform admin (global-setup.ts).

/** Picks an option of a Mantine Select by its label. */
async function pick(page: Page, scope: Locator, label: string, option: string) {
  await scope.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
  await expect(scope.getByRole('combobox', { name: label })).toHaveValue(option);
}

test('an EXPORT schedule is created and edited from the dialog', async ({ page }) => {
  const name = unique('e2e-export');
  await page.goto(`/t/${TENANT}/activity/schedules`);
  await page.getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New schedule' });
  await expect(dialog.getByText('Each run archives the entries that occurred')).toBeVisible();
  await pick(page, dialog, 'Kind', 'Export');
  await expect(dialog.getByText('Each run writes the entries Trailmark received since the previous export')).toBeVisible();
  await dialog.getByRole('button', { name: 'Hourly' }).click();
  await expect(dialog.getByLabel('Cron')).toHaveValue('0 * * * *');

  // A filter the server cannot parse is shown under the box, at its position.
  await dialog.getByLabel('Filter').fill("status = 'failure' and and action = 'x'");
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  const fe = dialog.getByTestId('filter-error');
  await expect(fe).toBeVisible();
  await expect(fe).toContainText('position 24');
  await expect(dialog.getByTestId('filter-error-mark')).toHaveText('a');
  await screenshot(page, 'schedule-export-filter-error');

  // Days out of range are refused before asking.
  await dialog.getByLabel('Last days').fill('0');
  await expect(dialog.getByText('A whole number of days from 1 to 3660, or empty')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Create schedule' })).toBeDisabled();

  await dialog.getByLabel('Filter').fill("status = 'failure' or action like 'member.%'");
  await expect(fe).toBeHidden();
  await dialog.getByLabel('Last days').fill('7');
  await pick(page, dialog, 'Format', 'CSV, gzip');
  await dialog.getByLabel('Name').fill(name);
  await expect(dialog.getByTestId('schedule-input-preview')).toContainText('"lastDays":7');
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Schedules' }).getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('export');
  await expect(row).toContainText('0 * * * *');
  await expect(row.getByTestId('schedule-input')).toContainText(`last 7 days · CSV · “${name}”`);
  await expect(row.getByTestId('schedule-input')).toContainText('"lastDays":7');
  await expect(row.getByTestId('schedule-input')).toContainText(`"filter":"status = 'failure' or action like 'member.%'"`);
  await screenshot(page, 'schedules');

  // Edit: back to "since the previous export", and disabled.
  await row.getByRole('button', { name: 'Options for schedule 0 * * * *' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit schedule' });
  await expect(edit.getByLabel('Last days')).toHaveValue('7');
  await expect(edit.getByLabel('Name')).toHaveValue(name);
  await expect(edit.getByRole('combobox', { name: 'Format' })).toHaveValue('CSV, gzip');
  await edit.getByLabel('Last days').fill('');
  await edit.getByRole('switch', { name: 'Enabled' }).click({ force: true });
  await edit.getByRole('button', { name: 'Save schedule' }).click();
  await expect(edit).toBeHidden();
  await expect(row.getByTestId('schedule-input')).toContainText(`since the previous export · CSV · “${name}”`);
  await expect(row.getByTestId('schedule-input')).not.toContainText('lastDays');
  await expect(row.getByRole('switch')).not.toBeChecked();

});

test('ARCHIVE and RETENTION schedules are still created from the dialog', async ({ page }) => {
  await page.goto(`/t/${TENANT}/activity/schedules`);
  const name = unique('e2e-archive-schedule');
  await page.getByRole('button', { name: 'New schedule' }).click();
  let dialog = page.getByRole('dialog', { name: 'New schedule' });
  await pick(page, dialog, 'Period', 'Previous month');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();
  const archiveRow = page.getByRole('table', { name: 'Schedules' }).getByRole('row', { name: new RegExp(name) });
  await expect(archiveRow).toContainText('archive');
  await expect(archiveRow.getByTestId('schedule-input')).toContainText('previous month · JSON Lines');
  await expect(archiveRow.getByTestId('schedule-input')).toContainText('"period":"month"');

  await page.getByRole('button', { name: 'New schedule' }).click();
  dialog = page.getByRole('dialog', { name: 'New schedule' });
  await pick(page, dialog, 'Kind', 'Retention');
  await expect(dialog.getByText("Each run deletes the entries older than the tenant's retention period")).toBeVisible();
  await expect(dialog.getByLabel('Filter')).toHaveCount(0);
  await dialog.getByLabel('Cron').fill('17 4 * * *');
  await dialog.getByRole('switch', { name: 'Archive the expired entries before deleting them' }).click({ force: true });
  await pick(page, dialog, 'Format', 'CSV, gzip');
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();
  const retentionRow = page.getByRole('table', { name: 'Schedules' }).getByRole('row', { name: /17 4 \* \* \*/ }).first();
  await expect(retentionRow.getByTestId('schedule-input')).toContainText('archive first (CSV), then delete');

});

interface ScheduleRow {
  id: string;
  kind: string;
  cron: string;
  input: Record<string, unknown> | null;
}

/** Removes schedules, so that the tests' never fire during other tests. */
async function deleteSchedulesWhere(match: (s: ScheduleRow) => boolean) {
  const gql = await api();
  const d = await gql<{ tenant: { schedules: ScheduleRow[] } }>('query($s:String!){ tenant(slug:$s){ schedules { id kind cron input } } }', { s: TENANT });
  for (const s of d.tenant.schedules.filter(match)) await gql('mutation($id:ID!){ deleteSchedule(id:$id) }', { id: s.id });
}

test.afterAll(async () => {
  await deleteSchedulesWhere(
    (s) => /^e2e-(export|archive-schedule)-/.test(String(s.input?.name ?? '')) || (s.kind === 'RETENTION' && s.cron === '17 4 * * *'),
  );
});
