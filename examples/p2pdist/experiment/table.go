package experiment

import (
	"fmt"
	"io"
)

// WriteTableHeader writes the heading of the table WriteRow continues.
func WriteTableHeader(w io.Writer) error {
	_, err := fmt.Fprintf(w, "%4s  %10s  %12s  %10s  %12s\n", "N", "D_cs (s)", "bound_cs (s)", "D_p2p (s)", "bound_p2p (s)")
	return err
}

// WriteRow writes one row of the table: measured times next to their
// lower bounds.
func WriteRow(w io.Writer, r Row) error {
	_, err := fmt.Fprintf(w, "%4d  %10.3f  %12.3f  %10.3f  %12.3f\n", r.N, r.CS, r.BoundCS, r.P2P, r.BoundP2P)
	return err
}

// WriteTable writes the heading and every row.
func WriteTable(w io.Writer, rows []Row) error {
	if err := WriteTableHeader(w); err != nil {
		return err
	}
	for _, r := range rows {
		if err := WriteRow(w, r); err != nil {
			return err
		}
	}
	return nil
}
