import { graphql } from '../../gql';

export const AuditEntryFields = graphql(`
  fragment AuditEntryFields on AuditEntry {
    id
    occurredAt
    receivedAt
    action
    resourceType
    resourceID
    resourceName
    workspace
    status
    tenant { id slug name }
    actor { type id name email }
    oldValue
    newValue
    changes { path old new }
    metadata
    idempotencyKey
    hash
  }
`);

export const AuditEntriesQuery = graphql(`
  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String, $search: String) {
    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter, search: $search) {
      totalCount
      totalCountCapped
      totalCountEstimated
      edges { node { ...AuditEntryFields } }
    }
  }
`);

export const AuditEntryQuery = graphql(`
  query AuditEntry($id: ID!) {
    node(id: $id) {
      id
      ... on AuditEntry {
        ...AuditEntryFields
      }
    }
  }
`);

export const AuditEntryRequestQuery = graphql(`
  query AuditEntryRequest($id: ID!) {
    node(id: $id) {
      id
      ... on AuditEntry {
        request { method path operationName payload sourceIP userAgent httpStatus }
      }
    }
  }
`);

export const AuditFacetsQuery = graphql(`
  query AuditFacets($tenantID: ID, $from: Time, $to: Time, $filter: String) {
    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {
      total
      byAction { value count }
      byResourceType { value count }
      byActor { value count }
      byStatus { value count }
      byDay { day count }
    }
  }
`);

export const AuditEntryCreatedSubscription = graphql(`
  subscription AuditEntryCreated($tenantID: ID, $filter: String) {
    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }
  }
`);
