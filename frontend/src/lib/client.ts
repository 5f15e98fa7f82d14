import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWSClient, type Client as WSClient } from 'graphql-ws';
import { getToken } from './session';

export const UNAUTHENTICATED_EVENT = 'trailmark:unauthenticated';

export function graphqlWSURL(loc: Location = window.location): string {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${loc.host}/graphql`;
}

export function createWS(): WSClient {
  return createWSClient({
    url: graphqlWSURL(),
    lazy: true,
    retryAttempts: 20,
    shouldRetry: () => true,
    connectionParams: () => {
      const token = getToken();
      return token ? { authorization: `Bearer ${token}` } : {};
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
