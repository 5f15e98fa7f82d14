export const port = Number(process.env.TRAILMARK_E2E_PORT ?? 18089);
export const baseURL = process.env.TRAILMARK_E2E_BASE_URL ?? `http://127.0.0.1:${port}`;
export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = process.env.TRAILMARK_E2E_ADMIN_PASSWORD ?? 'e2e-admin-password-1';
/** The platform admin's signed-in browser state, written by global-setup.ts. */
export const ADMIN_STATE = new URL('./.auth/admin.json', import.meta.url).pathname;
