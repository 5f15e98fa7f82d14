import { Button, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmModal } from '../../components/ConfirmModal';
import { PageHeader } from '../../components/PageHeader';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import { useConfirmedMutation } from '../../components/useConfirmedMutation';
import type { Role } from '../../gql/graphql';
import { nodesOf } from '../../lib/connection';
import { formatLocal } from '../../lib/format';
import { ROLES } from '../auth/roles';
import { useViewer } from '../auth/session';
import { useTenant } from '../layout/tenant';
import { MembersQuery, RemoveMembershipMutation, UpdateMembershipMutation } from './documents';

/** Roles the viewer may hand out: only owners make owners. */
export function assignableRoles(viewerRole: Role | null): Role[] {
  return ROLES.filter((r) => r !== 'OWNER' || viewerRole === 'OWNER');
}

interface RoleChange {
  id: string;
  name: string;
  from: Role;
  to: Role;
  workspace: string | null;
}

/** What the new role allows, in a sentence (docs/security.md "Roles and what they see"). */
export function roleEffect(role: Role): string {
  switch (role) {
    case 'OWNER':
      return 'Owners manage everything, including other owners and retention.';
    case 'ADMIN':
      return 'Admins manage members, invitations, API keys, archives and schedules.';
    case 'AUDITOR':
      return 'Auditors read the whole log, processes and archives, and change nothing.';
    case 'MEMBER':
      return 'Members see only their own activity.';
  }
}

export function MembersPage() {
  const tenant = useTenant();
  const viewer = useViewer();
  const canManage = tenant.can.manage;
  const [{ data, fetching, error }, refetch] = useQuery({ query: MembersQuery, variables: { slug: tenant.slug } });
  const [upd, update] = useMutation(UpdateMembershipMutation);
  const [workspaceDraft, setWorkspaceDraft] = useState<Record<string, string>>({});
  const members = nodesOf(data?.tenant?.members);
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const removing = useConfirmedMutation(RemoveMembershipMutation, (m: { id: string; name: string }) => ({ id: m.id }), reload);
  // A role change grants or takes away rights at once: it is confirmed first.
  const changingRole = useConfirmedMutation(
    UpdateMembershipMutation,
    (c: RoleChange) => ({ id: c.id, role: c.to, workspace: c.workspace }),
    reload,
  );
  const roles = assignableRoles(tenant.role);
  return (
    <Stack gap="sm">
      <PageHeader title="Members" description="People with access to this tenant, their role and optional workspace scope." />
      {upd.error && <ErrorState error={upd.error} title="Could not update the member" />}
      {fetching && !data && <LoadingState />}
      {error && !data?.tenant?.members && !fetching && <ErrorState error={error} onRetry={reload} />}
      {data && members.length === 0 && !error && <EmptyState title="No members" />}
      {members.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing={6} fz="sm" aria-label="Members">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Workspace scope</Table.Th>
                <Table.Th>Member since</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.map((m) => {
                const editable = canManage && (m.role !== 'OWNER' || tenant.role === 'OWNER');
                const ws = workspaceDraft[m.id] ?? m.workspace ?? '';
                return (
                  <Table.Tr key={m.id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {m.user.name} {m.user.id === viewer.user.id && <Text span size="xs" c="dimmed">(you)</Text>}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {m.user.email}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Select
                        aria-label={`Role of ${m.user.name}`}
                        size="xs"
                        w={130}
                        data={editable ? roles : [m.role]}
                        value={m.role}
                        disabled={!editable}
                        allowDeselect={false}
                        onChange={(v) => v && v !== m.role && changingRole.open({ id: m.id, name: m.user.name, from: m.role, to: v as Role, workspace: m.workspace ?? null })}
                      />
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <TextInput
                          aria-label={`Workspace scope of ${m.user.name}`}
                          size="xs"
                          w={150}
                          placeholder="Whole tenant"
                          value={ws}
                          disabled={!editable}
                          onChange={(e) => {
                            const v = e.currentTarget.value;
                            setWorkspaceDraft((d) => ({ ...d, [m.id]: v }));
                          }}
                        />
                        {editable && ws !== (m.workspace ?? '') && (
                          <Button
                            size="compact-xs"
                            onClick={async () => {
                              await update({ id: m.id, role: m.role, workspace: ws || null });
                              setWorkspaceDraft((d) => {
                                const { [m.id]: _, ...rest } = d;
                                return rest;
                              });
                            }}
                          >
                            Save
                          </Button>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatLocal(m.createdAt)}</Table.Td>
                    <Table.Td>
                      {editable && (
                        <Button size="compact-xs" variant="subtle" color="red" onClick={() => removing.open({ id: m.id, name: m.user.name })}>
                          Remove
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmModal {...changingRole.modal} title="Change role?" confirmLabel="Change role">
        {changingRole.target && (
          <>
            {changingRole.target.name} becomes {changingRole.target.to.toLowerCase()} (now {changingRole.target.from.toLowerCase()}) in {tenant.name}
            {changingRole.target.workspace ? `, workspace ${changingRole.target.workspace}` : ''}. {roleEffect(changingRole.target.to)}
          </>
        )}
      </ConfirmModal>
      <ConfirmModal {...removing.modal} title="Remove member?" confirmLabel="Remove" danger>
        {removing.target?.name} loses access to {tenant.name}. Their past activity stays in the log.
      </ConfirmModal>
    </Stack>
  );
}
