/**
 * What the accept-invitation page asks for. An invitation never vouches for
 * an existing account (the inviter holds the token too), so an email that
 * has one is accepted only while signed in as it; a new account is created
 * signed out, with a name and a password.
 */
export type AcceptStep =
  /** Signed out, no account yet: ask for name and password, then create it. */
  | 'create'
  /** Signed out, the email has an account: sign in as it, then accept. */
  | 'sign-in'
  /** Signed in as the invited account: accept with the token alone. */
  | 'accept'
  /** Signed in as someone else: sign out first. */
  | 'other-account';

export function acceptStep(invitation: { email: string; accountExists: boolean }, viewerEmail: string | null | undefined): AcceptStep {
  if (viewerEmail != null) return sameEmail(viewerEmail, invitation.email) ? 'accept' : 'other-account';
  return invitation.accountExists ? 'sign-in' : 'create';
}

/** Emails are matched case-insensitively, as the server does. */
export function sameEmail(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
