import { graphql } from '../../gql';

export const ProcessFields = graphql(`
  fragment ProcessFields on Process {
    id
    kind
    status
    progress
    error
    createdAt
    startedAt
    finishedAt
    initiator { type id name email }
  }
`);

export const ProcessesQuery = graphql(`
  query Processes($tenantID: ID!, $first: Int, $offset: Int, $filter: String, $withHead: Boolean! = false) {
    processes(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {
      totalCount
      edges { node { ...ProcessFields } }
    }
    head: processes(tenantID: $tenantID, first: 1, filter: $filter) @include(if: $withHead) {
      edges { node { id } }
    }
  }
`);

/** The IDs of the newest processes matching a filter: what is new above a later page. */
export const ProcessHeadQuery = graphql(`
  query ProcessHead($tenantID: ID!, $first: Int, $filter: String) {
    processes(tenantID: $tenantID, first: $first, filter: $filter) {
      edges { node { id } }
    }
  }
`);

export const ProcessesByIDQuery = graphql(`
  query ProcessesByID($ids: [ID!]!) {
    nodes(ids: $ids) {
      id
      ... on Process { ...ProcessFields }
    }
  }
`);

export const ProcessQuery = graphql(`
  query Process($id: ID!) {
    node(id: $id) {
      id
      ... on Process {
        ...ProcessFields
        input
        result
        schedule { id cron platform }
        archive { id name downloadURL }
      }
    }
  }
`);

/**
 * The tenant a process works for. Asked on the platform's process page only: a
 * tenant's process opens on its tenant's page instead. A process of the platform
 * log has no tenant (NOT_FOUND on `tenant`, so `node` comes back null).
 */
export const ProcessTenantQuery = graphql(`
  query ProcessTenant($id: ID!) {
    node(id: $id) {
      id
      ... on Process { tenant { id slug } }
    }
  }
`);

export const ProcessUpdatedSubscription = graphql(`
  subscription ProcessUpdated($tenantID: ID!, $id: ID) {
    processUpdated(tenantID: $tenantID, id: $id) { ...ProcessFields }
  }
`);

export const ProcessLogSubscription = graphql(`
  subscription ProcessLog($processID: ID!, $afterSeq: Int) {
    processLogAppended(processID: $processID, afterSeq: $afterSeq) { seq at level message }
  }
`);

export const CancelProcessMutation = graphql(`
  mutation CancelProcess($id: ID!) {
    cancelProcess(id: $id) { ...ProcessFields }
  }
`);

/** A tenant's schedules (tenantID) or the platform log's (platform: true): scheduleScope.ts. */
export const SchedulesQuery = graphql(`
  query Schedules($tenantID: ID, $platform: Boolean) {
    schedules(tenantID: $tenantID, platform: $platform) {
      id kind cron input enabled nextRunAt platform
      lastProcess { id status createdAt finishedAt error }
    }
  }
`);

export const CreateScheduleMutation = graphql(`
  mutation CreateSchedule($tenantID: ID, $platform: Boolean, $input: CreateScheduleInput!) {
    createSchedule(tenantID: $tenantID, platform: $platform, input: $input) { id kind cron input enabled nextRunAt platform }
  }
`);

export const UpdateScheduleMutation = graphql(`
  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {
    updateSchedule(id: $id, input: $input) { id kind cron input enabled nextRunAt platform }
  }
`);

export const DeleteScheduleMutation = graphql(`
  mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }
`);
