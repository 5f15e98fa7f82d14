package audit

// NewPausedWriter returns a group-commit writer whose committers start only
// when the returned function is called, so that a test can queue requests
// first and know they form one group.
func NewPausedWriter(w *Writer, committers int) (start func(), queued func() int) {
	w.queue = make(chan *pending, 1024)
	return func() {
			for range committers {
				w.wg.Add(1)
				go w.commitLoop()
			}
		}, func() int {
			return len(w.queue)
		}
}

// ValuesStatement is the VALUES statement of n rows (SQLite).
func ValuesStatement(n int, keyed bool) string { return valuesStatement(n, keyed) }

// ValuesChunk is the most rows of one VALUES statement.
const ValuesChunk = valuesChunk

// CandidatesQuery is the statement that reads a search's candidates.
func CandidatesQuery(dia, lower, logID string) (string, []any) {
	return candidatesQuery(dia, lower, logID)
}

// NewSearchWalk is the walk IndexedSearch returns for a common text.
func NewSearchWalk(logID, lower string) *SearchWalk {
	return &SearchWalk{logID: logID, pattern: "%" + escapeLike(lower) + "%"}
}
