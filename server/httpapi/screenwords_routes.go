package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"chorus/fault"
	"chorus/moderation/screen"
	"chorus/moderation/wordlist"
	"chorus/policy"
)

// maxScreenWordsBytes bounds a word list sent in one request: the most
// words a panel may keep (screen.MaxExtraWords), each of the longest
// length, in JSON.
const maxScreenWordsBytes = screen.MaxExtraWords * (screen.MaxWordLen*4 + 4)

func (a *API) screenWordsRoutes() []route {
	return []route{
		{fiber.MethodGet, "/api/panels/:panelId/screen-words", a.getScreenWords},
		{fiber.MethodPut, "/api/panels/:panelId/screen-words", a.putScreenWords},
	}
}

func (a *API) screenWords() (*wordlist.Service, error) {
	if a.people == nil || a.people.ScreenWords == nil {
		return nil, fault.Errorf(fault.Unavailable, "Screening words cannot be edited on this server.")
	}
	return a.people.ScreenWords, nil
}

// changeView is one change of a panel's words, with who made it.
type changeView struct {
	wordlist.Change
	ActorName string `json:"actorName"`
}

// screenWordsView is a panel's words with their history.
type screenWordsView struct {
	Words     []string     `json:"words"`
	Version   int64        `json:"version"`
	UpdatedAt *time.Time   `json:"updatedAt,omitempty"`
	Changes   []changeView `json:"changes"`
	MaxWords  int          `json:"maxWords"`
	MaxLength int          `json:"maxLength"`
}

func (a *API) getScreenWords(c *fiber.Ctx) error {
	_, p, err := a.panelFor(c, policy.PanelScreenWordsView, policy.KindPanel)
	if err != nil {
		return err
	}
	return a.sendScreenWords(c, p.ID)
}

// putScreenWords replaces a panel's own words (coordinators of the panel).
func (a *API) putScreenWords(c *fiber.Ctx) error {
	cl, p, err := a.panelFor(c, policy.PanelScreenWordsEdit, policy.KindPanel)
	if err != nil {
		return err
	}
	ws, err := a.screenWords()
	if err != nil {
		return err
	}
	var in struct {
		Version *int64   `json:"version"`
		Words   []string `json:"words"`
	}
	if err := decodeUpTo(c, &in, maxScreenWordsBytes); err != nil {
		return err
	}
	if in.Version == nil || in.Words == nil {
		return fault.Errorf(fault.Invalid, "Send the list's version, as you read it, and its words.")
	}
	if _, err := ws.Replace(c.UserContext(), cl.Account.ID, p.ID, *in.Version, in.Words); err != nil {
		return err
	}
	return a.sendScreenWords(c, p.ID)
}

func (a *API) sendScreenWords(c *fiber.Ctx, panelID string) error {
	ws, err := a.screenWords()
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	l, err := ws.List(ctx, panelID)
	if err != nil {
		return err
	}
	changes, err := ws.Changes(ctx, panelID)
	if err != nil {
		return err
	}
	out := screenWordsView{Words: l.Words, Version: l.Version, Changes: make([]changeView, 0, len(changes)),
		MaxWords: screen.MaxExtraWords, MaxLength: screen.MaxWordLen}
	if !l.UpdatedAt.IsZero() {
		out.UpdatedAt = &l.UpdatedAt
	}
	names := map[string]string{}
	for _, ch := range changes {
		name, ok := names[ch.Actor]
		if !ok {
			if acc, err := a.people.Identity.Account(ctx, ch.Actor); err == nil {
				name = acc.DisplayName
			} else if !fault.Is(err, fault.NotFound) {
				return err
			}
			names[ch.Actor] = name
		}
		out.Changes = append(out.Changes, changeView{Change: ch, ActorName: name})
	}
	return c.JSON(out)
}
