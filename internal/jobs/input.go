package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/predicate"
	"github.com/trailmark/trailmark/ent/process"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/filter"
)

// InputError is a bad schedule or process input; Field names it the way
// the API does ("input.cron", "input.input.period"). Err is the cause
// when it says more (a *filter.Error has the position).
type InputError struct {
	Field, Msg string
	Err        error
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

func (e *InputError) Unwrap() error { return e.Err }

// ArchiveInput is the input of an ARCHIVE process — the entries that
// occurred in [From, To) — and of an EXPORT process, whose From and To
// bound receivedAt instead (see ExportScheduleInput).
type ArchiveInput struct {
	Name   string    `json:"name,omitempty"`
	From   time.Time `json:"from"`
	To     time.Time `json:"to"`
	Format string    `json:"format"`
	Filter *string   `json:"filter,omitempty"`
}

// RetentionInput is the input of a RETENTION process (and schedule).
type RetentionInput struct {
	// Archive writes the expired entries to an archive before deleting them.
	Archive bool `json:"archive,omitempty"`
	// Format of that archive (default JSONL_GZ).
	Format string `json:"format,omitempty"`
}

// VerifyInput is the input of a VERIFY process (and schedule): none. A
// tenant's process verifies the tenant's log.
type VerifyInput struct{}

// ArchiveScheduleInput is the input of an ARCHIVE schedule: each run
// archives the whole previous period (UTC) before the time it fires.
type ArchiveScheduleInput struct {
	// Period is "day", "week" (Monday to Monday) or "month" (default "day").
	Period string  `json:"period,omitempty"`
	Format string  `json:"format,omitempty"`
	Filter *string `json:"filter,omitempty"`
	Name   string  `json:"name,omitempty"`
}

// ExportScheduleInput is the input of an EXPORT schedule. Each run writes
// the tenant's entries matching Filter that Trailmark received in a window
// ending when the run fires, into an archive file:
//   - without LastDays, the window starts where the window of the
//     schedule's last successful export ended (at the schedule's creation
//     for its first), so consecutive exports hold every entry exactly once,
//     backdated ones included, and a failed, canceled or skipped run leaves
//     no gap: the next one covers its time. A firing while the schedule's
//     previous export is still queued or running starts nothing.
//   - with LastDays, the window is the LastDays days before the run.
//
// Windows are on receivedAt, not occurredAt: an entry recorded late with
// an earlier occurredAt would otherwise fall into a window already exported.
type ExportScheduleInput struct {
	LastDays int     `json:"lastDays,omitempty"`
	Format   string  `json:"format,omitempty"`
	Filter   *string `json:"filter,omitempty"`
	Name     string  `json:"name,omitempty"`
}

// MaxExportDays bounds ExportScheduleInput.LastDays (ten years).
const MaxExportDays = 3660

// maxNameLen leaves room in an archive name (200 characters) for the
// window a scheduled run appends.
const maxNameLen = 120

// Formats are the archive formats.
var Formats = []string{"JSONL_GZ", "CSV_GZ"}

func validFormat(f string) bool { return f == "JSONL_GZ" || f == "CSV_GZ" }

// ValidateSchedule checks a schedule's cron and input for its kind and
// returns the input normalised (nil when empty).
func ValidateSchedule(kind schematype.ProcessKind, cronExpr string, input schematype.RawJSON) (schematype.RawJSON, error) {
	if _, err := ParseCron(cronExpr); err != nil {
		return nil, &InputError{Field: "input.cron", Msg: fmt.Sprintf("not a 5-field cron expression (minute hour day-of-month month day-of-week): %v", err)}
	}
	switch kind {
	case schematype.ProcessArchive:
		var in ArchiveScheduleInput
		if err := strictDecode(input, &in); err != nil {
			return nil, &InputError{Field: "input.input", Msg: err.Error()}
		}
		if in.Period == "" {
			in.Period = "day"
		}
		if in.Period != "day" && in.Period != "week" && in.Period != "month" {
			return nil, &InputError{Field: "input.input.period", Msg: `must be "day", "week" or "month"`}
		}
		if err := checkFileInput(&in.Format, in.Filter); err != nil {
			return nil, err
		}
		if len([]rune(in.Name)) > 200 {
			return nil, &InputError{Field: "input.input.name", Msg: "at most 200 characters"}
		}
		return json.Marshal(in)
	case schematype.ProcessExport:
		return validateExportSchedule(input)
	case schematype.ProcessRetention:
		var in RetentionInput
		if err := strictDecode(input, &in); err != nil {
			return nil, &InputError{Field: "input.input", Msg: err.Error()}
		}
		if in.Format != "" && !validFormat(in.Format) {
			return nil, &InputError{Field: "input.input.format", Msg: "must be JSONL_GZ or CSV_GZ"}
		}
		return json.Marshal(in)
	case schematype.ProcessVerify:
		var in VerifyInput
		if err := strictDecode(input, &in); err != nil {
			return nil, &InputError{Field: "input.input", Msg: err.Error() + "; a VERIFY schedule takes no input"}
		}
		return json.Marshal(in)
	}
	return nil, &InputError{Field: "input.kind", Msg: fmt.Sprintf("%s processes cannot be scheduled; schedule ARCHIVE, EXPORT, RETENTION or VERIFY", kind)}
}

// validateExportSchedule checks an EXPORT schedule's input (see
// ExportScheduleInput) and returns it with its defaults.
func validateExportSchedule(input schematype.RawJSON) (schematype.RawJSON, error) {
	var raw struct {
		LastDays json.RawMessage `json:"lastDays"`
		Format   string          `json:"format"`
		Filter   *string         `json:"filter"`
		Name     string          `json:"name"`
	}
	if err := strictDecode(input, &raw); err != nil {
		return nil, &InputError{Field: "input.input", Msg: err.Error() + "; an EXPORT schedule takes lastDays, format, filter and name"}
	}
	in := ExportScheduleInput{Format: raw.Format, Filter: raw.Filter, Name: strings.TrimSpace(raw.Name)}
	if len(raw.LastDays) > 0 && string(raw.LastDays) != "null" {
		n, err := strconv.Atoi(string(raw.LastDays))
		if err != nil || n < 1 || n > MaxExportDays {
			return nil, &InputError{Field: "input.input.lastDays", Msg: fmt.Sprintf(
				"must be a whole number of days from 1 to %d (omit it to export what was received since the previous export)", MaxExportDays)}
		}
		in.LastDays = n
	}
	if err := checkFileInput(&in.Format, in.Filter); err != nil {
		return nil, err
	}
	if len([]rune(in.Name)) > maxNameLen {
		return nil, &InputError{Field: "input.input.name", Msg: fmt.Sprintf("at most %d characters", maxNameLen)}
	}
	return json.Marshal(in)
}

// checkFileInput defaults and checks the format and filter of a schedule
// whose processes write a file (ARCHIVE, EXPORT).
func checkFileInput(format *string, f *string) error {
	if *format == "" {
		*format = "JSONL_GZ"
	}
	if !validFormat(*format) {
		return &InputError{Field: "input.input.format", Msg: "must be JSONL_GZ or CSV_GZ"}
	}
	if f != nil {
		if _, err := filter.Compile(*f, filter.AuditEntries, time.Now()); err != nil {
			return &InputError{Field: "input.input.filter", Msg: err.Error(), Err: err}
		}
	}
	return nil
}

func strictDecode(raw schematype.RawJSON, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("invalid: %v", err)
	}
	return nil
}

// scheduledInput is the process input of a schedule firing at firedAt,
// read on c, the client of the transaction that claims the firing. A
// non-empty skip says why this firing starts no process.
func scheduledInput(ctx context.Context, c *ent.Client, s *ent.Schedule, firedAt time.Time) (schematype.RawJSON, string, error) {
	switch s.Kind {
	case schematype.ProcessArchive:
		var in ArchiveScheduleInput
		if err := strictDecode(s.Input, &in); err != nil {
			return nil, "", err
		}
		from, to := PreviousPeriod(in.Period, firedAt)
		if in.Format == "" {
			in.Format = "JSONL_GZ"
		}
		name := in.Name
		if name == "" {
			name = fmt.Sprintf("%s %s", periodLabel(in.Period), from.Format("2006-01-02"))
		}
		b, err := json.Marshal(ArchiveInput{Name: name, From: from, To: to, Format: in.Format, Filter: in.Filter})
		return b, "", err
	case schematype.ProcessExport:
		return exportInput(ctx, c, s, firedAt)
	}
	return s.Input, "", nil
}

// exportInput is the window of an EXPORT schedule's run (ExportScheduleInput).
func exportInput(ctx context.Context, c *ent.Client, s *ent.Schedule, firedAt time.Time) (schematype.RawJSON, string, error) {
	var in ExportScheduleInput
	if err := strictDecode(s.Input, &in); err != nil {
		return nil, "", err
	}
	to := firedAt.UTC()
	var from time.Time
	if in.LastDays > 0 {
		from = to.AddDate(0, 0, -in.LastDays)
	} else {
		exports := []predicate.Process{process.ScheduleID(s.ID), process.KindEQ(schematype.ProcessExport)}
		busy, err := c.Process.Query().Where(exports...).
			Where(process.StatusIn(process.StatusQUEUED, process.StatusRUNNING)).Exist(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("find running exports: %w", err)
		}
		if busy {
			// Its window is fixed; the first firing after it ends covers
			// the time from there.
			return nil, "the schedule's previous export is still queued or running", nil
		}
		from = s.CreatedAt.UTC()
		last, err := c.Process.Query().Where(exports...).Where(process.StatusEQ(process.StatusSUCCEEDED)).
			Order(ent.Desc(process.FieldCreatedAt), ent.Desc(process.FieldID)).First(ctx)
		switch {
		case err == nil:
			var prev ArchiveInput
			if err := json.Unmarshal(last.Input, &prev); err != nil {
				return nil, "", fmt.Errorf("read the previous export's window: %w", err)
			}
			from = prev.To.UTC()
		case !ent.IsNotFound(err):
			return nil, "", fmt.Errorf("find the previous export: %w", err)
		}
		if !from.Before(to) {
			return nil, "the previous export's window reaches this firing", nil
		}
	}
	name := in.Name
	if name == "" {
		name = "Export"
	}
	name = fmt.Sprintf("%s %s to %s", name, from.Format(time.RFC3339), to.Format(time.RFC3339))
	if in.Format == "" {
		in.Format = "JSONL_GZ"
	}
	b, err := json.Marshal(ArchiveInput{Name: name, From: from, To: to, Format: in.Format, Filter: in.Filter})
	return b, "", err
}

// PreviousPeriod is the last whole day, week (from Monday) or month before t, in UTC.
func PreviousPeriod(period string, t time.Time) (from, to time.Time) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch period {
	case "week":
		to = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		return to.AddDate(0, 0, -7), to
	case "month":
		to = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return to.AddDate(0, -1, 0), to
	}
	return day.AddDate(0, 0, -1), day
}

func periodLabel(p string) string {
	switch p {
	case "week":
		return "Week of"
	case "month":
		return "Month of"
	}
	return "Day"
}
