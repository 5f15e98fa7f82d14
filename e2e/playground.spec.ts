import { expect, test } from '@playwright/test';
import { activeSubscriptions, api, record, screenshot, tenantID, unique, watchCSP } from './helpers';
import { baseURL } from './env';

test('the playground runs a query and a subscription offline', async ({ page }) => {
  test.slow(); // GraphiQL and Monaco are a few MB of lazily loaded JavaScript
  const external: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(baseURL) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    external.push(url);
    return route.abort();
  });
  const violations = await watchCSP(page);
  const res = await page.goto('/playground');
  expect(res?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  await expect(page.getByTestId('playground').locator('.graphiql-container')).toBeVisible({ timeout: 60_000 });
  await expect(page.locator('.graphiql-query-editor .monaco-editor').first()).toBeVisible({ timeout: 60_000 });

  // First tab: the audit entries query.
  await page.getByRole('button', { name: /Execute query/ }).click();
  const response = page.locator('.graphiql-response');
  await expect(response).toContainText('totalCount', { timeout: 15_000 });
  await screenshot(page, 'playground-query');

  // Third tab: the live subscription. Record once the server counts it
  // (it does so once the subscription listens); nothing else streams now.
  await expect.poll(() => activeSubscriptions(page)).toBe(0);
  await page.locator('.graphiql-tab').nth(2).click();
  // Execute only once the editor shows the third tab's document: clicked while Monaco still
  // held the first tab's query, the button ran that query again and nothing subscribed (a CI flake).
  await expect(page.locator('.graphiql-query-editor .monaco-editor').first()).toContainText('subscription Tail', { timeout: 15_000 });
  await page.getByRole('button', { name: /Execute query/ }).click();
  await expect.poll(() => activeSubscriptions(page)).toBe(1);
  const gql = await api();
  const name = unique('playground');
  await record(gql, await tenantID(gql), [{ action: 'workspace.update', resourceType: 'workspace', resourceName: name }]);
  await expect(response).toContainText(name, { timeout: 10_000 });
  await screenshot(page, 'playground-subscription');
  expect(external).toEqual([]);
  // GraphiQL, Monaco and its workers run under the server's Content-Security-Policy.
  expect(await violations()).toEqual([]);
});
