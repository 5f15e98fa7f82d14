import type { ComponentProps } from 'react';
import type { GraphiQL } from 'graphiql';

type TabDefinition = NonNullable<ComponentProps<typeof GraphiQL>['defaultTabs']>[number];

/**
 * The tenant the examples run against: the last one the viewer opened, else their
 * first membership, else (a platform admin without memberships) the last tenant
 * opened as an admin. Without any, the examples run across every readable tenant.
 */
export function playgroundTenant(
  memberships: readonly { tenant: { id: string; slug: string } }[],
  last: { slug: string | null; id: string | null },
): string | null {
  const m = memberships.find((x) => x.tenant.slug === last.slug) ?? memberships[0];
  return m?.tenant.id ?? last.id ?? null;
}

/** Example operations preloaded in the playground for a tenant. */
export function exampleTabs(tenantID: string | null): TabDefinition[] {
  const vars = (o: Record<string, unknown>) => JSON.stringify(o, null, 2);
  const tenant = tenantID ?? '<tenant ID>';
  // auditEntries and auditEntryCreated take an optional tenant: without one (a platform
  // admin with no membership) they cover every tenant the viewer may read.
  return [
    {
      query: `# The first page of a tenant's audit log, filtered (see docs: filter language)
query RecentFailures($tenantID: ID, $filter: String) {
  auditEntries(tenantID: $tenantID, first: 10, filter: $filter) {
    totalCount
    edges {
      node {
        occurredAt
        action
        resourceType
        resourceName
        status
        actor { type name email }
        changes { path old new }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
      variables: vars({ tenantID, filter: "occurred_at > now() - interval '7 days' and status = 'failure'" }),
    },
    {
      query: `# Record entries (all or nothing; replays with the same idempotencyKey are counted as duplicates)
mutation Record($tenantID: ID!, $entries: [AuditEntryInput!]!) {
  recordAuditEntries(tenantID: $tenantID, entries: $entries) {
    created
    duplicates
    entries { id action occurredAt }
  }
}
`,
      variables: vars({
        tenantID: tenant,
        entries: [
          {
            idempotencyKey: 'playground-example-1',
            action: 'workspace.update',
            resourceType: 'workspace',
            resourceID: 'ws_123',
            resourceName: 'Production',
            oldValue: { plan: 'standard' },
            newValue: { plan: 'premium' },
            metadata: { source: 'playground' },
          },
        ],
      }),
    },
    {
      query: `# Live tail: run this, then record an entry in another tab
subscription Tail($tenantID: ID) {
  auditEntryCreated(tenantID: $tenantID) {
    occurredAt
    action
    resourceName
    actor { name }
  }
}
`,
      variables: vars({ tenantID }),
    },
  ];
}
