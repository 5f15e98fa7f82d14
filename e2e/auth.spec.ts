import { expect, test } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, screenshot, signIn, TENANT, watchCSP } from './helpers';

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('signs in, switches theme and signs out', async ({ page }) => {
  const violations = await watchCSP(page);
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page).toHaveURL(/\/sign-in\?next=/);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.locator('input[type=password]').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Wrong email or password');
  await screenshot(page, 'sign-in-error');

  // The form is still on the page with ?next=: signing in returns there.
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD, false);
  await expect(page).toHaveURL(new RegExp(`/t/${TENANT}/activity/audit-log`));
  await expect(page.getByRole('table', { name: 'Audit log entries' })).toBeVisible();

  await page.goto(`/t/${TENANT}`);
  await expect(page.getByRole('heading', { name: 'Recent activity' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Recent activity' }).getByRole('row')).toHaveCount(7);
  await expect(page.getByRole('img', { name: /Entries per day/ })).toBeVisible();
  await screenshot(page, 'dashboard');

  const html = page.locator('html');
  const before = await html.getAttribute('data-mantine-color-scheme');
  await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
  await expect(html).not.toHaveAttribute('data-mantine-color-scheme', before ?? '');
  await screenshot(page, 'dashboard-other-theme');

  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(`/t/${TENANT}`);
  await expect(page).toHaveURL(/\/sign-in/);
  // The dashboard runs under the server's Content-Security-Policy.
  expect(await violations()).toEqual([]);
  });
});

test('works at phone width', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  // At phone width the audit log is a list of cards (audit-table.spec.ts tests them).
  await expect(page.getByRole('list', { name: 'Audit log entries' })).toBeVisible();
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
  await expect(page.getByRole('link', { name: 'Archives' })).toBeVisible();
  await screenshot(page, 'phone-navigation');
});
