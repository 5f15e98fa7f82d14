import { Alert, Button, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CopyTextButton } from '../../components/CopyText';
import { FormFooter } from '../../components/FormFooter';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/badges';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useConfirmedMutation, useDialog } from '../../components/useConfirmedMutation';
import type { Role } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { errorMessage } from '../../lib/errors';
import { formatLocal } from '../../lib/format';
import { useTenant } from '../layout/tenant';
import { InvitationsQuery, InviteMemberMutation, RevokeInvitationMutation } from './documents';
import { assignableRoles } from './MembersPage';

export function absoluteURL(path: string): string {
  return new URL(path, window.location.origin).toString();
}

function InviteForm({ tenantID, role, onDone }: { tenantID: string; role: Role | null; onDone(): void }) {
  const [email, setEmail] = useState('');
  const [newRole, setNewRole] = useState<Role>('MEMBER');
  const [workspace, setWorkspace] = useState('');
  const [{ data, fetching, error }, invite] = useMutation(InviteMemberMutation);
  if (data) {
    const link = absoluteURL(data.inviteMember.acceptURL);
    return (
      <Stack>
        <Alert color="teal" title="Invitation created">
          Send this link to {data.inviteMember.invitation.email}. It is shown only now.
        </Alert>
        <TextInput label="Invitation link" value={link} readOnly onFocus={(e) => e.currentTarget.select()} ff="monospace" />
        <Group justify="flex-end">
          <CopyTextButton value={link} label="Copy link" />
          <Button onClick={onDone}>Done</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        invite({ tenantID, email, role: newRole, workspace: workspace || undefined });
      }}
    >
      <Stack>
        <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <Select label="Role" data={assignableRoles(role)} value={newRole} onChange={(v) => v && setNewRole(v as Role)} allowDeselect={false} />
        <TextInput label="Workspace scope" description="Optional: limit an ADMIN or AUDITOR to one workspace." value={workspace} onChange={(e) => setWorkspace(e.currentTarget.value)} />
        <FormFooter error={errorMessage(error)} label="Send invitation" busy={fetching} />
      </Stack>
    </form>
  );
}

export function InvitationsPage() {
  const tenant = useTenant();
  const canManage = tenant.can.manage;
  // An empty list holds no Invitation for the cache to invalidate on: name the type, or the
  // first invitation would only show after a reload.
  const context = useMemo(() => ({ additionalTypenames: ['Invitation'] }), []);
  const [{ data, fetching, error }, refetch] = useQuery({ query: InvitationsQuery, variables: { slug: tenant.slug }, context });
  const rows = nodesOf(data?.tenant?.invitations);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const inviting = useDialog(reload);
  const revoking = useConfirmedMutation(RevokeInvitationMutation, (i: { id: string; email: string }) => ({ id: i.id }), reload);
  return (
    <Stack gap="sm">
      <PageHeader title="Invitations" description="Pending and past invitations to this tenant." actions={canManage && <Button onClick={() => inviting.open(true)}>Invite member</Button>} />
      {fetching && !data && <LoadingState />}
      {error && !data?.tenant?.invitations && !fetching && <ErrorState error={error} onRetry={reload} />}
      {data?.tenant?.invitations && rows.length === 0 && <EmptyState title="No invitations" />}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing={6} fz="sm" aria-label="Invitations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Invited by</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((i) => (
                <Table.Tr key={i.id}>
                  <Table.Td>{i.email}</Table.Td>
                  <Table.Td>{i.role}</Table.Td>
                  <Table.Td>
                    <StatusBadge status={i.status} />
                  </Table.Td>
                  <Table.Td>{formatLocal(i.expiresAt)}</Table.Td>
                  <Table.Td>{i.invitedBy?.name ?? <Text span c="dimmed">—</Text>}</Table.Td>
                  <Table.Td>
                    {canManage && i.status === 'PENDING' && (
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => revoking.open({ id: i.id, email: i.email })}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={inviting.opened} onClose={inviting.done} title="Invite a member">
        {inviting.opened && <InviteForm tenantID={tenant.id} role={tenant.role} onDone={inviting.done} />}
      </Modal>
      <ConfirmModal {...revoking.modal} title="Revoke invitation?" confirmLabel="Revoke" danger>
        The link sent to {revoking.target?.email} stops working.
      </ConfirmModal>
    </Stack>
  );
}
