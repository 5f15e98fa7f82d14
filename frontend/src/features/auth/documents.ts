import { graphql } from '../../gql';

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      user { id name email isPlatformAdmin }
      memberships { id role workspace tenant { id slug name } }
    }
  }
`);

export const LoginMutation = graphql(`
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      viewer { user { id name } }
    }
  }
`);

export const LogoutMutation = graphql(`
  mutation Logout { logout }
`);

export const InvitationPreviewQuery = graphql(`
  query InvitationPreview($token: String!) {
    invitationPreview(token: $token) {
      email tenantName role workspace expiresAt accountExists
    }
  }
`);

export const AcceptInvitationMutation = graphql(`
  mutation AcceptInvitation($token: String!, $name: String, $password: String) {
    acceptInvitation(token: $token, name: $name, password: $password) {
      id role tenant { id slug name }
    }
  }
`);
