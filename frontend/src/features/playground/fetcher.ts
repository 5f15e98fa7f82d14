import { parse, type OperationDefinitionNode } from 'graphql';
import type { Client as WSClient } from 'graphql-ws';

export interface FetcherParams {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * The operation GraphiQL is about to run: its name as the server should see it, and whether it is
 * a subscription. GraphiQL updates the operation name 100 ms after the editor's text changes, so
 * Execute pressed just after a tab switch sends the new tab's document with the old tab's name. A
 * name the document does not define is dropped when the document holds one operation (the one the
 * user sees); with several, it is kept and the server says which is unknown.
 */
export function selectOperation(query: string, operationName?: string | null): { operationName?: string; subscription: boolean } {
  let ops: OperationDefinitionNode[];
  try {
    ops = parse(query).definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  } catch {
    return { operationName: operationName ?? undefined, subscription: false };
  }
  let name = operationName ?? undefined;
  let op = name ? ops.find((o) => o.name?.value === name) : ops[0];
  if (!op && ops.length === 1) {
    op = ops[0];
    name = op.name?.value;
  }
  return { operationName: name, subscription: op?.operation === 'subscription' };
}

/** Whether the operation GraphiQL is about to run is a subscription. */
export function isSubscription(query: string, operationName?: string | null): boolean {
  return selectOperation(query, operationName).subscription;
}

/**
 * A GraphiQL fetcher on the browser session: HTTP with the session cookie for queries and
 * mutations, the app's graphql-ws client for subscriptions.
 */
export function sessionFetcher(ws: WSClient) {
  return (params: FetcherParams, opts?: { headers?: Record<string, unknown> }) => {
    const { operationName, subscription } = selectOperation(params.query, params.operationName);
    const payload = { query: params.query, operationName, variables: params.variables ?? undefined };
    if (subscription) return ws.iterate(payload);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
    for (const [k, v] of Object.entries(opts?.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    return fetch('/graphql', { method: 'POST', credentials: 'same-origin', headers, body: JSON.stringify(payload) }).then((r) => r.json());
  };
}
