import { Affix, Badge, Button, Group, Menu, Paper, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { Pager } from '../../components/Pager';
import { QueryFilter } from '../../components/QueryFilter';
import { IconArrowUp, IconDownload, IconRefresh } from '../../components/icons';
import { EmptyList } from '../../components/EmptyList';
import { EmptyState, ErrorState, LoadingState } from '../../components/states';
import type { AuditEntryFieldsFragment } from '../../gql/graphql';
import { filterErrorOf } from '../../lib/errors';
import { DisabledAction } from '../../components/DisabledAction';
import { TenantPicker } from '../admin/TenantPicker';
import { SavedFiltersMenu } from '../saved-filters/SavedFiltersMenu';
import { AuditEntryDrawer } from './AuditEntryDrawer';
import { useSession } from '../auth/session';
import { AuditFilters } from './AuditFilters';
import { AuditCards, AuditTable } from './AuditTable';
import { ColumnChooser } from './ColumnChooser';
import { columnChoiceKey, loadColumnChoice, saveColumnChoice } from './columnChoice';
import { LogReadsSwitch } from './LogReadsSwitch';
import { includesLogReads, keepLogReads, logReadsClauses } from './logReads';
import { composeFilter, userPosition } from './composeFilter';
import { AuditLogTabs } from './AuditLogTabs';
import { SearchBox } from './SearchBox';
import { matchesSearch, tabClauses } from './search';
import { useFilterCompletion } from './useFilterCompletion';
import { plainWords } from '../../lib/filterCompletion';
import { AuditEntriesQuery, AuditEntryCreatedSubscription } from './documents';
import { PAGE_SIZES, parseAuditLogState, rememberPageSize, serializeAuditLogState, type AuditLogState, type PageSize } from './urlState';

type Entry = AuditEntryFieldsFragment;

export const FILTER_PRESETS = [
  { label: 'Failures', filter: "status = 'failure'" },
  { label: 'Changes by people', filter: "actor_type = 'user' and (old_value is not null or new_value is not null)" },
  { label: 'Changes by API keys', filter: "actor_type = 'api_key'" },
  { label: 'Member changes', filter: "action like 'member.%'" },
  { label: 'API keys', filter: "resource_type = 'api_key'" },
  { label: 'Last 24 hours', filter: "occurred_at > now() - interval '1 day'" },
  { label: 'Last 7 days', filter: "occurred_at > now() - interval '7 days'" },
];

export function exportURL(format: 'csv' | 'jsonl', tenant: string, filter: string | undefined, from?: string, to?: string, search?: string): string {
  const p = new URLSearchParams({ tenant });
  if (filter) p.set('filter', filter);
  if (search) p.set('search', search);
  if (from) p.set('from', from);
  if (to) p.set('to', to);
  return `/export/audit-entries.${format}?${p.toString()}`;
}

/** Whether the window is scrolled to (near) its top; re-renders only when that changes. */
function useNearTop(threshold = 60): boolean {
  const [near, setNear] = useState(() => window.scrollY < threshold);
  useEffect(() => {
    const on = () => setNear(window.scrollY < threshold);
    window.addEventListener('scroll', on, { passive: true });
    return () => window.removeEventListener('scroll', on);
  }, [threshold]);
  return near;
}

/** A callback whose identity never changes but which always calls the latest `fn`. */
function useStableCallback<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const ref = useRef(fn);
  ref.current = fn;
  return useCallback((...args: A) => ref.current(...args), []);
}

const scrollToTop = () => window.scrollTo({ top: 0 });

const MemoFilters = memo(AuditFilters);

export interface AuditLogViewProps {
  /** Omit for every tenant the viewer may read. */
  tenantID?: string;
  /** Slug used for export links; exports need a tenant. */
  tenantSlug?: string;
  platform?: boolean;
  showTenant?: boolean;
  showRequest: boolean;
  columnStorageKey?: string;
  /** Show the "All activity" / "Triggers & webhooks" tabs (URL `tab`). */
  tabs?: boolean;
}

export function AuditLogView({ tenantID, tenantSlug, platform, showTenant = false, showRequest, columnStorageKey, tabs = false }: AuditLogViewProps) {
  const [params, setParams] = useSearchParams();
  const state = useMemo(() => parseAuditLogState(params), [params]);
  const update = useCallback(
    (patch: Partial<AuditLogState>, resetPage = true, replace = false) => {
      const next = { ...state, ...(resetPage ? { page: 1 } : {}), ...patch };
      setParams(keepLogReads(params, serializeAuditLogState(next)), { replace });
    },
    [state, params, setParams],
  );
  const includeLogReads = includesLogReads(params);
  const tab = tabs ? state.tab : 'all';
  const extra = useMemo(() => [...tabClauses(tab), ...logReadsClauses(includeLogReads)], [tab, includeLogReads]);
  const composed = useMemo(() => composeFilter(state, extra), [state, extra]);
  // The filter of the view itself (tab, log reads) before anything the viewer chose.
  const viewFilter = useMemo(() => composeFilter({ filter: '', actions: [], resourceTypes: [], user: '', from: '', to: '' }, extra).filter, [extra]);
  const search = state.search.trim() || undefined;
  const variables = useMemo(
    () => ({ tenantID, platform: platform || undefined, first: state.size, offset: (state.page - 1) * state.size, filter: composed.filter, search }),
    [tenantID, platform, state.size, state.page, composed.filter, search],
  );
  const completeFilter = useFilterCompletion(tenantID);
  const searchInstead = useMemo(
    () => ({ detect: (text: string) => plainWords(text), onSearch: (words: string) => update({ search: words, filter: '' }) }),
    [update],
  );
  const [{ data, fetching, error, stale }, refetch] = useQuery({ query: AuditEntriesQuery, variables });
  // The open entry lives in the URL (?entry=): a link opens it, Back closes it.
  const [opened, setOpened] = useState<Entry | null>(null);
  const openEntry = useStableCallback((e: Entry) => {
    setOpened(e);
    update({ entry: e.id }, false);
  });
  // Closing replaces the history entry: Back then leaves the log rather than reopening the entry.
  const closeEntry = () => update({ entry: '' }, false, true);

  // Columns shown, per signed-in user and view.
  const { viewer } = useSession();
  const columnKey = columnChoiceKey(showTenant ? 'allAuditLog' : 'auditLog', viewer?.user.id ?? 'anonymous');
  const [columns, setColumnsState] = useState<string[]>(() => loadColumnChoice(columnKey, showTenant));
  useEffect(() => setColumnsState(loadColumnChoice(columnKey, showTenant)), [columnKey, showTenant]);
  const setColumns = (ids: string[]) => {
    setColumnsState(ids);
    saveColumnChoice(columnKey, ids);
  };
  const narrow = useMediaQuery('(max-width: 40em)', window.matchMedia?.('(max-width: 40em)').matches ?? false, { getInitialValueInEffect: false });

  // Live tail: entries pushed by the server, newest first, shown above the page.
  const [live, setLive] = useState<Entry[]>([]);
  const [unseen, setUnseen] = useState(0);
  const nearTop = useNearTop();
  const liveKey = `${tenantID}|${platform}|${composed.filter}|${search}|${state.live}`;
  useEffect(() => {
    setLive([]);
    setUnseen(0);
  }, [liveKey]);
  useSubscription(
    { query: AuditEntryCreatedSubscription, variables: { tenantID, filter: composed.filter }, pause: !state.live || platform },
    (_prev: unknown, res) => {
      const e = res.auditEntryCreated;
      // The subscription takes a filter but no search: apply the search here, as the server would.
      if (search && !matchesSearch(e, search)) return res;
      setLive((l) => (l.some((x) => x.id === e.id) ? l : [e, ...l].slice(0, 500)));
      if (window.scrollY > 120 || state.page > 1) setUnseen((n) => n + 1);
      return res;
    },
  );
  useEffect(() => {
    if (nearTop && state.page === 1) setUnseen(0);
  }, [nearTop, state.page]);

  const filterError = filterErrorOf(error);
  const pageEntries = useMemo(() => (data?.auditEntries.edges ?? []).flatMap((e) => (e?.node ? [e.node] : [])), [data]);
  const entries = useMemo(() => {
    if (state.page !== 1 || live.length === 0) return pageEntries;
    const ids = new Set(live.map((e) => e.id));
    return [...live, ...pageEntries.filter((e) => !ids.has(e.id))];
  }, [live, pageEntries, state.page]);
  const newIds = useMemo(() => new Set(live.map((e) => e.id)), [live]);
  // A search counts up to 1 000 matches; capped says there are more, and
  // estimated that the server took that from a sample of its search index
  // instead of counting them (a text common in the tenant).
  const capped = data?.auditEntries.totalCountCapped ?? false;
  const estimated = data?.auditEntries.totalCountEstimated ?? false;
  const total = (data?.auditEntries.totalCount ?? 0) + (state.page === 1 ? live.filter((e) => !pageEntries.some((p) => p.id === e.id)).length : 0);

  const selected = state.entry ? (opened?.id === state.entry ? opened : (entries.find((e) => e.id === state.entry) ?? null)) : null;
  // The pickers re-render only when what they show changes, not on every page turn.
  const facetKey = JSON.stringify([state.actions, state.resourceTypes, state.user, state.from, state.to]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const facetState = useMemo(() => ({ actions: state.actions, resourceTypes: state.resourceTypes, user: state.user, from: state.from, to: state.to }), [facetKey]);
  const onFilters = useStableCallback((p: Partial<AuditLogState>) => update(p));

  const tenantKey = state.tenants.join('\n');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const pickedTenants = useMemo(() => (showTenant ? state.tenants : []), [showTenant, tenantKey]);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const tenantPicker = useMemo(() => (showTenant ? <TenantPicker value={state.tenants} onChange={(tenants) => onFilters({ tenants })} /> : undefined), [showTenant, tenantKey]);
  // Exports are per tenant: the tenant's page, or the one tenant picked on the global log.
  const exportSlug = tenantSlug ?? (showTenant && state.tenants.length === 1 ? state.tenants[0] : undefined);

  const refresh = () => {
    setLive([]);
    setUnseen(0);
    refetch({ requestPolicy: 'network-only' });
  };

  const view = (
    <Stack gap="sm">
      <Paper withBorder p="sm" radius="md">
        <Stack gap="sm">
          {!platform && <MemoFilters tenantID={tenantID} tenants={pickedTenants} state={facetState} onChange={onFilters} leading={tenantPicker} />}
          <Group gap="xs" align="flex-start" wrap="wrap">
            <SavedFiltersMenu tenantID={tenantID} page="AUDIT_LOG" presets={FILTER_PRESETS} onPreset={(filter) => update({ filter })} />
            <SearchBox value={state.search} onApply={(q) => update({ search: q })} />
            <QueryFilter
              value={state.filter}
              onApply={(filter) => update({ filter })}
              complete={completeFilter}
              searchInstead={searchInstead}
              error={filterError ? { message: filterError.message, position: userPosition(composed, filterError.position) } : null}
            />
            <Group gap="xs">
              <Tooltip label="Refresh">
                <Button variant="default" size="sm" onClick={refresh} leftSection={<IconRefresh />} loading={fetching && !stale && !!data}>
                  Refresh
                </Button>
              </Tooltip>
              <LogReadsSwitch />
              {!narrow && <ColumnChooser showTenant={showTenant} value={columns} onChange={setColumns} />}
              {!platform && (
                <Switch
                  label="Live"
                  checked={state.live}
                  onChange={(e) => update({ live: e.currentTarget.checked }, false)}
                  aria-describedby="live-help"
                />
              )}
              {!exportSlug && showTenant && <DisabledAction label="Export" reason="Pick one tenant to export: exports are per tenant." />}
              {exportSlug && (
                <Menu position="bottom-end" withinPortal>
                  <Menu.Target>
                    <Button variant="default" size="sm" leftSection={<IconDownload />}>
                      Export
                    </Button>
                  </Menu.Target>
                  <Menu.Dropdown>
                    <Menu.Item component="a" href={exportURL('csv', exportSlug, composed.filter, composed.from, composed.to, search)} download>
                      CSV
                    </Menu.Item>
                    <Menu.Item component="a" href={exportURL('jsonl', exportSlug, composed.filter, composed.from, composed.to, search)} download>
                      JSON Lines
                    </Menu.Item>
                  </Menu.Dropdown>
                </Menu>
              )}
            </Group>
          </Group>
          <Text id="live-help" size="xs" c="dimmed" hidden={!state.live}>
            Live: new entries matching this filter appear at the top as they are recorded.
          </Text>
        </Stack>
      </Paper>

      {error && !filterError && !data && <ErrorState error={error} onRetry={refresh} />}
      {fetching && !data && <LoadingState label="Loading audit log…" />}
      {data && entries.length === 0 && !filterError && (
        <EmptyList
          total={total}
          page={state.page}
          size={state.size}
          filtered={composed.filter !== viewFilter || !!search}
          fromAfterTo={!!state.from && !!state.to && state.from > state.to}
          noun="entries"
          nothingYet={
            tab === 'triggers'
              ? 'No trigger or webhook has caused anything yet: entries whose actor is an inbound webhook (actor type WEBHOOK) appear here.'
              : includeLogReads
                ? 'Nothing has been recorded yet.'
                : 'Nothing has been recorded yet besides reads of this log (switch on “Include log reads” to see them).'
          }
          onPage={(page) => update({ page }, false)}
        />
      )}
      {filterError && <EmptyState title="Fix the filter to see entries" />}
      {entries.length > 0 && !filterError && (
        <>
          {narrow ? (
            <AuditCards entries={entries} newIds={newIds} onOpen={openEntry} />
          ) : (
            <AuditTable entries={entries} newIds={newIds} showTenant={showTenant} columns={columns} onOpen={openEntry} storageKey={columnStorageKey} />
          )}
          <Pager
            page={state.page}
            size={state.size}
            total={total}
            capped={capped}
            estimated={estimated}
            sizes={PAGE_SIZES}
            noun="entries"
            onPage={(page) => {
              update({ page }, false);
              scrollToTop();
            }}
            onSize={(size) => {
              rememberPageSize(size as PageSize);
              update({ size: size as PageSize });
            }}
          />
        </>
      )}
      {unseen > 0 && (
        <Affix position={{ top: 70, left: '50%' }} style={{ transform: 'translateX(-50%)' }}>
          <Button
            radius="xl"
            size="xs"
            leftSection={<IconArrowUp />}
            onClick={() => {
              setUnseen(0);
              if (state.page !== 1) update({ page: 1 }, false);
              scrollToTop();
            }}
          >
            <Badge variant="white" size="xs" mr={4}>
              {unseen}
            </Badge>
            new
          </Button>
        </Affix>
      )}
      <AuditEntryDrawer entryID={state.entry} entry={selected} onClose={closeEntry} showRequest={showRequest} />
    </Stack>
  );
  return tabs ? (
    <AuditLogTabs value={tab} onChange={(t) => update({ tab: t, entry: '' })}>
      {view}
    </AuditLogTabs>
  ) : (
    view
  );
}
