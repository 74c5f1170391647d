package upload

import (
	"context"
	"sync"

	"github.com/tus/tusd/v2/pkg/handler"
)

// locks lets one request at a time work on an upload in this process (the
// compare-and-set of the record guards against other processes). Like
// tusd's memorylocker, a request that wants a held lock asks the holder to
// let go (tusd then ends the holder's request, which stores what it has):
// that is how a client resuming after a dropped connection takes over at
// once instead of waiting for the dead request to time out.
//
// Unlike memorylocker, the holder is asked only once it writes (touch, at
// the start of WriteChunk): tusd reads the request's body reader when asked
// to let go, without synchronising with the request that sets it, so asking
// earlier races with tusd itself. A holder that does not write (HEAD,
// DELETE) is short and is simply waited for.
type locks struct {
	mu   sync.Mutex
	held map[string]*lockEntry
}

type lockEntry struct {
	released chan struct{}
	release  func() // tusd's request to let go
	writing  bool   // the holder has begun to write
	wanted   bool   // someone waits for the lock
}

func newLocks() *locks { return &locks{held: map[string]*lockEntry{}} }

// NewLock implements handler.Locker.
func (l *locks) NewLock(id string) (handler.Lock, error) { return &lock{l: l, id: id}, nil }

type lock struct {
	l  *locks
	id string
}

// Lock implements handler.Lock.
func (k *lock) Lock(ctx context.Context, release func()) error {
	for {
		k.l.mu.Lock()
		e, held := k.l.held[k.id]
		if !held {
			k.l.held[k.id] = &lockEntry{released: make(chan struct{}), release: release}
			k.l.mu.Unlock()
			return nil
		}
		e.wanted = true
		ask := e.writing
		k.l.mu.Unlock()
		if ask {
			e.release()
		}
		select {
		case <-ctx.Done():
			return handler.ErrLockTimeout
		case <-e.released:
		}
	}
}

// Unlock implements handler.Lock.
func (k *lock) Unlock() error {
	k.l.mu.Lock()
	e, held := k.l.held[k.id]
	delete(k.l.held, k.id)
	k.l.mu.Unlock()
	if held {
		close(e.released)
	}
	return nil
}

// touch marks that the holder of id's lock began to write, and passes on a
// request to let go that came before.
func (l *locks) touch(id string) {
	l.mu.Lock()
	e, held := l.held[id]
	ask := held && e.wanted
	if held {
		e.writing = true
	}
	l.mu.Unlock()
	if ask {
		e.release()
	}
}
