import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, request, type APIRequestContext, type Page } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, baseURL } from './env';

export const TENANT = 'acme';
export { ADMIN_EMAIL, ADMIN_PASSWORD };

const shots = fileURLToPath(new URL('./screenshots', import.meta.url));
mkdirSync(shots, { recursive: true });

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: false });
}

/** Signs in through the form; navigate=false fills the sign-in page the app already shows. */
export async function signIn(page: Page, email = ADMIN_EMAIL, password = ADMIN_PASSWORD, navigate = true) {
  if (navigate) await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.locator('input[type=password]').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
}

export interface GQL {
  <T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<T>;
  raw(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: any[] }>;
  token: string;
  ctx: APIRequestContext;
}

/**
 * A GraphQL client over HTTP with a Bearer token (a session from login, or an API key); by default
 * the platform admin's session, with null an anonymous client.
 */
export async function api(token?: string | null): Promise<GQL> {
  // Inside a test, new request contexts take the test's storageState (the admin's cookie): drop it.
  const ctx = await request.newContext({ baseURL, ...(token === null ? { storageState: { cookies: [], origins: [] } } : {}) });
  let bearer = token === null ? '' : (token ?? process.env.TRAILMARK_E2E_ADMIN_TOKEN ?? '');
  const raw = async (query: string, variables?: Record<string, unknown>) => {
    const res = await ctx.post('/graphql', {
      data: { query, variables },
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };
  if (!bearer && token !== null) {
    const r = await raw('mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token } }', { e: ADMIN_EMAIL, p: ADMIN_PASSWORD });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    bearer = r.data.login.token;
  }
  const gql = (async (query: string, variables?: Record<string, unknown>) => {
    const r = await raw(query, variables);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data;
  }) as GQL;
  gql.raw = raw;
  gql.token = bearer;
  gql.ctx = ctx;
  return gql;
}

export async function tenantID(gql: GQL, slug = TENANT): Promise<string> {
  const d = await gql<{ tenant: { id: string } }>('query($s:String!){ tenant(slug:$s){ id } }', { s: slug });
  return d.tenant.id;
}

export async function record(gql: GQL, tid: string, entries: Record<string, unknown>[]) {
  return gql(
    'mutation($t:ID!,$e:[AuditEntryInput!]!){ recordAuditEntries(tenantID:$t, entries:$e){ created entries { id action } } }',
    { t: tid, e: entries },
  );
}

/** The server's count of live subscriptions, from /metrics: a subscription is counted once it listens. */
export async function activeSubscriptions(page: Page): Promise<number> {
  const text = await (await page.request.get('/metrics')).text();
  const m = /^trailmark_subscriptions_active (\S+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The number N of "Showing a–b of N". */
export async function showing(page: Page): Promise<{ from: number; to: number; total: number }> {
  const text = (await page.getByTestId('showing').first().textContent()) ?? '';
  const m = text.replace(/[,\u202f\u00a0]/g, '').match(/Showing (\d+)–(\d+) of (\d+)/);
  expect(m, text).not.toBeNull();
  return { from: Number(m![1]), to: Number(m![2]), total: Number(m![3]) };
}

/**
 * Collects what the page's Content-Security-Policy blocks: the browser reports each refusal on
 * the console (workers included) and as a securitypolicyviolation event in the document.
 */
export async function watchCSP(page: Page): Promise<() => Promise<string[]>> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  page.on('worker', (w) =>
    w.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) seen.push(`worker ${w.url()}: ${m.text()}`);
    }),
  );
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`),
    );
  });
  return async () => {
    const inPage = await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
    return [...seen, ...inPage];
  };
}
