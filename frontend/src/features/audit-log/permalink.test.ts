import { describe, expect, it } from 'vitest';
import { entryPermalink } from './AuditEntryDrawer';
import { parseAuditLogState, serializeAuditLogState } from './urlState';

describe('entry permalinks', () => {
  it('links to the log with only the entry, whatever the page and filter', () => {
    expect(entryPermalink('aud_01HZX3F5Q8V9W2K4M6N7P8R9ST', { origin: 'https://tm.example', pathname: '/t/acme/activity/audit-log' })).toBe(
      'https://tm.example/t/acme/activity/audit-log?entry=aud_01HZX3F5Q8V9W2K4M6N7P8R9ST',
    );
  });
  it('keeps the open entry in the URL next to the filters', () => {
    const s = parseAuditLogState(new URLSearchParams("filter=status+%3D+'failure'&page=3&entry=aud_X"));
    expect(s.entry).toBe('aud_X');
    expect(serializeAuditLogState({ ...s, entry: '' }).get('entry')).toBeNull();
    expect(serializeAuditLogState(s).get('page')).toBe('3');
  });
});
