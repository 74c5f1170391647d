package ot

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// model is the central server the clients talk to: it transforms an op
// against the ops accepted since its base, and applies an op sent twice
// once.
type model struct {
	text  string
	log   []logged // log[i] made version i+2
	texts []string // texts[i]: the text at version i+2
}

type logged struct {
	op     Op
	client string
	seq    int64
}

func (m *model) version() int64 { return int64(len(m.log)) + 1 }

func (m *model) submit(op Op, base int64, client string, seq int64) (int64, error) {
	for i := base - 1; i < int64(len(m.log)); i++ {
		l := m.log[i]
		if l.client == client && l.seq == seq {
			return i + 2, nil
		}
		op = Transform(op, l.op, Left)
	}
	next, err := Apply(m.text, op)
	if err != nil {
		return 0, err
	}
	m.text = next
	m.log = append(m.log, logged{op, client, seq})
	m.texts = append(m.texts, next)
	return m.version(), nil
}

var markerRE = regexp.MustCompile(`\[[a-z]\d{4}\]`)

// coCase runs authors against the model with messages delayed at random
// both ways, some answers lost (then the op is sent again after a
// "reconnect") and feeds delivered late: the property of issue 11 holds.
// Every other author is fed with AppliedText, as the load generator's are.
func coCase(t *testing.T, seed uint64, authors, steps int) {
	r := rand.New(rand.NewPCG(seed, 3))
	srv := &model{text: "[a0000][a0001][a0002]"}
	inserted, deleted := map[string]bool{}, map[string]bool{}
	for _, m := range markerRE.FindAllString(srv.text, -1) {
		inserted[m] = true
	}
	type author struct {
		c      *Client
		fed    int64 // versions of the feed delivered
		inbox  []int64
		shared bool // fed with AppliedText
	}
	as := make([]*author, authors)
	for i := range as {
		as[i] = &author{c: NewClient(fmt.Sprint("c", i), srv.text, 1), fed: 1, shared: i%2 == 1}
	}
	feed := func(a *author, upto int64) {
		for ; a.fed < upto; a.fed++ {
			l := srv.log[a.fed-1]
			apply := a.c.Applied
			if a.shared {
				apply = func(v int64, op Op, client string, seq int64) error {
					return a.c.AppliedText(v, op, client, seq, srv.texts[v-2])
				}
			}
			if err := apply(a.fed+1, l.op, l.client, l.seq); err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
		}
	}
	send := func(a *author) {
		op, base, seq, ok := a.c.Next()
		if !ok {
			return
		}
		v, err := srv.submit(op, base, a.c.ID, seq)
		if err != nil {
			t.Fatalf("seed %d: server refused %v on %d: %v", seed, op, base, err)
		}
		if r.IntN(4) == 0 {
			return // the answer is lost: a reconnect sends the op again
		}
		a.inbox = append(a.inbox, v)
	}
	next := 0
	for range steps {
		a := as[r.IntN(authors)]
		switch r.IntN(5) {
		case 0, 1:
			units := markerRE.FindAllString(a.c.Text(), -1)
			if len(units) == 0 || r.IntN(2) == 0 {
				m := fmt.Sprintf("[%c%04d]", 'b'+rune(r.IntN(20)), next)
				next++
				inserted[m] = true
				at := runes(strings.Join(units[:r.IntN(len(units)+1)], ""))
				if err := a.c.Edit(Insert(at, m)); err != nil {
					t.Fatal(err)
				}
			} else {
				from := r.IntN(len(units))
				to := min(len(units), from+1+r.IntN(3))
				for _, u := range units[from:to] {
					deleted[u] = true
				}
				if err := a.c.Edit(Delete(runes(strings.Join(units[:from], "")), runes(strings.Join(units[from:to], "")))); err != nil {
					t.Fatal(err)
				}
			}
		case 2:
			if !a.c.Awaiting() || r.IntN(3) == 0 { // a reconnect resends what is in flight
				send(a)
			}
		case 3: // the feed arrives, part of it
			feed(a, a.fed+int64(r.IntN(int(srv.version()-a.fed)+1)))
		case 4: // an answer arrives, after the feed up to it
			if len(a.inbox) > 0 {
				v := a.inbox[0]
				a.inbox = a.inbox[1:]
				feed(a, v-1)
				_, _, seq, _ := a.c.Next()
				a.c.Ack(seq, v)
			}
		}
	}
	for range 2 * authors * 3 {
		for _, a := range as {
			feed(a, srv.version())
			send(a)
		}
	}
	for i, a := range as {
		feed(a, srv.version())
		if a.c.Pending() || a.c.Text() != srv.text {
			t.Fatalf("seed %d: author %d pending %v shows %q, server %q", seed, i, a.c.Pending(), a.c.Text(), srv.text)
		}
	}
	if rest := markerRE.ReplaceAllString(srv.text, ""); rest != "" {
		t.Fatalf("seed %d: scrambled %q in %q", seed, rest, srv.text)
	}
	count := map[string]int{}
	for _, m := range markerRE.FindAllString(srv.text, -1) {
		count[m]++
	}
	for m := range inserted {
		if deleted[m] && count[m] != 0 {
			t.Fatalf("seed %d: %s was deleted and came back", seed, m)
		}
		if !deleted[m] && count[m] != 1 {
			t.Fatalf("seed %d: %s found %d times, want once", seed, m, count[m])
		}
	}
}

// Thousands of seeded cases of the marker-and-delete property.
func TestClientsConvergeKeepingMarkers(t *testing.T) {
	n := uint64(3000)
	if testing.Short() {
		n = 300
	}
	for seed := range n {
		coCase(t, seed, 2+int(seed%7), 80)
	}
}

func FuzzClientsConverge(f *testing.F) {
	f.Add(uint64(1), uint8(3))
	f.Add(uint64(99), uint8(8))
	f.Fuzz(func(t *testing.T, seed uint64, authors uint8) {
		coCase(t, seed, 2+int(authors%10), 60)
	})
}
