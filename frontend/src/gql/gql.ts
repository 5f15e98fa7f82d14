/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query TenantChoices {\n    tenants(first: 1000, orderBy: { field: SLUG, direction: ASC }) {\n      edges { node { id slug name } }\n    }\n  }\n": typeof types.TenantChoicesDocument,
    "\n  query AdminTenants($first: Int) {\n    tenants(first: $first) {\n      totalCount\n      edges { node { id slug name createdAt retentionDays } }\n    }\n  }\n": typeof types.AdminTenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { id slug name }\n  }\n": typeof types.CreateTenantDocument,
    "\n  query Archives($tenantID: ID!, $first: Int, $offset: Int, $filter: String) {\n    archives(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges {\n        node {\n          id name format from to filter entryCount sizeBytes sha256 createdAt downloadURL manifestURL\n          createdBy { type id name email }\n          process { id status }\n        }\n      }\n    }\n  }\n": typeof types.ArchivesDocument,
    "\n  mutation CreateArchive($tenantID: ID!, $input: CreateArchiveInput!) {\n    createArchive(tenantID: $tenantID, input: $input) { id status kind }\n  }\n": typeof types.CreateArchiveDocument,
    "\n  mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }\n": typeof types.DeleteArchiveDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String, $search: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter, search: $search) {\n      totalCount\n      totalCountCapped\n      totalCountEstimated\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n": typeof types.AuditEntriesDocument,
    "\n  query AuditEntry($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        ...AuditEntryFields\n      }\n    }\n  }\n": typeof types.AuditEntryDocument,
    "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n": typeof types.AuditEntryRequestDocument,
    "\n  query AuditFacets($tenantID: ID, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": typeof types.AuditFacetsDocument,
    "\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n": typeof types.AuditEntryCreatedDocument,
    "\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      viewer { user { id name } }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      email tenantName role workspace expiresAt accountExists\n    }\n  }\n": typeof types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query RecentActivity($tenantID: ID!, $filter: String) {\n    auditEntries(tenantID: $tenantID, first: 6, filter: $filter) {\n      edges { node { id occurredAt action resourceType resourceName status actor { type id name email } } }\n    }\n  }\n": typeof types.RecentActivityDocument,
    "\n  subscription RecentActivityLive($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { id occurredAt action resourceType resourceName status actor { type id name email } }\n  }\n": typeof types.RecentActivityLiveDocument,
    "\n  query DashboardFacets($tenantID: ID!, $from: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, filter: $filter) {\n      total\n      byAction { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": typeof types.DashboardFacetsDocument,
    "\n  query EntryContent($id: ID!, $withRequest: Boolean!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        hash\n        tenant { id }\n        occurredAt\n        receivedAt\n        action\n        resourceType\n        resourceID\n        resourceName\n        workspace\n        actor { type id name email }\n        status\n        oldValue\n        newValue\n        metadata\n        request @include(if: $withRequest) { method path operationName payload sourceIP userAgent httpStatus }\n        idempotencyKey\n      }\n    }\n  }\n": typeof types.EntryContentDocument,
    "\n  query LogHead($tenantID: ID, $platform: Boolean, $withCheckpoint: Boolean!) {\n    logKey\n    checkpoint(tenantID: $tenantID, platform: $platform) @include(if: $withCheckpoint) { origin treeSize rootHash note createdAt }\n  }\n": typeof types.LogHeadDocument,
    "\n  query EntryInclusion($id: ID!, $treeSize: Int) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        inclusionProof(treeSize: $treeSize) { leafIndex treeSize rootHash hashes checkpointNote legacyHash }\n      }\n    }\n  }\n": typeof types.EntryInclusionDocument,
    "\n  query IntegrityPage($tenantID: ID!) {\n    logKey\n    checkpoint(tenantID: $tenantID) { origin treeSize rootHash note createdAt }\n  }\n": typeof types.IntegrityPageDocument,
    "\n  query LastVerification($tenantID: ID!) {\n    processes(tenantID: $tenantID, first: 1, filter: \"kind = 'verify'\") {\n      edges { node { id kind status progress error createdAt startedAt finishedAt initiator { type id name email } } }\n    }\n  }\n": typeof types.LastVerificationDocument,
    "\n  query Consistency($tenantID: ID!, $fromSize: Int!, $toSize: Int) {\n    consistencyProof(tenantID: $tenantID, fromSize: $fromSize, toSize: $toSize) { fromSize toSize hashes }\n  }\n": typeof types.ConsistencyDocument,
    "\n  mutation StartVerification($tenantID: ID!) {\n    startVerification(tenantID: $tenantID) { id kind status createdAt }\n  }\n": typeof types.StartVerificationDocument,
    "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n": typeof types.TenantDocument,
    "\n  fragment ProcessFields on Process {\n    id\n    kind\n    status\n    progress\n    error\n    createdAt\n    startedAt\n    finishedAt\n    initiator { type id name email }\n  }\n": typeof types.ProcessFieldsFragmentDoc,
    "\n  query Processes($tenantID: ID!, $first: Int, $offset: Int, $filter: String, $withHead: Boolean! = false) {\n    processes(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...ProcessFields } }\n    }\n    head: processes(tenantID: $tenantID, first: 1, filter: $filter) @include(if: $withHead) {\n      edges { node { id } }\n    }\n  }\n": typeof types.ProcessesDocument,
    "\n  query ProcessHead($tenantID: ID!, $first: Int, $filter: String) {\n    processes(tenantID: $tenantID, first: $first, filter: $filter) {\n      edges { node { id } }\n    }\n  }\n": typeof types.ProcessHeadDocument,
    "\n  query ProcessesByID($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Process { ...ProcessFields }\n    }\n  }\n": typeof types.ProcessesByIdDocument,
    "\n  query Process($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process {\n        ...ProcessFields\n        input\n        result\n        schedule { id cron platform }\n        archive { id name downloadURL }\n      }\n    }\n  }\n": typeof types.ProcessDocument,
    "\n  query ProcessTenant($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process { tenant { id slug } }\n    }\n  }\n": typeof types.ProcessTenantDocument,
    "\n  subscription ProcessUpdated($tenantID: ID!, $id: ID) {\n    processUpdated(tenantID: $tenantID, id: $id) { ...ProcessFields }\n  }\n": typeof types.ProcessUpdatedDocument,
    "\n  subscription ProcessLog($processID: ID!, $afterSeq: Int) {\n    processLogAppended(processID: $processID, afterSeq: $afterSeq) { seq at level message }\n  }\n": typeof types.ProcessLogDocument,
    "\n  mutation CancelProcess($id: ID!) {\n    cancelProcess(id: $id) { ...ProcessFields }\n  }\n": typeof types.CancelProcessDocument,
    "\n  query Schedules($tenantID: ID, $platform: Boolean) {\n    schedules(tenantID: $tenantID, platform: $platform) {\n      id kind cron input enabled nextRunAt platform\n      lastProcess { id status createdAt finishedAt error }\n    }\n  }\n": typeof types.SchedulesDocument,
    "\n  mutation CreateSchedule($tenantID: ID, $platform: Boolean, $input: CreateScheduleInput!) {\n    createSchedule(tenantID: $tenantID, platform: $platform, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n": typeof types.CreateScheduleDocument,
    "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n": typeof types.UpdateScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }\n": typeof types.DeleteScheduleDocument,
    "\n  fragment SavedFilterFields on SavedFilter {\n    id\n    name\n    page\n    state\n    shared\n    mine\n    canDelete\n  }\n": typeof types.SavedFilterFieldsFragmentDoc,
    "\n  query SavedFilters($tenantID: ID!, $page: SavedFilterPage!) {\n    savedFilters(tenantID: $tenantID, page: $page) { ...SavedFilterFields }\n  }\n": typeof types.SavedFiltersDocument,
    "\n  mutation CreateSavedFilter($tenantID: ID!, $input: CreateSavedFilterInput!) {\n    createSavedFilter(tenantID: $tenantID, input: $input) { ...SavedFilterFields }\n  }\n": typeof types.CreateSavedFilterDocument,
    "\n  mutation UpdateSavedFilter($id: ID!, $input: UpdateSavedFilterInput!) {\n    updateSavedFilter(id: $id, input: $input) { ...SavedFilterFields }\n  }\n": typeof types.UpdateSavedFilterDocument,
    "\n  mutation DeleteSavedFilter($id: ID!) {\n    deleteSavedFilter(id: $id)\n  }\n": typeof types.DeleteSavedFilterDocument,
    "\n  query Members($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      members(first: 1000) {\n        totalCount\n        edges { node { id role workspace createdAt user { id name email } } }\n      }\n    }\n  }\n": typeof types.MembersDocument,
    "\n  mutation UpdateMembership($id: ID!, $role: Role!, $workspace: String) {\n    updateMembership(id: $id, role: $role, workspace: $workspace) { id role workspace }\n  }\n": typeof types.UpdateMembershipDocument,
    "\n  mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }\n": typeof types.RemoveMembershipDocument,
    "\n  query Invitations($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      invitations(first: 1000) {\n        edges { node { id email role status expiresAt invitedBy { id name } } }\n      }\n    }\n  }\n": typeof types.InvitationsDocument,
    "\n  mutation InviteMember($tenantID: ID!, $email: String!, $role: Role!, $workspace: String) {\n    inviteMember(tenantID: $tenantID, email: $email, role: $role, workspace: $workspace) {\n      token\n      acceptURL\n      invitation { id email role status expiresAt }\n    }\n  }\n": typeof types.InviteMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { id status } }\n": typeof types.RevokeInvitationDocument,
    "\n  query APIKeys($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      apiKeys(first: 1000) {\n        edges { node { id name prefix scopes active createdAt lastUsedAt deactivatedAt createdBy { id name } } }\n      }\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateAPIKey($tenantID: ID!, $name: String!, $scopes: [APIKeyScope!]!) {\n    createAPIKey(tenantID: $tenantID, name: $name, scopes: $scopes) {\n      secret\n      apiKey { id name prefix scopes active createdAt }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { id active deactivatedAt } }\n": typeof types.DeactivateApiKeyDocument,
    "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) { id name retentionDays }\n  }\n": typeof types.UpdateTenantDocument,
    "\n  fragment LogStreamFields on LogStream {\n    id\n    name\n    kind\n    status\n    endpoint\n    filter\n    format\n    batchSize\n    maxDelaySeconds\n    options\n    headerNames\n    hasToken\n    lastDeliveredAt\n    lastError\n    failingSince\n    nextAttemptAt\n    deliveredEntries\n    previousSecretExpiresAt\n    createdAt\n    lag { entries capped seconds }\n    createdBy { type id name email }\n  }\n": typeof types.LogStreamFieldsFragmentDoc,
    "\n  fragment LogStreamDeliveryFields on LogStreamDelivery {\n    id\n    at\n    entries\n    httpStatus\n    latencyMs\n    error\n    ok\n    test\n    response\n  }\n": typeof types.LogStreamDeliveryFieldsFragmentDoc,
    "\n  query LogStreams($tenantID: ID, $platform: Boolean) {\n    logStreams(tenantID: $tenantID, platform: $platform, first: 100) {\n      totalCount\n      edges { node { ...LogStreamFields } }\n    }\n  }\n": typeof types.LogStreamsDocument,
    "\n  query LogStream($id: ID!, $deliveries: Int!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on LogStream {\n        ...LogStreamFields\n        platform\n        tenant { id slug }\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n": typeof types.LogStreamDocument,
    "\n  subscription LogStreamChanged($tenantID: ID, $platform: Boolean) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream { ...LogStreamFields }\n    }\n  }\n": typeof types.LogStreamChangedDocument,
    "\n  mutation CreateLogStream($tenantID: ID, $platform: Boolean, $input: LogStreamInput!) {\n    createLogStream(tenantID: $tenantID, platform: $platform, input: $input) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n": typeof types.CreateLogStreamDocument,
    "\n  mutation UpdateLogStream($id: ID!, $input: UpdateLogStreamInput!) {\n    updateLogStream(id: $id, input: $input) { ...LogStreamFields }\n  }\n": typeof types.UpdateLogStreamDocument,
    "\n  mutation PauseLogStream($id: ID!) { pauseLogStream(id: $id) { ...LogStreamFields } }\n": typeof types.PauseLogStreamDocument,
    "\n  mutation ResumeLogStream($id: ID!) { resumeLogStream(id: $id) { ...LogStreamFields } }\n": typeof types.ResumeLogStreamDocument,
    "\n  mutation DeleteLogStream($id: ID!) { deleteLogStream(id: $id) }\n": typeof types.DeleteLogStreamDocument,
    "\n  mutation RotateLogStreamSecret($id: ID!, $overlapSeconds: Int) {\n    rotateLogStreamSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n": typeof types.RotateLogStreamSecretDocument,
    "\n  mutation TestLogStream($id: ID!) { testLogStream(id: $id) { ...LogStreamDeliveryFields } }\n": typeof types.TestLogStreamDocument,
    "\n  subscription LogStreamDetailChanged($tenantID: ID, $platform: Boolean, $deliveries: Int!) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream {\n        ...LogStreamFields\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n": typeof types.LogStreamDetailChangedDocument,
};
const documents: Documents = {
    "\n  query TenantChoices {\n    tenants(first: 1000, orderBy: { field: SLUG, direction: ASC }) {\n      edges { node { id slug name } }\n    }\n  }\n": types.TenantChoicesDocument,
    "\n  query AdminTenants($first: Int) {\n    tenants(first: $first) {\n      totalCount\n      edges { node { id slug name createdAt retentionDays } }\n    }\n  }\n": types.AdminTenantsDocument,
    "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { id slug name }\n  }\n": types.CreateTenantDocument,
    "\n  query Archives($tenantID: ID!, $first: Int, $offset: Int, $filter: String) {\n    archives(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges {\n        node {\n          id name format from to filter entryCount sizeBytes sha256 createdAt downloadURL manifestURL\n          createdBy { type id name email }\n          process { id status }\n        }\n      }\n    }\n  }\n": types.ArchivesDocument,
    "\n  mutation CreateArchive($tenantID: ID!, $input: CreateArchiveInput!) {\n    createArchive(tenantID: $tenantID, input: $input) { id status kind }\n  }\n": types.CreateArchiveDocument,
    "\n  mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }\n": types.DeleteArchiveDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String, $search: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter, search: $search) {\n      totalCount\n      totalCountCapped\n      totalCountEstimated\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n": types.AuditEntriesDocument,
    "\n  query AuditEntry($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        ...AuditEntryFields\n      }\n    }\n  }\n": types.AuditEntryDocument,
    "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n": types.AuditEntryRequestDocument,
    "\n  query AuditFacets($tenantID: ID, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": types.AuditFacetsDocument,
    "\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n": types.AuditEntryCreatedDocument,
    "\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      viewer { user { id name } }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      email tenantName role workspace expiresAt accountExists\n    }\n  }\n": types.InvitationPreviewDocument,
    "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  query RecentActivity($tenantID: ID!, $filter: String) {\n    auditEntries(tenantID: $tenantID, first: 6, filter: $filter) {\n      edges { node { id occurredAt action resourceType resourceName status actor { type id name email } } }\n    }\n  }\n": types.RecentActivityDocument,
    "\n  subscription RecentActivityLive($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { id occurredAt action resourceType resourceName status actor { type id name email } }\n  }\n": types.RecentActivityLiveDocument,
    "\n  query DashboardFacets($tenantID: ID!, $from: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, filter: $filter) {\n      total\n      byAction { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": types.DashboardFacetsDocument,
    "\n  query EntryContent($id: ID!, $withRequest: Boolean!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        hash\n        tenant { id }\n        occurredAt\n        receivedAt\n        action\n        resourceType\n        resourceID\n        resourceName\n        workspace\n        actor { type id name email }\n        status\n        oldValue\n        newValue\n        metadata\n        request @include(if: $withRequest) { method path operationName payload sourceIP userAgent httpStatus }\n        idempotencyKey\n      }\n    }\n  }\n": types.EntryContentDocument,
    "\n  query LogHead($tenantID: ID, $platform: Boolean, $withCheckpoint: Boolean!) {\n    logKey\n    checkpoint(tenantID: $tenantID, platform: $platform) @include(if: $withCheckpoint) { origin treeSize rootHash note createdAt }\n  }\n": types.LogHeadDocument,
    "\n  query EntryInclusion($id: ID!, $treeSize: Int) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        inclusionProof(treeSize: $treeSize) { leafIndex treeSize rootHash hashes checkpointNote legacyHash }\n      }\n    }\n  }\n": types.EntryInclusionDocument,
    "\n  query IntegrityPage($tenantID: ID!) {\n    logKey\n    checkpoint(tenantID: $tenantID) { origin treeSize rootHash note createdAt }\n  }\n": types.IntegrityPageDocument,
    "\n  query LastVerification($tenantID: ID!) {\n    processes(tenantID: $tenantID, first: 1, filter: \"kind = 'verify'\") {\n      edges { node { id kind status progress error createdAt startedAt finishedAt initiator { type id name email } } }\n    }\n  }\n": types.LastVerificationDocument,
    "\n  query Consistency($tenantID: ID!, $fromSize: Int!, $toSize: Int) {\n    consistencyProof(tenantID: $tenantID, fromSize: $fromSize, toSize: $toSize) { fromSize toSize hashes }\n  }\n": types.ConsistencyDocument,
    "\n  mutation StartVerification($tenantID: ID!) {\n    startVerification(tenantID: $tenantID) { id kind status createdAt }\n  }\n": types.StartVerificationDocument,
    "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n": types.TenantDocument,
    "\n  fragment ProcessFields on Process {\n    id\n    kind\n    status\n    progress\n    error\n    createdAt\n    startedAt\n    finishedAt\n    initiator { type id name email }\n  }\n": types.ProcessFieldsFragmentDoc,
    "\n  query Processes($tenantID: ID!, $first: Int, $offset: Int, $filter: String, $withHead: Boolean! = false) {\n    processes(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...ProcessFields } }\n    }\n    head: processes(tenantID: $tenantID, first: 1, filter: $filter) @include(if: $withHead) {\n      edges { node { id } }\n    }\n  }\n": types.ProcessesDocument,
    "\n  query ProcessHead($tenantID: ID!, $first: Int, $filter: String) {\n    processes(tenantID: $tenantID, first: $first, filter: $filter) {\n      edges { node { id } }\n    }\n  }\n": types.ProcessHeadDocument,
    "\n  query ProcessesByID($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Process { ...ProcessFields }\n    }\n  }\n": types.ProcessesByIdDocument,
    "\n  query Process($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process {\n        ...ProcessFields\n        input\n        result\n        schedule { id cron platform }\n        archive { id name downloadURL }\n      }\n    }\n  }\n": types.ProcessDocument,
    "\n  query ProcessTenant($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process { tenant { id slug } }\n    }\n  }\n": types.ProcessTenantDocument,
    "\n  subscription ProcessUpdated($tenantID: ID!, $id: ID) {\n    processUpdated(tenantID: $tenantID, id: $id) { ...ProcessFields }\n  }\n": types.ProcessUpdatedDocument,
    "\n  subscription ProcessLog($processID: ID!, $afterSeq: Int) {\n    processLogAppended(processID: $processID, afterSeq: $afterSeq) { seq at level message }\n  }\n": types.ProcessLogDocument,
    "\n  mutation CancelProcess($id: ID!) {\n    cancelProcess(id: $id) { ...ProcessFields }\n  }\n": types.CancelProcessDocument,
    "\n  query Schedules($tenantID: ID, $platform: Boolean) {\n    schedules(tenantID: $tenantID, platform: $platform) {\n      id kind cron input enabled nextRunAt platform\n      lastProcess { id status createdAt finishedAt error }\n    }\n  }\n": types.SchedulesDocument,
    "\n  mutation CreateSchedule($tenantID: ID, $platform: Boolean, $input: CreateScheduleInput!) {\n    createSchedule(tenantID: $tenantID, platform: $platform, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n": types.CreateScheduleDocument,
    "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n": types.UpdateScheduleDocument,
    "\n  mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }\n": types.DeleteScheduleDocument,
    "\n  fragment SavedFilterFields on SavedFilter {\n    id\n    name\n    page\n    state\n    shared\n    mine\n    canDelete\n  }\n": types.SavedFilterFieldsFragmentDoc,
    "\n  query SavedFilters($tenantID: ID!, $page: SavedFilterPage!) {\n    savedFilters(tenantID: $tenantID, page: $page) { ...SavedFilterFields }\n  }\n": types.SavedFiltersDocument,
    "\n  mutation CreateSavedFilter($tenantID: ID!, $input: CreateSavedFilterInput!) {\n    createSavedFilter(tenantID: $tenantID, input: $input) { ...SavedFilterFields }\n  }\n": types.CreateSavedFilterDocument,
    "\n  mutation UpdateSavedFilter($id: ID!, $input: UpdateSavedFilterInput!) {\n    updateSavedFilter(id: $id, input: $input) { ...SavedFilterFields }\n  }\n": types.UpdateSavedFilterDocument,
    "\n  mutation DeleteSavedFilter($id: ID!) {\n    deleteSavedFilter(id: $id)\n  }\n": types.DeleteSavedFilterDocument,
    "\n  query Members($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      members(first: 1000) {\n        totalCount\n        edges { node { id role workspace createdAt user { id name email } } }\n      }\n    }\n  }\n": types.MembersDocument,
    "\n  mutation UpdateMembership($id: ID!, $role: Role!, $workspace: String) {\n    updateMembership(id: $id, role: $role, workspace: $workspace) { id role workspace }\n  }\n": types.UpdateMembershipDocument,
    "\n  mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }\n": types.RemoveMembershipDocument,
    "\n  query Invitations($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      invitations(first: 1000) {\n        edges { node { id email role status expiresAt invitedBy { id name } } }\n      }\n    }\n  }\n": types.InvitationsDocument,
    "\n  mutation InviteMember($tenantID: ID!, $email: String!, $role: Role!, $workspace: String) {\n    inviteMember(tenantID: $tenantID, email: $email, role: $role, workspace: $workspace) {\n      token\n      acceptURL\n      invitation { id email role status expiresAt }\n    }\n  }\n": types.InviteMemberDocument,
    "\n  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { id status } }\n": types.RevokeInvitationDocument,
    "\n  query APIKeys($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      apiKeys(first: 1000) {\n        edges { node { id name prefix scopes active createdAt lastUsedAt deactivatedAt createdBy { id name } } }\n      }\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateAPIKey($tenantID: ID!, $name: String!, $scopes: [APIKeyScope!]!) {\n    createAPIKey(tenantID: $tenantID, name: $name, scopes: $scopes) {\n      secret\n      apiKey { id name prefix scopes active createdAt }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { id active deactivatedAt } }\n": types.DeactivateApiKeyDocument,
    "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) { id name retentionDays }\n  }\n": types.UpdateTenantDocument,
    "\n  fragment LogStreamFields on LogStream {\n    id\n    name\n    kind\n    status\n    endpoint\n    filter\n    format\n    batchSize\n    maxDelaySeconds\n    options\n    headerNames\n    hasToken\n    lastDeliveredAt\n    lastError\n    failingSince\n    nextAttemptAt\n    deliveredEntries\n    previousSecretExpiresAt\n    createdAt\n    lag { entries capped seconds }\n    createdBy { type id name email }\n  }\n": types.LogStreamFieldsFragmentDoc,
    "\n  fragment LogStreamDeliveryFields on LogStreamDelivery {\n    id\n    at\n    entries\n    httpStatus\n    latencyMs\n    error\n    ok\n    test\n    response\n  }\n": types.LogStreamDeliveryFieldsFragmentDoc,
    "\n  query LogStreams($tenantID: ID, $platform: Boolean) {\n    logStreams(tenantID: $tenantID, platform: $platform, first: 100) {\n      totalCount\n      edges { node { ...LogStreamFields } }\n    }\n  }\n": types.LogStreamsDocument,
    "\n  query LogStream($id: ID!, $deliveries: Int!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on LogStream {\n        ...LogStreamFields\n        platform\n        tenant { id slug }\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n": types.LogStreamDocument,
    "\n  subscription LogStreamChanged($tenantID: ID, $platform: Boolean) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream { ...LogStreamFields }\n    }\n  }\n": types.LogStreamChangedDocument,
    "\n  mutation CreateLogStream($tenantID: ID, $platform: Boolean, $input: LogStreamInput!) {\n    createLogStream(tenantID: $tenantID, platform: $platform, input: $input) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n": types.CreateLogStreamDocument,
    "\n  mutation UpdateLogStream($id: ID!, $input: UpdateLogStreamInput!) {\n    updateLogStream(id: $id, input: $input) { ...LogStreamFields }\n  }\n": types.UpdateLogStreamDocument,
    "\n  mutation PauseLogStream($id: ID!) { pauseLogStream(id: $id) { ...LogStreamFields } }\n": types.PauseLogStreamDocument,
    "\n  mutation ResumeLogStream($id: ID!) { resumeLogStream(id: $id) { ...LogStreamFields } }\n": types.ResumeLogStreamDocument,
    "\n  mutation DeleteLogStream($id: ID!) { deleteLogStream(id: $id) }\n": types.DeleteLogStreamDocument,
    "\n  mutation RotateLogStreamSecret($id: ID!, $overlapSeconds: Int) {\n    rotateLogStreamSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n": types.RotateLogStreamSecretDocument,
    "\n  mutation TestLogStream($id: ID!) { testLogStream(id: $id) { ...LogStreamDeliveryFields } }\n": types.TestLogStreamDocument,
    "\n  subscription LogStreamDetailChanged($tenantID: ID, $platform: Boolean, $deliveries: Int!) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream {\n        ...LogStreamFields\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n": types.LogStreamDetailChangedDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantChoices {\n    tenants(first: 1000, orderBy: { field: SLUG, direction: ASC }) {\n      edges { node { id slug name } }\n    }\n  }\n"): (typeof documents)["\n  query TenantChoices {\n    tenants(first: 1000, orderBy: { field: SLUG, direction: ASC }) {\n      edges { node { id slug name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminTenants($first: Int) {\n    tenants(first: $first) {\n      totalCount\n      edges { node { id slug name createdAt retentionDays } }\n    }\n  }\n"): (typeof documents)["\n  query AdminTenants($first: Int) {\n    tenants(first: $first) {\n      totalCount\n      edges { node { id slug name createdAt retentionDays } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { id slug name }\n  }\n"): (typeof documents)["\n  mutation CreateTenant($input: CreateTenantInput!) {\n    createTenant(input: $input) { id slug name }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Archives($tenantID: ID!, $first: Int, $offset: Int, $filter: String) {\n    archives(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges {\n        node {\n          id name format from to filter entryCount sizeBytes sha256 createdAt downloadURL manifestURL\n          createdBy { type id name email }\n          process { id status }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Archives($tenantID: ID!, $first: Int, $offset: Int, $filter: String) {\n    archives(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges {\n        node {\n          id name format from to filter entryCount sizeBytes sha256 createdAt downloadURL manifestURL\n          createdBy { type id name email }\n          process { id status }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateArchive($tenantID: ID!, $input: CreateArchiveInput!) {\n    createArchive(tenantID: $tenantID, input: $input) { id status kind }\n  }\n"): (typeof documents)["\n  mutation CreateArchive($tenantID: ID!, $input: CreateArchiveInput!) {\n    createArchive(tenantID: $tenantID, input: $input) { id status kind }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }\n"): (typeof documents)["\n  mutation DeleteArchive($id: ID!) { deleteArchive(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String, $search: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter, search: $search) {\n      totalCount\n      totalCountCapped\n      totalCountEstimated\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n"): (typeof documents)["\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String, $search: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter, search: $search) {\n      totalCount\n      totalCountCapped\n      totalCountEstimated\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEntry($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        ...AuditEntryFields\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEntry($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        ...AuditEntryFields\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditFacets($tenantID: ID, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"): (typeof documents)["\n  query AuditFacets($tenantID: ID, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n"): (typeof documents)["\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      viewer { user { id name } }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      viewer { user { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): (typeof documents)["\n  mutation Logout { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      email tenantName role workspace expiresAt accountExists\n    }\n  }\n"): (typeof documents)["\n  query InvitationPreview($token: String!) {\n    invitationPreview(token: $token) {\n      email tenantName role workspace expiresAt accountExists\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RecentActivity($tenantID: ID!, $filter: String) {\n    auditEntries(tenantID: $tenantID, first: 6, filter: $filter) {\n      edges { node { id occurredAt action resourceType resourceName status actor { type id name email } } }\n    }\n  }\n"): (typeof documents)["\n  query RecentActivity($tenantID: ID!, $filter: String) {\n    auditEntries(tenantID: $tenantID, first: 6, filter: $filter) {\n      edges { node { id occurredAt action resourceType resourceName status actor { type id name email } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RecentActivityLive($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { id occurredAt action resourceType resourceName status actor { type id name email } }\n  }\n"): (typeof documents)["\n  subscription RecentActivityLive($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { id occurredAt action resourceType resourceName status actor { type id name email } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query DashboardFacets($tenantID: ID!, $from: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, filter: $filter) {\n      total\n      byAction { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"): (typeof documents)["\n  query DashboardFacets($tenantID: ID!, $from: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, filter: $filter) {\n      total\n      byAction { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntryContent($id: ID!, $withRequest: Boolean!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        hash\n        tenant { id }\n        occurredAt\n        receivedAt\n        action\n        resourceType\n        resourceID\n        resourceName\n        workspace\n        actor { type id name email }\n        status\n        oldValue\n        newValue\n        metadata\n        request @include(if: $withRequest) { method path operationName payload sourceIP userAgent httpStatus }\n        idempotencyKey\n      }\n    }\n  }\n"): (typeof documents)["\n  query EntryContent($id: ID!, $withRequest: Boolean!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        hash\n        tenant { id }\n        occurredAt\n        receivedAt\n        action\n        resourceType\n        resourceID\n        resourceName\n        workspace\n        actor { type id name email }\n        status\n        oldValue\n        newValue\n        metadata\n        request @include(if: $withRequest) { method path operationName payload sourceIP userAgent httpStatus }\n        idempotencyKey\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogHead($tenantID: ID, $platform: Boolean, $withCheckpoint: Boolean!) {\n    logKey\n    checkpoint(tenantID: $tenantID, platform: $platform) @include(if: $withCheckpoint) { origin treeSize rootHash note createdAt }\n  }\n"): (typeof documents)["\n  query LogHead($tenantID: ID, $platform: Boolean, $withCheckpoint: Boolean!) {\n    logKey\n    checkpoint(tenantID: $tenantID, platform: $platform) @include(if: $withCheckpoint) { origin treeSize rootHash note createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EntryInclusion($id: ID!, $treeSize: Int) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        inclusionProof(treeSize: $treeSize) { leafIndex treeSize rootHash hashes checkpointNote legacyHash }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EntryInclusion($id: ID!, $treeSize: Int) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        seq\n        inclusionProof(treeSize: $treeSize) { leafIndex treeSize rootHash hashes checkpointNote legacyHash }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IntegrityPage($tenantID: ID!) {\n    logKey\n    checkpoint(tenantID: $tenantID) { origin treeSize rootHash note createdAt }\n  }\n"): (typeof documents)["\n  query IntegrityPage($tenantID: ID!) {\n    logKey\n    checkpoint(tenantID: $tenantID) { origin treeSize rootHash note createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LastVerification($tenantID: ID!) {\n    processes(tenantID: $tenantID, first: 1, filter: \"kind = 'verify'\") {\n      edges { node { id kind status progress error createdAt startedAt finishedAt initiator { type id name email } } }\n    }\n  }\n"): (typeof documents)["\n  query LastVerification($tenantID: ID!) {\n    processes(tenantID: $tenantID, first: 1, filter: \"kind = 'verify'\") {\n      edges { node { id kind status progress error createdAt startedAt finishedAt initiator { type id name email } } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Consistency($tenantID: ID!, $fromSize: Int!, $toSize: Int) {\n    consistencyProof(tenantID: $tenantID, fromSize: $fromSize, toSize: $toSize) { fromSize toSize hashes }\n  }\n"): (typeof documents)["\n  query Consistency($tenantID: ID!, $fromSize: Int!, $toSize: Int) {\n    consistencyProof(tenantID: $tenantID, fromSize: $fromSize, toSize: $toSize) { fromSize toSize hashes }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartVerification($tenantID: ID!) {\n    startVerification(tenantID: $tenantID) { id kind status createdAt }\n  }\n"): (typeof documents)["\n  mutation StartVerification($tenantID: ID!) {\n    startVerification(tenantID: $tenantID) { id kind status createdAt }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n"): (typeof documents)["\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProcessFields on Process {\n    id\n    kind\n    status\n    progress\n    error\n    createdAt\n    startedAt\n    finishedAt\n    initiator { type id name email }\n  }\n"): (typeof documents)["\n  fragment ProcessFields on Process {\n    id\n    kind\n    status\n    progress\n    error\n    createdAt\n    startedAt\n    finishedAt\n    initiator { type id name email }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Processes($tenantID: ID!, $first: Int, $offset: Int, $filter: String, $withHead: Boolean! = false) {\n    processes(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...ProcessFields } }\n    }\n    head: processes(tenantID: $tenantID, first: 1, filter: $filter) @include(if: $withHead) {\n      edges { node { id } }\n    }\n  }\n"): (typeof documents)["\n  query Processes($tenantID: ID!, $first: Int, $offset: Int, $filter: String, $withHead: Boolean! = false) {\n    processes(tenantID: $tenantID, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...ProcessFields } }\n    }\n    head: processes(tenantID: $tenantID, first: 1, filter: $filter) @include(if: $withHead) {\n      edges { node { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProcessHead($tenantID: ID!, $first: Int, $filter: String) {\n    processes(tenantID: $tenantID, first: $first, filter: $filter) {\n      edges { node { id } }\n    }\n  }\n"): (typeof documents)["\n  query ProcessHead($tenantID: ID!, $first: Int, $filter: String) {\n    processes(tenantID: $tenantID, first: $first, filter: $filter) {\n      edges { node { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProcessesByID($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Process { ...ProcessFields }\n    }\n  }\n"): (typeof documents)["\n  query ProcessesByID($ids: [ID!]!) {\n    nodes(ids: $ids) {\n      id\n      ... on Process { ...ProcessFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Process($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process {\n        ...ProcessFields\n        input\n        result\n        schedule { id cron platform }\n        archive { id name downloadURL }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Process($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process {\n        ...ProcessFields\n        input\n        result\n        schedule { id cron platform }\n        archive { id name downloadURL }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ProcessTenant($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process { tenant { id slug } }\n    }\n  }\n"): (typeof documents)["\n  query ProcessTenant($id: ID!) {\n    node(id: $id) {\n      id\n      ... on Process { tenant { id slug } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProcessUpdated($tenantID: ID!, $id: ID) {\n    processUpdated(tenantID: $tenantID, id: $id) { ...ProcessFields }\n  }\n"): (typeof documents)["\n  subscription ProcessUpdated($tenantID: ID!, $id: ID) {\n    processUpdated(tenantID: $tenantID, id: $id) { ...ProcessFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ProcessLog($processID: ID!, $afterSeq: Int) {\n    processLogAppended(processID: $processID, afterSeq: $afterSeq) { seq at level message }\n  }\n"): (typeof documents)["\n  subscription ProcessLog($processID: ID!, $afterSeq: Int) {\n    processLogAppended(processID: $processID, afterSeq: $afterSeq) { seq at level message }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelProcess($id: ID!) {\n    cancelProcess(id: $id) { ...ProcessFields }\n  }\n"): (typeof documents)["\n  mutation CancelProcess($id: ID!) {\n    cancelProcess(id: $id) { ...ProcessFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Schedules($tenantID: ID, $platform: Boolean) {\n    schedules(tenantID: $tenantID, platform: $platform) {\n      id kind cron input enabled nextRunAt platform\n      lastProcess { id status createdAt finishedAt error }\n    }\n  }\n"): (typeof documents)["\n  query Schedules($tenantID: ID, $platform: Boolean) {\n    schedules(tenantID: $tenantID, platform: $platform) {\n      id kind cron input enabled nextRunAt platform\n      lastProcess { id status createdAt finishedAt error }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSchedule($tenantID: ID, $platform: Boolean, $input: CreateScheduleInput!) {\n    createSchedule(tenantID: $tenantID, platform: $platform, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n"): (typeof documents)["\n  mutation CreateSchedule($tenantID: ID, $platform: Boolean, $input: CreateScheduleInput!) {\n    createSchedule(tenantID: $tenantID, platform: $platform, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n"): (typeof documents)["\n  mutation UpdateSchedule($id: ID!, $input: UpdateScheduleInput!) {\n    updateSchedule(id: $id, input: $input) { id kind cron input enabled nextRunAt platform }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }\n"): (typeof documents)["\n  mutation DeleteSchedule($id: ID!) { deleteSchedule(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SavedFilterFields on SavedFilter {\n    id\n    name\n    page\n    state\n    shared\n    mine\n    canDelete\n  }\n"): (typeof documents)["\n  fragment SavedFilterFields on SavedFilter {\n    id\n    name\n    page\n    state\n    shared\n    mine\n    canDelete\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SavedFilters($tenantID: ID!, $page: SavedFilterPage!) {\n    savedFilters(tenantID: $tenantID, page: $page) { ...SavedFilterFields }\n  }\n"): (typeof documents)["\n  query SavedFilters($tenantID: ID!, $page: SavedFilterPage!) {\n    savedFilters(tenantID: $tenantID, page: $page) { ...SavedFilterFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSavedFilter($tenantID: ID!, $input: CreateSavedFilterInput!) {\n    createSavedFilter(tenantID: $tenantID, input: $input) { ...SavedFilterFields }\n  }\n"): (typeof documents)["\n  mutation CreateSavedFilter($tenantID: ID!, $input: CreateSavedFilterInput!) {\n    createSavedFilter(tenantID: $tenantID, input: $input) { ...SavedFilterFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSavedFilter($id: ID!, $input: UpdateSavedFilterInput!) {\n    updateSavedFilter(id: $id, input: $input) { ...SavedFilterFields }\n  }\n"): (typeof documents)["\n  mutation UpdateSavedFilter($id: ID!, $input: UpdateSavedFilterInput!) {\n    updateSavedFilter(id: $id, input: $input) { ...SavedFilterFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteSavedFilter($id: ID!) {\n    deleteSavedFilter(id: $id)\n  }\n"): (typeof documents)["\n  mutation DeleteSavedFilter($id: ID!) {\n    deleteSavedFilter(id: $id)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Members($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      members(first: 1000) {\n        totalCount\n        edges { node { id role workspace createdAt user { id name email } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Members($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      members(first: 1000) {\n        totalCount\n        edges { node { id role workspace createdAt user { id name email } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateMembership($id: ID!, $role: Role!, $workspace: String) {\n    updateMembership(id: $id, role: $role, workspace: $workspace) { id role workspace }\n  }\n"): (typeof documents)["\n  mutation UpdateMembership($id: ID!, $role: Role!, $workspace: String) {\n    updateMembership(id: $id, role: $role, workspace: $workspace) { id role workspace }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }\n"): (typeof documents)["\n  mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Invitations($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      invitations(first: 1000) {\n        edges { node { id email role status expiresAt invitedBy { id name } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Invitations($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      invitations(first: 1000) {\n        edges { node { id email role status expiresAt invitedBy { id name } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation InviteMember($tenantID: ID!, $email: String!, $role: Role!, $workspace: String) {\n    inviteMember(tenantID: $tenantID, email: $email, role: $role, workspace: $workspace) {\n      token\n      acceptURL\n      invitation { id email role status expiresAt }\n    }\n  }\n"): (typeof documents)["\n  mutation InviteMember($tenantID: ID!, $email: String!, $role: Role!, $workspace: String) {\n    inviteMember(tenantID: $tenantID, email: $email, role: $role, workspace: $workspace) {\n      token\n      acceptURL\n      invitation { id email role status expiresAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { id status } }\n"): (typeof documents)["\n  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { id status } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query APIKeys($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      apiKeys(first: 1000) {\n        edges { node { id name prefix scopes active createdAt lastUsedAt deactivatedAt createdBy { id name } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query APIKeys($slug: String!) {\n    tenant(slug: $slug) {\n      id\n      apiKeys(first: 1000) {\n        edges { node { id name prefix scopes active createdAt lastUsedAt deactivatedAt createdBy { id name } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateAPIKey($tenantID: ID!, $name: String!, $scopes: [APIKeyScope!]!) {\n    createAPIKey(tenantID: $tenantID, name: $name, scopes: $scopes) {\n      secret\n      apiKey { id name prefix scopes active createdAt }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateAPIKey($tenantID: ID!, $name: String!, $scopes: [APIKeyScope!]!) {\n    createAPIKey(tenantID: $tenantID, name: $name, scopes: $scopes) {\n      secret\n      apiKey { id name prefix scopes active createdAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { id active deactivatedAt } }\n"): (typeof documents)["\n  mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { id active deactivatedAt } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) { id name retentionDays }\n  }\n"): (typeof documents)["\n  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {\n    updateTenant(id: $id, input: $input) { id name retentionDays }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogStreamFields on LogStream {\n    id\n    name\n    kind\n    status\n    endpoint\n    filter\n    format\n    batchSize\n    maxDelaySeconds\n    options\n    headerNames\n    hasToken\n    lastDeliveredAt\n    lastError\n    failingSince\n    nextAttemptAt\n    deliveredEntries\n    previousSecretExpiresAt\n    createdAt\n    lag { entries capped seconds }\n    createdBy { type id name email }\n  }\n"): (typeof documents)["\n  fragment LogStreamFields on LogStream {\n    id\n    name\n    kind\n    status\n    endpoint\n    filter\n    format\n    batchSize\n    maxDelaySeconds\n    options\n    headerNames\n    hasToken\n    lastDeliveredAt\n    lastError\n    failingSince\n    nextAttemptAt\n    deliveredEntries\n    previousSecretExpiresAt\n    createdAt\n    lag { entries capped seconds }\n    createdBy { type id name email }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment LogStreamDeliveryFields on LogStreamDelivery {\n    id\n    at\n    entries\n    httpStatus\n    latencyMs\n    error\n    ok\n    test\n    response\n  }\n"): (typeof documents)["\n  fragment LogStreamDeliveryFields on LogStreamDelivery {\n    id\n    at\n    entries\n    httpStatus\n    latencyMs\n    error\n    ok\n    test\n    response\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogStreams($tenantID: ID, $platform: Boolean) {\n    logStreams(tenantID: $tenantID, platform: $platform, first: 100) {\n      totalCount\n      edges { node { ...LogStreamFields } }\n    }\n  }\n"): (typeof documents)["\n  query LogStreams($tenantID: ID, $platform: Boolean) {\n    logStreams(tenantID: $tenantID, platform: $platform, first: 100) {\n      totalCount\n      edges { node { ...LogStreamFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LogStream($id: ID!, $deliveries: Int!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on LogStream {\n        ...LogStreamFields\n        platform\n        tenant { id slug }\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LogStream($id: ID!, $deliveries: Int!) {\n    node(id: $id) {\n      __typename\n      id\n      ... on LogStream {\n        ...LogStreamFields\n        platform\n        tenant { id slug }\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LogStreamChanged($tenantID: ID, $platform: Boolean) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream { ...LogStreamFields }\n    }\n  }\n"): (typeof documents)["\n  subscription LogStreamChanged($tenantID: ID, $platform: Boolean) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream { ...LogStreamFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateLogStream($tenantID: ID, $platform: Boolean, $input: LogStreamInput!) {\n    createLogStream(tenantID: $tenantID, platform: $platform, input: $input) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n"): (typeof documents)["\n  mutation CreateLogStream($tenantID: ID, $platform: Boolean, $input: LogStreamInput!) {\n    createLogStream(tenantID: $tenantID, platform: $platform, input: $input) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateLogStream($id: ID!, $input: UpdateLogStreamInput!) {\n    updateLogStream(id: $id, input: $input) { ...LogStreamFields }\n  }\n"): (typeof documents)["\n  mutation UpdateLogStream($id: ID!, $input: UpdateLogStreamInput!) {\n    updateLogStream(id: $id, input: $input) { ...LogStreamFields }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PauseLogStream($id: ID!) { pauseLogStream(id: $id) { ...LogStreamFields } }\n"): (typeof documents)["\n  mutation PauseLogStream($id: ID!) { pauseLogStream(id: $id) { ...LogStreamFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeLogStream($id: ID!) { resumeLogStream(id: $id) { ...LogStreamFields } }\n"): (typeof documents)["\n  mutation ResumeLogStream($id: ID!) { resumeLogStream(id: $id) { ...LogStreamFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteLogStream($id: ID!) { deleteLogStream(id: $id) }\n"): (typeof documents)["\n  mutation DeleteLogStream($id: ID!) { deleteLogStream(id: $id) }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RotateLogStreamSecret($id: ID!, $overlapSeconds: Int) {\n    rotateLogStreamSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n"): (typeof documents)["\n  mutation RotateLogStreamSecret($id: ID!, $overlapSeconds: Int) {\n    rotateLogStreamSecret(id: $id, overlapSeconds: $overlapSeconds) {\n      secret\n      logStream { ...LogStreamFields }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TestLogStream($id: ID!) { testLogStream(id: $id) { ...LogStreamDeliveryFields } }\n"): (typeof documents)["\n  mutation TestLogStream($id: ID!) { testLogStream(id: $id) { ...LogStreamDeliveryFields } }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LogStreamDetailChanged($tenantID: ID, $platform: Boolean, $deliveries: Int!) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream {\n        ...LogStreamFields\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription LogStreamDetailChanged($tenantID: ID, $platform: Boolean, $deliveries: Int!) {\n    logStreamChanged(tenantID: $tenantID, platform: $platform) {\n      id\n      deleted\n      logStream {\n        ...LogStreamFields\n        deliveries(first: $deliveries) { edges { node { ...LogStreamDeliveryFields } } }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;