// Package jobs runs background work kept in the document store, so that it
// survives a restart of the worker: a job is leased by one worker at a time
// (a compare-and-set on its record; a lease that is not renewed runs out
// and another worker takes the job over), retried with backoff when it
// fails for a reason that may pass, given up with the reason when it
// cannot succeed, and shows its step and progress while it runs.
//
// The worker that runs a job renews its lease while the job runs; if it
// finds the lease taken (it stalled past the lease), it cancels its run, so
// a job never runs twice at once for longer than a renewal interval.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"chorus/fault"
	"chorus/store"
)

// State is where a job stands.
type State string

// The states of a job.
const (
	Queued  State = "queued"  // waiting until DueMs
	Running State = "running" // leased by Worker until LeaseMs
	Done    State = "done"
	Failed  State = "failed" // given up; Problem says why
)

// Job is the record of one job.
type Job struct {
	ID       string  `json:"id"`
	Kind     string  `json:"kind"`
	Subject  string  `json:"subject"` // what the job works on, e.g. a video version
	State    State   `json:"state"`
	Attempts int     `json:"attempts"`
	DueMs    int64   `json:"dueMs"`
	LeaseMs  int64   `json:"leaseMs"`
	Worker   string  `json:"worker,omitempty"`
	Step     string  `json:"step,omitempty"`
	Progress float64 `json:"progress"` // of the step, 0 to 1
	// Problem is the last failure, as shown to people.
	Problem   string    `json:"problem,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
}

// Kind is the work of one kind of job.
type Kind struct {
	// Run does the job; it reports its steps through p. An error marked
	// with Permanent is not retried.
	Run func(ctx context.Context, j Job, p *Progress) error
	// GiveUp is told why a job will not be tried again (a permanent error,
	// or the last attempt failed), so the thing it worked on can say so.
	GiveUp func(ctx context.Context, j Job, err error) error
}

// permanent marks an error that retrying cannot fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent marks err as one that retrying cannot fix.
func Permanent(err error) error { return permanent{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.As(err, new(permanent)) }

const collection = "jobs"

// Schemas are the collections of this package.
var Schemas = []store.Schema{
	{Collection: collection, Indexes: []store.Index{{Field: "state"}, {Field: "dueMs"}, {Field: "leaseMs"}, {Field: "subject"}}},
}

// Defaults.
const (
	DefaultLease       = 2 * time.Minute
	DefaultMaxAttempts = 5
	// progressEvery bounds how often progress is written.
	progressEvery = time.Second
)

// Queue keeps and runs jobs. Create it with NewQueue, add kinds with
// Handle, call Declare once, then Run (or RunDue) in the worker.
type Queue struct {
	docs   store.Documents
	worker string
	kinds  map[string]Kind

	// Now is the clock; Lease how long a run holds a job between
	// renewals; MaxAttempts how often a job is tried; Backoff how long to
	// wait before attempt n+1 after attempt n failed.
	Now         func() time.Time
	Lease       time.Duration
	MaxAttempts int
	Backoff     func(attempt int) time.Duration
}

// NewQueue returns a queue on docs with the defaults: two-minute leases,
// five attempts, and waits of 10 s, 40 s, 160 s and 640 s between them.
func NewQueue(docs store.Documents) *Queue {
	return &Queue{
		docs: docs, worker: randomID(), kinds: map[string]Kind{},
		Now: time.Now, Lease: DefaultLease, MaxAttempts: DefaultMaxAttempts,
		Backoff: func(n int) time.Duration { return 10 * time.Second << (2 * min(n-1, 8)) },
	}
}

// Declare creates the package's collections.
func (q *Queue) Declare(ctx context.Context) error {
	return store.DeclareAll(ctx, q.docs, "jobs", Schemas)
}

// Handle says how to run jobs of kind.
func (q *Queue) Handle(kind string, k Kind) { q.kinds[kind] = k }

// Enqueue adds a job with id (ids make enqueueing idempotent: a job that
// exists already is left as it is) to run now.
func (q *Queue) Enqueue(ctx context.Context, kind, id, subject string) error {
	now := q.Now().UTC()
	j := Job{ID: id, Kind: kind, Subject: subject, State: Queued, DueMs: now.UnixMilli(), CreatedAt: now, UpdatedAt: now}
	err := store.InsertAs(ctx, q.docs, collection, id, j, time.Time{})
	if fault.Is(err, fault.Conflict) {
		return nil
	}
	return err
}

// Retry queues a job that is done or failed again, to run now from its
// first attempt.
func (q *Queue) Retry(ctx context.Context, id string) error {
	d, err := store.GetAs[Job](ctx, q.docs, collection, id)
	if err != nil {
		return err
	}
	j := d.Value
	if j.State == Queued || j.State == Running {
		return nil
	}
	j.State, j.Attempts, j.Problem, j.Step, j.Progress = Queued, 0, "", "", 0
	j.DueMs = q.Now().UnixMilli()
	_, err = q.put(ctx, j, d.Version)
	return err
}

// Get returns job id.
func (q *Queue) Get(ctx context.Context, id string) (Job, error) {
	d, err := store.GetAs[Job](ctx, q.docs, collection, id)
	return d.Value, err
}

// Run runs due jobs until ctx ends, looking for new ones every poll.
func (q *Queue) Run(ctx context.Context, poll time.Duration, onError func(error)) {
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := q.RunDue(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs, one after the other, every job that is due now: queued
// jobs whose time has come and running jobs whose lease ran out (their
// worker stopped). It returns how many it ran.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	ran := 0
	for ctx.Err() == nil {
		d, ok, err := q.leaseNext(ctx)
		if err != nil || !ok {
			return ran, err
		}
		if err := q.run(ctx, d); err != nil {
			return ran, err
		}
		ran++
	}
	return ran, nil
}

// leaseNext takes the next due job, if any.
func (q *Queue) leaseNext(ctx context.Context) (store.Doc[Job], bool, error) {
	now := q.Now().UnixMilli()
	for _, where := range [][]store.Cond{
		{{Field: "state", Op: store.Eq, Value: string(Queued)}, {Field: "dueMs", Op: store.Lte, Value: now}},
		{{Field: "state", Op: store.Eq, Value: string(Running)}, {Field: "leaseMs", Op: store.Lt, Value: now}},
	} {
		page, err := q.docs.Find(ctx, collection, store.Query{Where: where, Limit: 20})
		if err != nil {
			return store.Doc[Job]{}, false, err
		}
		for _, r := range page.Records {
			d, err := store.GetAs[Job](ctx, q.docs, collection, r.ID)
			if err != nil {
				continue // gone meanwhile
			}
			j := d.Value
			if _, known := q.kinds[j.Kind]; !known || !due(j, now) {
				continue // another kind of worker's job, or taken since the query
			}
			j.State, j.Worker, j.LeaseMs = Running, q.worker, q.Now().Add(q.Lease).UnixMilli()
			j.Attempts++
			v, err := q.put(ctx, j, d.Version)
			if fault.Is(err, fault.Conflict) {
				continue // another worker took it
			}
			if err != nil {
				return store.Doc[Job]{}, false, err
			}
			return store.Doc[Job]{Value: j, Version: v}, true, nil
		}
	}
	return store.Doc[Job]{}, false, nil
}

// due reports whether j may be leased at now (unix milliseconds).
func due(j Job, now int64) bool {
	return (j.State == Queued && j.DueMs <= now) || (j.State == Running && j.LeaseMs < now)
}

// run runs one leased job and records how it ended.
func (q *Queue) run(ctx context.Context, d store.Doc[Job]) error {
	kind := q.kinds[d.Value.Kind]
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := &Progress{q: q, doc: d, lost: cancel}
	stopRenew := p.renewEvery(runCtx, q.Lease/3)
	err := safeRun(runCtx, kind.Run, d.Value, p)
	stopRenew()
	d, lost := p.current()
	if lost {
		return nil // another worker holds the job now
	}
	j := d.Value
	j.Worker, j.LeaseMs = "", 0
	switch {
	case err == nil:
		j.State, j.Progress, j.Problem = Done, 1, ""
	case ctx.Err() != nil:
		// The worker is stopping: give the job back as it was.
		j.State, j.DueMs = Queued, q.Now().UnixMilli()
		j.Attempts--
		_, perr := q.put(context.WithoutCancel(ctx), j, d.Version)
		return perr
	case IsPermanent(err) || j.Attempts >= q.MaxAttempts:
		j.State, j.Problem = Failed, fault.MessageOf(err)
		if kind.GiveUp != nil {
			if gerr := kind.GiveUp(ctx, j, err); gerr != nil {
				return gerr // the job stays leased and is tried again when the lease runs out
			}
		}
	default:
		j.State, j.Problem = Queued, fault.MessageOf(err)
		j.DueMs = q.Now().Add(q.Backoff(j.Attempts)).UnixMilli()
	}
	_, err = q.put(ctx, j, d.Version)
	return err
}

// safeRun runs fn, turning a panic into a permanent failure so that one
// bad job cannot stop the worker.
func safeRun(ctx context.Context, fn func(context.Context, Job, *Progress) error, j Job, p *Progress) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = Permanent(fault.Errorf(fault.Internal, "job %s panicked: %v", j.ID, r))
		}
	}()
	return fn(ctx, j, p)
}

func (q *Queue) put(ctx context.Context, j Job, version int64) (int64, error) {
	j.UpdatedAt = q.Now().UTC()
	return store.UpdateAs(ctx, q.docs, collection, j.ID, version, j, time.Time{})
}

// Progress is how a running job reports its step and renews its lease.
type Progress struct {
	q    *Queue
	mu   sync.Mutex
	doc  store.Doc[Job]
	last time.Time
	gone bool
	lost context.CancelFunc
}

// Set records the step the job is at and how far into it (0 to 1). It
// writes at most once a second unless the step changes; it returns an
// error when the job's lease was lost (and the run's context is then
// cancelled).
func (p *Progress) Set(ctx context.Context, step string, fraction float64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gone {
		return context.Canceled
	}
	if step == p.doc.Value.Step && p.q.Now().Sub(p.last) < progressEvery {
		return nil
	}
	j := p.doc.Value
	j.Step, j.Progress = step, min(max(fraction, 0), 1)
	return p.write(ctx, j)
}

// write stores j with a renewed lease; called with p.mu held.
func (p *Progress) write(ctx context.Context, j Job) error {
	j.LeaseMs = p.q.Now().Add(p.q.Lease).UnixMilli()
	v, err := p.q.put(context.WithoutCancel(ctx), j, p.doc.Version)
	if fault.Is(err, fault.Conflict) {
		p.gone = true
		p.lost()
		return context.Canceled
	}
	if err != nil {
		return err
	}
	p.doc, p.last = store.Doc[Job]{Value: j, Version: v}, p.q.Now()
	return nil
}

// renewEvery renews the lease every d until the returned function is called.
func (p *Progress) renewEvery(ctx context.Context, d time.Duration) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				p.mu.Lock()
				if !p.gone {
					_ = p.write(ctx, p.doc.Value)
				}
				p.mu.Unlock()
			}
		}
	}()
	return func() { close(done); <-stopped }
}

func (p *Progress) current() (store.Doc[Job], bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.doc, p.gone
}

func randomID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}
