import { stringifyDocument } from '@urql/core';
import { useEffect, useState } from 'react';
import { useClient } from 'urql';
import { requireWebCrypto } from './bytes';
import { entryContentHash, parseJSONVerbatim, type JSONValue } from './contentHash';
import { EntryContentQuery, EntryInclusionQuery, LogHeadQuery } from './documents';
import { verifyEntry, type EntryVerdict, type InclusionProofData } from './verify';

export type EntryCheck =
  | { phase: 'checking' }
  /** Not in a checkpoint yet (no seq, or no checkpoint covers it): checked again shortly. */
  | { phase: 'waiting'; seq: number | null; overdue: boolean }
  | {
      phase: 'done';
      verdict: EntryVerdict;
      /** Audit path length, for the explanation. */
      pathLength: number;
      /** Why the content hash was taken as recorded rather than recomputed ('' when recomputed). */
      contentNote: string;
    }
  | { phase: 'error'; message: string };

interface Options {
  entryID: string;
  /** The entry's tenant ID, null for the platform log. */
  tenantID: string | null;
  /** Whether the viewer may read the log's checkpoints (tenant-wide AUDITOR+, platform admins). */
  withCheckpoint: boolean;
  /** Whether the viewer may read the entry's request (which the content hash covers). */
  withRequest: boolean;
}

const RETRY_MS = 2000;
const MAX_WAITS = 30;
const OVERDUE_MS = 60_000;

function member(v: JSONValue | undefined, k: string): JSONValue | undefined {
  return v instanceof Map ? v.get(k) : undefined;
}

/** Reads the entry's fields verbatim and recomputes its content hash, or says why it cannot. */
async function readContent(entryID: string, withRequest: boolean, signal: AbortSignal) {
  const res = await fetch('/graphql', {
    method: 'POST',
    credentials: 'same-origin',
    signal,
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: stringifyDocument(EntryContentQuery), operationName: 'EntryContent', variables: { id: entryID, withRequest } }),
  });
  const body = parseJSONVerbatim(await res.text());
  const errors = member(body, 'errors');
  const node = member(member(body, 'data'), 'node');
  if (!(node instanceof Map) || typeof node.get('hash') !== 'string') {
    const first = Array.isArray(errors) ? member(errors[0], 'message') : undefined;
    throw new Error(typeof first === 'string' ? first : `the entry could not be read (HTTP ${res.status})`);
  }
  const hash = node.get('hash') as string;
  const receivedAt = node.get('receivedAt');
  const seqV = node.get('seq');
  const seq = seqV == null ? null : Number((seqV as { text: string }).text);
  let recomputed: { current: string; legacy: string } | null = null;
  let contentNote = '';
  if (!withRequest) contentNote = 'The content hash covers the entry’s request, which your role does not show, so it was taken as recorded.';
  else if (Array.isArray(errors) && errors.length > 0) contentNote = 'Some of the entry’s fields are hidden from you, so its content hash was taken as recorded.';
  else recomputed = { current: await entryContentHash(node), legacy: await entryContentHash(node, true) };
  return { hash, seq, recomputed, contentNote, receivedAt: typeof receivedAt === 'string' ? Date.parse(receivedAt) : NaN };
}

/**
 * Verifies an entry in the browser (docs/dashboard.md): its content hash
 * from its fields, its inclusion proof up to the root, and that root
 * against the latest signed checkpoint with the log's key. While the entry
 * is not in a checkpoint yet, it checks again every two seconds.
 */
export function useEntryVerification({ entryID, tenantID, withCheckpoint, withRequest }: Options): EntryCheck {
  const client = useClient();
  const [check, setCheck] = useState<EntryCheck>({ phase: 'checking' });
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let waits = 0;
    setCheck({ phase: 'checking' });
    const logID = tenantID ?? 'platform';
    const run = async () => {
      try {
        requireWebCrypto();
        const content = await readContent(entryID, withRequest, ctrl.signal);
        const head = await client
          .query(LogHeadQuery, { tenantID, platform: tenantID == null ? true : null, withCheckpoint }, { requestPolicy: 'network-only' })
          .toPromise();
        if (head.error && !head.data) throw new Error(head.error.message);
        const checkpoint = head.data?.checkpoint ?? null;
        let proof: InclusionProofData | null = null;
        if (content.seq != null && (!withCheckpoint || checkpoint)) {
          const inc = await client
            .query(EntryInclusionQuery, { id: entryID, treeSize: checkpoint?.treeSize ?? null }, { requestPolicy: 'network-only' })
            .toPromise();
          if (inc.error && !inc.data) throw new Error(inc.error.message);
          const node = inc.data?.node;
          proof = node && 'inclusionProof' in node ? (node.inclusionProof ?? null) : null;
        }
        if (ctrl.signal.aborted) return;
        if (content.seq == null || !proof) {
          // Entries are sequenced within about a second and signed within seconds: a minute is overdue.
          const overdue = waits + 1 >= MAX_WAITS || Date.now() - content.receivedAt > OVERDUE_MS;
          setCheck({ phase: 'waiting', seq: content.seq, overdue });
          if (++waits < MAX_WAITS) timer = setTimeout(run, RETRY_MS);
          return;
        }
        const verdict = await verifyEntry({
          logID,
          seq: content.seq,
          hash: content.hash,
          recomputed: content.recomputed,
          proof,
          // Those who may not list checkpoints get the one their proof is
          // against with the proof itself.
          checkpointNote: checkpoint?.note ?? proof.checkpointNote ?? null,
          logKey: head.data?.logKey ?? null,
        });
        if (!ctrl.signal.aborted) setCheck({ phase: 'done', verdict, pathLength: proof.hashes.length, contentNote: content.contentNote });
      } catch (e) {
        if (!ctrl.signal.aborted) setCheck({ phase: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    };
    void run();
    return () => {
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [client, entryID, tenantID, withCheckpoint, withRequest]);
  return check;
}
