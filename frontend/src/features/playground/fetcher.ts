import { parse, type OperationDefinitionNode } from 'graphql';
import type { Client as WSClient } from 'graphql-ws';

export interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Whether the operation GraphiQL is about to run is a subscription. */
export function isSubscription(query: string, operationName?: string | null): boolean {
  try {
    const ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
    const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops[0];
    return op?.operation === 'subscription';
  } catch {
    return false;
  }
}

/**
 * A GraphiQL fetcher on the browser session: HTTP with the session cookie for queries and
 * mutations, the app's graphql-ws client for subscriptions.
 */
export function sessionFetcher(ws: WSClient) {
  return (params: FetcherParams, opts?: { headers?: Record<string, unknown> }) => {
    const payload = { query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined };
    if (isSubscription(params.query, params.operationName)) return ws.iterate(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    for (const [k, v] of Object.entries(opts?.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    return fetch('/graphql', { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(payload) }).then((r) => r.json());
  };
}
