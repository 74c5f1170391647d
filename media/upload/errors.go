package upload

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"github.com/tus/tusd/v2/pkg/handler"

	"chorus/fault"
	"chorus/store"
)

// tusd turns every error of a data store into a plain-text 500. The HTTP
// layer wants the error itself, to answer with its code and in the
// reader's language; so each request carries a slot where the store puts
// the first error it returns to tusd.

type errorsKey struct{}

type errorSlot struct {
	mu  sync.Mutex
	err error
}

// WithErrors returns ctx with a slot for the store's errors during one
// request, and a function that returns the first of them (nil if none).
func WithErrors(ctx context.Context) (context.Context, func() error) {
	slot := &errorSlot{}
	return context.WithValue(ctx, errorsKey{}, slot), func() error {
		slot.mu.Lock()
		defer slot.mu.Unlock()
		return slot.err
	}
}

// failed records err in ctx's slot (if it is the first) and returns it to
// tusd as a tus error with a status that tells a tus client whether to
// retry (4xx: no, but for 409 and 423; 5xx: yes). The HTTP layer answers
// with the recorded error instead, through its one mapping of codes.
func failed(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if slot, ok := ctx.Value(errorsKey{}).(*errorSlot); ok {
		slot.mu.Lock()
		if slot.err == nil {
			slot.err = err
		}
		slot.mu.Unlock()
	}
	var te handler.Error
	if errors.As(err, &te) {
		return te
	}
	status, ok := tusStatus[fault.CodeOf(err)]
	if !ok {
		status = http.StatusInternalServerError
	}
	return handler.NewError("ERR_CHORUS_"+strings.ToUpper(string(fault.CodeOf(err))), fault.MessageOf(err), status)
}

var tusStatus = map[fault.Code]int{
	fault.Invalid:     http.StatusBadRequest,
	fault.NotFound:    http.StatusNotFound,
	fault.Conflict:    http.StatusConflict,
	fault.TooLarge:    http.StatusRequestEntityTooLarge,
	fault.Unavailable: http.StatusServiceUnavailable,
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

// appendEvent records a change of an upload in the event log.
func appendEvent(ctx context.Context, docs store.Documents, actor, typ, subject string, data map[string]any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "upload: event cannot be stored")
	}
	_, err = docs.AppendEvent(ctx, store.Event{Actor: actor, Type: typ, Subject: subject, Data: b})
	return err
}
