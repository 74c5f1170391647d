package moderation

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"chorus/fault"
)

// auditColumns is the header of AuditCSV.
var auditColumns = []string{"time", "action", "actor", "person", "panel", "case", "sanction", "content type", "content id", "category", "reason", "event", "content title"}

// AuditCSV writes entries as CSV (RFC 4180, with a header row) for a
// coordinator to open in a spreadsheet; titleOf, when set, names each
// entry's content (the trail keeps ids only, see auditEntryView).
//
// Reasons and report texts are typed by people, and a spreadsheet runs a
// cell that starts with = + - or @ as a formula (CSV injection), so such
// cells, and those starting with a tab or carriage return, get a leading
// single quote: shown as text, never run.
func AuditCSV(w io.Writer, entries []AuditEntry, titleOf func(AuditEntry) string) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditColumns); err != nil {
		return fault.Wrap(fault.Internal, err, "the export could not be written")
	}
	for _, e := range entries {
		row := []string{
			e.Time().Format("2006-01-02T15:04:05.000Z07:00"), e.Action, e.Actor, e.Person, e.PanelID, e.CaseID, e.SanctionID,
			e.ContentType, e.ContentID, e.Category, e.Reason, strconv.FormatInt(e.EventID, 10), "",
		}
		if titleOf != nil {
			row[len(row)-1] = titleOf(e)
		}
		for i := range row {
			row[i] = safeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fault.Wrap(fault.Internal, err, "the export could not be written")
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fault.Wrap(fault.Internal, err, "the export could not be written")
	}
	return nil
}

// safeCell defuses a cell a spreadsheet would run as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
