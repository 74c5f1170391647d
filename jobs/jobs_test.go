package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chorus/fault"
	"chorus/jobs"
	"chorus/store"
	"chorus/store/sqlite"
)

func openDocs(t *testing.T) store.Documents {
	t.Helper()
	d, err := sqlite.Open(filepath.Join(t.TempDir(), "jobs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// clock is a settable clock shared by the queues of a test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func newQueue(t *testing.T, docs store.Documents, c *clock) *jobs.Queue {
	t.Helper()
	q := jobs.NewQueue(docs)
	q.Now = c.Now
	if err := q.Declare(context.Background()); err != nil {
		t.Fatal(err)
	}
	return q
}

func get(t *testing.T, q *jobs.Queue, id string) jobs.Job {
	t.Helper()
	j, err := q.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestRunShowsProgressAndFinishes(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Now()}
	q := newQueue(t, openDocs(t), c)
	atStep, release := make(chan struct{}), make(chan struct{})
	q.Handle("work", jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
		if err := p.Set(ctx, "rendition", 0.4); err != nil {
			return err
		}
		close(atStep)
		<-release
		return nil
	}})
	if err := q.Enqueue(ctx, "work", "j1", "version:1"); err != nil {
		t.Fatal(err)
	}
	if err := q.Enqueue(ctx, "work", "j1", "version:1"); err != nil {
		t.Errorf("enqueueing the same job again: %v, want it ignored", err)
	}
	done := make(chan int)
	go func() { n, _ := q.RunDue(ctx); done <- n }()
	<-atStep
	if j := get(t, q, "j1"); j.State != jobs.Running || j.Step != "rendition" || j.Progress != 0.4 || j.Attempts != 1 {
		t.Errorf("while running: %+v, want running at rendition 0.4, attempt 1", j)
	}
	close(release)
	if n := <-done; n != 1 {
		t.Errorf("RunDue ran %d jobs, want 1", n)
	}
	if j := get(t, q, "j1"); j.State != jobs.Done || j.Progress != 1 || j.Worker != "" {
		t.Errorf("after: %+v, want done", j)
	}
}

func TestRetriesWithBackoffThenGivesUp(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Now()}
	q := newQueue(t, openDocs(t), c)
	q.MaxAttempts = 3
	var runs atomic.Int32
	var gaveUp []error
	q.Handle("flaky", jobs.Kind{
		Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
			runs.Add(1)
			return fault.Errorf(fault.Unavailable, "The blob store is not reachable.")
		},
		GiveUp: func(ctx context.Context, j jobs.Job, err error) error { gaveUp = append(gaveUp, err); return nil },
	})
	q.Enqueue(ctx, "flaky", "j1", "x")
	waits := []time.Duration{10 * time.Second, 40 * time.Second}
	for attempt := 1; attempt <= 3; attempt++ {
		if n, err := q.RunDue(ctx); n != 1 || err != nil {
			t.Fatalf("attempt %d: RunDue = %d, %v", attempt, n, err)
		}
		j := get(t, q, "j1")
		if attempt < 3 {
			if j.State != jobs.Queued || j.Problem != "The blob store is not reachable." || j.DueMs != c.Now().Add(waits[attempt-1]).UnixMilli() {
				t.Fatalf("after attempt %d: %+v, want queued in %s with the reason", attempt, j, waits[attempt-1])
			}
			if n, _ := q.RunDue(ctx); n != 0 {
				t.Fatalf("the job ran again before its wait was over")
			}
			c.add(waits[attempt-1])
		} else if j.State != jobs.Failed || j.Attempts != 3 {
			t.Fatalf("after the last attempt: %+v, want failed after 3", j)
		}
	}
	if runs.Load() != 3 || len(gaveUp) != 1 {
		t.Errorf("ran %d times and gave up %d times, want 3 and 1", runs.Load(), len(gaveUp))
	}
}

func TestPermanentErrorsAreNotRetried(t *testing.T) {
	ctx := context.Background()
	c := &clock{now: time.Now()}
	q := newQueue(t, openDocs(t), c)
	var why error
	q.Handle("bad", jobs.Kind{
		Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
			return jobs.Permanent(fault.Errorf(fault.Invalid, "This file has no picture."))
		},
		GiveUp: func(ctx context.Context, j jobs.Job, err error) error { why = err; return nil },
	})
	q.Handle("panics", jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error { panic("boom") }})
	q.Enqueue(ctx, "bad", "j1", "x")
	q.Enqueue(ctx, "panics", "j2", "y")
	q.RunDue(ctx)
	if j := get(t, q, "j1"); j.State != jobs.Failed || j.Attempts != 1 || j.Problem != "This file has no picture." {
		t.Errorf("got %+v, want failed after one attempt with the reason", j)
	}
	if fault.MessageOf(why) != "This file has no picture." {
		t.Errorf("GiveUp got %v", why)
	}
	if j := get(t, q, "j2"); j.State != jobs.Failed {
		t.Errorf("a panicking job: %+v, want failed", j)
	}
}

// Several workers on one store run every job exactly once, never two at once.
func TestNeverTwiceAtOnce(t *testing.T) {
	ctx := context.Background()
	docs := openDocs(t)
	c := &clock{now: time.Now()}
	const n = 30
	var mu sync.Mutex
	running, runs := map[string]bool{}, map[string]int{}
	var overlap atomic.Int32
	kind := jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
		mu.Lock()
		if running[j.ID] {
			overlap.Add(1)
		}
		running[j.ID] = true
		runs[j.ID]++
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		mu.Lock()
		running[j.ID] = false
		mu.Unlock()
		return nil
	}}
	var queues []*jobs.Queue
	for w := 0; w < 4; w++ {
		q := newQueue(t, docs, c)
		q.Handle("work", kind)
		queues = append(queues, q)
	}
	for i := 0; i < n; i++ {
		queues[0].Enqueue(ctx, "work", fmt.Sprintf("j%02d", i), "x")
	}
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := q.RunDue(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if overlap.Load() != 0 {
		t.Errorf("%d runs overlapped", overlap.Load())
	}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("j%02d", i)
		if runs[id] != 1 {
			t.Errorf("%s ran %d times, want once", id, runs[id])
		}
	}
}

// A worker that stops without a word (kill -9) leaves a lease that runs
// out; another worker then takes the job over, and the first, if it comes
// back to life, notices and stops.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	ctx := context.Background()
	docs := openDocs(t)
	c := &clock{now: time.Now()}
	stalled, resume := make(chan struct{}), make(chan struct{})
	var bRuns atomic.Int32
	lost := make(chan error, 1)
	a := newQueue(t, docs, c)
	a.Handle("work", jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
		close(stalled)
		<-resume
		err := p.Set(ctx, "after the stall", 0.5)
		lost <- err
		return err
	}})
	b := newQueue(t, docs, c)
	b.Handle("work", jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error { bRuns.Add(1); return nil }})
	a.Enqueue(ctx, "work", "j1", "x")
	aDone := make(chan struct{})
	go func() { a.RunDue(ctx); close(aDone) }()
	<-stalled
	if n, _ := b.RunDue(ctx); n != 0 {
		t.Fatalf("b ran a job whose lease holds")
	}
	c.add(jobs.DefaultLease + time.Second)
	if n, _ := b.RunDue(ctx); n != 1 || bRuns.Load() != 1 {
		t.Fatalf("b ran %d jobs after the lease ran out, want 1", n)
	}
	close(resume)
	if err := <-lost; !errors.Is(err, context.Canceled) {
		t.Errorf("a's progress after losing the lease: %v, want context.Canceled", err)
	}
	<-aDone
	if j := get(t, b, "j1"); j.State != jobs.Done || j.Attempts != 2 {
		t.Errorf("got %+v, want done by b on attempt 2", j)
	}
}

// A worker that is stopped gives its job back untouched.
func TestStoppingGivesTheJobBack(t *testing.T) {
	docs := openDocs(t)
	c := &clock{now: time.Now()}
	q := newQueue(t, docs, c)
	started := make(chan struct{})
	q.Handle("work", jobs.Kind{Run: func(ctx context.Context, j jobs.Job, p *jobs.Progress) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}})
	q.Enqueue(context.Background(), "work", "j1", "x")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { q.RunDue(ctx); close(done) }()
	<-started
	cancel()
	<-done
	if j := get(t, q, "j1"); j.State != jobs.Queued || j.Attempts != 0 {
		t.Errorf("got %+v, want queued again with no attempt counted", j)
	}
}
