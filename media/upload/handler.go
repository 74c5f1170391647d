package upload

import (
	"context"
	"log/slog"

	"github.com/tus/tusd/v2/pkg/handler"
	expslog "golang.org/x/exp/slog"
)

// Handler returns tusd's protocol handler on this store: uploads are
// created at any path the caller routes to PostFile and live at
// basePath+id. Only what Chorus needs is on: creation (with or without a
// first chunk), resuming and termination; no downloads (videos are played
// after processing), no concatenation, no deferred length (the size is
// checked before any byte arrives), no CORS (same origin only). tusd's own
// log lines of level warn and above go to log.
func (s *Store) Handler(basePath string, log *slog.Logger) (*handler.UnroutedHandler, error) {
	composer := handler.NewStoreComposer()
	composer.UseCore(s)
	composer.UseTerminater(s)
	composer.UseLocker(s.locker)
	return handler.NewUnroutedHandler(handler.Config{
		StoreComposer:        composer,
		BasePath:             basePath,
		MaxSize:              s.limits.MaxBytes,
		DisableDownload:      true,
		DisableConcatenation: true,
		Cors:                 &handler.CorsConfig{Disable: true},
		Logger:               expslog.New(warnings{log: log}),
	})
}

// warnings passes tusd's log records of level warn and above (tusd logs
// with golang.org/x/exp/slog) to a log/slog logger.
type warnings struct {
	log   *slog.Logger
	attrs []any
}

func (w warnings) Enabled(_ context.Context, l expslog.Level) bool { return l >= expslog.LevelWarn }

func (w warnings) Handle(ctx context.Context, r expslog.Record) error {
	args := append(make([]any, 0, len(w.attrs)+2*r.NumAttrs()), w.attrs...)
	r.Attrs(func(a expslog.Attr) bool {
		args = append(args, a.Key, a.Value.String())
		return true
	})
	w.log.Log(ctx, slog.Level(r.Level), "tus: "+r.Message, args...)
	return nil
}

func (w warnings) WithAttrs(as []expslog.Attr) expslog.Handler {
	attrs := append([]any(nil), w.attrs...)
	for _, a := range as {
		attrs = append(attrs, a.Key, a.Value.String())
	}
	return warnings{log: w.log, attrs: attrs}
}

func (w warnings) WithGroup(string) expslog.Handler { return w }
