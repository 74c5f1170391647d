package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/identity"
	"chorus/jobs"
	"chorus/media"
	"chorus/media/disk"
	"chorus/media/review"
	"chorus/media/upload"
	"chorus/media/video"
	"chorus/store/sqlite"
)

// signing is a blob store that hands out signed URLs and remembers for how long.
type signing struct {
	media.Blobs
	ttl time.Duration
}

func (s *signing) SignedURL(_ context.Context, key string, ttl time.Duration) (string, bool, error) {
	s.ttl = ttl
	return "http://blobs.test/" + key, true, nil
}

// Audiences outside the group get signed URLs of at most
// OutsideSignedURLTTL, whatever VIDEO_SIGNED_URL_TTL says, so a withdrawal
// reaches a URL already handed out within a minute.
func TestOutsideAudiencesGetShortSignedURLs(t *testing.T) {
	ctx := context.Background()
	docs, err := sqlite.Open(filepath.Join(t.TempDir(), "docs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { docs.Close() })
	d, err := disk.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	blobs := &signing{Blobs: d}
	q := jobs.NewQueue(docs)
	videos := video.NewService(docs, blobs, q)
	for _, declare := range []func(context.Context) error{q.Declare, videos.Declare} {
		if err := declare(ctx); err != nil {
			t.Fatal(err)
		}
	}
	v, _ := videos.Create(ctx, "a", identity.Group{ID: "g", PanelID: "p"}, "Clip")
	if err := videos.Received(ctx, upload.Upload{ID: "u1", VideoID: v.ID, Uploader: "a", State: upload.Received}); err != nil {
		t.Fatal(err)
	}
	if _, err := videos.UpdateVersion(ctx, "u1", "", func(x *video.Version) {
		x.State, x.Rendition = video.Ready, &video.Asset{Key: "r.mp4", ContentType: "video/mp4", Size: 10}
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ configured, want time.Duration }{{2 * time.Minute, OutsideSignedURLTTL}, {10 * time.Second, 10 * time.Second}} {
		vs := &Videos{Videos: videos, Blobs: blobs, SignedURLTTL: tc.configured}
		app := fiber.New()
		app.Get("/x", func(c *fiber.Ctx) error {
			return (&API{}).serveShared(c, vs, review.Share{VersionID: "u1"}, "rendition")
		})
		resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/x", nil))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusFound || !strings.HasSuffix(resp.Header.Get("Location"), "/r.mp4") || blobs.ttl != tc.want {
			t.Errorf("configured %s: got %d to %q valid %s, want a redirect valid %s", tc.configured, resp.StatusCode, resp.Header.Get("Location"), blobs.ttl, tc.want)
		}
	}
}
