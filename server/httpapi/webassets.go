package httpapi

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"path"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
)

// compressible are the web app's file types worth compressing (the script,
// styles, the page, icons as SVG); images and video already are.
var compressible = map[string]bool{".js": true, ".css": true, ".html": true, ".svg": true, ".json": true, ".txt": true}

// compressedAssets holds each web app file compressed with brotli and gzip:
// the build's own .br and .gz files when it made them (web/vite.config.ts,
// at brotli's best, which takes seconds), otherwise compressed here once,
// quickly, on the file's first request. The files never change while the
// process runs, so no request compresses anything twice.
type compressedAssets struct {
	web   fs.FS
	mu    sync.Mutex
	files map[string]*compressedFile
}

type compressedFile struct {
	once     sync.Once
	br, gz   []byte
	identity []byte
	err      error
}

func newCompressedAssets(web fs.FS) *compressedAssets {
	return &compressedAssets{web: web, files: map[string]*compressedFile{}}
}

func (ca *compressedAssets) file(name string) *compressedFile {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	f := ca.files[name]
	if f == nil {
		f = &compressedFile{}
		ca.files[name] = f
	}
	return f
}

// send writes name compressed in the best encoding the request accepts
// (brotli, then gzip); it reports false, sending nothing, when the file is
// not worth compressing or the client takes neither encoding.
func (ca *compressedAssets) send(c *fiber.Ctx, name string) (bool, error) {
	ext := path.Ext(name)
	if !compressible[ext] {
		return false, nil
	}
	enc := acceptedEncoding(c.Get(fiber.HeaderAcceptEncoding))
	if enc == "" {
		return false, nil
	}
	f := ca.file(name)
	f.once.Do(func() { f.identity, f.br, f.gz, f.err = compress(ca.web, name) })
	if f.err != nil {
		return false, f.err
	}
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	c.Set(fiber.HeaderContentEncoding, enc)
	if t := mime.TypeByExtension(ext); t != "" {
		c.Set(fiber.HeaderContentType, t)
	}
	if c.Method() == fiber.MethodHead {
		return true, nil
	}
	if enc == "br" {
		return true, c.Send(f.br)
	}
	return true, c.Send(f.gz)
}

func compress(web fs.FS, name string) (identity, br, gz []byte, err error) {
	if identity, err = fs.ReadFile(web, name); err != nil {
		return nil, nil, nil, err
	}
	br, errBr := fs.ReadFile(web, name+".br")
	gz, errGz := fs.ReadFile(web, name+".gz")
	if errBr == nil && errGz == nil {
		return identity, br, gz, nil
	}
	var b bytes.Buffer
	bw := brotli.NewWriterLevel(&b, 5) // quick: best compression takes seconds for the script
	if _, err := bw.Write(identity); err != nil {
		return nil, nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, nil, err
	}
	var g bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&g, gzip.DefaultCompression) // the level is valid
	if _, err := gw.Write(identity); err != nil {
		return nil, nil, nil, err
	}
	if err := gw.Close(); err != nil {
		return nil, nil, nil, err
	}
	return identity, b.Bytes(), g.Bytes(), nil
}

// acceptedEncoding picks "br" or "gzip" from an Accept-Encoding value, ""
// when the client accepts neither (or refuses both with q=0).
func acceptedEncoding(header string) string {
	ok := map[string]bool{}
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if q := strings.ReplaceAll(strings.TrimSpace(params), " ", ""); q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			continue
		}
		ok[name] = true
	}
	switch {
	case ok["br"]:
		return "br"
	case ok["gzip"]:
		return "gzip"
	}
	return ""
}
