package realtime

import (
	"errors"
	"sync"
)

// inParallel runs do for 0..n-1, at most width at a time (setting up
// hundreds of accounts or sockets at once would only measure the queue),
// and returns the results in order with every error joined.
func inParallel[T any](n, width int, do func(i int) (T, error)) ([]T, error) {
	out := make([]T, n)
	errs := make([]error, n)
	sem := make(chan struct{}, width)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i], errs[i] = do(i)
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}
