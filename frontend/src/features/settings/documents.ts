import { graphql } from '../../gql';

export const MembersQuery = graphql(`
  query Members($slug: String!) {
    tenant(slug: $slug) {
      id
      members(first: 1000) {
        totalCount
        edges { node { id role workspace createdAt user { id name email } } }
      }
    }
  }
`);

export const UpdateMembershipMutation = graphql(`
  mutation UpdateMembership($id: ID!, $role: Role!, $workspace: String) {
    updateMembership(id: $id, role: $role, workspace: $workspace) { id role workspace }
  }
`);

export const RemoveMembershipMutation = graphql(`
  mutation RemoveMembership($id: ID!) { removeMembership(id: $id) }
`);

export const InvitationsQuery = graphql(`
  query Invitations($slug: String!) {
    tenant(slug: $slug) {
      id
      invitations(first: 1000) {
        edges { node { id email role status expiresAt invitedBy { id name } } }
      }
    }
  }
`);

export const InviteMemberMutation = graphql(`
  mutation InviteMember($tenantID: ID!, $email: String!, $role: Role!, $workspace: String) {
    inviteMember(tenantID: $tenantID, email: $email, role: $role, workspace: $workspace) {
      token
      acceptURL
      invitation { id email role status expiresAt }
    }
  }
`);

export const RevokeInvitationMutation = graphql(`
  mutation RevokeInvitation($id: ID!) { revokeInvitation(id: $id) { id status } }
`);

export const APIKeysQuery = graphql(`
  query APIKeys($slug: String!) {
    tenant(slug: $slug) {
      id
      apiKeys(first: 1000) {
        edges { node { id name prefix scopes active createdAt lastUsedAt deactivatedAt createdBy { id name } } }
      }
    }
  }
`);

export const CreateAPIKeyMutation = graphql(`
  mutation CreateAPIKey($tenantID: ID!, $name: String!, $scopes: [APIKeyScope!]!) {
    createAPIKey(tenantID: $tenantID, name: $name, scopes: $scopes) {
      secret
      apiKey { id name prefix scopes active createdAt }
    }
  }
`);

export const DeactivateAPIKeyMutation = graphql(`
  mutation DeactivateAPIKey($id: ID!) { deactivateAPIKey(id: $id) { id active deactivatedAt } }
`);

export const UpdateTenantMutation = graphql(`
  mutation UpdateTenant($id: ID!, $input: UpdateTenantInput!) {
    updateTenant(id: $id, input: $input) { id name retentionDays }
  }
`);
