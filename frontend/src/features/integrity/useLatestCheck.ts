import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { ConsistencyQuery } from './documents';
import { checkLatest, loadSeen, saveSeen, type LatestVerdict, type SeenCheckpoint } from './verify';

export interface Checkpointish {
  treeSize: number;
  note: string;
}

/**
 * Checks the latest checkpoint against the one this browser saw last time
 * (localStorage, per tenant) and remembers it when it holds. A failure keeps
 * the old memory, so it stays loud until someone looks into it.
 */
export function useLatestCheck(tenantID: string, checkpoint: Checkpointish | null, logKey: string | null): LatestVerdict | null {
  const client = useClient();
  // Read once per tenant, before anything is saved: what the browser knew when the page opened.
  const [seen, setSeen] = useState<{ tenantID: string; value: SeenCheckpoint | null }>(() => ({ tenantID, value: loadSeen(tenantID) }));
  const [verdict, setVerdict] = useState<LatestVerdict | null>(null);
  if (seen.tenantID !== tenantID) setSeen({ tenantID, value: loadSeen(tenantID) });
  const before = seen.tenantID === tenantID ? seen.value : null;
  const note = checkpoint?.note ?? null;

  useEffect(() => {
    if (!note || !logKey) {
      setVerdict(null);
      return;
    }
    let live = true;
    void checkLatest({
      logID: tenantID,
      note,
      logKey,
      seen: before,
      consistency: async (fromSize, toSize) => {
        const res = await client.query(ConsistencyQuery, { tenantID, fromSize, toSize }, { requestPolicy: 'network-only' }).toPromise();
        if (res.error) throw new Error(res.error.message);
        if (!res.data?.consistencyProof) throw new Error('no proof');
        return res.data.consistencyProof.hashes;
      },
    }).then((v) => {
      if (!live) return;
      setVerdict(v);
      if (v.state === 'first' || v.state === 'consistent')
        saveSeen(tenantID, { size: v.size, rootHash: v.rootHash, note, logKey, seenAt: new Date().toISOString() });
    });
    return () => {
      live = false;
    };
  }, [client, tenantID, note, logKey, before]);
  return verdict;
}
