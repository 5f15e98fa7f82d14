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
  await expect(p.getByLabel('Email')).toHaveValue(email);
  await p.getByLabel('Your name').fill('Mia Member');
  await p.locator('input[type=password]').fill('member-password-1');
  await screenshot(p, 'accept-invitation');
  await p.getByRole('button', { name: 'Create account and accept' }).click();
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

test('an existing account signs in to accept an invitation; the token alone is not enough', async ({ browser, page }) => {
  const admin = await api();
  const slug = unique('invited');
  const created = await admin<{ createTenant: { id: string; name: string } }>(
    'mutation($s:String!){ createTenant(input:{ slug:$s, name:$s }){ id name } }',
    { s: slug },
  );
  // An account that exists already (it belongs to the demo tenant).
  const email = `${unique('existing')}@example.com`;
  const first = await admin<{ inviteMember: { token: string } }>(
    'mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: MEMBER){ token } }',
    { t: await tenantID(admin), e: email },
  );
  const anon = await api(null);
  await anon('mutation($t:String!){ acceptInvitation(token:$t, name:"Ella Existing", password:"existing-password-1"){ id } }', {
    t: first.inviteMember.token,
  });
  const inv = await admin<{ inviteMember: { token: string; acceptURL: string } }>(
    'mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: AUDITOR){ token acceptURL } }',
    { t: created.createTenant.id, e: email },
  );

  // The token alone (what the inviter holds too) does not join the account.
  const r = await anon.raw('mutation($t:String!){ acceptInvitation(token:$t){ id } }', { t: inv.inviteMember.token });
  expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

  // Signed in as someone else (the platform admin), the page says to sign out.
  await page.goto(inv.inviteMember.acceptURL);
  await expect(page.getByRole('alert')).toContainText(`Sign out, then sign in as ${email}`);
  await expect(page.getByRole('button', { name: /accept/i })).toHaveCount(0);
  await screenshot(page, 'accept-invitation-other-account');

  // Signed out, the page asks for the account's password, then accepts.
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const p = await ctx.newPage();
  await p.goto(inv.inviteMember.acceptURL);
  await expect(p.getByText('This email already has a Trailmark account')).toBeVisible();
  await expect(p.getByLabel('Email')).toHaveValue(email);
  await expect(p.getByLabel('Your name')).toHaveCount(0);
  await screenshot(p, 'accept-invitation-existing-account');
  await p.locator('input[type=password]').fill('wrong password 123');
  await p.getByRole('button', { name: 'Sign in and accept' }).click();
  await expect(p.getByRole('alert')).toContainText('Wrong email or password');
  await p.locator('input[type=password]').fill('existing-password-1');
  await p.getByRole('button', { name: 'Sign in and accept' }).click();
  await expect(p).toHaveURL(new RegExp(`/t/${slug}`));
  await ctx.close();

  const roles = await admin<{ tenant: { members: { edges: { node: { role: string; user: { email: string } } }[] } } }>(
    'query($s:String!){ tenant(slug:$s){ members(first: 10){ edges { node { role user { email } } } } } }',
    { s: slug },
  );
  expect(roles.tenant.members.edges.map((e) => [e.node.user.email, e.node.role])).toContainEqual([email, 'AUDITOR']);
});
