import { Alert, Anchor, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { errorMessage } from '../../lib/errors';
import { AcceptInvitationMutation } from './documents';
import { useSession } from './session';

export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { viewer, refresh, signIn } = useSession();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [{ fetching, error }, accept] = useMutation(AcceptInvitationMutation);
  const [done, setDone] = useState<string | null>(null);

  if (!token)
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" title="Invalid invitation link">
          The link has no invitation token. Ask for a new invitation.
        </Alert>
      </Center>
    );

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440}>
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            const res = await accept({ token, name: viewer ? undefined : name, password: viewer ? undefined : password });
            if (res.data) {
              const slug = res.data.acceptInvitation.tenant.slug;
              if (!viewer && email && password) await signIn(email, password);
              else refresh();
              setDone(slug);
              navigate(`/t/${slug}`, { replace: true });
            }
          }}
        >
          <Stack>
            <Title order={1} size="h3">
              Accept invitation
            </Title>
            {viewer ? (
              <Text size="sm">
                You are signed in as <b>{viewer.user.name}</b>. Accepting adds this tenant to your account.
              </Text>
            ) : (
              <>
                <Text size="sm" c="dimmed">
                  Create your account, or enter the password of your existing account. Already have one?{' '}
                  <Anchor component={Link} to={`/sign-in?next=${encodeURIComponent(`/accept-invitation?token=${token}`)}`}>
                    Sign in first
                  </Anchor>
                  .
                </Text>
                <TextInput label="Your name" value={name} onChange={(e) => setName(e.currentTarget.value)} autoComplete="name" />
                <TextInput
                  label="Email (the invited address)"
                  type="email"
                  value={email}
                  onChange={(e) => setEmail(e.currentTarget.value)}
                  autoComplete="username"
                  description="Used to sign you in right after accepting."
                />
                <PasswordInput label="Password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" />
              </>
            )}
            {error && (
              <Alert color="red" role="alert">
                {errorMessage(error)}
              </Alert>
            )}
            {done && <Alert color="teal">Welcome to {done}!</Alert>}
            <Button type="submit" loading={fetching}>
              Accept invitation
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
