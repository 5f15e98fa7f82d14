package archive

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gocloud.dev/blob"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/internal/jobs"
	"github.com/trailmark/trailmark/internal/ledger"
)

// ManifestFormat names the manifest format (docs/integrity.md "Archive
// manifests").
const ManifestFormat = "trailmark-archive-manifest/v1"

// ManifestSuffix follows an archive's blob key to name its manifest.
const ManifestSuffix = ".manifest.json"

// SequenceWait bounds how long an archive waits for its entries to be
// sequenced and covered by a signed checkpoint before it is written anyway.
const SequenceWait = 30 * time.Second

// ManifestFile is the stored manifest: the manifest's exact bytes and a
// signed note over their SHA-256 (ledger.SignManifest), so that neither
// the manifest nor the file it describes can be edited unnoticed.
type ManifestFile struct {
	Manifest  json.RawMessage `json:"manifest"`
	Signature string          `json:"signature"`
}

// Manifest describes an archive file and holds what proves every row of
// it offline against a signed checkpoint.
type Manifest struct {
	Format    string `json:"format"`
	ArchiveID string `json:"archiveID"`
	TenantID  string `json:"tenantID"`
	// LogID is the tamper-evident log the entries are in (the tenant id).
	LogID string `json:"logID"`
	// Origin is the checkpoint origin of that log.
	Origin string `json:"origin"`
	// FileFormat is "jsonl.gz" or "csv.gz"; FileSHA256 the hex SHA-256 of
	// the stored (compressed) file.
	FileFormat string `json:"fileFormat"`
	FileSHA256 string `json:"fileSHA256"`
	// Range is the time range: entries whose On ("occurredAt" or
	// "receivedAt") is in [From, To).
	Range ManifestRange `json:"range"`
	// Filter is the filter the archive was made with (null: none).
	Filter *string `json:"filter"`
	// Complete: no filter, so the file holds every entry of the log in
	// the range (leaves between FirstSeq and LastSeq not in the file are
	// listed in Outside).
	Complete   bool `json:"complete"`
	EntryCount int  `json:"entryCount"`
	// FirstSeq and LastSeq bound the seqs of the rows (null: no row is
	// sequenced).
	FirstSeq *int64 `json:"firstSeq"`
	LastSeq  *int64 `json:"lastSeq"`
	// LegacySize: leaves below it hold the content hash without id and
	// receivedAt (audit.HashV1).
	LegacySize int64 `json:"legacySize"`
	// Checkpoint is the signed checkpoint note the proof is against, and
	// VerifierKey the key it was signed with (compare it with the one you
	// trust: `trailmark verify archive --key`).
	Checkpoint  string `json:"checkpoint"`
	VerifierKey string `json:"verifierKey"`
	// Leaves are the rows in file order: [seq, id, content hash hex].
	Leaves []ManifestLeaf `json:"leaves"`
	// Unsequenced are the ids of rows that had no seq (or no checkpoint
	// covering it) when the archive was written: they cannot be proven.
	Unsequenced []string `json:"unsequenced"`
	// Outside are the seqs between FirstSeq and LastSeq whose entries are
	// not in the file: outside the time range, or already pruned.
	Outside []int64 `json:"outside"`
	// Proof is the multi-leaf proof of the sequenced leaves in the
	// checkpoint's tree (hex; docs/integrity.md).
	Proof []string `json:"proof"`
}

// ManifestRange is Manifest.range.
type ManifestRange struct {
	On   string `json:"on"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ManifestLeaf is [seq, id, hash].
type ManifestLeaf struct {
	Seq  int64
	ID   string
	Hash string
}

func (l ManifestLeaf) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{l.Seq, l.ID, l.Hash})
}

func (l *ManifestLeaf) UnmarshalJSON(b []byte) error {
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil || len(parts) != 3 {
		return errors.New("a leaf is [seq, id, hash]")
	}
	if err := json.Unmarshal(parts[0], &l.Seq); err != nil {
		return fmt.Errorf("leaf seq: %w", err)
	}
	if err := json.Unmarshal(parts[1], &l.ID); err != nil {
		return fmt.Errorf("leaf id: %w", err)
	}
	if err := json.Unmarshal(parts[2], &l.Hash); err != nil {
		return fmt.Errorf("leaf hash: %w", err)
	}
	return nil
}

// archived is one row of an archive being written, for its manifest.
type archived struct {
	id   string
	seq  *int64
	hash string
}

// manifestSpec is what an archive was asked for.
type manifestSpec struct {
	tenantID string
	format   string
	on       axis
	from, to time.Time
	filter   *string
}

// waitSequenced waits, at most SequenceWait from start, until the log's
// entries received so far are sequenced and checkpointed, and notes in the
// process log when they are not.
func (s *Service) waitSequenced(ctx context.Context, run *jobs.Run, logID string, start time.Time) {
	if s.Ledger == nil {
		return
	}
	ok, err := s.Ledger.WaitSequenced(ctx, logID, start, start.Add(s.sequenceWait()))
	switch {
	case err != nil:
		run.Infof("could not wait for the log to be sequenced (%v): writing the archive now", err)
	case !ok:
		run.Infof("the log was not sequenced and checkpointed within %s: writing the archive now; entries without a seq cannot be proven by its manifest", s.sequenceWait())
	}
}

func (s *Service) sequenceWait() time.Duration {
	if s.SequenceWait > 0 {
		return s.SequenceWait
	}
	return SequenceWait
}

// writeManifest builds, signs and stores the manifest of w beside it.
func (s *Service) writeManifest(ctx context.Context, run *jobs.Run, w *written, spec manifestSpec, start time.Time) error {
	logID := spec.tenantID
	m := Manifest{
		Format: ManifestFormat, ArchiveID: w.id, TenantID: spec.tenantID, LogID: logID,
		Origin: s.Ledger.Origin(logID), FileFormat: spec.format, FileSHA256: w.sha256,
		Range:  ManifestRange{On: "occurredAt", From: Timestamp(spec.from), To: Timestamp(spec.to)},
		Filter: spec.filter, Complete: spec.filter == nil, EntryCount: w.count,
		VerifierKey: s.Ledger.VerifierKey(),
		Leaves:      []ManifestLeaf{}, Unsequenced: []string{}, Outside: []int64{}, Proof: []string{},
	}
	if spec.on == byReceivedAt {
		m.Range.On = "receivedAt"
	}
	var maxSeq int64 = -1
	for _, r := range w.rows {
		if r.seq != nil {
			maxSeq = max(maxSeq, *r.seq)
		}
	}
	if maxSeq >= 0 {
		ok, err := s.Ledger.WaitCheckpoint(ctx, logID, maxSeq+1, start.Add(s.sequenceWait()))
		if err != nil {
			return err
		}
		if !ok {
			run.Infof("no checkpoint covers seq %d yet: the rows after the latest checkpoint cannot be proven by the manifest", maxSeq)
		}
	}
	cp, err := s.Ledger.Latest(ctx, logID)
	if err != nil {
		return err
	}
	head, err := s.Ledger.Head(ctx, logID)
	if err != nil {
		return err
	}
	m.LegacySize = head.LegacySize
	size := int64(0)
	if cp != nil {
		m.Checkpoint, size = cp.Note, cp.TreeSize
	}
	var seqs []int64
	in := map[int64]bool{}
	for _, r := range w.rows {
		if r.seq == nil || *r.seq >= size {
			m.Unsequenced = append(m.Unsequenced, r.id)
			continue
		}
		m.Leaves = append(m.Leaves, ManifestLeaf{Seq: *r.seq, ID: r.id, Hash: r.hash})
		seqs = append(seqs, *r.seq)
		in[*r.seq] = true
		if m.FirstSeq == nil || *r.seq < *m.FirstSeq {
			m.FirstSeq = ptr(*r.seq)
		}
		if m.LastSeq == nil || *r.seq > *m.LastSeq {
			m.LastSeq = ptr(*r.seq)
		}
	}
	if len(seqs) > 0 {
		for from := *m.FirstSeq; from <= *m.LastSeq; from += 10000 {
			to := min(from+10000, *m.LastSeq+1)
			leaves, err := s.Ledger.Leaves(ctx, logID, from, to)
			if err != nil {
				return err
			}
			for _, lf := range leaves {
				if !in[lf.Seq] {
					m.Outside = append(m.Outside, lf.Seq)
				}
			}
		}
		proof, err := s.Ledger.MultiProof(ctx, logID, size, seqs)
		switch {
		case errors.Is(err, ledger.ErrTreeDamaged):
			// The archive is still written (retention and exports go on),
			// but nothing in it can be proven: say so, in the manifest too.
			run.Infof("WARNING: the log's stored tree is damaged (%v): the archive's entries cannot be proven; run a VERIFY process", err)
			for _, lf := range m.Leaves {
				m.Unsequenced = append(m.Unsequenced, lf.ID)
			}
			m.Leaves, m.Outside, m.FirstSeq, m.LastSeq = []ManifestLeaf{}, []int64{}, nil, nil
		case err != nil:
			return fmt.Errorf("prove the archive's entries: %w", err)
		default:
			m.Proof = proof
			s.checkOwnProof(run, m, cp)
		}
	}
	if len(m.Unsequenced) > 0 {
		run.Infof("%d entries had no seq in a checkpoint: the manifest names them as unproven", len(m.Unsequenced))
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	sig, err := s.Ledger.SignManifest(w.id, body)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(ManifestFile{Manifest: body, Signature: sig}); err != nil {
		return err
	}
	key := w.key + ManifestSuffix
	if err := s.Bucket.WriteAll(ctx, key, out.Bytes(), &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return fmt.Errorf("store manifest %s: %w", key, err)
	}
	run.Infof("stored the manifest: %d entries proven against the checkpoint of size %d, %d bytes", len(m.Leaves), size, out.Len())
	return nil
}

// checkOwnProof recomputes the root from the manifest as a verifier will:
// a mismatch means the stored entries or leaves do not match the tree
// (tampering in the database), which the process log says at once.
func (s *Service) checkOwnProof(run *jobs.Run, m Manifest, cp *ledger.Checkpoint) {
	leaves := map[int64]tlog.Hash{}
	for _, lf := range m.Leaves {
		b, err := hex.DecodeString(lf.Hash)
		if err != nil {
			run.Infof("WARNING: entry %s has a malformed hash", lf.ID)
			return
		}
		leaves[lf.Seq] = tlog.RecordHash(b)
	}
	proof := make([]tlog.Hash, len(m.Proof))
	for i, p := range m.Proof {
		b, _ := hex.DecodeString(p)
		copy(proof[i][:], b)
	}
	root, err := ledger.MultiRoot(cp.TreeSize, leaves, proof)
	if err != nil || hex.EncodeToString(root[:]) != cp.RootHash {
		run.Infof("WARNING: the archived entries do not match the signed log (the database may have been altered): `trailmark verify archive` will fail; run a VERIFY process")
	}
}

func ptr[T any](v T) *T { return &v }
