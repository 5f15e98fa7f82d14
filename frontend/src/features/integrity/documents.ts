import { graphql } from '../../gql';

/**
 * The entry with every field its content hash covers. Sent with fetch and
 * read with parseJSONVerbatim (not urql), so that JSON values keep their
 * numbers as written and the hash can be recomputed exactly.
 */
export const EntryContentQuery = graphql(`
  query EntryContent($id: ID!, $withRequest: Boolean!) {
    node(id: $id) {
      id
      ... on AuditEntry {
        seq
        hash
        tenant { id }
        occurredAt
        receivedAt
        action
        resourceType
        resourceID
        resourceName
        workspace
        actor { type id name email }
        status
        oldValue
        newValue
        metadata
        request @include(if: $withRequest) { method path operationName payload sourceIP userAgent httpStatus }
        idempotencyKey
      }
    }
  }
`);

/** The log's key and, for those who may read it, its latest signed checkpoint. */
export const LogHeadQuery = graphql(`
  query LogHead($tenantID: ID, $platform: Boolean, $withCheckpoint: Boolean!) {
    logKey
    checkpoint(tenantID: $tenantID, platform: $platform) @include(if: $withCheckpoint) { origin treeSize rootHash note createdAt }
  }
`);

export const EntryInclusionQuery = graphql(`
  query EntryInclusion($id: ID!, $treeSize: Int) {
    node(id: $id) {
      id
      ... on AuditEntry {
        seq
        inclusionProof(treeSize: $treeSize) { leafIndex treeSize rootHash hashes checkpointNote legacyHash }
      }
    }
  }
`);

export const IntegrityPageQuery = graphql(`
  query IntegrityPage($tenantID: ID!) {
    logKey
    checkpoint(tenantID: $tenantID) { origin treeSize rootHash note createdAt }
  }
`);

/** The newest VERIFY process of the tenant. */
export const LastVerificationQuery = graphql(`
  query LastVerification($tenantID: ID!) {
    processes(tenantID: $tenantID, first: 1, filter: "kind = 'verify'") {
      edges { node { id kind status progress error createdAt startedAt finishedAt initiator { type id name email } } }
    }
  }
`);

export const ConsistencyQuery = graphql(`
  query Consistency($tenantID: ID!, $fromSize: Int!, $toSize: Int) {
    consistencyProof(tenantID: $tenantID, fromSize: $fromSize, toSize: $toSize) { fromSize toSize hashes }
  }
`);

export const StartVerificationMutation = graphql(`
  mutation StartVerification($tenantID: ID!) {
    startVerification(tenantID: $tenantID) { id kind status createdAt }
  }
`);
