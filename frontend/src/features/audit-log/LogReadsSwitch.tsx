import { Switch } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { includesLogReads, setLogReads } from './logReads';

/** The visible "Include log reads" switch; its state is the `logReads` URL parameter. */
export function LogReadsSwitch() {
  const [params, setParams] = useSearchParams();
  return (
    <Switch
      size="sm"
      label="Include log reads"
      description="audit_log.* entries: reads and exports of this log"
      checked={includesLogReads(params)}
      onChange={(e) => setParams(setLogReads(params, e.currentTarget.checked))}
      data-testid="log-reads-switch"
    />
  );
}

/** Whether the current URL shows log reads. */
export function useIncludeLogReads(): boolean {
  const [params] = useSearchParams();
  return includesLogReads(params);
}
