package cli

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/trailmark/trailmark/ent/auditentry"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/archive"
	"github.com/trailmark/trailmark/internal/audit"
	"github.com/trailmark/trailmark/internal/ledger"
)

// offline runs the commands that need no database: verify archive, verify
// log and log-key generate.
func offline(ctx context.Context, cmd, sub string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trailmark "+cmd+" "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	switch cmd + " " + sub {
	case "verify archive":
		manifest := fs.String("manifest", "", "the archive's manifest (default: FILE.manifest.json)")
		key := fs.String("key", "", "the verifier key you trust (name+hash+base64, as GET /.well-known/trailmark/log-key prints it), or a file holding it (required)")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return 2
		}
		if len(pos) != 1 || *key == "" {
			fmt.Fprintln(stderr, "usage: trailmark verify archive FILE [--manifest M] --key KEY")
			return 2
		}
		m := *manifest
		if m == "" {
			m = pos[0] + archive.ManifestSuffix
		}
		return verifyArchive(pos[0], m, *key, stdout, stderr)
	case "verify log":
		o := logOptions{}
		fs.StringVar(&o.url, "url", "", "the server's base URL, e.g. https://audit.example.com (required)")
		fs.StringVar(&o.tenant, "tenant", "", "the tenant's slug (or --platform)")
		fs.BoolVar(&o.platform, "platform", false, "the platform log (entries without a tenant) instead of a tenant's: a platform admin's token")
		fs.StringVar(&o.token, "token", os.Getenv("TRAILMARK_TOKEN"), "an API key with READ, or a session token of an AUDITOR or above (TRAILMARK_TOKEN)")
		fs.StringVar(&o.key, "key", "", "the verifier key you trust, or a file holding it (required on the first run; then pinned in the state file)")
		fs.StringVar(&o.state, "state", "", "state file: the key and the last checkpoint seen, checked and updated by every run")
		fs.BoolVar(&o.full, "full", false, "also re-hash every entry the token may read and check its inclusion proof")
		pos, err := parseInterspersed(fs, args)
		if err != nil {
			return 2
		}
		if len(pos) != 0 || o.url == "" || (o.tenant == "") == !o.platform || o.token == "" {
			fmt.Fprintln(stderr, "usage: trailmark verify log --url URL (--tenant SLUG | --platform) --token T [--key KEY] [--state FILE] [--full]")
			return 2
		}
		return verifyLog(ctx, o, stdout, stderr)
	case "log-key generate":
		name := fs.String("name", "trailmark", "key name (no spaces or '+'): use your deployment's host name")
		if _, err := parseInterspersed(fs, args); err != nil {
			return 2
		}
		if *name == "" || strings.ContainsAny(*name, "+ \t\n") {
			fmt.Fprintf(stderr, "trailmark log-key generate: --name %q: no spaces or '+'\n", *name)
			return 1
		}
		skey, vkey, err := note.GenerateKey(rand.Reader, *name)
		if err != nil {
			fmt.Fprintf(stderr, "trailmark log-key generate: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "signer key (secret: set TRAILMARK_LOG_KEY to it, or to a file holding it):\n%s\n", skey)
		fmt.Fprintf(stdout, "verifier key (public: give it to whoever verifies, `trailmark verify --key`):\n%s\n", vkey)
		return 0
	}
	fmt.Fprintln(stderr, "usage:\n  trailmark verify archive FILE [--manifest M] --key KEY\n"+
		"  trailmark verify log --url URL (--tenant SLUG | --platform) --token T [--key KEY] [--state FILE] [--full]\n"+
		"  trailmark log-key generate [--name N]")
	return 2
}

// parseInterspersed parses flags before and after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos, args = append(pos, args[0]), args[1:]
	}
}

// loadVerifier reads a verifier key given as the key itself or as a file
// holding it. A signer key is refused: verification needs only the public
// key, and the secret one does not belong on a verifier's command line.
func loadVerifier(key string) (note.Verifier, string, error) {
	vkey := strings.TrimSpace(key)
	if st, err := os.Stat(key); err == nil && st.Mode().IsRegular() {
		b, err := os.ReadFile(key)
		if err != nil {
			return nil, "", err
		}
		vkey = strings.TrimSpace(string(b))
	}
	if strings.HasPrefix(vkey, "PRIVATE+KEY+") {
		return nil, "", errors.New("that is the signer (private) key: give the verifier key (`trailmark log-key generate` prints both)")
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return nil, "", fmt.Errorf("--key %q is neither a verifier key (name+hash+base64) nor a file holding one: %v", key, err)
	}
	return v, vkey, nil
}

// failure is one thing that does not verify.
type failure struct {
	seq    string // "" when unknown
	id     string
	reason string
}

func (f failure) String() string {
	seq := f.seq
	if seq == "" {
		seq = "-"
	}
	id := f.id
	if id == "" {
		id = "-"
	}
	return fmt.Sprintf("FAIL seq=%s id=%s: %s", seq, id, f.reason)
}

func seqText(s *int64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatInt(*s, 10)
}

// fileRow is one row of an archive file, parsed back to the entry it was.
type fileRow struct {
	line  int
	entry audit.Entry
	hash  string
	seq   *int64
}

// verifyArchive checks an archive file against its manifest and a key the
// user trusts (docs/integrity.md "Verifying an archive").
func verifyArchive(file, manifestPath, key string, stdout, stderr io.Writer) int {
	fatal := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "trailmark verify archive: "+format+"\n", args...)
		return 1
	}
	verifier, vkey, err := loadVerifier(key)
	if err != nil {
		return fatal("%v", err)
	}
	raw, err := os.ReadFile(manifestPath)
	if err != nil {
		return fatal("read the manifest: %v", err)
	}
	var mf archive.ManifestFile
	if err := json.Unmarshal(raw, &mf); err != nil || len(mf.Manifest) == 0 {
		return fatal("%s is not an archive manifest: %v", manifestPath, err)
	}
	var m archive.Manifest
	if err := json.Unmarshal(mf.Manifest, &m); err != nil {
		return fatal("manifest: %v", err)
	}
	if m.Format != archive.ManifestFormat {
		return fatal("manifest format %q: this trailmark reads %s", m.Format, archive.ManifestFormat)
	}
	// 1. The manifest is the server's, unedited: its signature with the
	// trusted key.
	sig, err := note.Open([]byte(mf.Signature), note.VerifierList(verifier))
	if err != nil {
		hint := ""
		if m.VerifierKey != vkey {
			hint = fmt.Sprintf(" (the manifest names the key %s)", m.VerifierKey)
		}
		return fatal("FAIL: the manifest's signature does not verify with the key %s%s: %v", vkey, hint, err)
	}
	if sig.Text != ledger.ManifestNoteText(m.ArchiveID, sha256.Sum256(mf.Manifest)) {
		return fatal("FAIL: the manifest was edited: its signature covers other content")
	}
	// 2. The checkpoint it proves against: signed with the trusted key,
	// of this tenant's log.
	if m.Checkpoint == "" && m.EntryCount == 0 {
		// An empty archive of a log without a checkpoint: nothing to
		// prove, but the file must be empty too.
		if rows, err := readArchiveRows(file, m); err != nil || len(rows) > 0 {
			return fatal("FAIL: the manifest describes an empty archive, the file is not (%d rows, %v)", len(rows), err)
		}
		fmt.Fprintf(stdout, "OK: an empty archive of %s (signed manifest, nothing to prove)\n", m.TenantID)
		return 0
	}
	cp, err := ledger.OpenCheckpoint(m.Checkpoint, verifier)
	if m.Checkpoint == "" {
		err = errors.New("the manifest holds no checkpoint (the log had none when the archive was made)")
	}
	if err != nil {
		return fatal("FAIL: checkpoint: %v", err)
	}
	if cp.Origin != m.Origin || !strings.HasSuffix(m.Origin, "/"+m.LogID) || m.LogID != m.TenantID {
		return fatal("FAIL: the checkpoint's origin %q is not the log of tenant %s", cp.Origin, m.TenantID)
	}
	// 3. The file.
	raw2, err := os.ReadFile(file)
	if err != nil {
		return fatal("read the archive: %v", err)
	}
	identical := m.FileSHA256 != "" && hex.EncodeToString(sha256Of(raw2)) == m.FileSHA256
	rows, err := readArchiveRows(file, m)
	if err != nil {
		return fatal("FAIL: %v", err)
	}
	fails := checkArchiveRows(m, cp, rows)
	for _, f := range fails {
		fmt.Fprintln(stdout, f)
	}
	if len(fails) > 0 {
		fmt.Fprintf(stdout, "FAILED: %d problems in %s (%d rows; manifest of archive %s, checkpoint %s size %d)\n",
			len(fails), file, len(rows), m.ArchiveID, cp.Origin, cp.Size)
		return 1
	}
	span := "no sequenced entries"
	if m.FirstSeq != nil {
		span = fmt.Sprintf("seq %d–%d", *m.FirstSeq, *m.LastSeq)
	}
	fmt.Fprintf(stdout, "OK: %d entries (%s) of %s re-hashed and proven against the checkpoint %s of size %d signed by %s\n",
		len(rows), span, m.TenantID, cp.Origin, cp.Size, verifier.Name())
	if m.Complete {
		fmt.Fprintf(stdout, "complete: every leaf from seq %s to %s is in the file or listed as outside the range (%d)\n",
			seqText(m.FirstSeq), seqText(m.LastSeq), len(m.Outside))
	} else {
		fmt.Fprintf(stdout, "filtered archive (filter %q): completeness is not claimed\n", deref(m.Filter))
	}
	if identical {
		fmt.Fprintln(stdout, "the file is byte for byte the stored archive (sha256 matches the manifest)")
	}
	return 0
}

// readArchiveRows reads an archive file (gzip or not) in the manifest's
// format.
func readArchiveRows(file string, m archive.Manifest) ([]fileRow, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read the archive: %w", err)
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("decompress: %w", err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("decompress: %w", err)
		}
	}
	if strings.HasPrefix(m.FileFormat, "csv") {
		return parseCSVRows(data, m.TenantID)
	}
	return parseJSONLRows(data)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// checkArchiveRows compares the rows with the manifest and the manifest
// with the checkpoint; it returns every failure.
func checkArchiveRows(m archive.Manifest, cp ledger.ParsedCheckpoint, rows []fileRow) []failure {
	var fails []failure
	fail := func(seq, id, format string, args ...any) {
		fails = append(fails, failure{seq: seq, id: id, reason: fmt.Sprintf(format, args...)})
	}
	byID := map[string]int{} // manifest leaf position by id
	bySeq := map[int64]int{}
	for i, lf := range m.Leaves {
		if _, dup := byID[lf.ID]; dup {
			fail(strconv.FormatInt(lf.Seq, 10), lf.ID, "the manifest lists the entry twice")
		}
		if _, dup := bySeq[lf.Seq]; dup {
			fail(strconv.FormatInt(lf.Seq, 10), lf.ID, "the manifest lists the seq twice")
		}
		byID[lf.ID], bySeq[lf.Seq] = i, i
	}
	unsequenced := map[string]bool{}
	for _, id := range m.Unsequenced {
		unsequenced[id] = true
	}
	// The manifest's leaves in the checkpoint's tree.
	leaves := map[int64]tlog.Hash{}
	for _, lf := range m.Leaves {
		b, err := hex.DecodeString(lf.Hash)
		if err != nil || len(b) != tlog.HashSize {
			fail(strconv.FormatInt(lf.Seq, 10), lf.ID, "the manifest's hash %q is not 32 bytes of hex", lf.Hash)
			continue
		}
		leaves[lf.Seq] = tlog.RecordHash(b)
	}
	proof := make([]tlog.Hash, len(m.Proof))
	for i, p := range m.Proof {
		b, err := hex.DecodeString(p)
		if err != nil || len(b) != tlog.HashSize {
			fail("", "", "proof hash %d is not 32 bytes of hex", i)
		}
		copy(proof[i][:], b)
	}
	if len(leaves) > 0 {
		root, err := ledger.MultiRoot(cp.Size, leaves, proof)
		switch {
		case err != nil:
			fail("", "", "the manifest's proof does not fit the checkpoint's tree: %v", err)
		case root != cp.Root:
			fail("", "", "the manifest's entries are not those of the checkpoint's tree of size %d (root %x, computed %x): the log or the manifest was altered",
				cp.Size, cp.Root[:], root[:])
		}
	}
	// Every row against the manifest.
	seen := map[string]int{}
	lastPos := -1
	for _, r := range rows {
		id := r.entry.ID
		pos, listed := byID[id]
		seq := seqText(r.seq)
		if listed {
			seq = strconv.FormatInt(m.Leaves[pos].Seq, 10)
		}
		if prev, dup := seen[id]; dup {
			fail(seq, id, "line %d repeats the row of line %d", r.line, prev)
			continue
		}
		seen[id] = r.line
		var want string
		legacy := listed && m.Leaves[pos].Seq < m.LegacySize
		if legacy {
			want = audit.HashV1(r.entry)
		} else {
			want = audit.Hash(r.entry)
		}
		if want != r.hash {
			fail(seq, id, "line %d: the row's content does not match its hash (a field was edited)", r.line)
		}
		switch {
		case unsequenced[id]:
			fail(seq, id, "line %d: the entry had no seq in a checkpoint when the archive was made: it cannot be proven", r.line)
			continue
		case !listed:
			fail(seq, id, "line %d: the entry is not in the manifest (inserted)", r.line)
			continue
		}
		lf := m.Leaves[pos]
		if r.seq == nil || *r.seq != lf.Seq {
			fail(seq, id, "line %d: the row says seq %s, the signed manifest %d (reordered or edited)", r.line, orNull(r.seq), lf.Seq)
		}
		if want == r.hash && want != lf.Hash {
			fail(seq, id, "line %d: the row's content is not the entry in the signed log (edited with its hash)", r.line)
		}
		if pos < lastPos {
			fail(seq, id, "line %d: out of order (the archive lists this entry before %s)", r.line, m.Leaves[lastPos].ID)
		}
		lastPos = max(lastPos, pos)
	}
	for _, lf := range m.Leaves {
		if _, ok := seen[lf.ID]; !ok {
			fail(strconv.FormatInt(lf.Seq, 10), lf.ID, "missing from the file (the row was dropped)")
		}
	}
	for _, id := range m.Unsequenced {
		if _, ok := seen[id]; !ok {
			fail("", id, "missing from the file (the row was dropped)")
		}
	}
	if len(rows) != m.EntryCount {
		fail("", "", "the file has %d rows, the manifest says %d", len(rows), m.EntryCount)
	}
	if m.Complete && m.FirstSeq != nil {
		outside := map[int64]bool{}
		for _, s := range m.Outside {
			outside[s] = true
			if _, in := bySeq[s]; in {
				fail(strconv.FormatInt(s, 10), "", "listed both in the archive and outside it")
			}
		}
		for s := *m.FirstSeq; s <= *m.LastSeq; s++ {
			if _, in := bySeq[s]; !in && !outside[s] {
				fail(strconv.FormatInt(s, 10), "", "the range is not complete: no entry of the log with this seq is in the file or listed outside it")
			}
		}
	}
	slices.SortStableFunc(fails, func(a, b failure) int {
		ai, aerr := strconv.ParseInt(a.seq, 10, 64)
		bi, berr := strconv.ParseInt(b.seq, 10, 64)
		switch {
		case aerr != nil && berr != nil:
			return 0
		case aerr != nil:
			return 1
		case berr != nil:
			return -1
		}
		return int(ai - bi)
	})
	return fails
}

func orNull(s *int64) string {
	if s == nil {
		return "null"
	}
	return strconv.FormatInt(*s, 10)
}

// parseJSONLRows reads JSON Lines rows (API.md "Export and archive rows").
func parseJSONLRows(data []byte) ([]fileRow, error) {
	var rows []fileRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var r archive.Row
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("line %d: not a JSON row: %v", line, err)
		}
		occ, err1 := time.Parse(time.RFC3339Nano, r.OccurredAt)
		rec, err2 := time.Parse(time.RFC3339Nano, r.ReceivedAt)
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		e := audit.Entry{
			ID: r.ID, TenantID: r.TenantID, OccurredAt: occ, ReceivedAt: rec, Action: r.Action,
			ResourceType: r.ResourceType, ResourceID: r.ResourceID, ResourceName: r.ResourceName, Workspace: r.Workspace,
			Actor:  audit.Actor{Type: schematype.ActorType(r.Actor.Type), ID: r.Actor.ID, Name: r.Actor.Name, Email: r.Actor.Email},
			Status: auditentry.Status(r.Status), OldValue: r.OldValue, NewValue: r.NewValue, Metadata: r.Metadata,
			Request: r.Request, IdempotencyKey: r.IdempotencyKey,
		}
		rows = append(rows, fileRow{line: line, entry: e, hash: r.Hash, seq: r.Seq})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return rows, nil
}

// parseCSVRows reads CSV rows as the archive encoder writes them: RFC 4180
// records read back byte for byte, one leading ' removed where there is
// one (archive.SpreadsheetSafe), an empty optional cell as null.
func parseCSVRows(data []byte, tenantID string) ([]fileRow, error) {
	recs, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("the CSV file has no header")
	}
	col := map[string]int{}
	for i, h := range recs[0].fields {
		col[h] = i
	}
	for _, h := range archive.CSVHeader {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("the CSV file has no %s column: its rows cannot be re-hashed (made before tamper evidence?)", h)
		}
	}
	var rows []fileRow
	for _, rec := range recs[1:] {
		if len(rec.fields) != len(recs[0].fields) {
			return nil, fmt.Errorf("line %d: %d cells, the header has %d", rec.line, len(rec.fields), len(recs[0].fields))
		}
		cell := func(name string) string {
			v := rec.fields[col[name]]
			if strings.HasPrefix(v, "'") {
				v = v[1:]
			}
			return v
		}
		opt := func(name string) *string {
			if v := cell(name); v != "" {
				return &v
			}
			return nil
		}
		js := func(name string) schematype.RawJSON {
			if v := cell(name); v != "" {
				return schematype.RawJSON(v)
			}
			return nil
		}
		occ, err1 := time.Parse(time.RFC3339Nano, cell("occurredAt"))
		rcv, err2 := time.Parse(time.RFC3339Nano, cell("receivedAt"))
		if err := errors.Join(err1, err2); err != nil {
			return nil, fmt.Errorf("line %d: %v", rec.line, err)
		}
		var req *schematype.RequestInfo
		if v := cell("request"); v != "" {
			req = &schematype.RequestInfo{}
			if err := json.Unmarshal([]byte(v), req); err != nil {
				return nil, fmt.Errorf("line %d: request: %v", rec.line, err)
			}
		}
		var seq *int64
		if v := cell("seq"); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: seq %q", rec.line, v)
			}
			seq = &n
		}
		tid := tenantID
		e := audit.Entry{
			ID: cell("id"), TenantID: &tid, OccurredAt: occ, ReceivedAt: rcv, Action: cell("action"),
			ResourceType: cell("resourceType"), ResourceID: opt("resourceID"), ResourceName: opt("resourceName"),
			Workspace: opt("workspace"),
			Actor: audit.Actor{Type: schematype.ActorType(cell("actorType")), ID: opt("actorID"), Name: opt("actorName"),
				Email: opt("actorEmail")},
			Status: auditentry.Status(cell("status")), OldValue: js("oldValue"), NewValue: js("newValue"),
			Metadata: js("metadata"), Request: req, IdempotencyKey: opt("idempotencyKey"),
		}
		rows = append(rows, fileRow{line: rec.line, entry: e, hash: cell("hash"), seq: seq})
	}
	return rows, nil
}

type csvRecord struct {
	line   int
	fields []string
}

// readCSV reads RFC 4180 records ending in CRLF (or LF), keeping every
// byte of a quoted field as it is (encoding/csv drops a CR before LF).
func readCSV(data []byte) ([]csvRecord, error) {
	var (
		out    []csvRecord
		fields []string
		field  []byte
		line   = 1
		start  = 1
	)
	i := 0
	for i < len(data) {
		c := data[i]
		if c == '"' && len(field) == 0 {
			// A quoted field.
			i++
			for {
				if i >= len(data) {
					return nil, fmt.Errorf("line %d: unterminated quoted field", line)
				}
				if data[i] == '"' {
					if i+1 < len(data) && data[i+1] == '"' {
						field = append(field, '"')
						i += 2
						continue
					}
					i++
					break
				}
				if data[i] == '\n' {
					line++
				}
				field = append(field, data[i])
				i++
			}
			if i < len(data) && data[i] != ',' && data[i] != '\r' && data[i] != '\n' {
				return nil, fmt.Errorf("line %d: text after a quoted field", line)
			}
			continue
		}
		switch {
		case c == ',':
			fields = append(fields, string(field))
			field = field[:0]
			i++
		case c == '\r' && i+1 < len(data) && data[i+1] == '\n', c == '\n':
			fields = append(fields, string(field))
			field = field[:0]
			out = append(out, csvRecord{line: start, fields: fields})
			fields = nil
			if c == '\r' {
				i++
			}
			i++
			line++
			start = line
		default:
			field = append(field, c)
			i++
		}
	}
	if len(field) > 0 || len(fields) > 0 {
		out = append(out, csvRecord{line: start, fields: append(fields, string(field))})
	}
	return out, nil
}
