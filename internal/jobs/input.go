package jobs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/trailmark/trailmark/ent"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/internal/filter"
)

// InputError is a bad schedule or process input; Field names it the way
// the API does ("input.cron", "input.input.period").
type InputError struct {
	Field, Msg string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

// ArchiveInput is the input of an ARCHIVE process.
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

// ArchiveScheduleInput is the input of an ARCHIVE schedule: each run
// archives the whole previous period (UTC) before the time it fires.
type ArchiveScheduleInput struct {
	// Period is "day", "week" (Monday to Monday) or "month" (default "day").
	Period string  `json:"period,omitempty"`
	Format string  `json:"format,omitempty"`
	Filter *string `json:"filter,omitempty"`
	Name   string  `json:"name,omitempty"`
}

// Formats are the archive formats.
var Formats = []string{"JSONL_GZ", "CSV_GZ"}

func validFormat(f string) bool { return f == "JSONL_GZ" || f == "CSV_GZ" }

// ValidateSchedule checks a schedule's cron and input for its kind and
// returns the input normalised (nil when empty).
func ValidateSchedule(kind schematype.ProcessKind, cronExpr string, input schematype.RawJSON) (schematype.RawJSON, error) {
	if _, err := ParseCron(cronExpr); err != nil {
		return nil, &InputError{"input.cron", fmt.Sprintf("not a 5-field cron expression (minute hour day-of-month month day-of-week): %v", err)}
	}
	switch kind {
	case "ARCHIVE":
		var in ArchiveScheduleInput
		if err := strictDecode(input, &in); err != nil {
			return nil, &InputError{"input.input", err.Error()}
		}
		if in.Period == "" {
			in.Period = "day"
		}
		if in.Period != "day" && in.Period != "week" && in.Period != "month" {
			return nil, &InputError{"input.input.period", `must be "day", "week" or "month"`}
		}
		if in.Format == "" {
			in.Format = "JSONL_GZ"
		}
		if !validFormat(in.Format) {
			return nil, &InputError{"input.input.format", "must be JSONL_GZ or CSV_GZ"}
		}
		if in.Filter != nil {
			if _, err := filter.Compile(*in.Filter, filter.AuditEntries, time.Now()); err != nil {
				return nil, &InputError{"input.input.filter", err.Error()}
			}
		}
		return json.Marshal(in)
	case "RETENTION":
		var in RetentionInput
		if err := strictDecode(input, &in); err != nil {
			return nil, &InputError{"input.input", err.Error()}
		}
		if in.Format != "" && !validFormat(in.Format) {
			return nil, &InputError{"input.input.format", "must be JSONL_GZ or CSV_GZ"}
		}
		return json.Marshal(in)
	}
	return nil, &InputError{"input.kind", fmt.Sprintf("%s processes cannot be scheduled; schedule ARCHIVE or RETENTION", kind)}
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

// scheduledInput is the process input of a schedule firing at firedAt.
func scheduledInput(s *ent.Schedule, firedAt time.Time) (schematype.RawJSON, error) {
	if s.Kind != "ARCHIVE" {
		return s.Input, nil
	}
	var in ArchiveScheduleInput
	if err := strictDecode(s.Input, &in); err != nil {
		return nil, err
	}
	from, to := PreviousPeriod(in.Period, firedAt)
	if in.Format == "" {
		in.Format = "JSONL_GZ"
	}
	name := in.Name
	if name == "" {
		name = fmt.Sprintf("%s %s", periodLabel(in.Period), from.Format("2006-01-02"))
	}
	return json.Marshal(ArchiveInput{Name: name, From: from, To: to, Format: in.Format, Filter: in.Filter})
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
