package live

import (
	"testing"
	"time"

	"github.com/trailmark/trailmark/internal/ids"
)

// TestIDFloor: the floor of a millisecond sorts before every ID made in it
// and after every ID made in the one before.
func TestIDFloor(t *testing.T) {
	for range 100 {
		before := ids.New("AuditEntry")
		time.Sleep(2 * time.Millisecond)
		floor := idFloor(time.Now())
		id := ids.New("AuditEntry")
		time.Sleep(2 * time.Millisecond)
		later := idFloor(time.Now())
		if !(before < floor && floor <= id && id < later) {
			t.Fatalf("before %s, floor %s, id %s, later %s", before, floor, id, later)
		}
	}
}
