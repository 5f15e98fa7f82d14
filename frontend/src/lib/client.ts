import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws';

export const UNAUTHENTICATED_EVENT = 'trailmark:unauthenticated';

export function graphqlWSURL(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/graphql`;
}

/** Whether a graphql-ws close refuses the caller: 4401 no credential, 4403 an invalid one. */
export function isAuthClose(event: unknown): boolean {
  const code = (event as { code?: unknown } | null)?.code;
  return code === 4401 || code === 4403;
}

export function createWS(): WSClient {
  return createWSClient({
    url: graphqlWSURL(),
    lazy: true,
    retryAttempts: 20,
    // The session cookie of the upgrade request is the credential (it follows rotation, a
    // stored token would not). A refused one is not retried: the viewer is read again, which
    // leads to the sign-in page when the session has ended.
    shouldRetry: (event) => !isAuthClose(event),
    on: {
      closed: (event) => {
        if (isAuthClose(event)) window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
      },
    },
  });
}

/** Whether the graphql-ws socket is connected, for "Live" indicators. */
export interface LiveStatus {
  connected(): boolean;
  subscribe(listener: () => void): () => void;
}

export function trackConnection(ws: WSClient): LiveStatus {
  let connected = false;
  const listeners = new Set<() => void>();
  const set = (v: boolean) => {
    if (v === connected) return;
    connected = v;
    for (const l of listeners) l();
  };
  ws.on('connected', () => set(true));
  ws.on('closed', () => set(false));
  return {
    connected: () => connected,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export interface GraphQLClients {
  client: Client;
  ws: WSClient;
  live: LiveStatus;
  dispose(): void;
}

export function createClients(): GraphQLClients {
  const ws = createWS();
  const client = new Client({
    url: '/graphql',
    fetchOptions: { credentials: 'same-origin' },
    requestPolicy: 'cache-and-network',
    // POST keeps filters out of access logs and URL length limits.
    preferGetMethod: false,
    exchanges: [
      mapExchange({
        onError(error, operation) {
          const unauth = error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
          if (unauth && operation.kind !== 'mutation') {
            window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
          }
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, ws, live: trackConnection(ws), dispose: () => void ws.dispose() };
}
