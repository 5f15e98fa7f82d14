import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// A destination for log streams, run by the test on loopback (the server allows it with
// TRAILMARK_STREAMS_ALLOW_PRIVATE=true): it keeps what each path received and answers
// each path with the status the test sets.

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  /** The URL of a path on the receiver. */
  url(path: string): string;
  /** What a path received so far, oldest first. */
  received(path: string): Received[];
  /** How a path answers from now on (default 200 with a small JSON body). */
  answer(path: string, status: number, body?: string): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const got = new Map<string, Received[]>();
  const answers = new Map<string, { status: number; body: string }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      const list = got.get(path) ?? [];
      list.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      got.set(path, list);
      const a = answers.get(path) ?? { status: 200, body: JSON.stringify({ received: list.length }) };
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(a.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => [...(got.get(path) ?? [])],
    answer: (path, status, body = JSON.stringify({ status })) => answers.set(path, { status, body }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Whether a request is signed with secret per Standard Webhooks: webhook-signature holds
 * "v1,<base64 HMAC-SHA256 of id.timestamp.body>" entries, the key being the secret's
 * base64 after "whsec_".
 */
export function signedWith(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id'] ?? '');
  const ts = String(r.headers['webhook-timestamp'] ?? '');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${r.body}`).digest();
  return String(r.headers['webhook-signature'] ?? '')
    .split(' ')
    .map((s) => s.split(','))
    .some(([v, sig]) => v === 'v1' && sig !== undefined && Buffer.from(sig, 'base64').length === want.length && timingSafeEqual(Buffer.from(sig, 'base64'), want));
}

/** The entries of a webhook request's body (JSON Lines or a JSON array). */
export function entriesOf(r: Received): Record<string, any>[] {
  const t = r.body.trim();
  if (t.startsWith('[')) return JSON.parse(t) as Record<string, any>[];
  return t === '' ? [] : t.split('\n').map((l) => JSON.parse(l) as Record<string, any>);
}
