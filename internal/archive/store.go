package archive

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"gocloud.dev/blob"
	_ "gocloud.dev/blob/fileblob" // file:// buckets
	_ "gocloud.dev/blob/memblob"  // mem:// buckets (tests)
	_ "gocloud.dev/blob/s3blob"   // s3:// buckets (AWS S3 and S3-compatible stores such as MinIO)
)

// OpenBucket opens the archive bucket: blobURL when set (any gocloud.dev
// bucket URL whose driver is linked in: file://, s3://, mem://), else the
// directory archives/ under dataDir.
func OpenBucket(ctx context.Context, blobURL, dataDir string) (*blob.Bucket, error) {
	if blobURL == "" {
		dir, err := filepath.Abs(filepath.Join(dataDir, "archives"))
		if err != nil {
			return nil, fmt.Errorf("archive directory: %w", err)
		}
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create archive directory: %w", err)
		}
		// metadata=skip: no .attrs sidecar files next to the archives.
		blobURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir), RawQuery: "metadata=skip"}).String()
	}
	b, err := blob.OpenBucket(ctx, blobURL)
	if err != nil {
		return nil, fmt.Errorf("open archive bucket: %w", err)
	}
	return b, nil
}
