import type { CombinedError } from '@urql/core';

export interface FilterErrorInfo {
  message: string;
  position: number | null;
}

/** The first BAD_USER_INPUT error of a filter, with its 1-based position when the server gave one. */
export function filterErrorOf(error: CombinedError | undefined | null): FilterErrorInfo | null {
  if (!error) return null;
  for (const e of error.graphQLErrors) {
    if (e.extensions?.code !== 'BAD_USER_INPUT') continue;
    const field = e.extensions?.field;
    if (field && field !== 'filter') continue;
    const pos = e.extensions?.position;
    return { message: e.message, position: typeof pos === 'number' ? pos : null };
  }
  return null;
}

export function errorMessage(error: CombinedError | undefined | null): string {
  if (!error) return '';
  if (error.networkError) return `Network error: ${error.networkError.message}`;
  return error.graphQLErrors.map((e) => e.message).join('; ') || error.message;
}

export function errorCode(error: CombinedError | undefined | null): string | undefined {
  return error?.graphQLErrors.find((e) => e.extensions?.code)?.extensions?.code as string | undefined;
}

/**
 * The BAD_USER_INPUT errors of a mutation by their field ("input.cron",
 * "input.input.filter"), each message without its "field: " prefix and with the
 * 1-based position the server gave for a bad filter.
 */
export function fieldErrorsOf(error: CombinedError | undefined | null): Map<string, FilterErrorInfo> {
  const out = new Map<string, FilterErrorInfo>();
  for (const e of error?.graphQLErrors ?? []) {
    const field = e.extensions?.field;
    if (e.extensions?.code !== 'BAD_USER_INPUT' || typeof field !== 'string' || out.has(field)) continue;
    const pos = e.extensions?.position;
    const message = e.message.startsWith(`${field}: `) ? e.message.slice(field.length + 2) : e.message;
    out.set(field, { message, position: typeof pos === 'number' ? pos : null });
  }
  return out;
}
