import { graphql } from '../../gql';

export const LogStreamFields = graphql(`
  fragment LogStreamFields on LogStream {
    id
    name
    kind
    status
    endpoint
    filter
    format
    batchSize
    maxDelaySeconds
    options
    headerNames
    hasToken
    lastDeliveredAt
    lastError
    failingSince
    nextAttemptAt
    deliveredEntries
    previousSecretExpiresAt
    createdAt
    lag { entries capped seconds }
    createdBy { type id name email }
  }
`);

export const LogStreamDeliveryFields = graphql(`
  fragment LogStreamDeliveryFields on LogStreamDelivery {
    id
    at
    entries
    httpStatus
    latencyMs
    error
    ok
    test
    response
  }
`);

export const LogStreamsQuery = graphql(`
  query LogStreams($tenantID: ID, $platform: Boolean) {
    logStreams(tenantID: $tenantID, platform: $platform, first: 100) {
      totalCount
      edges { node { ...LogStreamFields } }
    }
  }
`);

/** How many of a stream's recent attempts its page shows. */
export const DELIVERIES = 25;

export const LogStreamQuery = graphql(`
  query LogStream($id: ID!, $deliveries: Int!) {
    node(id: $id) {
      __typename
      id
      ... on LogStream {
        ...LogStreamFields
        platform
        tenant { id slug }
        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }
      }
    }
  }
`);

/** The list's updates: each stream as it changes, and its deletion (logStream null). */
export const LogStreamChangedSubscription = graphql(`
  subscription LogStreamChanged($tenantID: ID, $platform: Boolean) {
    logStreamChanged(tenantID: $tenantID, platform: $platform) {
      id
      deleted
      logStream { ...LogStreamFields }
    }
  }
`);

export const CreateLogStreamMutation = graphql(`
  mutation CreateLogStream($tenantID: ID, $platform: Boolean, $input: LogStreamInput!) {
    createLogStream(tenantID: $tenantID, platform: $platform, input: $input) {
      secret
      logStream { ...LogStreamFields }
    }
  }
`);

export const UpdateLogStreamMutation = graphql(`
  mutation UpdateLogStream($id: ID!, $input: UpdateLogStreamInput!) {
    updateLogStream(id: $id, input: $input) { ...LogStreamFields }
  }
`);

export const PauseLogStreamMutation = graphql(`
  mutation PauseLogStream($id: ID!) { pauseLogStream(id: $id) { ...LogStreamFields } }
`);

export const ResumeLogStreamMutation = graphql(`
  mutation ResumeLogStream($id: ID!) { resumeLogStream(id: $id) { ...LogStreamFields } }
`);

export const DeleteLogStreamMutation = graphql(`
  mutation DeleteLogStream($id: ID!) { deleteLogStream(id: $id) }
`);

export const RotateLogStreamSecretMutation = graphql(`
  mutation RotateLogStreamSecret($id: ID!, $overlapSeconds: Int) {
    rotateLogStreamSecret(id: $id, overlapSeconds: $overlapSeconds) {
      secret
      logStream { ...LogStreamFields }
    }
  }
`);

export const TestLogStreamMutation = graphql(`
  mutation TestLogStream($id: ID!) { testLogStream(id: $id) { ...LogStreamDeliveryFields } }
`);

/** The stream page's updates: the stream and its recent attempts, or its deletion (events of the other streams are left out). */
export const LogStreamDetailChangedSubscription = graphql(`
  subscription LogStreamDetailChanged($tenantID: ID, $platform: Boolean, $deliveries: Int!) {
    logStreamChanged(tenantID: $tenantID, platform: $platform) {
      id
      deleted
      logStream {
        ...LogStreamFields
        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }
      }
    }
  }
`);
