package graph

import (
	"encoding/json"
	"strings"
	"time"

	entarchive "github.com/trailmark/trailmark/ent/archive"
	"github.com/trailmark/trailmark/ent/schema/schematype"
	"github.com/trailmark/trailmark/graph/model"
	"github.com/trailmark/trailmark/internal/filter"
	"github.com/trailmark/trailmark/internal/jobs"
)

// archiveInput validates createArchive's input into the process input.
func archiveInput(in model.CreateArchiveInput) (schematype.RawJSON, error) {
	if !in.From.Before(in.To) {
		return nil, badInput("input.to", "must be after input.from")
	}
	if err := entarchive.FormatValidator(in.Format); err != nil {
		return nil, badInput("input.format", "must be JSONL_GZ or CSV_GZ")
	}
	if _, err := compileFilter("input.filter", in.Filter, filter.AuditEntries, time.Now()); err != nil {
		return nil, err
	}
	name := ""
	if in.Name != nil {
		name = strings.TrimSpace(*in.Name)
		if len(name) > 200 {
			return nil, badInput("input.name", "at most 200 characters")
		}
	}
	b, err := json.Marshal(jobs.ArchiveInput{
		Name: name, From: in.From.UTC(), To: in.To.UTC(), Format: string(in.Format), Filter: in.Filter,
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}
