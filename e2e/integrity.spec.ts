import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, test, type Page, type Route } from '@playwright/test';
import { entryContentHash, parseJSONVerbatim } from '../frontend/src/features/integrity/contentHash';
import { api, record, screenshot, signIn, TENANT, tenantID, unique } from './helpers';

// Issue 11 item 8: the browser verifies entries against the signed log, and the Integrity page
// checks that the log extends the checkpoint this browser saw before.

async function recordOne(values: Record<string, unknown> = {}): Promise<string> {
  const gql = await api();
  const tid = await tenantID(gql);
  const name = unique('integrity');
  const r = await record(gql, tid, [
    {
      action: 'invoice.update',
      resourceType: 'invoice',
      resourceID: 'inv_42',
      resourceName: `${name} <ünïcødé> & 😀`,
      oldValue: { amount: 1.5, lines: [{ sku: 'A', qty: 2 }] },
      newValue: { amount: 12.75, note: 'tab\there', big: 12345678901234567 },
      metadata: { ticket: 'T-9', flags: [true, null] },
      request: { method: 'PATCH', path: '/api/invoices/inv_42?x=<1>', sourceIP: '203.0.113.9', userAgent: 'e2e', httpStatus: 200, payload: { amount: 12.75 } },
      ...values,
    },
  ]);
  return r.recordAuditEntries.entries[0].id as string;
}

/** Rewrites the JSON answer of one GraphQL operation on its way to the page. */
async function tamper(page: Page, operationName: string, edit: (body: any) => void) {
  await page.route('**/graphql', async (route: Route) => {
    const req = route.request();
    if (req.method() !== 'POST' || (req.postDataJSON() as { operationName?: string } | null)?.operationName !== operationName) return route.fallback();
    const res = await route.fetch();
    const body = await res.json();
    edit(body);
    await route.fulfill({ response: res, json: body });
  });
}

const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

function entryPanel(page: Page) {
  return page.getByRole('dialog').getByTestId('entry-integrity');
}

test('the entry drawer verifies the entry in the browser against the signed checkpoint', async ({ page }) => {
  const id = await recordOne();
  await page.goto(`/t/${TENANT}/activity/audit-log?entry=${encodeURIComponent(id)}`);
  const panel = entryPanel(page);
  // A fresh entry may first say it is not in a checkpoint yet; within seconds it is.
  await expect(panel).toHaveAttribute('data-state', 'verified', { timeout: 30_000 });
  await expect(panel).toContainText(/Included in checkpoint of size \d+/);
  await expect(panel).toContainText('recomputed from the fields shown here');
  await expect(panel).toContainText(/checkpoint signed for \S+\/ten_/);
  await screenshot(page, 'audit-entry-integrity');
});

test('a fresh entry says it is not yet in a checkpoint, then verifies', async ({ page }) => {
  // Hold the entry's seq back for its first reads, as if the sequencer had not reached it yet.
  let held = 2;
  await tamper(page, 'EntryContent', (body) => {
    if (held-- > 0) body.data.node.seq = null;
  });
  const id = await recordOne();
  await page.goto(`/t/${TENANT}/activity/audit-log?entry=${encodeURIComponent(id)}`);
  await expect(entryPanel(page)).toHaveAttribute('data-state', 'waiting');
  await expect(entryPanel(page)).toContainText('Not yet in a checkpoint');
  await expect(entryPanel(page)).toHaveAttribute('data-state', 'verified', { timeout: 30_000 });
});

test('a tampered proof, entry or checkpoint is refused in the browser', async ({ page }) => {
  const id = await recordOne();
  // Let the entry reach a checkpoint before tampering with what the page reads.
  const gql = await api();
  await expect
    .poll(async () => (await gql(`query($id:ID!){ node(id:$id){ ... on AuditEntry { inclusionProof { treeSize } } } }`, { id })).node.inclusionProof, {
      timeout: 30_000,
    })
    .not.toBeNull();
  const url = `/t/${TENANT}/activity/audit-log?entry=${encodeURIComponent(id)}`;
  const cases: [string, string, (b: any) => void, RegExp][] = [
    ['one proof hash', 'EntryInclusion', (b) => (b.data.node.inclusionProof.hashes[0] = flip(b.data.node.inclusionProof.hashes[0])), /audit path/],
    ['the entry’s hash', 'EntryContent', (b) => (b.data.node.hash = flip(b.data.node.hash)), /fields do not hash/],
    ['one field of the entry', 'EntryContent', (b) => (b.data.node.action = 'invoice.delete'), /fields do not hash/],
    ['the proof’s leaf index', 'EntryInclusion', (b) => (b.data.node.inclusionProof.leafIndex += 1), /proof is for leaf/],
    [
      'the signed note',
      'LogHead',
      (b) => (b.data.checkpoint.note = b.data.checkpoint.note.replace(/\n(\d+)\n/, (_: string, n: string) => `\n${Number(n) + 1}\n`)),
      /signature does not verify/,
    ],
    ['the key', 'LogHead', (b) => (b.data.logKey = b.data.logKey.replace(/^([^+]+)\+/, 'other+')), /verifier key hash does not match|not signed by the key/],
  ];
  for (const [what, op, edit, reason] of cases) {
    await page.unrouteAll({ behavior: 'wait' });
    await tamper(page, op, edit);
    await page.goto(url);
    const panel = entryPanel(page);
    await expect(panel, what).toHaveAttribute('data-state', 'failed');
    await expect(panel, what).toContainText('This entry does not match the signed log');
    await expect(panel, what).toContainText(reason);
    if (what === 'one proof hash') await screenshot(page, 'audit-entry-integrity-failed');
  }
});

test('the platform log’s entries verify against the platform checkpoint', async ({ page }) => {
  await page.goto('/admin/platform-log');
  await page.locator('tbody tr').first().click();
  await expect(entryPanel(page)).toHaveAttribute('data-state', 'verified', { timeout: 30_000 });
  await expect(entryPanel(page)).toContainText(/checkpoint signed for \S+\/platform/);
});

async function checkpointSize(page: Page): Promise<number> {
  const text = (await page.getByTestId('checkpoint-size').textContent()) ?? '';
  return Number(text.replace(/\D/g, ''));
}

test('the Integrity page remembers the checkpoint it saw and checks the next one extends it', async ({ page }) => {
  const gql = await api();
  const tid = await tenantID(gql);
  await page.goto(`/t/${TENANT}/integrity`);
  await expect(page.getByRole('heading', { level: 1, name: 'Integrity' })).toBeVisible();
  await expect(page).toHaveTitle(/^Integrity · /);
  const consistency = page.getByTestId('consistency');
  await expect(consistency).toHaveAttribute('data-state', 'first');
  const first = await checkpointSize(page);
  expect(first).toBeGreaterThan(0);
  await expect(page.getByTestId('checkpoint-note')).toContainText(`/${tid}\n${first}\n`);
  await expect(page.getByTestId('key-fingerprint')).toHaveText(/^([0-9a-f]{4} ){15}[0-9a-f]{4}$/);
  await expect(page.getByText(`--tenant ${TENANT}`)).toBeVisible();
  await expect(page.getByText(`--tenant ${TENANT}`)).toContainText('--key trailmark+');

  // The log grows; the next visit proves the new checkpoint extends the one seen.
  await record(gql, tid, [{ action: 'integrity.e2e', resourceType: 'test', resourceName: unique('grow') }]);
  await expect
    .poll(async () => (await gql(`query($t:ID!){ checkpoint(tenantID:$t){ treeSize } }`, { t: tid })).checkpoint.treeSize, { timeout: 30_000 })
    .toBeGreaterThan(first);
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', 'consistent');
  await expect(consistency).toContainText(`Consistent with the checkpoint of size ${first} you saw on`);
  const second = await checkpointSize(page);
  expect(second).toBeGreaterThan(first);
  await screenshot(page, 'integrity');

  // Same checkpoint again: nothing new, same root.
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', /same|consistent/);

  // A history that does not extend what this browser saw (here: the remembered root differs) fails loudly,
  // and the memory is kept so that the warning stays.
  await page.evaluate((key) => {
    const seen = JSON.parse(localStorage.getItem(key)!);
    seen.rootHash = (seen.rootHash[0] === '0' ? '1' : '0') + seen.rootHash.slice(1);
    localStorage.setItem(key, JSON.stringify(seen));
  }, `trailmark.integrity.seen.${tid}`);
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', 'failed');
  await expect(consistency).toContainText('The log does not match what you saw');
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', 'failed');

  // A server that answers with a forged consistency proof is caught the same way.
  await page.evaluate((key) => localStorage.removeItem(key), `trailmark.integrity.seen.${tid}`);
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', 'first');
  const before = await checkpointSize(page);
  await record(gql, tid, [{ action: 'integrity.e2e', resourceType: 'test', resourceName: unique('grow') }]);
  await expect
    .poll(async () => (await gql(`query($t:ID!){ checkpoint(tenantID:$t){ treeSize } }`, { t: tid })).checkpoint.treeSize, { timeout: 30_000 })
    .toBeGreaterThan(before);
  await tamper(page, 'Consistency', (b) => (b.data.consistencyProof.hashes[0] = flip(b.data.consistencyProof.hashes[0])));
  await page.reload();
  await expect(consistency).toHaveAttribute('data-state', 'failed');
  await expect(consistency).toContainText(`does not extend the one of ${before}`);
});

test('Verify now starts a VERIFY process, and the page links its last run', async ({ page }) => {
  await page.goto(`/t/${TENANT}/integrity`);
  await page.getByRole('button', { name: 'Verify now' }).click();
  await expect(page).toHaveURL(/\/activity\/processes\/[^/]+$/);
  await expect(page.getByText('SUCCEEDED').first()).toBeVisible({ timeout: 60_000 });
  const processURL = new URL(page.url()).pathname;
  await page.goto(`/t/${TENANT}/integrity`);
  const last = page.getByTestId('last-verification');
  await expect(last).toContainText(/succeeded/i);
  await expect(last.getByRole('link', { name: /Last run/ })).toHaveAttribute('href', processURL);
});

test('a member’s drawer checks the proof and the signature of the checkpoint it comes with', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await signIn(page, 'sofia@acme.io', 'trailmark-demo');
  await page.goto(`/t/${TENANT}/activity/audit-log`);
  await expect(page.getByRole('link', { name: 'Integrity' })).toHaveCount(0);
  await page.locator('tbody tr').first().click();
  const panel = entryPanel(page);
  await expect(panel).toHaveAttribute('data-state', 'verified', { timeout: 30_000 });
  await expect(panel).toContainText(/Included in checkpoint of size \d+/);
  // Members may not list checkpoints, but the proof carries the one it is against.
  await expect(panel).toContainText('that signature checks out with the log’s public key');
  await page.goto(`/t/${TENANT}/integrity`);
  await expect(page.getByText('Not available with your access')).toBeVisible();
  await ctx.close();
});

/** Runs SQL on the server's SQLite database behind its back, as someone with database access would. */
function sql(stmt: string): string {
  const db = join(process.env.TRAILMARK_E2E_DATA_DIR ?? '', 'trailmark.db');
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', db, stmt], { encoding: 'utf8' }).trim();
}

const ENTRY_FIELDS = `id seq hash tenant { id } occurredAt receivedAt action resourceType resourceID resourceName workspace
  actor { type id name email } status oldValue newValue metadata
  request { method path operationName payload sourceIP userAgent httpStatus } idempotencyKey`;

test('edits made directly in the database are caught by the drawer', async ({ page }) => {
  test.skip(!!process.env.TRAILMARK_E2E_BASE_URL, 'needs the database of the server under test');
  const gql = await api();
  const a = await recordOne();
  const b = await recordOne();
  for (const id of [a, b])
    await expect
      .poll(async () => (await gql(`query($id:ID!){ node(id:$id){ ... on AuditEntry { inclusionProof { treeSize } } } }`, { id })).node.inclusionProof, {
        timeout: 30_000,
      })
      .not.toBeNull();
  const url = `/t/${TENANT}/activity/audit-log?entry=${encodeURIComponent(a)}`;
  const panel = entryPanel(page);
  const [name, hash] = sql(`SELECT resource_name, hash FROM audit_entries WHERE id = '${a}'`).split('|');
  try {
    // One column of one entry changed in SQL.
    sql(`UPDATE audit_entries SET resource_name = 'forged' WHERE id = '${a}'`);
    await page.goto(url);
    await expect(panel).toHaveAttribute('data-state', 'failed');
    await expect(panel).toContainText('fields do not hash');

    // …and its hash column rewritten to match: the signed tree still holds the old hash.
    const res = await gql.ctx.post('/graphql', {
      data: { query: `query($id:ID!){ node(id:$id){ ... on AuditEntry { ${ENTRY_FIELDS} } } }`, variables: { id: a } },
      headers: { authorization: `Bearer ${gql.token}` },
    });
    const node = (parseJSONVerbatim(await res.text()) as Map<string, any>).get('data').get('node');
    const forgedHash = await entryContentHash(node);
    expect(forgedHash).not.toBe(hash);
    sql(`UPDATE audit_entries SET hash = '${forgedHash}' WHERE id = '${a}'`);
    await page.goto(url);
    await expect(panel).toHaveAttribute('data-state', 'failed');
    await expect(panel).toContainText('does not lead up its audit path');
  } finally {
    sql(`UPDATE audit_entries SET resource_name = '${name.replace(/'/g, "''")}', hash = '${hash}' WHERE id = '${a}'`);
  }
  await page.goto(url);
  await expect(panel).toHaveAttribute('data-state', 'verified');

  // Two entries' seq swapped.
  const seqA = sql(`SELECT seq FROM log_leaves WHERE entry_id = '${a}'`);
  const seqB = sql(`SELECT seq FROM log_leaves WHERE entry_id = '${b}'`);
  const swap = (x: string, y: string) =>
    sql(`BEGIN; UPDATE log_leaves SET seq = -1 - seq WHERE entry_id = '${a}'; UPDATE log_leaves SET seq = ${x} WHERE entry_id = '${b}'; UPDATE log_leaves SET seq = ${y} WHERE entry_id = '${a}'; COMMIT;`);
  try {
    swap(seqA, seqB);
    await page.goto(url);
    await expect(panel).toHaveAttribute('data-state', 'failed');
    await expect(panel).toContainText('does not lead up its audit path');
  } finally {
    swap(seqB, seqA);
  }
  await page.goto(url);
  await expect(panel).toHaveAttribute('data-state', 'verified');
});
