import { request } from '@playwright/test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_STATE, baseURL } from './env';

// Signs the platform admin in once: tests start from this session (storageState) and
// reuse its token for API calls, because sign-in is throttled per IP (10 a minute).
export default async function globalSetup() {
  const ctx = await request.newContext({ baseURL });
  const res = await ctx.post('/graphql', {
    data: {
      query: 'mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token } }',
      variables: { e: ADMIN_EMAIL, p: ADMIN_PASSWORD },
    },
  });
  const body = (await res.json()) as { data?: { login: { token: string } }; errors?: unknown[] };
  if (!body.data?.login.token) throw new Error(`admin sign-in failed: ${JSON.stringify(body.errors)}`);
  await ctx.storageState({ path: ADMIN_STATE });
  process.env.TRAILMARK_E2E_ADMIN_TOKEN = body.data.login.token;
  await ctx.dispose();
}
