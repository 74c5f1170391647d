package consent

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"chorus/fault"
	"chorus/store"
)

// Action is what a ledger record says happened.
type Action string

// The actions. There is no "refused": not granting leaves no record.
const (
	Granted   Action = "granted"
	Withdrawn Action = "withdrawn"
)

// Actor is who acted: the person themselves or their guardian.
type Actor string

// The actors.
const (
	BySelf     Actor = "self"
	ByGuardian Actor = "guardian"
)

// Event types other capabilities act on (media withdraws videos, policy
// drops cached decisions).
const (
	EventGranted   = "consent.granted"
	EventWithdrawn = "consent.withdrawn"
)

// Record is one entry of the append-only consent ledger. The package offers
// no way to change or remove a record: what someone agreed to, and when, must
// stay provable (GDPR Art. 7(1)); a change of mind is a new record.
type Record struct {
	ID            string    `json:"id"`
	AccountID     string    `json:"accountId"`
	Seq           int64     `json:"seq"` // 1, 2, 3... per account: the order of decisions, even within one millisecond
	Scope         Scope     `json:"scope"`
	Action        Action    `json:"action"`
	Actor         Actor     `json:"actor"`
	GuardianEmail string    `json:"guardianEmail,omitempty"`
	GuardianName  string    `json:"guardianName,omitempty"`
	Method        Method    `json:"method"`
	Level         Level     `json:"level,omitempty"`
	TextHash      string    `json:"textHash"` // sha256 of the exact text shown (Registry.TextHash)
	Audience      Audience  `json:"audience"` // whose text it was
	Language      string    `json:"language"`
	Country       string    `json:"country"`
	Band          AgeBand   `json:"band"`                 // the person's band when it was recorded
	Evidence      string    `json:"evidence,omitempty"`   // blob key of a signed form, or an assurance reference
	RecordedBy    string    `json:"recordedBy,omitempty"` // the coordinator who checked the evidence
	Time          time.Time `json:"time"`
	TimeMS        int64     `json:"timeMs"`
}

// State is what Effective says about a scope.
type State string

// The states.
const (
	StateGranted           State = "granted"            // held: the scope's activity may go ahead
	StateNotGranted        State = "not_granted"        // nobody has decided yet
	StateWithdrawn         State = "withdrawn"          // the latest deciding record is a withdrawal
	StatePartial           State = "partial"            // joint scope: only one of child and guardian has granted
	StateNeedsVerification State = "needs_verification" // the guardian granted, but not yet with the verification the scope needs
	StateNotAllowed        State = "not_allowed"        // nobody may grant it for this age band
)

// Held reports whether the scope may be relied on.
func (st State) Held() bool { return st == StateGranted }

// appendRecord gives rec the next sequence number of its account and
// inserts it together with the matching store event, in one transaction:
// a grant or withdrawal is never on record without its event, nor the
// other way round. Two writers racing for the same number collide on the
// record id (fault.Conflict) and the loser tries again, so the sequence has
// no gaps or duplicates on any adapter.
func (s *Service) appendRecord(ctx context.Context, rec Record, eventActor string) (Record, error) {
	now := s.now()
	rec.Time = now.UTC()
	rec.TimeMS = now.UnixMilli()
	for attempt := 0; ; attempt++ {
		err := s.Docs.InTransaction(ctx, func(ctx context.Context) error {
			return s.insertRecord(ctx, &rec, eventActor)
		})
		if fault.Is(err, fault.Conflict) && attempt < 10 {
			continue
		}
		if err != nil {
			return Record{}, err
		}
		return rec, nil
	}
}

// insertRecord numbers rec after the account's newest record and writes it
// and its event; appendRecord runs it in a transaction.
func (s *Service) insertRecord(ctx context.Context, rec *Record, eventActor string) error {
	page, err := s.Docs.Find(ctx, RecordsCollection, store.Query{
		Where:   []store.Cond{{Field: "accountId", Op: store.Eq, Value: rec.AccountID}},
		OrderBy: "seq", Desc: true, Limit: 1,
	})
	if err != nil {
		return fmt.Errorf("consent: read ledger: %w", err)
	}
	rec.Seq = 1
	if len(page.Records) == 1 {
		var last Record
		if err := json.Unmarshal(page.Records[0].Data, &last); err != nil {
			return fault.Wrap(fault.Internal, err, "consent: corrupt ledger record")
		}
		rec.Seq = last.Seq + 1
	}
	rec.ID = fmt.Sprintf("%s.%09d", rec.AccountID, rec.Seq)
	data, err := json.Marshal(rec)
	if err != nil {
		return fault.Wrap(fault.Internal, err, "consent: encode record")
	}
	if _, err := s.Docs.Insert(ctx, RecordsCollection, store.Record{ID: rec.ID, Data: data}); err != nil {
		return fmt.Errorf("consent: append record: %w", err)
	}
	typ := EventGranted
	if rec.Action == Withdrawn {
		typ = EventWithdrawn
	}
	return s.event(ctx, eventActor, typ, "account:"+rec.AccountID, map[string]any{
		"recordId": rec.ID, "scope": rec.Scope, "actor": rec.Actor, "method": rec.Method, "level": rec.Level,
	})
}

// History returns every ledger record of the account, oldest first.
func (s *Service) History(ctx context.Context, accountID string) ([]Record, error) {
	var out []Record
	q := store.Query{
		Where:   []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}},
		OrderBy: "seq", Limit: store.MaxLimit,
	}
	for {
		page, err := s.Docs.Find(ctx, RecordsCollection, q)
		if err != nil {
			return nil, fmt.Errorf("consent: read ledger of %s: %w", accountID, err)
		}
		for _, r := range page.Records {
			var rec Record
			if err := json.Unmarshal(r.Data, &rec); err != nil {
				return nil, fault.Wrap(fault.Internal, err, "consent: corrupt ledger record")
			}
			out = append(out, rec)
		}
		if page.Next == "" {
			return out, nil
		}
		q.After = page.Next
	}
}

// Effective computes, from the ledger, which scopes the account holds now,
// for a person of band living in country. It reads the ledger afresh on
// every call, so a withdrawal counts from the very next call.
//
// Who decides follows the registry: for a youth-managed scope the latest
// record of anyone decides (a guardian's earlier grant stands until the young
// person confirms, changes or withdraws it); for a guardian-managed scope the
// guardian's latest record decides, but a child's own withdrawal always wins
// until the child grants again (nobody is filmed or named against their
// will); for a joint scope both latest records must be grants. A guardian's
// grant counts only at the verification level the scope needs; below it the
// scope shows as needs_verification.
func (s *Service) Effective(ctx context.Context, accountID string, band AgeBand, country string) (map[Scope]State, error) {
	hist, err := s.History(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.effective(hist, band, country), nil
}

func (s *Service) effective(hist []Record, band AgeBand, country string) map[Scope]State {
	joint := s.Ages.Joint(band, country)
	out := make(map[Scope]State, len(Scopes))
	for _, scope := range Scopes {
		self, guardian := latest(hist, scope)
		out[scope] = s.decide(scope, s.Registry.WhoManages(scope, band, joint), self, guardian)
	}
	return out
}

// latest returns the newest self and guardian records for scope.
func latest(hist []Record, scope Scope) (self, guardian *Record) {
	for i := range hist {
		r := &hist[i]
		if r.Scope != scope {
			continue
		}
		switch r.Actor {
		case BySelf, ByErasure: // an erasure withdraws as the person would
			if self == nil || r.Seq > self.Seq {
				self = r
			}
		case ByGuardian:
			if guardian == nil || r.Seq > guardian.Seq {
				guardian = r
			}
		}
	}
	return self, guardian
}

func (s *Service) decide(scope Scope, m Manager, self, guardian *Record) State {
	need := s.Registry.GuardianLevel(scope)
	guardianState := func() State {
		switch {
		case guardian == nil:
			return StateNotGranted
		case guardian.Action == Withdrawn:
			return StateWithdrawn
		case !guardian.Level.AtLeast(need):
			return StateNeedsVerification
		}
		return StateGranted
	}
	switch m {
	case ManagedByYouth:
		last := self
		if last == nil || (guardian != nil && guardian.Seq > last.Seq) {
			last = guardian
		}
		switch {
		case last == nil:
			return StateNotGranted
		case last.Action == Withdrawn:
			return StateWithdrawn
		case last.Actor == ByGuardian:
			return guardianState()
		}
		return StateGranted
	case ManagedByGuardian:
		if self != nil && self.Action == Withdrawn {
			return StateWithdrawn
		}
		return guardianState()
	case ManagedByJoint:
		if (self != nil && self.Action == Withdrawn) || (guardian != nil && guardian.Action == Withdrawn) {
			return StateWithdrawn
		}
		switch {
		case self == nil && guardian == nil:
			return StateNotGranted
		case self == nil || guardian == nil:
			return StatePartial
		}
		return guardianState()
	}
	return StateNotAllowed
}

// EffectiveFor is Effective for an account whose band and country are looked
// up through Subjects, for callers that hold only the account id.
func (s *Service) EffectiveFor(ctx context.Context, accountID string) (map[Scope]State, error) {
	sub, band, _, err := s.subject(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.Effective(ctx, accountID, band, sub.Country)
}

// Grant records that the person grants scope themselves, from their own
// account, having read the youth text in lang. It returns fault.Forbidden
// when the person may not decide scope alone: a guardian-managed scope may
// only be granted again by the child to undo their own withdrawal (the
// guardian's grant is still needed), and not_allowed scopes never.
func (s *Service) Grant(ctx context.Context, accountID string, scope Scope, lang string) (Record, error) {
	return s.selfRecord(ctx, accountID, scope, lang, Granted)
}

// Withdraw records that the person withdraws scope. Anyone may always
// withdraw, for any scope and at any age (GDPR Art. 7(3)); it takes effect
// at the next Effective call.
func (s *Service) Withdraw(ctx context.Context, accountID string, scope Scope, lang string) (Record, error) {
	return s.selfRecord(ctx, accountID, scope, lang, Withdrawn)
}

func (s *Service) selfRecord(ctx context.Context, accountID string, scope Scope, lang string, action Action) (Record, error) {
	hash, err := s.Registry.TextHash(scope, ForYouth, lang)
	if err != nil {
		return Record{}, err
	}
	sub, band, joint, err := s.subject(ctx, accountID)
	if err != nil {
		return Record{}, err
	}
	if action == Granted {
		switch s.Registry.WhoManages(scope, band, joint) {
		case NotAllowed:
			return Record{}, fault.Errorf(fault.Forbidden, "This cannot be switched on at your age.")
		case ManagedByGuardian:
			hist, err := s.History(ctx, accountID)
			if err != nil {
				return Record{}, err
			}
			if self, _ := latest(hist, scope); self == nil || self.Action != Withdrawn {
				return Record{}, fault.Errorf(fault.Forbidden, "Your parent or carer decides this one. Ask them to use the link in their e-mail.")
			}
		}
	}
	return s.appendRecord(ctx, Record{
		AccountID: accountID, Scope: scope, Action: action, Actor: BySelf,
		Method: MethodSignedIn, TextHash: hash, Audience: ForYouth, Language: lang,
		Country: normCountry(sub.Country), Band: band,
	}, accountID)
}
