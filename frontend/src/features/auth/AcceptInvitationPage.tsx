import { usePageTitle } from '../../components/usePageTitle';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { LoadingState } from '../../components/states';
import { errorMessage } from '../../lib/errors';
import { acceptStep } from './acceptStep';
import { AcceptInvitationMutation, InvitationPreviewQuery } from './documents';
import { useSession } from './session';

function Frame({ children }: { children: ReactNode }) {
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        {children}
      </Paper>
    </Center>
  );
}

/**
 * /accept-invitation?token=…: asks the server what the invitation is for,
 * then creates the account (a new email, signed out), or signs in as the
 * invited account and accepts (an email that has one). The token alone
 * never joins an existing account.
 */
export function AcceptInvitationPage() {
  usePageTitle('Accept invitation');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { viewer, loading, refresh, signIn, signOut } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [signInError, setSignInError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  // The tenant joined: the page shows that while the session catches up and the app moves on.
  const [joined, setJoined] = useState<string | null>(null);
  const [preview] = useQuery({ query: InvitationPreviewQuery, variables: { token }, pause: !token, requestPolicy: 'network-only' });
  const [{ fetching, error }, accept] = useMutation(AcceptInvitationMutation);
  // Set by "Sign in and accept": accept once the session is the invited account.
  const acceptAfterSignIn = useRef(false);

  const invitation = preview.data?.invitationPreview;
  const step = invitation && !loading ? acceptStep(invitation, viewer?.user.email) : null;

  const acceptSignedIn = async () => {
    const res = await accept({ token });
    if (!res.data) return;
    setJoined(res.data.acceptInvitation.tenant.name);
    refresh();
    navigate(`/t/${res.data.acceptInvitation.tenant.slug}`, { replace: true });
  };

  useEffect(() => {
    if (step === 'accept' && acceptAfterSignIn.current) {
      acceptAfterSignIn.current = false;
      void acceptSignedIn();
    }
  });

  if (!token)
    return (
      <Frame>
        <Alert color="red" title="Invalid invitation link" role="alert">
          The link has no invitation token. Ask for a new invitation.
        </Alert>
      </Frame>
    );
  if (joined)
    return (
      <Frame>
        <LoadingState label={`Joining ${joined}…`} />
      </Frame>
    );
  if (preview.error)
    return (
      <Frame>
        <Alert color="red" title="This invitation cannot be accepted" role="alert">
          {errorMessage(preview.error)}. Ask for a new invitation.
        </Alert>
      </Frame>
    );
  if (!invitation || !step)
    return (
      <Frame>
        <LoadingState label="Reading the invitation…" />
      </Frame>
    );

  const what = (
    <Text size="sm">
      You are invited to <b>{invitation.tenantName}</b> as {invitation.role}
      {invitation.workspace ? ` (workspace ${invitation.workspace})` : ''}. The invitation is for <b>{invitation.email}</b>.
    </Text>
  );
  const heading = (
    <>
      <Title order={1} size="h3">
        Accept invitation
      </Title>
      {what}
    </>
  );
  const serverError = error && (
    <Alert color="red" role="alert">
      {errorMessage(error)}
    </Alert>
  );

  if (step === 'other-account')
    return (
      <Frame>
        <Stack>
          {heading}
          <Alert color="red" role="alert" title="Signed in as another account">
            You are signed in as {viewer?.user.email}. Sign out, then{' '}
            {invitation.accountExists ? `sign in as ${invitation.email}` : `create the account of ${invitation.email}`} to accept.
          </Alert>
          <Button variant="default" onClick={() => void signOut()}>
            Sign out
          </Button>
        </Stack>
      </Frame>
    );

  if (step === 'accept')
    return (
      <Frame>
        <Stack>
          {heading}
          <Text size="sm">
            You are signed in as <b>{viewer?.user.name}</b>. Accepting adds this tenant to your account.
          </Text>
          {serverError}
          <Button loading={fetching} onClick={() => void acceptSignedIn()}>
            Accept invitation
          </Button>
        </Stack>
      </Frame>
    );

  if (step === 'sign-in')
    return (
      <Frame>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setSigningIn(true);
            setSignInError(null);
            acceptAfterSignIn.current = true;
            const err = await signIn(invitation.email, password);
            setSigningIn(false);
            if (err) {
              acceptAfterSignIn.current = false;
              setSignInError(err);
            }
          }}
        >
          <Stack>
            {heading}
            <Text size="sm" c="dimmed">
              This email already has a Trailmark account. Sign in as it to accept; accepting does not change its name or
              password.
            </Text>
            <TextInput label="Email" type="email" value={invitation.email} readOnly autoComplete="username" />
            <PasswordInput
              label="Password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              autoComplete="current-password"
            />
            {signInError && (
              <Alert color="red" role="alert">
                {signInError}
              </Alert>
            )}
            {serverError}
            <Button type="submit" loading={signingIn || fetching}>
              Sign in and accept
            </Button>
          </Stack>
        </form>
      </Frame>
    );

  return (
    <Frame>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const res = await accept({ token, name, password });
          if (!res.data) return;
          setJoined(res.data.acceptInvitation.tenant.name);
          await signIn(invitation.email, password);
          navigate(`/t/${res.data.acceptInvitation.tenant.slug}`, { replace: true });
        }}
      >
        <Stack>
          {heading}
          <Text size="sm" c="dimmed">
            Create your account to accept.
          </Text>
          <TextInput label="Your name" required value={name} onChange={(e) => setName(e.currentTarget.value)} autoComplete="name" />
          <TextInput label="Email" type="email" value={invitation.email} readOnly autoComplete="username" />
          <PasswordInput
            label="Password"
            description="At least 10 characters."
            required
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            autoComplete="new-password"
          />
          {serverError}
          <Button type="submit" loading={fetching}>
            Create account and accept
          </Button>
        </Stack>
      </form>
    </Frame>
  );
}
