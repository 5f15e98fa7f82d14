import { ActionIcon, Alert, Badge, Button, Group, Menu, Modal, Stack, Switch, Table, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import type { SavedFilterFieldsFragment, SavedFilterPage } from '../../gql/graphql';
import { errorMessage } from '../../lib/errors';
import { applySavedState, isCurrent, savedStateOf, suggestName } from './savedState';
import { CreateSavedFilterMutation, DeleteSavedFilterMutation, SavedFiltersQuery, UpdateSavedFilterMutation } from './documents';

export interface FilterPreset {
  label: string;
  filter: string;
}

export interface SavedFiltersMenuProps {
  /** The tenant whose saved filters to offer; without it only the built-in filters are listed. */
  tenantID?: string;
  page: SavedFilterPage;
  /** Built-in filters, listed first. */
  presets: FilterPreset[];
  /** Applies a built-in filter (the page's own way: it keeps the page's other pickers). */
  onPreset(filter: string): void;
}

type Saved = SavedFilterFieldsFragment;

const context = { additionalTypenames: ['SavedFilter'] };

/**
 * The Query dropdown: built-in filters first, then the viewer's own and the tenant's shared
 * saved filters; saves the page's current filters under a name and manages saved ones.
 */
export function SavedFiltersMenu({ tenantID, page, presets, onPreset }: SavedFiltersMenuProps) {
  const [params, setParams] = useSearchParams();
  const [{ data }] = useQuery({ query: SavedFiltersQuery, variables: { tenantID: tenantID ?? '', page }, pause: !tenantID, context: useMemo(() => context, []) });
  const saved = data?.savedFilters ?? [];
  const [saving, setSaving] = useState(false);
  const [managing, setManaging] = useState(false);
  const current = savedStateOf(params);
  return (
    <>
      <Menu position="bottom-start" withinPortal withInitialFocusPlaceholder={false}>
        <Menu.Target>
          <Button variant="default" size="sm">
            Query
          </Button>
        </Menu.Target>
        <Menu.Dropdown miw={240} mah={480} style={{ overflowY: 'auto' }}>
          <Menu.Label>Built-in filters</Menu.Label>
          {presets.map((p) => (
            <Menu.Item key={p.label} onClick={() => onPreset(p.filter)}>
              {p.label}
            </Menu.Item>
          ))}
          {tenantID && (
            <>
              <Menu.Divider />
              <Menu.Label>Saved filters</Menu.Label>
              {saved.length === 0 && <Menu.Item disabled>None saved yet</Menu.Item>}
              {saved.map((f) => (
                <Menu.Item
                  key={f.id}
                  onClick={() => setParams(applySavedState(params, f.state))}
                  rightSection={f.shared ? <Badge size="xs" variant="light">{f.mine ? 'shared' : 'team'}</Badge> : undefined}
                  aria-current={isCurrent(params, f.state) ? 'true' : undefined}
                  fw={isCurrent(params, f.state) ? 600 : undefined}
                >
                  {f.name}
                </Menu.Item>
              ))}
              <Menu.Divider />
              <Menu.Item onClick={() => setSaving(true)} disabled={current === ''}>
                Save current filters…
              </Menu.Item>
              {saved.length > 0 && <Menu.Item onClick={() => setManaging(true)}>Manage saved filters…</Menu.Item>}
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      {tenantID && saving && <SaveFilterModal tenantID={tenantID} page={page} state={current} initialName={suggestName(params)} onClose={() => setSaving(false)} />}
      {tenantID && managing && <ManageFiltersModal filters={saved} onClose={() => setManaging(false)} />}
    </>
  );
}

function SaveFilterModal({ tenantID, page, state, initialName, onClose }: { tenantID: string; page: SavedFilterPage; state: string; initialName: string; onClose(): void }) {
  const [name, setName] = useState(initialName);
  const [shared, setShared] = useState(false);
  const [{ fetching, error }, create] = useMutation(CreateSavedFilterMutation);
  const submit = async () => {
    const res = await create({ tenantID, input: { name: name.trim(), page, state, shared } }, context);
    if (!res.error) onClose();
  };
  return (
    <Modal opened onClose={onClose} title="Save current filters" centered closeButtonProps={{ 'aria-label': 'Close' }}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} required data-autofocus />
          <Switch
            label="Share with the tenant"
            description="Everyone in this tenant who may read this page sees it in their Query menu."
            checked={shared}
            onChange={(e) => setShared(e.currentTarget.checked)}
          />
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            Saves: {decodeURIComponent(state.replace(/\+/g, ' '))}
          </Text>
          {error && (
            <Alert color="red" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={fetching} disabled={name.trim() === ''}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ManageFiltersModal({ filters, onClose }: { filters: Saved[]; onClose(): void }) {
  return (
    <Modal opened onClose={onClose} title="Saved filters" centered size="lg" closeButtonProps={{ 'aria-label': 'Close' }}>
      <Table>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Shared</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {filters.map((f) => (
            <ManageRow key={f.id} filter={f} />
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="sm">
        You may rename, share and delete your own filters; tenant-wide admins may also delete filters shared with the tenant.
      </Text>
    </Modal>
  );
}

function ManageRow({ filter: f }: { filter: Saved }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(f.name);
  const [confirming, setConfirming] = useState(false);
  const [upd, update] = useMutation(UpdateSavedFilterMutation);
  const [del, remove] = useMutation(DeleteSavedFilterMutation);
  const error = upd.error ?? del.error;
  const rename = async () => {
    const res = await update({ id: f.id, input: { name: name.trim() } }, context);
    if (!res.error) setEditing(false);
  };
  return (
    <Table.Tr>
      <Table.Td>
        {editing ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void rename();
            }}
          >
            <Group gap={4} wrap="nowrap">
              <TextInput size="xs" aria-label={`New name for ${f.name}`} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} data-autofocus />
              <Button size="xs" type="submit" loading={upd.fetching}>
                Save
              </Button>
              <Button size="xs" variant="subtle" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </Group>
          </form>
        ) : (
          <Text size="sm">{f.name}</Text>
        )}
        {error && (
          <Text size="xs" c="red" role="alert">
            {errorMessage(error)}
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        {f.mine ? (
          <Switch
            size="xs"
            aria-label={`Share ${f.name} with the tenant`}
            checked={f.shared}
            onChange={(e) => void update({ id: f.id, input: { shared: e.currentTarget.checked } }, context)}
          />
        ) : (
          <Text size="xs" c="dimmed">
            shared by a teammate
          </Text>
        )}
      </Table.Td>
      <Table.Td>
        <Group gap={4} justify="flex-end" wrap="nowrap">
          {f.mine && !editing && (
            <Button size="xs" variant="default" onClick={() => setEditing(true)} aria-label={`Rename ${f.name}`}>
              Rename
            </Button>
          )}
          {f.canDelete &&
            (confirming ? (
              <Button size="xs" color="red" loading={del.fetching} onClick={() => void remove({ id: f.id }, context)} aria-label={`Confirm deleting ${f.name}`}>
                Confirm delete
              </Button>
            ) : (
              <Tooltip label={f.mine ? 'Delete' : 'Delete for everyone'}>
                <ActionIcon variant="subtle" color="red" onClick={() => setConfirming(true)} aria-label={`Delete ${f.name}`}>
                  ×
                </ActionIcon>
              </Tooltip>
            ))}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}
