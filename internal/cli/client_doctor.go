package cli

import (
	"fmt"
	"io"
	"strings"
)

type doctorFinding struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	Entity   struct {
		Kind    string `json:"kind"`
		Cluster string `json:"cluster"`
		Name    string `json:"name"`
	} `json:"entity"`
	Title    string `json:"title"`
	Evidence []struct {
		Name      string  `json:"name"`
		Value     float64 `json:"value"`
		Threshold float64 `json:"threshold"`
		Unit      string  `json:"unit"`
		Text      string  `json:"text"`
	} `json:"evidence"`
	Fix string `json:"fix"`
}

type doctorList struct {
	Total int             `json:"total"`
	Items []doctorFinding `json:"items"`
}

// renderDoctor prints each finding: severity, where, title, evidence, fix.
func renderDoctor(w io.Writer, body []byte) error {
	var l doctorList
	if err := decodeBody(body, &l); err != nil {
		return err
	}
	if len(l.Items) == 0 {
		fmt.Fprintln(w, "No findings: nothing needs attention.")
		return nil
	}
	count := map[string]int{}
	for _, f := range l.Items {
		count[f.Severity]++
		where := f.Entity.Kind + " " + f.Entity.Cluster
		if f.Entity.Name != "" {
			where += "/" + f.Entity.Name
		}
		fmt.Fprintf(w, "%-8s %s  [%s]\n         %s\n", strings.ToUpper(f.Severity), where, f.Code, f.Title)
		for _, e := range f.Evidence {
			fmt.Fprintf(w, "         - %s\n", evidenceLine(e.Name, e.Value, e.Threshold, e.Unit, e.Text))
		}
		if f.Fix != "" {
			fmt.Fprintf(w, "         fix: %s\n", f.Fix)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d critical, %d warning, %d info", count["critical"], count["warning"], count["info"])
	if l.Total > len(l.Items) {
		fmt.Fprintf(w, " in the first %d of %d findings (worst first; narrow with --cluster or --severity)", len(l.Items), l.Total)
	}
	fmt.Fprintln(w)
	return nil
}

func evidenceLine(name string, value, threshold float64, unit, text string) string {
	if text != "" {
		return name + ": " + text
	}
	s := fmt.Sprintf("%s = %s", name, fmtNum(value, unit))
	if threshold != 0 {
		s += " (threshold " + fmtNum(threshold, unit) + ")"
	}
	return s
}

func fmtNum(v float64, unit string) string {
	switch unit {
	case "bytes":
		return fmtBytes(int64(v))
	case "bytes/s":
		return fmtByteRate(v)
	case "ratio":
		return fmt.Sprintf("%.0f%%", v*100)
	case "seconds":
		return fmtSeconds(v, false)
	case "", "count":
		return fmt.Sprintf("%g", v)
	}
	return fmt.Sprintf("%g %s", v, unit)
}

// doctorExit is 5 when a finding is critical.
func doctorExit(body []byte) int {
	var l doctorList
	if decodeBody(body, &l) != nil {
		return ExitFailure
	}
	for _, f := range l.Items {
		if f.Severity == "critical" {
			return ExitCritical
		}
	}
	return ExitOK
}
