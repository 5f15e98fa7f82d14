package archive_test

import (
	"context"
	"testing"

	"github.com/trailmark/trailmark/internal/archive"
)

// TestOpenBucketURLs checks that every documented TRAILMARK_BLOB_URL scheme
// has its driver linked in (opening a bucket does not contact the store).
func TestOpenBucketURLs(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{
		"",                      // the default: <data dir>/archives
		"file://" + t.TempDir(), // a directory
		"mem://",
		"s3://trailmark-archives?region=eu-central-1",
		"s3://trailmark-archives?endpoint=http://127.0.0.1:9000&use_path_style=true&region=us-east-1", // MinIO
	} {
		b, err := archive.OpenBucket(ctx, u, t.TempDir())
		if err != nil {
			t.Errorf("OpenBucket(%q): %v", u, err)
			continue
		}
		b.Close()
	}
	if _, err := archive.OpenBucket(ctx, "gs://nope", t.TempDir()); err == nil {
		t.Error("a scheme whose driver is not linked must fail at start")
	}
}
