package ot

// Client is one editor of a text kept by a central server, in the three
// classic states: synchronised, awaiting the acknowledgement of one op
// (inflight), and awaiting with a buffer (what was made since, composed).
// It is what the browser's FieldSync does, for Go programs (load
// generators, tests); it does no I/O: the caller sends what Next returns
// and feeds back what the server says. Not safe for concurrent use.
type Client struct {
	ID string // names its ops (with their seq) for the server

	server   string // the newest server text known
	version  int64
	inflight Op
	sentSeq  int64
	buffer   Op
	local    string
	stale    bool // local is to be worked out again (AppliedText)
	seq      int64
}

// NewClient starts a client on the server's text at version.
func NewClient(id, text string, version int64) *Client {
	return &Client{ID: id, server: text, version: version, local: text}
}

// Text is what the editor shows; Version the newest server version known.
func (c *Client) Text() string {
	_ = c.refresh()
	return c.local
}

// refresh works out the editor's text again after AppliedText: the
// server's text with what is in flight and the buffer on top.
func (c *Client) refresh() error {
	if !c.stale {
		return nil
	}
	t := c.server
	for _, op := range []Op{c.inflight, c.buffer} {
		if op == nil {
			continue
		}
		var err error
		if t, err = Apply(t, op); err != nil {
			return err
		}
	}
	c.local, c.stale = t, false
	return nil
}
func (c *Client) Version() int64 { return c.version }

// Pending reports whether anything waits to be sent or acknowledged.
func (c *Client) Pending() bool { return c.inflight != nil || c.buffer != nil }

// Awaiting reports whether an op is out, awaiting its acknowledgement.
func (c *Client) Awaiting() bool { return c.inflight != nil }

// Edit applies a change made by this editor (on Text).
func (c *Client) Edit(op Op) error {
	if err := c.refresh(); err != nil {
		return err
	}
	next, err := Apply(c.local, op)
	if err != nil {
		return err
	}
	c.local = next
	if c.buffer == nil {
		c.buffer = op
	} else {
		c.buffer = Compose(c.buffer, op)
	}
	if len(c.buffer) == 0 {
		c.buffer = nil
	}
	return nil
}

// Next returns the op to send now, with its base version and seq: the op
// in flight again (resend after a lost connection: same seq), or the
// buffer, which becomes the op in flight. ok is false when there is
// nothing to send.
func (c *Client) Next() (op Op, base, seq int64, ok bool) {
	if c.inflight == nil {
		if c.buffer == nil {
			return nil, 0, 0, false
		}
		c.seq++
		c.inflight, c.sentSeq, c.buffer = c.buffer, c.seq, nil
	}
	return c.inflight, c.version, c.sentSeq, true
}

// Ack is the server's answer to the op in flight: it made version. An
// answer that skips versions not yet received is left to the feed (which
// brings them first, then this op).
func (c *Client) Ack(seq, version int64) {
	if c.inflight != nil && seq == c.sentSeq && version == c.version+1 {
		c.acknowledge(version)
	}
}

func (c *Client) acknowledge(version int64) {
	c.server, _ = Apply(c.server, c.inflight)
	c.version, c.inflight = version, nil
}

// Applied is one op of the server's feed: version v, op on v-1, sent by
// client with seq. Ours acknowledges the op in flight; others' are
// transformed against what is unsent and applied. Versions known already
// are skipped. It fails when op does not apply (the feed has a gap).
func (c *Client) Applied(v int64, op Op, client string, seq int64) error {
	if v <= c.version {
		return nil
	}
	if err := c.refresh(); err != nil {
		return err
	}
	if c.inflight != nil && client == c.ID && seq == c.sentSeq {
		c.acknowledge(v)
		return nil
	}
	next, err := Apply(c.server, op)
	if err != nil {
		return err
	}
	c.server, c.version = next, v
	if c.inflight != nil {
		mine := c.inflight
		c.inflight, op = Transform(mine, op, Left), Transform(op, mine, Right)
	}
	if c.buffer != nil {
		mine := c.buffer
		c.buffer, op = Transform(mine, op, Left), Transform(op, mine, Right)
	}
	c.local, err = Apply(c.local, op)
	return err
}

// AppliedText is Applied for a caller that knows text, the server's text
// at version v (what op made): a load generator whose hundreds of clients
// follow one feed works it out once for all of them. The client then need
// not apply op to its copy of the server's text, and its own text is
// worked out again only when asked for (Text, Edit): applying every op to
// two texts of every client, hundreds of times over, would make the
// generator what is measured.
func (c *Client) AppliedText(v int64, op Op, client string, seq int64, text string) error {
	if v <= c.version {
		return nil
	}
	c.server, c.version = text, v
	if c.inflight != nil && client == c.ID && seq == c.sentSeq {
		c.inflight = nil // ours: the buffer was made on top of it
	} else {
		if c.inflight != nil {
			in := c.inflight
			c.inflight, op = Transform(in, op, Left), Transform(op, in, Right)
		}
		if c.buffer != nil {
			c.buffer = Transform(c.buffer, op, Left)
		}
	}
	c.stale = true
	if c.inflight == nil && c.buffer == nil {
		c.local, c.stale = text, false
	}
	return nil
}

// Drop forgets what was not acknowledged (the server refused the op in
// flight): the editor shows the server's text again.
func (c *Client) Drop() {
	c.inflight, c.buffer, c.local, c.stale = nil, nil, c.server, false
}
