package experiment

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
)

// The plot's geometry in SVG user units.
const (
	svgWidth, svgHeight = 800, 520
	plotLeft, plotTop   = 80, 50
	plotRight           = 770
	plotBottom          = 460
	// The legend sits in the plot's top left corner, where the curves,
	// which start low and rise to the right, leave room.
	legendLeft, legendTop  = plotLeft + 15, plotTop + 10
	legendWidth, legendRow = 300, 22
	// yLabelX is where the rotated y axis label is centred.
	yLabelX = 22
)

// Colours of the two designs.
const (
	colourCS  = "#c0392b"
	colourP2P = "#2471a3"
)

// WriteSVG writes a plot of rows: the measured times as points joined by
// solid lines, and the lesson's bounds for p at every N from 1 to the
// largest measured as dashed curves, with labelled axes (N; minimum
// distribution time in seconds) and a legend.
func WriteSVG(w io.Writer, p Params, rows []Row) error {
	if len(rows) == 0 {
		return fmt.Errorf("experiment: nothing to plot")
	}
	nmax := 1
	ymax := 0.0
	for _, r := range rows {
		nmax = max(nmax, r.N)
		ymax = max(ymax, r.CS, r.P2P, r.BoundCS, r.BoundP2P)
	}
	for n := 1; n <= nmax; n++ {
		ymax = max(ymax, p.BoundCS(n), p.BoundP2P(n))
	}
	xstep := niceStep(float64(nmax))
	xtop := math.Ceil(float64(nmax)/xstep) * xstep
	ystep := niceStep(ymax)
	ytop := math.Ceil(ymax/ystep) * ystep
	if ytop == 0 {
		ytop, ystep = 1, 0.2
	}
	x := func(n float64) float64 { return plotLeft + n/xtop*(plotRight-plotLeft) }
	y := func(s float64) float64 { return plotBottom - s/ytop*(plotBottom-plotTop) }

	bw := bufio.NewWriter(w)
	pr := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	text := func(px, py float64, attrs, s string) {
		pr(`<text x="%.1f" y="%.1f" %s>`, px, py, attrs)
		_ = xml.EscapeText(bw, []byte(s))
		pr("</text>\n")
	}

	pr(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	pr(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="13">`+"\n",
		svgWidth, svgHeight, svgWidth, svgHeight)
	pr("<title>Distribution time of a %s file to N peers: client-server versus P2P</title>\n", size(p.F))
	pr(`<rect width="%d" height="%d" fill="white"/>`+"\n", svgWidth, svgHeight)
	dmin := "unlimited"
	if p.Dmin > 0 {
		dmin = size(p.Dmin) + "/s"
	}
	text(svgWidth/2, 25, `text-anchor="middle" font-size="15"`,
		fmt.Sprintf("F = %s, us = %s/s, u = %s/s, dmin = %s", size(p.F), size(p.Us), size(p.U), dmin))

	// Grid, ticks and axes.
	pr(`<g class="grid" stroke="#e5e5e5">` + "\n")
	for v := ystep; v <= ytop+ystep/2; v += ystep {
		pr(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`+"\n", plotLeft, y(v), plotRight, y(v))
	}
	pr("</g>\n")
	pr(`<g class="axes" stroke="black">` + "\n")
	pr(`<line x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", plotLeft, plotBottom, plotRight, plotBottom)
	pr(`<line x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", plotLeft, plotBottom, plotLeft, plotTop)
	pr("</g>\n")
	for v := 0.0; v <= xtop+xstep/2; v += xstep {
		pr(`<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>`+"\n", x(v), plotBottom, x(v), plotBottom+5)
		text(x(v), plotBottom+20, `text-anchor="middle"`, trimFloat(v))
	}
	for v := 0.0; v <= ytop+ystep/2; v += ystep {
		pr(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="black"/>`+"\n", plotLeft-5, y(v), plotLeft, y(v))
		text(plotLeft-9, y(v)+4, `text-anchor="end"`, trimFloat(v))
	}
	text((plotLeft+plotRight)/2, plotBottom+45, `text-anchor="middle" class="xlabel"`, "N (number of peers)")
	text(yLabelX, (plotTop+plotBottom)/2, fmt.Sprintf(`text-anchor="middle" class="ylabel" transform="rotate(-90 %d %d)"`, yLabelX, (plotTop+plotBottom)/2),
		"minimum distribution time (s)")

	// Bound curves, dashed.
	curve := func(class, colour string, f func(int) float64) {
		var pts []string
		for n := 1; n <= nmax; n++ {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(n)), y(f(n))))
		}
		pr(`<polyline class="%s" points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="7 5"/>`+"\n",
			class, strings.Join(pts, " "), colour)
	}
	curve("bound-cs", colourCS, p.BoundCS)
	curve("bound-p2p", colourP2P, p.BoundP2P)

	// Measured points, joined.
	measured := func(class, colour string, v func(Row) float64) {
		var pts []string
		for _, r := range rows {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(float64(r.N)), y(v(r))))
		}
		pr(`<g class="%s">`+"\n", class)
		pr(`<polyline points="%s" fill="none" stroke="%s" stroke-width="1.5"/>`+"\n", strings.Join(pts, " "), colour)
		for _, r := range rows {
			pr(`<circle cx="%.1f" cy="%.1f" r="4" fill="%s"><title>N=%d: %.3f s</title></circle>`+"\n",
				x(float64(r.N)), y(v(r)), colour, r.N, v(r))
		}
		pr("</g>\n")
	}
	measured("measured-cs", colourCS, func(r Row) float64 { return r.CS })
	measured("measured-p2p", colourP2P, func(r Row) float64 { return r.P2P })

	// Legend.
	pr(`<g class="legend">` + "\n")
	pr(`<rect x="%d" y="%d" width="%d" height="%d" fill="white" stroke="#999"/>`+"\n", legendLeft, legendTop, legendWidth, legendRow*4+8)
	entries := []struct {
		label, colour string
		dashed        bool
	}{
		{"client-server, measured", colourCS, false},
		{"client-server bound: max{NF/us, F/dmin}", colourCS, true},
		{"P2P, measured", colourP2P, false},
		{"P2P bound: max{F/us, F/dmin, NF/(us+Σui)}", colourP2P, true},
	}
	for i, e := range entries {
		ly := float64(legendTop + 15 + legendRow*i)
		dash := ""
		if e.dashed {
			dash = ` stroke-dasharray="7 5"`
		}
		pr(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", legendLeft+10, ly, legendLeft+40, ly, e.colour, dash)
		if !e.dashed {
			pr(`<circle cx="%d" cy="%.1f" r="4" fill="%s"/>`+"\n", legendLeft+25, ly, e.colour)
		}
		text(legendLeft+48, ly+4, `font-size="12"`, e.label)
	}
	pr("</g>\n</svg>\n")
	return bw.Flush()
}

// niceStep returns a tick step of 1, 2 or 5 times a power of ten that cuts
// [0, top] into at most about eight intervals.
func niceStep(top float64) float64 {
	if top <= 0 {
		return 1
	}
	raw := top / 8
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			return m * mag
		}
	}
	return 10 * mag
}

// trimFloat formats a tick value without needless digits.
func trimFloat(v float64) string {
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// size formats a byte count in KiB or MiB.
func size(b int64) string {
	switch {
	case b >= 1<<20 && b%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", b>>20)
	case b >= 1<<10 && b%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", b>>10)
	}
	return fmt.Sprintf("%d B", b)
}
