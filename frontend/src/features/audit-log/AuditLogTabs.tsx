import { Tabs } from '@mantine/core';
import type { ReactNode } from 'react';
import type { AuditLogTab } from './urlState';

const TABS: { value: AuditLogTab; label: string }[] = [
  { value: 'all', label: 'All activity' },
  { value: 'triggers', label: 'Triggers & webhooks' },
];

/**
 * The audit log's tabs (ARIA tabs pattern: ←/→ move between tabs). Each tab shows the same
 * table, filters, paging and drawer; "Triggers & webhooks" adds actor type WEBHOOK.
 */
export function AuditLogTabs({ value, onChange, children }: { value: AuditLogTab; onChange(tab: AuditLogTab): void; children: ReactNode }) {
  return (
    <Tabs value={value} onChange={(v) => v && v !== value && onChange(v as AuditLogTab)} keepMounted activateTabWithKeyboard>
      <Tabs.List aria-label="Audit log views" mb="sm">
        {TABS.map((t) => (
          <Tabs.Tab key={t.value} value={t.value}>
            {t.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {TABS.map((t) => (
        <Tabs.Panel key={t.value} value={t.value}>
          {t.value === value && children}
        </Tabs.Panel>
      ))}
    </Tabs>
  );
}
