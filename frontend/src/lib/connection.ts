/** The non-null nodes of a Relay connection. */
export function nodesOf<T>(conn: { edges?: ReadonlyArray<{ node?: T | null } | null> | null } | null | undefined): T[] {
  return (conn?.edges ?? []).flatMap((e) => (e?.node ? [e.node] : []));
}
