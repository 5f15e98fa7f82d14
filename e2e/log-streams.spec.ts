import { expect, test, type Locator, type Page, type Request, type Route } from '@playwright/test';
import { api, record, screenshot, signIn, tenantID, TENANT, unique, type GQL } from './helpers';
import { entriesOf, signedWith, startReceiver, type Receiver } from './receiver';

// Settings → Log streams against the real server, delivering to a receiver this test
// runs on loopback (the server runs with TRAILMARK_STREAMS_ALLOW_PRIVATE=true, see
// playwright.config.ts). Every stream here only takes entries of its own test's
// actions (its filter), so other tests' entries never reach it.
// Every test starts signed in as the platform admin (global-setup.ts).

const LIST = `/t/${TENANT}/settings/log-streams`;
const CREATE = 'mutation($t:ID!,$i:LogStreamInput!){ createLogStream(tenantID:$t, input:$i){ secret logStream { id name } } }';

let rx: Receiver;
test.beforeAll(async () => {
  rx = await startReceiver();
});
test.afterAll(async () => {
  const gql = await api();
  const d = await gql<{ logStreams: { edges: { node: { id: string; name: string } }[] } }>(
    'query($t:ID!){ logStreams(tenantID:$t, first: 100){ edges { node { id name } } } }',
    { t: await tenantID(gql) },
  );
  for (const { node } of d.logStreams.edges) if (node.name.startsWith('e2e-stream-')) await gql('mutation($id:ID!){ deleteLogStream(id:$id) }', { id: node.id });
  await rx.close();
});

/** A webhook stream of this test's own entries (action like '<tag>.%'), made through the API. */
async function createStream(gql: GQL, tag: string, path: string): Promise<{ id: string; name: string; secret: string }> {
  const d = await gql<{ createLogStream: { secret: string; logStream: { id: string; name: string } } }>(CREATE, {
    t: await tenantID(gql),
    i: { name: unique('e2e-stream'), kind: 'WEBHOOK', endpoint: rx.url(path), filter: `action like '${tag}.%'`, maxDelaySeconds: 0 },
  });
  return { ...d.createLogStream.logStream, secret: d.createLogStream.secret };
}

/** Records one entry per action, each in its own call: their commit order is the order given. */
async function recordActions(gql: GQL, actions: string[]) {
  const tid = await tenantID(gql);
  for (const action of actions) await record(gql, tid, [{ action, resourceType: 'e2e' }]);
}

/** Opens the list with its live subscription connected, and marks the document so a reload would show. */
async function openList(page: Page) {
  await page.goto(LIST);
  await expect(page.getByRole('heading', { level: 1, name: 'Log streams' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

async function sameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);
}

const rowOf = (page: Page, name: string) => page.getByRole('table', { name: 'Log streams' }).getByRole('row', { name: new RegExp(name) });

/** Whether a request is the page's read `query <operation>`. */
function isRead(req: Request, operation: string): boolean {
  try {
    const q = (JSON.parse(req.postData() ?? '{}') as { query?: string }).query ?? '';
    return new RegExp(`^\\s*query ${operation}\\b`).test(q);
  } catch {
    return false;
  }
}

/**
 * Holds back the answers of the page's reads `query <operation>` sent from now on: the server
 * answers each at once, the page gets the answer on release(). So an answer reaches the page after
 * the event of a change the server made once it had answered, as a loaded machine makes happen
 * (the flake of "pause and resume": the stream stayed "pending" after its delivery).
 */
async function holdAnswers(page: Page, operation: string) {
  const held: { req: Request; fulfill(): Promise<void> }[] = [];
  let holding = true;
  const handler = async (route: Route) => {
    if (!holding || !isRead(route.request(), operation)) return route.fallback();
    const response = await route.fetch();
    held.push({ req: route.request(), fulfill: () => route.fulfill({ response }).catch(() => undefined) }); // the page may have dropped it
  };
  await page.route('**/graphql', handler);
  return {
    /** How many reads the server has answered meanwhile. */
    count: () => held.length,
    /** Hands the held answers to the page, oldest first (unrouting first would send the reads again). */
    async release() {
      holding = false;
      const finished = held.map((h) => page.waitForEvent('requestfinished', { predicate: (r) => r === h.req, timeout: 15_000 }).catch(() => undefined));
      for (const h of held) await h.fulfill();
      await Promise.all(finished);
      await page.unroute('**/graphql', handler);
    },
  };
}

/** Asserts that a locator keeps its text for ms (a stale answer taken late would change it). */
async function keepsText(page: Page, locator: Locator, text: string, ms = 2_000) {
  for (const until = Date.now() + ms; Date.now() < until; await page.waitForTimeout(100)) expect(await locator.textContent()).toBe(text);
}

test('a webhook stream is created from the form and delivers signed entries, in order, live on the list', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('create').replace(/-/g, '_')}`;
  const path = `/create/${tag}`;
  await openList(page);
  await page.getByRole('button', { name: 'New log stream' }).click();
  const dialog = page.getByRole('dialog', { name: 'New log stream' });
  await expect(dialog.getByText('signed per Standard Webhooks')).toBeVisible();

  // Inline errors: required fields once submitted, a malformed URL at once.
  await dialog.getByRole('button', { name: 'Create log stream' }).click();
  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('URL')).toHaveAttribute('aria-invalid', 'true');
  await dialog.getByLabel('URL').fill('siem.example.com');
  await expect(dialog.getByText('An address like https://host/path')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Create log stream' })).toBeDisabled();
  const name = unique('e2e-stream');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('URL').fill(rx.url(path));

  // A filter the server cannot parse is shown under the box, at its position.
  await dialog.getByLabel('Filter').fill(`action like '${tag}.%' and and`);
  await dialog.getByRole('button', { name: 'Create log stream' }).click();
  const fe = dialog.getByTestId('filter-error');
  await expect(fe).toBeVisible();
  await expect(fe).toContainText(`position ${`action like '${tag}.%' and `.length + 1}`);
  await screenshot(page, 'log-stream-filter-error');
  await dialog.getByLabel('Filter').fill(`action like '${tag}.%'`);
  await expect(fe).toBeHidden();
  await dialog.getByLabel('Max delay (s)').fill('0');
  await dialog.getByRole('button', { name: 'Create log stream' }).click();

  // The signing secret, once, with a copy button.
  const secretBox = dialog.getByTestId('stream-secret');
  await expect(secretBox).toHaveValue(/^whsec_[A-Za-z0-9+/=]+$/);
  const secret = await secretBox.inputValue();
  await expect(dialog.getByRole('button', { name: 'Copy secret' })).toBeVisible();
  await screenshot(page, 'log-stream-secret');
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText(secret)).toHaveCount(0);

  const row = rowOf(page, name);
  await expect(row.getByTestId('stream-health')).toHaveText(/pending|healthy/);
  await expect(row).toContainText('Webhook');

  // Entries recorded now reach the receiver, signed with that secret, in order, each with its id.
  await recordActions(gql, [`${tag}.one`, `${tag}.two`, `${tag}.three`]);
  await expect.poll(() => rx.received(path).flatMap(entriesOf).map((e) => e.action)).toEqual([`${tag}.one`, `${tag}.two`, `${tag}.three`]);
  for (const r of rx.received(path)) expect(signedWith(secret, r), JSON.stringify(r.headers)).toBe(true);
  expect(rx.received(path).flatMap(entriesOf).every((e) => typeof e.id === 'string' && e.id.length > 0)).toBe(true);

  // The list follows without a reload.
  await expect(row.getByTestId('stream-health')).toHaveText('healthy');
  await expect(row.getByTestId('stream-lag')).toHaveText('up to date');
  await expect(row.getByTestId('stream-last-delivery')).not.toHaveText('never');
  expect(await sameDocument(page)).toBe(true);
  await screenshot(page, 'log-streams');

  // Delete, after a confirmation.
  await row.getByRole('button', { name: `Options for log stream ${name}` }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete log stream?' });
  await expect(confirm).toContainText(name);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toHaveCount(0);
});

test('"Send test event" shows the destination’s answer, and the attempt is in the deliveries table', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('test').replace(/-/g, '_')}`;
  const path = `/test/${tag}`;
  const s = await createStream(gql, tag, path);
  rx.answer(path, 202, '{"accepted":"by the e2e receiver"}');
  await openList(page);
  await rowOf(page, s.name).getByRole('link', { name: s.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.name })).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(`^${s.name} · Log streams · `));

  await page.getByRole('button', { name: 'Send test event' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send test event' });
  await expect(dialog.getByTestId('test-http-status')).toHaveText('202');
  await expect(dialog.getByTestId('test-response')).toHaveText('{"accepted":"by the e2e receiver"}');
  await expect(dialog.getByText('accepted (202)')).toBeVisible();
  await screenshot(page, 'log-stream-test-event');

  // What the receiver got: one synthetic entry, clearly marked, signed like the rest.
  const got = rx.received(path);
  expect(got).toHaveLength(1);
  expect(signedWith(s.secret, got[0])).toBe(true);
  const [event] = entriesOf(got[0]);
  expect(event.action).toBe('trailmark.log_stream.test');
  expect(event.metadata?.test).toBe(true);

  // A refusal is shown as such.
  rx.answer(path, 500, 'receiver down');
  await dialog.getByRole('button', { name: 'Send again' }).click();
  await expect(dialog.getByTestId('test-http-status')).toHaveText('500');
  await expect(dialog.getByText('refused (500)')).toBeVisible();
  await expect(dialog.getByTestId('test-response')).toHaveText('receiver down');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  const deliveries = page.getByRole('table', { name: 'Deliveries' });
  await expect(deliveries.getByTestId('delivery-row')).toHaveCount(2);
  await expect(deliveries.getByTestId('delivery-row').first()).toContainText('refused (500)');
  await expect(deliveries.getByTestId('delivery-row').nth(1)).toContainText('accepted (202)');
  await expect(deliveries.getByTestId('delivery-row').first()).toContainText('test event');

  // Rotate the secret: the new one is shown once; during the overlap requests carry both signatures.
  rx.answer(path, 200);
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate signing secret' });
  await expect(rotate.getByRole('combobox', { name: 'Overlap' })).toHaveValue('24 hours');
  await rotate.getByRole('button', { name: 'Rotate secret' }).click();
  const fresh = await rotate.getByTestId('stream-secret').inputValue();
  expect(fresh).toMatch(/^whsec_/);
  expect(fresh).not.toBe(s.secret);
  await rotate.getByRole('button', { name: 'I have copied it' }).click();
  await expect(rotate).toBeHidden();
  await expect(page.getByText('the previous one signs too until')).toBeVisible();
  await page.getByRole('button', { name: 'Send test event' }).click();
  await expect(page.getByRole('dialog', { name: 'Send test event' }).getByTestId('test-http-status')).toHaveText('200');
  const last = rx.received(path).at(-1)!;
  expect(rx.received(path)).toHaveLength(3);
  expect(signedWith(fresh, last)).toBe(true);
  expect(signedWith(s.secret, last)).toBe(true);
  await page.getByRole('dialog', { name: 'Send test event' }).getByRole('button', { name: 'Close', exact: true }).click();

  // Edit: a new name and filter; the filter the server refuses is marked, as when creating.
  await page.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit log stream' });
  await expect(edit.getByLabel('Name')).toHaveValue(s.name);
  await expect(edit.getByRole('combobox', { name: 'Destination' })).toBeDisabled();
  await edit.getByLabel('Filter').fill(`action like '${tag}.%' or`);
  await edit.getByRole('button', { name: 'Save log stream' }).click();
  await expect(edit.getByTestId('filter-error')).toBeVisible();
  const renamed = `${s.name}-renamed`;
  await edit.getByLabel('Name').fill(renamed);
  await edit.getByLabel('Filter').fill(`action like '${tag}.%' or action = 'never'`);
  await edit.getByRole('button', { name: 'Save log stream' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: renamed })).toBeVisible();
  await expect(page.getByText(`action like '${tag}.%' or action = 'never'`)).toBeVisible();
});

test('a stream whose destination keeps refusing turns failing on the open list, with the error', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('fail').replace(/-/g, '_')}`;
  const path = `/fail/${tag}`;
  rx.answer(path, 500, 'no thanks');
  const s = await createStream(gql, tag, path);
  await openList(page);
  const row = rowOf(page, s.name);
  await expect(row.getByTestId('stream-health')).toHaveText('pending');
  await recordActions(gql, [`${tag}.refused`]);
  await expect.poll(() => rx.received(path).length).toBeGreaterThan(0);
  await expect(row.getByTestId('stream-health')).toHaveText('failing', { timeout: 60_000 });
  await expect(row.getByTestId('stream-last-delivery')).toContainText('500');
  await expect(row.getByTestId('stream-lag')).toContainText('1 entry');
  expect(await sameDocument(page)).toBe(true);
  await screenshot(page, 'log-stream-failing');

  // Its page says so too, with the attempts.
  await row.getByRole('link', { name: s.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.name })).toBeVisible();
  await expect(page.getByTestId('stream-health')).toHaveText('failing');
  await expect(page.getByRole('status').filter({ hasText: 'Last error' })).toContainText('500');
  await expect(page.getByRole('table', { name: 'Deliveries' }).getByTestId('delivery-row').first()).toContainText('refused (500)');
});

test('pause and resume ask first; what was recorded while paused is delivered on resume, in order', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('pause').replace(/-/g, '_')}`;
  const path = `/pause/${tag}`;
  const s = await createStream(gql, tag, path);
  await openList(page);
  const row = rowOf(page, s.name);
  await recordActions(gql, [`${tag}.before`]);
  await expect.poll(() => rx.received(path).flatMap(entriesOf).map((e) => e.action)).toEqual([`${tag}.before`]);
  await expect(row.getByTestId('stream-health')).toHaveText('healthy');

  await row.getByRole('button', { name: `Options for log stream ${s.name}` }).click();
  await page.getByRole('menuitem', { name: 'Pause' }).click();
  const pause = page.getByRole('dialog', { name: 'Pause log stream?' });
  await expect(pause).toContainText('Entries recorded meanwhile are kept and sent then');
  await pause.getByRole('button', { name: 'Pause' }).click();
  await expect(pause).toBeHidden();
  await expect(row.getByTestId('stream-health')).toHaveText('paused');

  await recordActions(gql, [`${tag}.while-paused-1`, `${tag}.while-paused-2`]);
  // The stream's page shows it paused, with the entries waiting.
  await row.getByRole('link', { name: s.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: s.name })).toBeVisible();
  await expect(page.getByTestId('stream-health')).toHaveText('paused');
  await expect(page.getByTestId('stream-lag')).toContainText('2 entries');
  expect(rx.received(path).flatMap(entriesOf).map((e) => e.action)).toEqual([`${tag}.before`]);
  await screenshot(page, 'log-stream-paused');

  await page.getByRole('button', { name: 'Resume' }).click();
  const resume = page.getByRole('dialog', { name: 'Resume log stream?' });
  await resume.getByRole('button', { name: 'Resume' }).click();
  await expect(resume).toBeHidden();
  await expect
    .poll(() => rx.received(path).flatMap(entriesOf).map((e) => e.action))
    .toEqual([`${tag}.before`, `${tag}.while-paused-1`, `${tag}.while-paused-2`]);
  await expect(page.getByTestId('stream-health')).toHaveText('healthy');
  await expect(page.getByTestId('stream-lag')).toHaveText('up to date');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
});

test('an answer read before a change does not undo the change once its event arrived, on the stream’s page and on the list', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('stale').replace(/-/g, '_')}`;
  const path = `/stale/${tag}`;
  const s = await createStream(gql, tag, path);
  // Closing the rotate dialog reads the page's data again, and changes nothing.
  const readAgain = async () => {
    const rotate = page.getByRole('dialog', { name: 'Rotate signing secret' });
    await rotate.getByRole('button', { name: 'Cancel' }).click();
    await expect(rotate).toBeHidden();
  };

  // The stream's page: a read answered while the stream is pending reaches the page after its delivery.
  await page.goto(`${LIST}/${s.id}`);
  await expect(page.getByRole('heading', { level: 1, name: s.name })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  await expect(page.getByTestId('stream-health')).toHaveText('pending');
  let held = await holdAnswers(page, 'LogStream');
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await readAgain();
  await expect.poll(held.count).toBeGreaterThan(0);
  await recordActions(gql, [`${tag}.one`]);
  await expect.poll(() => rx.received(path).flatMap(entriesOf).map((e) => e.action)).toEqual([`${tag}.one`]);
  await expect(page.getByTestId('stream-health')).toHaveText('healthy'); // the delivery's event
  await expect(page.getByTestId('stream-lag')).toHaveText('up to date');
  await held.release();
  await keepsText(page, page.getByTestId('stream-health'), 'healthy');
  await expect(page.getByTestId('stream-lag')).toHaveText('up to date');

  // The list: a read answered while the stream is healthy reaches the page after it was paused.
  await openList(page);
  const row = rowOf(page, s.name);
  await expect(row.getByTestId('stream-health')).toHaveText('healthy');
  held = await holdAnswers(page, 'LogStreams');
  await row.getByRole('button', { name: `Options for log stream ${s.name}` }).click();
  await page.getByRole('menuitem', { name: 'Rotate signing secret' }).click();
  await readAgain();
  await expect.poll(held.count).toBeGreaterThan(0);
  await gql('mutation($id:ID!){ pauseLogStream(id:$id){ id } }', { id: s.id });
  await expect(row.getByTestId('stream-health')).toHaveText('paused'); // the pause's event
  await held.release();
  await keepsText(page, row.getByTestId('stream-health'), 'paused');
  expect(await sameDocument(page)).toBe(true);
});

test('a platform admin streams the platform log from its own page, apart from the tenants’ streams', async ({ page }) => {
  const path = `/platform/${unique('p')}`;
  rx.answer(path, 204, '');
  await page.goto('/admin/log-streams');
  await expect(page.getByRole('heading', { level: 1, name: 'Platform log streams' })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  await page.getByRole('button', { name: 'New log stream' }).click();
  const dialog = page.getByRole('dialog', { name: 'New log stream' });
  const name = unique('e2e-stream-platform');
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByLabel('URL').fill(rx.url(path));
  await dialog.getByLabel('Filter').fill("action = 'user.login'");
  await dialog.getByRole('button', { name: 'Create log stream' }).click();
  const secret = await dialog.getByTestId('stream-secret').inputValue();
  await dialog.getByRole('button', { name: 'I have copied it' }).click();
  const row = rowOf(page, name);
  await row.getByRole('button', { name: `Options for log stream ${name}` }).click();
  await page.getByRole('menuitem', { name: 'Send test event' }).click();
  await expect(page.getByRole('dialog', { name: 'Send test event' }).getByText('accepted (204)')).toBeVisible();
  expect(rx.received(path)).toHaveLength(1);
  expect(signedWith(secret, rx.received(path)[0])).toBe(true);
  await page.getByRole('dialog', { name: 'Send test event' }).getByRole('button', { name: 'Close', exact: true }).click();

  // Not a tenant's stream: acme's list does not show it, nor does its address under acme open it.
  const id = (await row.getByRole('link', { name }).getAttribute('href'))!.split('/').pop()!;
  await page.goto(LIST);
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  await expect(rowOf(page, name)).toHaveCount(0);
  await page.goto(`${LIST}/${id}`);
  await expect(page.getByText('Log stream not found')).toBeVisible();
  await page.goto(`/admin/log-streams/${id}`);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete log stream?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/admin\/log-streams$/);
  await expect(rowOf(page, name)).toHaveCount(0);
});

test('only tenant-wide owners and admins are offered log streams', async ({ browser }) => {
  const admin = await api();
  const tid = await tenantID(admin);
  const tag = `e2e.${unique('roles').replace(/-/g, '_')}`;
  const stream = await createStream(admin, tag, `/roles/${tag}`);
  const email = `${unique('auditor')}@example.com`;
  const inv = await admin<{ inviteMember: { token: string } }>('mutation($t:ID!,$e:String!){ inviteMember(tenantID:$t, email:$e, role: AUDITOR){ token } }', { t: tid, e: email });
  await (await api(null))('mutation($t:String!){ acceptInvitation(token:$t, name:"Avery Auditor", password:"auditor-password-1"){ id } }', { t: inv.inviteMember.token });

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await signIn(page, email, 'auditor-password-1');
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page.getByRole('link', { name: 'Processes' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Log streams' })).toHaveCount(0);
  await page.goto(LIST);
  await expect(page.getByText('Set up by tenant-wide admins')).toBeVisible();
  await expect(page.getByText('Log streams send the whole tenant’s log out of Trailmark')).toBeVisible();
  await expect(page.getByRole('button', { name: 'New log stream' })).toHaveCount(0);
  // Nor does the API show an auditor the tenant's streams (with the auditor's session cookie).
  const ask = async (query: string, variables: Record<string, unknown>) =>
    (await (await page.request.post('/graphql', { data: { query, variables } })).json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  const list = await ask('query($t:ID!){ logStreams(tenantID:$t){ totalCount edges { node { id } } } }', { t: tid });
  // FORBIDDEN, as Tenant.logStreams and the stream subscriptions answer an auditor (docs/streams.md).
  expect(list.errors?.[0]?.extensions?.code, JSON.stringify(list)).toBe('FORBIDDEN');
  const one = await ask('query($id:ID!){ node(id:$id){ id } }', { id: stream.id });
  expect(one.data?.node ?? null).toBeNull();
  const test = await ask('mutation($id:ID!){ testLogStream(id:$id){ ok } }', { id: stream.id });
  expect(['FORBIDDEN', 'NOT_FOUND']).toContain(test.errors?.[0]?.extensions?.code);
  expect(rx.received(`/roles/${tag}`)).toEqual([]);
  await ctx.close();
});

test('a stream deleted elsewhere leaves the open list at once and does not come back with an older read; its open page says it is gone', async ({ page }) => {
  const gql = await api();
  const tag = `e2e.${unique('deleted').replace(/-/g, '_')}`;
  const gone = await createStream(gql, tag, `/deleted/${tag}/gone`);
  const kept = await createStream(gql, tag, `/deleted/${tag}/kept`);

  // The list: a read answered before the deletion reaches the page after the deletion's event.
  await openList(page);
  await expect(rowOf(page, gone.name)).toBeVisible();
  const held = await holdAnswers(page, 'LogStreams');
  await rowOf(page, kept.name).getByRole('button', { name: `Options for log stream ${kept.name}` }).click();
  await page.getByRole('menuitem', { name: 'Rotate signing secret' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate signing secret' });
  await rotate.getByRole('button', { name: 'Cancel' }).click(); // reads the list again, and changes nothing
  await expect(rotate).toBeHidden();
  await expect.poll(held.count).toBeGreaterThan(0);
  await gql('mutation($id:ID!){ deleteLogStream(id:$id) }', { id: gone.id }); // as another admin would
  await expect(rowOf(page, gone.name)).toHaveCount(0); // the deletion's event
  await held.release();
  for (const until = Date.now() + 2_000; Date.now() < until; await page.waitForTimeout(100)) await expect(rowOf(page, gone.name)).toHaveCount(0);
  await expect(rowOf(page, kept.name)).toBeVisible();
  expect(await sameDocument(page)).toBe(true);

  // The stream's page, open when its stream is deleted elsewhere.
  await page.goto(`${LIST}/${kept.id}`);
  await expect(page.getByRole('heading', { level: 1, name: kept.name })).toBeVisible();
  await expect(page.getByTestId('live-status')).toHaveAttribute('data-connected', 'true');
  await gql('mutation($id:ID!){ deleteLogStream(id:$id) }', { id: kept.id });
  await expect(page.getByText('Log stream not found')).toBeVisible();
  await expect(page.getByText(/or it was deleted/)).toBeVisible();
});
