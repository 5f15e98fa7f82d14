import { expect, test } from '@playwright/test';
import { api, screenshot, showing, signIn, tenantID, TENANT, unique } from './helpers';

test('an API key is created and its secret shown once', async ({ page }) => {
  const name = unique('e2e-key');
  await page.goto(`/t/${TENANT}/settings/api-keys`);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create API key' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('Read').check();
  await dialog.getByRole('button', { name: 'Create key' }).click();
  const secret = dialog.getByTestId('api-key-secret');
  await expect(secret).toHaveValue(/^tmk_/);
  const value = await secret.inputValue();
  await screenshot(page, 'api-key-secret');
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('active');
  await expect(page.getByText(value)).toHaveCount(0);

  // The key works, then stops working once deactivated.
  const key = await api(value);
  const tid = await tenantID(key);
  expect(tid).toBeTruthy();
  await row.getByRole('button', { name: 'Deactivate' }).click();
  await page.getByRole('dialog', { name: 'Deactivate API key?' }).getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('deactivated');
  const r = await key.raw('query($s:String!){ tenant(slug:$s){ id } }', { s: TENANT });
  expect(r.errors?.[0]?.extensions?.code ?? (r.data?.tenant == null ? 'NULL' : '')).toBeTruthy();
});

test('a MEMBER sees only their own entries', async ({ browser }) => {
  const admin = await api();
  const tid = await tenantID(admin);
  const email = `${unique('member')}@example.com`;
  const inv = await admin<{ inviteMember: { token: string; acceptURL: string } }>(
    'mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: MEMBER){ token acceptURL } }',
    { t: tid, e: email },
  );
  expect(inv.inviteMember.acceptURL).toContain('/accept-invitation?token=');

  // Accept through the UI as a new user.
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const p = await ctx.newPage();
  await p.goto(inv.inviteMember.acceptURL);
  await p.getByLabel('Your name').fill('Mia Member');
  await p.getByLabel('Email (the invited address)').fill(email);
  await p.locator('input[type=password]').fill('member-password-1');
  await screenshot(p, 'accept-invitation');
  await p.getByRole('button', { name: 'Accept invitation' }).click();
  await expect(p).toHaveURL(new RegExp(`/t/${TENANT}`));
  await ctx.close();

  const memberCtx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await memberCtx.newPage();
  await signIn(page, email, 'member-password-1');
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page.getByText('Your own activity in this tenant.')).toBeVisible();
  const table = page.getByRole('table', { name: 'Audit log entries' });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const users = await table.locator('tbody tr td:nth-child(4)').allTextContents();
  expect(new Set(users)).toEqual(new Set(['Mia Member']));
  expect((await showing(page)).total).toBeLessThan(50);
  // Settings are not offered to a MEMBER.
  await expect(page.getByRole('link', { name: 'API keys' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Archives' })).toHaveCount(0);
  await screenshot(page, 'member-audit-log');
});
