package moderation

import (
	"context"
	"slices"

	"chorus/store"
)

// PersonCase is a case about a person's content as that person may see
// it (GDPR Art. 15): what was held or decided, when and what the author
// was told, but not who reported it or the reporters' and moderators'
// reasons, which are other people's data (Art. 15(4)).
type PersonCase struct {
	ID        string     `json:"id"`
	Kind      Kind       `json:"kind"`
	Category  string     `json:"category"`
	Status    Status     `json:"status"`
	Content   ContentRef `json:"content"`
	OpenedAt  int64      `json:"openedAt"`
	UpdatedAt int64      `json:"updatedAt"`
	Steps     []Step     `json:"steps"`
}

// Step is one line of a case's history as its author may see it.
type Step struct {
	Action  string `json:"action"`
	At      int64  `json:"at"`
	From    Status `json:"from,omitempty"`
	To      Status `json:"to,omitempty"`
	Message string `json:"message,omitempty"` // what a moderator asked the author to change
}

// PersonRecord is what moderation holds about a person.
type PersonRecord struct {
	Cases     []PersonCase `json:"cases"`     // about content they wrote
	Sanctions []Sanction   `json:"sanctions"` // mutes and suspensions they were given
	Reports   []Report     `json:"reports"`   // reports they made themselves
}

// AboutPerson returns what moderation holds about accountID, for their
// export (and their guardian's).
func (s *Service) AboutPerson(ctx context.Context, accountID string) (PersonRecord, error) {
	out := PersonRecord{Cases: []PersonCase{}, Sanctions: []Sanction{}, Reports: []Report{}}
	rows, err := store.FindAs[auditRow](ctx, s.Docs, AuditCollection, store.Query{
		Where: []store.Cond{{Field: "party", Op: store.Eq, Value: accountID}}, OrderBy: "at", Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return out, err
	}
	var caseIDs, reportCases []string
	for _, r := range rows {
		switch {
		case r.Value.CaseID == "":
		case r.Value.Person == accountID && !slices.Contains(caseIDs, r.Value.CaseID):
			caseIDs = append(caseIDs, r.Value.CaseID)
		case r.Value.Action == AuditReported && r.Value.Actor == accountID && !slices.Contains(reportCases, r.Value.CaseID):
			reportCases = append(reportCases, r.Value.CaseID)
		}
	}
	for _, id := range caseIDs {
		c, err := s.Case(ctx, id)
		if err != nil {
			continue // gone
		}
		pc := PersonCase{ID: c.ID, Kind: c.Kind, Category: c.Category, Status: c.Status, Content: c.Content, OpenedAt: c.OpenedAt, UpdatedAt: c.UpdatedAt, Steps: []Step{}}
		for _, e := range c.History {
			pc.Steps = append(pc.Steps, Step{Action: e.Action, At: e.At, From: e.From, To: e.To, Message: e.Message})
		}
		out.Cases = append(out.Cases, pc)
	}
	for _, id := range reportCases {
		reps, err := store.FindAs[Report](ctx, s.Docs, ReportsCollection, store.Query{
			Where: []store.Cond{{Field: "caseId", Op: store.Eq, Value: id}}, Limit: store.MaxLimit}, maxListed)
		if err != nil {
			return out, err
		}
		for _, r := range reps {
			if r.Value.Reporter == accountID {
				out.Reports = append(out.Reports, r.Value)
			}
		}
	}
	sanctions, err := store.FindAs[Sanction](ctx, s.Docs, SanctionsCollection, store.Query{
		Where: []store.Cond{{Field: "accountId", Op: store.Eq, Value: accountID}}, Limit: store.MaxLimit}, maxListed)
	if err != nil {
		return out, err
	}
	for _, x := range sanctions {
		x.Value.By, x.Value.LiftedBy = "", "" // staff ids say nothing to the person
		out.Sanctions = append(out.Sanctions, x.Value)
	}
	return out, nil
}
