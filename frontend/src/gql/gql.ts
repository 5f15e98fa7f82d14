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
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n": typeof types.AuditEntriesDocument,
    "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n": typeof types.AuditEntryRequestDocument,
    "\n  query AuditFacets($tenantID: ID!, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": typeof types.AuditFacetsDocument,
    "\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n": typeof types.AuditEntryCreatedDocument,
    "\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      viewer { user { id name } }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout { logout }\n": typeof types.LogoutDocument,
    "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n": typeof types.AcceptInvitationDocument,
    "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n": typeof types.TenantDocument,
};
const documents: Documents = {
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n": types.AuditEntriesDocument,
    "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n": types.AuditEntryRequestDocument,
    "\n  query AuditFacets($tenantID: ID!, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n": types.AuditFacetsDocument,
    "\n  subscription AuditEntryCreated($tenantID: ID, $filter: String) {\n    auditEntryCreated(tenantID: $tenantID, filter: $filter) { ...AuditEntryFields }\n  }\n": types.AuditEntryCreatedDocument,
    "\n  query Viewer {\n    viewer {\n      user { id name email isPlatformAdmin }\n      memberships { id role workspace tenant { id slug name } }\n    }\n  }\n": types.ViewerDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      viewer { user { id name } }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout { logout }\n": types.LogoutDocument,
    "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n": types.AcceptInvitationDocument,
    "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n": types.TenantDocument,
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
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n"): (typeof documents)["\n  fragment AuditEntryFields on AuditEntry {\n    id\n    occurredAt\n    receivedAt\n    action\n    resourceType\n    resourceID\n    resourceName\n    workspace\n    status\n    tenant { id slug name }\n    actor { type id name email }\n    oldValue\n    newValue\n    changes { path old new }\n    metadata\n    idempotencyKey\n    hash\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n"): (typeof documents)["\n  query AuditEntries($tenantID: ID, $platform: Boolean, $first: Int, $offset: Int, $filter: String) {\n    auditEntries(tenantID: $tenantID, platform: $platform, first: $first, offset: $offset, filter: $filter) {\n      totalCount\n      edges { node { ...AuditEntryFields } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AuditEntryRequest($id: ID!) {\n    node(id: $id) {\n      id\n      ... on AuditEntry {\n        request { method path operationName payload sourceIP userAgent httpStatus }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditFacets($tenantID: ID!, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"): (typeof documents)["\n  query AuditFacets($tenantID: ID!, $from: Time, $to: Time, $filter: String) {\n    auditFacets(tenantID: $tenantID, from: $from, to: $to, filter: $filter) {\n      total\n      byAction { value count }\n      byResourceType { value count }\n      byActor { value count }\n      byStatus { value count }\n      byDay { day count }\n    }\n  }\n"];
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
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      viewer { user { id name } }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      token\n      viewer { user { id name } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout { logout }\n"): (typeof documents)["\n  mutation Logout { logout }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptInvitation($token: String!, $name: String, $password: String) {\n    acceptInvitation(token: $token, name: $name, password: $password) {\n      id role tenant { id slug name }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n"): (typeof documents)["\n  query Tenant($slug: String!) {\n    tenant(slug: $slug) { id slug name createdAt retentionDays viewerRole }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;