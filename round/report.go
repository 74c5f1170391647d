package round

import (
	"context"
	"encoding/csv"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"chorus/fault"
)

// Cell is one item × organisation of the matrix: the stance of the newest
// submitted revision (whatever its moderation status: the matrix is for
// coordinators and moderators).
type Cell struct {
	ItemID           string `json:"itemId"`
	OrgID            string `json:"organisationId"`
	Stance           Stance `json:"stance"`
	Answered         bool   `json:"answered"`
	Late             bool   `json:"late"`
	Status           Status `json:"status,omitempty"`
	FollowUpsWaiting int    `json:"followUpsWaiting"`
}

// MatrixOrg is an organisation of the matrix with what it still owes.
type MatrixOrg struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Deadline   time.Time `json:"deadline"`
	Late       bool      `json:"late"`
	Unanswered int       `json:"unanswered"`
}

// MatrixItem is an item of the matrix.
type MatrixItem struct {
	ID      string `json:"id"`
	Heading string `json:"heading"`
}

// Matrix is the coordinator's view of a round.
type Matrix struct {
	Items            []MatrixItem   `json:"items"`
	Orgs             []MatrixOrg    `json:"organisations"`
	Cells            []Cell         `json:"cells"`
	Counts           map[string]int `json:"counts"` // by stance, and "unanswered"
	FollowUpsWaiting int            `json:"followUpsWaiting"`
}

// reportData is everything a report is made of.
type reportData struct {
	r       Round
	answers map[string]Answer // by AnswerID
	fus     []FollowUp
	replies []Reply
	cs      []Commitment
	scs     []Scorecard
}

func (s *Service) reportData(ctx context.Context, r Round) (reportData, error) {
	d := reportData{r: r, answers: map[string]Answer{}}
	as, err := s.Answers(ctx, r.ID)
	if err != nil {
		return d, err
	}
	for _, a := range as {
		d.answers[a.ID] = a
	}
	if d.fus, err = s.FollowUps(ctx, r.ID); err != nil {
		return d, err
	}
	if d.replies, err = s.Replies(ctx, r.ID); err != nil {
		return d, err
	}
	if d.cs, err = s.Commitments(ctx, r.ID); err != nil {
		return d, err
	}
	d.scs, err = s.Scorecards(ctx, r)
	return d, err
}

// waiting counts the approved follow-ups on an answer nobody replied to.
func (d reportData) waiting(answerID string) int {
	n := 0
	for _, f := range d.fus {
		if f.AnswerID != answerID || f.Status != Approved {
			continue
		}
		replied := false
		for _, rp := range d.replies {
			replied = replied || (rp.FollowUpID == f.ID && rp.Status != Hidden)
		}
		if !replied {
			n++
		}
	}
	return n
}

// Matrix computes the item × partner matrix of a round.
func (s *Service) Matrix(ctx context.Context, r Round) (Matrix, error) {
	d, err := s.reportData(ctx, r)
	if err != nil {
		return Matrix{}, err
	}
	return d.matrix(s.now()), nil
}

func (d reportData) matrix(now time.Time) Matrix {
	r := d.r
	m := Matrix{Items: []MatrixItem{}, Orgs: []MatrixOrg{}, Cells: []Cell{}, Counts: map[string]int{"unanswered": 0}}
	for _, st := range Stances {
		m.Counts[string(st)] = 0
	}
	for _, it := range r.Items {
		m.Items = append(m.Items, MatrixItem{ID: it.ID, Heading: it.Heading})
	}
	for _, o := range r.Orgs {
		mo := MatrixOrg{ID: o.ID, Name: o.Name, Deadline: o.Deadline}
		for _, it := range r.Items {
			a := d.answers[AnswerID(r.ID, o.ID, it.ID)]
			c := Cell{ItemID: it.ID, OrgID: o.ID, FollowUpsWaiting: d.waiting(a.ID)}
			if rev, ok := a.Latest(); ok {
				c.Stance, c.Answered, c.Late, c.Status = rev.Body.Stance, true, rev.Late, rev.Status
				m.Counts[string(rev.Body.Stance)]++
				mo.Late = mo.Late || rev.Late
			} else {
				m.Counts["unanswered"]++
				mo.Unanswered++
			}
			m.FollowUpsWaiting += c.FollowUpsWaiting
			m.Cells = append(m.Cells, c)
		}
		mo.Late = mo.Late || (mo.Unanswered > 0 && now.After(o.Deadline))
		m.Orgs = append(m.Orgs, mo)
	}
	return m
}

// csvCell defuses a cell a spreadsheet would run as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r|%", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes a round as CSV: one row per item × partner × action (an
// answer without actions, and an item not answered, take one row), with a
// header in the pledge's language. Cells a spreadsheet would run as a
// formula start with a single quote.
func (s *Service) WriteCSV(ctx context.Context, w io.Writer, r Round) error {
	d, err := s.reportData(ctx, r)
	if err != nil {
		return err
	}
	l := labelsFor(r.Language)
	cw := csv.NewWriter(w)
	write := func(row []string) error {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		return cw.Write(row)
	}
	if err := write([]string{l["item"], l["heading"], l["organisation"], l["stance"], l["late"], l["status"], l["submitted"], l["revision"],
		l["explanation"], l["action"], l["due"], l["evidence"]}); err != nil {
		return fault.Wrap(fault.Internal, err, "the export could not be written")
	}
	for i, it := range r.Items {
		for _, o := range r.Orgs {
			a := d.answers[AnswerID(r.ID, o.ID, it.ID)]
			rev, ok := a.Latest()
			if !ok {
				if err := write([]string{strconv.Itoa(i + 1), it.Heading, o.Name, l["unanswered"], "", "", "", "", "", "", "", ""}); err != nil {
					return fault.Wrap(fault.Internal, err, "the export could not be written")
				}
				continue
			}
			late := l["no"]
			if rev.Late {
				late = l["yes"]
			}
			base := []string{strconv.Itoa(i + 1), it.Heading, o.Name, l[string(rev.Body.Stance)], late, l[string(rev.Status)],
				rev.At.UTC().Format("2006-01-02 15:04"), strconv.Itoa(rev.N), rev.Body.Explanation}
			evidence := strings.Join(rev.Body.Evidence, " ")
			actions := rev.Body.Actions
			if len(actions) == 0 {
				actions = []Action{{}}
			}
			for _, act := range actions {
				row := append(append([]string{}, base...), act.Text, act.DueDate, evidence)
				if err := write(row); err != nil {
					return fault.Wrap(fault.Internal, err, "the export could not be written")
				}
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fault.Wrap(fault.Internal, err, "the export could not be written")
	}
	return nil
}

// stanceIcons go with the stance's words, never instead of them.
var stanceIcons = map[Stance]string{Commit: "✔", Partly: "◐", Exploring: "…", Decline: "✘"}

var reportHTML = template.Must(template.New("report").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.L.round}}: {{.R.Title}}</title>
<style>
body { font-family: sans-serif; font-size: 11pt; line-height: 1.4; max-width: 60em; margin: 1em auto; color: #111; }
table { border-collapse: collapse; width: 100%; margin: 1em 0; }
th, td { border: 1px solid #444; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
section { break-inside: avoid; }
@media print { a { color: inherit; } }
</style></head>
<body>
<h1>{{.L.round}}: {{.R.Title}}</h1>
<p>{{.L.deadline}}: {{.Deadline}} · {{.L.state}}: {{.State}}</p>
<h2>{{.L.counts}}</h2>
<ul>{{range .Counts}}<li>{{.Icon}} {{.Label}}: {{.N}}</li>{{end}}</ul>
<h2>{{.L.matrix}}</h2>
<table><thead><tr><th scope="col">{{.L.item}}</th>{{range .Orgs}}<th scope="col">{{.Name}}{{if .Late}} ({{$.L.late}}){{end}}</th>{{end}}</tr></thead>
<tbody>{{range .Rows}}<tr><th scope="row">{{.Heading}}</th>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}</tbody></table>
<h2>{{.L.answers}}</h2>
{{range .Items}}<section><h3>{{.N}}. {{.Heading}}</h3>{{if .Question}}<p><em>{{.Question}}</em></p>{{end}}
{{range .Answers}}<h4>{{.Org}}: {{.Stance}}{{if .Late}} ({{$.L.late}}){{end}}</h4><p>{{.Explanation}}</p>
{{if .Actions}}<ul>{{range .Actions}}<li>{{.Text}} ({{$.L.due}} {{.DueDate}})</li>{{end}}</ul>{{end}}
{{if .Evidence}}<p>{{$.L.evidence}}: {{range .Evidence}}<a href="{{.}}">{{.}}</a> {{end}}</p>{{end}}{{end}}
</section>{{end}}
{{if .Commitments}}<h2>{{.L.commitments}}</h2>{{if .ReviewDue}}<p>{{.L.review}}: {{.ReviewDue}}</p>{{end}}
<table><thead><tr><th scope="col">{{.L.organisation}}</th><th scope="col">{{.L.action}}</th><th scope="col">{{.L.due}}</th><th scope="col">{{.L.status}}</th><th scope="col">{{.L.ratings}}</th></tr></thead>
<tbody>{{range .Commitments}}<tr><td>{{.Org}}</td><td>{{.Text}}{{range .Notes}}<br><small>{{.}}</small>{{end}}</td><td>{{.Due}}</td><td>{{.Status}}</td><td>{{.Ratings}}</td></tr>{{end}}</tbody></table>{{end}}
</body></html>
`))

type reportCount struct {
	Icon, Label string
	N           int
}

type reportAnswer struct {
	Org, Stance, Explanation string
	Late                     bool
	Actions                  []Action
	Evidence                 []string
}

// WriteReport writes a printable HTML report of a round and its progress
// review, in the pledge's language. It shows what youth could see: the
// approved revision of each answer and approved progress updates.
func (s *Service) WriteReport(ctx context.Context, w io.Writer, r Round) error {
	d, err := s.reportData(ctx, r)
	if err != nil {
		return err
	}
	l := labelsFor(r.Language)
	m := d.matrix(s.now())
	stanceText := func(st Stance) string {
		if st == "" {
			return l["unanswered"]
		}
		return stanceIcons[st] + " " + l[string(st)]
	}
	type orgCol struct {
		Name string
		Late bool
	}
	type row struct {
		Heading string
		Cells   []string
	}
	type item struct {
		N                 int
		Heading, Question string
		Answers           []reportAnswer
	}
	type commitment struct {
		Org, Text, Due, Status, Ratings string
		Notes                           []string
	}
	v := struct {
		Lang, Deadline, State, ReviewDue string
		L                                map[string]string
		R                                Round
		Counts                           []reportCount
		Orgs                             []orgCol
		Rows                             []row
		Items                            []item
		Commitments                      []commitment
	}{Lang: languageOf(r.Language), Deadline: r.Deadline.UTC().Format("2006-01-02 15:04 UTC"), State: l[string(r.State)], L: l, R: r}
	for _, st := range Stances {
		v.Counts = append(v.Counts, reportCount{stanceIcons[st], l[string(st)], m.Counts[string(st)]})
	}
	v.Counts = append(v.Counts, reportCount{"", l["unanswered"], m.Counts["unanswered"]})
	for _, o := range m.Orgs {
		v.Orgs = append(v.Orgs, orgCol{o.Name, o.Late})
	}
	for i, it := range r.Items {
		rw := row{Heading: it.Heading}
		itv := item{N: i + 1, Heading: it.Heading, Question: it.Question}
		for _, o := range r.Orgs {
			a := d.answers[AnswerID(r.ID, o.ID, it.ID)]
			rev, ok := a.Shown()
			if !ok {
				if _, submitted := a.Latest(); submitted {
					rw.Cells = append(rw.Cells, l["pending"])
				} else {
					rw.Cells = append(rw.Cells, l["unanswered"])
				}
				continue
			}
			rw.Cells = append(rw.Cells, stanceText(rev.Body.Stance))
			itv.Answers = append(itv.Answers, reportAnswer{Org: o.Name, Stance: stanceText(rev.Body.Stance), Explanation: rev.Body.Explanation,
				Late: rev.Late, Actions: rev.Body.Actions, Evidence: rev.Body.Evidence})
		}
		v.Rows, v.Items = append(v.Rows, rw), append(v.Items, itv)
	}
	if r.Review != nil {
		v.ReviewDue = r.Review.DueAt.UTC().Format("2006-01-02")
	}
	counts := map[string]map[Rating]int{}
	for _, sc := range d.scs {
		for _, line := range sc.Lines {
			counts[line.Commitment.ID] = line.Counts
		}
	}
	for _, c := range d.cs {
		cv := commitment{Org: orgNameOf(r, c.OrgID), Text: c.Text, Due: c.DueDate, Status: l[string(c.ShownStatus())]}
		for _, u := range c.Updates {
			if u.Moderation == Approved {
				cv.Notes = append(cv.Notes, u.At.UTC().Format("2006-01-02")+" · "+l[string(u.Status)]+": "+u.Note)
			}
		}
		k := counts[c.ID]
		cv.Ratings = l["kept"] + " " + strconv.Itoa(k[Kept]) + " · " + l["partly_kept"] + " " + strconv.Itoa(k[PartlyK]) + " · " + l["not_yet"] + " " + strconv.Itoa(k[NotYet])
		v.Commitments = append(v.Commitments, cv)
	}
	if err := reportHTML.Execute(w, v); err != nil {
		return fault.Wrap(fault.Internal, err, "the report could not be written")
	}
	return nil
}

func orgNameOf(r Round, id string) string {
	o, _ := r.Org(id)
	return o.Name
}

func languageOf(lang string) string {
	if _, ok := reportLabels[lang]; ok {
		return lang
	}
	return "en"
}

func labelsFor(lang string) map[string]string { return reportLabels[languageOf(lang)] }

// reportLabels are the words of the CSV export and the report, in every
// language Chorus speaks (reports are read by staff: formal address).
var reportLabels = map[string]map[string]string{
	"en": {"round": "Feedback round", "deadline": "Deadline", "state": "State", "open": "open", "closed": "closed", "counts": "Answers by stance",
		"matrix": "Items and partners", "answers": "Answers", "item": "Item", "heading": "Heading", "organisation": "Organisation", "stance": "Stance",
		"late": "late", "status": "Status", "submitted": "Submitted", "revision": "Revision", "explanation": "Explanation", "action": "Action",
		"due": "Due", "evidence": "Evidence", "yes": "yes", "no": "no", "unanswered": "not answered", "pending": "waiting for a moderator",
		"commit": "commit", "partly": "partly", "exploring": "exploring", "decline": "decline",
		"approved": "approved", "held": "held by screening", "hidden": "hidden", "changes_requested": "changes requested",
		"commitments": "Commitments", "review": "Progress review due", "ratings": "Youth ratings",
		"planned": "planned", "in_progress": "in progress", "done": "done", "dropped": "dropped",
		"kept": "kept", "partly_kept": "partly", "not_yet": "not yet"},
	"fr": {"round": "Tour de retours", "deadline": "Date limite", "state": "État", "open": "ouvert", "closed": "clos", "counts": "Réponses par position",
		"matrix": "Points et partenaires", "answers": "Réponses", "item": "Point", "heading": "Titre", "organisation": "Organisation", "stance": "Position",
		"late": "en retard", "status": "Statut", "submitted": "Envoyée", "revision": "Révision", "explanation": "Explication", "action": "Action",
		"due": "Échéance", "evidence": "Preuves", "yes": "oui", "no": "non", "unanswered": "sans réponse", "pending": "en attente d’un modérateur",
		"commit": "s’engage", "partly": "en partie", "exploring": "à l’étude", "decline": "refuse",
		"approved": "validée", "held": "retenue par le filtrage", "hidden": "masquée", "changes_requested": "modifications demandées",
		"commitments": "Engagements", "review": "Bilan des progrès prévu le", "ratings": "Évaluations des jeunes",
		"planned": "prévu", "in_progress": "en cours", "done": "réalisé", "dropped": "abandonné",
		"kept": "tenu", "partly_kept": "en partie", "not_yet": "pas encore"},
	"de": {"round": "Feedbackrunde", "deadline": "Frist", "state": "Stand", "open": "offen", "closed": "abgeschlossen", "counts": "Antworten nach Haltung",
		"matrix": "Punkte und Partner", "answers": "Antworten", "item": "Punkt", "heading": "Überschrift", "organisation": "Organisation", "stance": "Haltung",
		"late": "verspätet", "status": "Status", "submitted": "Eingereicht", "revision": "Fassung", "explanation": "Begründung", "action": "Maßnahme",
		"due": "Fällig", "evidence": "Belege", "yes": "ja", "no": "nein", "unanswered": "nicht beantwortet", "pending": "wartet auf eine Moderation",
		"commit": "verpflichtet sich", "partly": "teilweise", "exploring": "wird geprüft", "decline": "lehnt ab",
		"approved": "freigegeben", "held": "von der Prüfung zurückgehalten", "hidden": "ausgeblendet", "changes_requested": "Änderungen erbeten",
		"commitments": "Zusagen", "review": "Fortschrittsprüfung fällig am", "ratings": "Bewertungen der Jugendlichen",
		"planned": "geplant", "in_progress": "in Arbeit", "done": "erledigt", "dropped": "aufgegeben",
		"kept": "gehalten", "partly_kept": "teilweise", "not_yet": "noch nicht"},
	"it": {"round": "Giro di feedback", "deadline": "Scadenza", "state": "Stato", "open": "aperto", "closed": "chiuso", "counts": "Risposte per posizione",
		"matrix": "Punti e partner", "answers": "Risposte", "item": "Punto", "heading": "Titolo", "organisation": "Organizzazione", "stance": "Posizione",
		"late": "in ritardo", "status": "Stato", "submitted": "Inviata", "revision": "Revisione", "explanation": "Spiegazione", "action": "Azione",
		"due": "Entro", "evidence": "Prove", "yes": "sì", "no": "no", "unanswered": "senza risposta", "pending": "in attesa di un moderatore",
		"commit": "si impegna", "partly": "in parte", "exploring": "in valutazione", "decline": "rifiuta",
		"approved": "approvata", "held": "trattenuta dal controllo", "hidden": "nascosta", "changes_requested": "modifiche richieste",
		"commitments": "Impegni", "review": "Verifica dei progressi entro il", "ratings": "Valutazioni dei giovani",
		"planned": "previsto", "in_progress": "in corso", "done": "fatto", "dropped": "abbandonato",
		"kept": "mantenuto", "partly_kept": "in parte", "not_yet": "non ancora"},
	"es": {"round": "Ronda de respuestas", "deadline": "Plazo", "state": "Estado", "open": "abierta", "closed": "cerrada", "counts": "Respuestas por postura",
		"matrix": "Puntos y socios", "answers": "Respuestas", "item": "Punto", "heading": "Título", "organisation": "Organización", "stance": "Postura",
		"late": "con retraso", "status": "Estado", "submitted": "Enviada", "revision": "Revisión", "explanation": "Explicación", "action": "Acción",
		"due": "Para", "evidence": "Pruebas", "yes": "sí", "no": "no", "unanswered": "sin respuesta", "pending": "esperando a un moderador",
		"commit": "se compromete", "partly": "en parte", "exploring": "en estudio", "decline": "rechaza",
		"approved": "aprobada", "held": "retenida por el filtro", "hidden": "oculta", "changes_requested": "cambios pedidos",
		"commitments": "Compromisos", "review": "Revisión del progreso para el", "ratings": "Valoraciones de los jóvenes",
		"planned": "previsto", "in_progress": "en curso", "done": "hecho", "dropped": "abandonado",
		"kept": "cumplido", "partly_kept": "en parte", "not_yet": "todavía no"},
}
