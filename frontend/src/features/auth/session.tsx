import type { Client as WSClient } from 'graphql-ws';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Provider, useQuery } from 'urql';
import type { ViewerQuery as ViewerQueryType } from '../../gql/graphql';
import { createClients, UNAUTHENTICATED_EVENT, type GraphQLClients, type LiveStatus } from '../../lib/client';
import { errorMessage } from '../../lib/errors';
import { LoginMutation, LogoutMutation, ViewerQuery } from './documents';

export type Viewer = NonNullable<ViewerQueryType['viewer']>;

interface Session {
  viewer: Viewer | null;
  loading: boolean;
  error: string | null;
  ws: WSClient;
  /** The socket's connection state. */
  live: LiveStatus;
  refresh(): void;
  signIn(email: string, password: string): Promise<string | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export function useViewer(): Viewer {
  const { viewer } = useSession();
  if (!viewer) throw new Error('useViewer without a signed-in viewer');
  return viewer;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [clients, setClients] = useState<GraphQLClients>(createClients);
  useEffect(() => () => clients.dispose(), [clients]);
  const reset = useCallback(() => setClients(createClients()), []);
  return (
    <Provider value={clients.client}>
      <ViewerLoader clients={clients} reset={reset}>
        {children}
      </ViewerLoader>
    </Provider>
  );
}

function ViewerLoader({ clients, reset, children }: { clients: GraphQLClients; reset(): void; children: ReactNode }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ViewerQuery, requestPolicy: 'network-only' });
  const refresh = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);

  useEffect(() => {
    const on = () => refresh();
    window.addEventListener(UNAUTHENTICATED_EVENT, on);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, on);
  }, [refresh]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const res = await clients.client.mutation(LoginMutation, { email, password }).toPromise();
      if (res.error || !res.data) {
        const unauth = res.error?.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
        const limited = res.error?.graphQLErrors.some((e) => e.extensions?.code === 'RATE_LIMITED');
        if (unauth) return 'Wrong email or password.';
        if (limited) return 'Too many attempts. Wait a minute and try again.';
        return errorMessage(res.error) || 'Sign-in failed.';
      }
      reset();
      return null;
    },
    [clients, reset],
  );

  const signOut = useCallback(async () => {
    await clients.client.mutation(LogoutMutation, {}).toPromise();
    reset();
  }, [clients, reset]);

  const value = useMemo<Session>(
    () => ({
      viewer: data?.viewer ?? null,
      loading: fetching && !data,
      error: error && !data ? errorMessage(error) : null,
      ws: clients.ws,
      live: clients.live,
      refresh,
      signIn,
      signOut,
    }),
    [data, fetching, error, clients, refresh, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
