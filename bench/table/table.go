// Package table prints the benchmark report: one markdown table, every row
// measured in the same run, with notes that say how to read each ratio.
package table

import (
	"fmt"
	"io"
	"strings"
)

// Row is one line of the report. Cells are already formatted, because the
// rows mix throughputs, latencies and memory.
type Row struct {
	Workload string
	Chorus   string
	Baseline string
	Ratio    string // "–" when there is no baseline measured in this run
	Aim      string // the aim and "met" or "below"; or "skipped: why"
}

// Verdict formats an aim with whether it was met.
func Verdict(aim string, met bool) string {
	if met {
		return aim + " met"
	}
	return aim + " **below**"
}

// Print writes rows as one markdown table, then the notes as a list.
func Print(w io.Writer, rows []Row, notes []string) {
	fmt.Fprintln(w, "| workload | chorus | baseline | ratio | aim |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", cell(r.Workload), cell(r.Chorus), cell(r.Baseline), cell(r.Ratio), cell(r.Aim))
	}
	if len(notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

func cell(s string) string {
	if s == "" {
		return "–"
	}
	return strings.ReplaceAll(s, "|", "/")
}
