package plot

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The kinds of figure.
const (
	Raster  = "raster"
	State   = "state"
	Rate    = "rate"
	Weights = "weights"
)

// Kinds lists the kinds of figure, in the order help shows them.
var Kinds = []string{Raster, State, Rate, Weights}

// MaxTraces is the most elements a state or weight figure draws against
// time: more lines than that are a blur in which none can be followed.
const MaxTraces = 8

// palette is the ten colours of matplotlib's default cycle ("tab10"),
// chosen to be told apart in print and by most colour-blind readers; the
// reader of a figure has seen them in most papers of the field.
var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff},
	color.RGBA{0x2c, 0xa0, 0x2c, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff},
	color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
	color.RGBA{0xbc, 0xbd, 0x22, 0xff}, color.RGBA{0x17, 0xbe, 0xcf, 0xff},
}

// DPI is the resolution of PNG figures.
const DPI = 150

// Default returns the kind of figure a monitor gets when none is asked
// for: a raster of spikes, traces of state, and for a projection's
// variable its histogram and traces.
func Default(m Monitor) string {
	switch {
	case m.Kind == "spikes":
		return Raster
	case m.Synapses:
		return Weights
	}
	return State
}

// Applies says whether the kind of figure what can be drawn of m.
func Applies(what string, m Monitor) bool {
	switch what {
	case Raster, Rate:
		return m.Kind == "spikes"
	case State:
		return m.Kind == "state"
	case Weights:
		return m.Synapses
	}
	return false
}

// Options tune a figure.
type Options struct {
	// Bin is the rate's bin in seconds; 0 chooses one of about a 200th
	// of the run, rounded to 1, 2 or 5 times a power of ten, and not less
	// than dt.
	Bin float64
}

// Figure is one or more panels, a row each, ready to be written.
type Figure struct {
	rows          [][]*gplot.Plot
	Width, Height vg.Length
	// dataAreas are the panels' data areas as the last Write drew them,
	// in points from the bottom left: where a test looks for the ink.
	dataAreas [][]vg.Rectangle
}

// Figure draws the kind what of the monitors ms, a row of panels for each.
func (o *Output) Figure(what string, ms []Monitor, opt Options) (*Figure, error) {
	if !slices.Contains(Kinds, what) {
		return nil, fmt.Errorf("unknown kind of plot %q (want %s)", what, strings.Join(Kinds, ", "))
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: no monitor to draw", o.Dir)
	}
	tmax, err := o.timeRange(ms)
	if err != nil {
		return nil, err
	}
	tf, tunit := scale("s", tmax)
	f := &Figure{Width: 6.4 * vg.Inch}
	for _, m := range ms {
		if !Applies(what, m) {
			return nil, fmt.Errorf("monitor %s records %s: it has no %s plot (%s)", m.Name, describe(m), what, kindsFor(m))
		}
		var row []*gplot.Plot
		switch what {
		case Raster:
			s, err := o.spikes(m)
			if err != nil {
				return nil, err
			}
			p := newPlot(title(m, "spikes"), axisLabel("time", tunit), "neuron index")
			p.Add(newRaster(s, tf, tmax))
			p.Y.Tick.Marker = ticks{integer: true}
			row = append(row, p)
		case Rate:
			s, err := o.spikes(m)
			if err != nil {
				return nil, err
			}
			p, err := o.ratePlot(m, s, tf, tunit, tmax, opt)
			if err != nil {
				return nil, err
			}
			row = append(row, p)
		case State:
			s, err := o.state(m)
			if err != nil {
				return nil, err
			}
			row = append(row, tracePlot(m, s, tf, tunit, tmax))
		case Weights:
			s, err := o.state(m)
			if err != nil {
				return nil, err
			}
			hist, err := histPlot(m, s)
			if err != nil {
				return nil, err
			}
			row = append(row, hist, tracePlot(m, s, tf, tunit, tmax))
		}
		f.rows = append(f.rows, row)
	}
	// Rows share the time axis: its label is said once, under the last.
	for _, row := range f.rows[:len(f.rows)-1] {
		for _, p := range row {
			if strings.HasPrefix(p.X.Label.Text, "time") {
				p.X.Label.Text = ""
			}
		}
	}
	// One panel: 16:10, as a slide or a column takes it; more: a strip each,
	// high enough for its title, ticks and labels.
	f.Height = 4 * vg.Inch
	if len(f.rows) > 1 {
		f.Height = vg.Length(len(f.rows)) * 2.6 * vg.Inch
	}
	return f, nil
}

// timeRange is the time axis's end: the run's duration, else the last
// sample or spike of the monitors.
func (o *Output) timeRange(ms []Monitor) (float64, error) {
	if o.Duration > 0 {
		return o.Duration, nil
	}
	tmax := 0.0
	for _, m := range ms {
		t, err := o.read(m, ".t.npy")
		if err != nil {
			return 0, err
		}
		for _, x := range t.Data {
			tmax = math.Max(tmax, x)
		}
	}
	if tmax == 0 {
		tmax = 1
	}
	return tmax, nil
}

func describe(m Monitor) string {
	switch {
	case m.Kind == "spikes":
		return "spikes"
	case m.Synapses:
		return "a projection's variable"
	}
	return "state"
}

func kindsFor(m Monitor) string {
	var ks []string
	for _, k := range Kinds {
		if Applies(k, m) {
			ks = append(ks, k)
		}
	}
	return "it has " + strings.Join(ks, ", ")
}

func title(m Monitor, what string) string {
	switch {
	case m.Variable != "" && m.Target != "":
		return fmt.Sprintf("%s: %s.%s", m.Name, m.Target, m.Variable)
	case m.Target != "":
		return fmt.Sprintf("%s: %s of %s", m.Name, what, m.Target)
	}
	return m.Name
}

func newPlot(title, x, y string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = 11
	p.Title.Padding = 6
	p.X.Label.Text, p.Y.Label.Text = x, y
	for _, a := range []*gplot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = 10
		a.Tick.Label.Font.Size = 9
		// The padding between the axes and the data puts the first tick
		// away from the corner, where the two axes' labels would touch.
		a.Padding = 2
		a.Tick.Marker = ticks{}
	}
	return p
}

func (o *Output) ratePlot(m Monitor, s *spikes, tf float64, tunit string, tmax float64, opt Options) (*gplot.Plot, error) {
	bin := opt.Bin
	if bin <= 0 {
		bin = niceBin(tmax/200, o.Dt)
	}
	if s.n == 0 {
		return nil, fmt.Errorf("monitor %s: no neurons to take the rate of (no spikes, and summary.json gives no size for %q)", m.Name, m.Target)
	}
	rate := rates(s.t, s.n, bin, tmax)
	nb := len(rate)
	pts := make(plotter.XYs, nb+1)
	for b := range nb {
		pts[b] = plotter.XY{X: float64(b) * bin * tf, Y: rate[b]}
	}
	pts[nb] = plotter.XY{X: tmax * tf, Y: pts[max(nb-1, 0)].Y}
	bf, bu := scale("s", bin)
	p := newPlot(fmt.Sprintf("%s (bin %s)", title(m, "rate"), trimFloat(bin*bf)+" "+bu),
		axisLabel("time", tunit), "rate (Hz)")
	if m.Target != "" {
		p.Title.Text = fmt.Sprintf("%s: rate of %s (%d neurons, bin %s %s)", m.Name, m.Target, s.n, trimFloat(bin*bf), bu)
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.Color = palette[0]
	l.Width = vg.Points(1)
	p.Add(l)
	p.X.Min, p.X.Max = 0, tmax*tf
	p.Y.Min = 0
	return p, nil
}

// rates returns the population rate of n neurons in Hz in the bins
// [b·bin, (b+1)·bin) that cover [0, tmax): the spikes in a bin divided
// by n·bin. A spike at tmax itself (the last step of a run whose duration
// is not a multiple of the bin) counts in the last bin.
func rates(t []float64, n int, bin, tmax float64) []float64 {
	// The bin of a spike is found by division, and a time k·dt that is a
	// bin edge may divide to just below it (0.3/0.1 = 2.9999999999999996):
	// the relative nudge puts it in the bin it starts, as a reader counts.
	nb := max(1, int(math.Ceil(tmax/bin-1e-9)))
	counts := make([]float64, nb)
	for _, x := range t {
		b := int(math.Floor(x/bin + 1e-9))
		if b >= 0 && b < nb {
			counts[b]++
		} else if b >= nb {
			counts[nb-1]++
		}
	}
	for b := range counts {
		counts[b] /= float64(n) * bin
	}
	return counts
}

// niceBin rounds x up to 1, 2 or 5 times a power of ten, and to dt at least.
func niceBin(x, dt float64) float64 {
	if x <= 0 {
		return math.Max(dt, 1e-3)
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= x*(1-1e-9) {
			return math.Max(m*e, dt)
		}
	}
	return math.Max(10*e, dt)
}

func trimFloat(x float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.6f", x), "0"), ".")
}

// tracePlot draws the first MaxTraces elements of a state recording
// against time, with a legend when there is more than one.
func tracePlot(m Monitor, s *state, tf float64, tunit string, tmax float64) *gplot.Plot {
	n := min(s.m, MaxTraces)
	shown := make([]float64, 0, len(s.t)*n)
	for r := range s.t {
		shown = append(shown, s.values[r*s.m:r*s.m+n]...)
	}
	vf, vunit := scale(m.Unit, maxAbs(shown))
	name := m.Variable
	if name == "" {
		name = "value"
	}
	if m.Unit == "" {
		// Without summary.json's monitors the unit is not known: say
		// the values are as written, in SI base units.
		vunit = "SI"
	}
	what := "elements"
	if m.Synapses {
		what = "synapses"
	}
	t := title(m, "state")
	if s.m > n {
		t += fmt.Sprintf(" (%d of %d %s)", n, s.m, what)
	}
	p := newPlot(t, axisLabel("time", tunit), axisLabel(name, vunit))
	for c := range n {
		// A sample that is not finite (a model that diverged; the run
		// warned of it) leaves a gap in its trace, as in matplotlib,
		// rather than ending the trace or the figure there.
		var first *plotter.Line
		var seg plotter.XYs
		flush := func() {
			if len(seg) == 0 {
				return
			}
			l, err := plotter.NewLine(seg)
			if err != nil {
				panic(fmt.Sprintf("plot: a trace of finite values refused: %v", err))
			}
			l.Color = palette[c%len(palette)]
			l.Width = vg.Points(1)
			p.Add(l)
			if first == nil {
				first = l
			}
			seg = nil
		}
		for r, tr := range s.t {
			v := s.values[r*s.m+c]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				flush()
				continue
			}
			seg = append(seg, plotter.XY{X: tr * tf, Y: v * vf})
		}
		flush()
		if n > 1 && first != nil {
			if m.Synapses {
				p.Legend.Add(fmt.Sprintf("%g→%g", s.pre[c], s.post[c]), first)
			} else {
				p.Legend.Add(fmt.Sprintf("%g", s.idx[c]), first)
			}
		}
	}
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = 8
	p.Legend.ThumbnailWidth = 12
	p.X.Min, p.X.Max = 0, tmax*tf
	// A margin of 4% of the range above and below, as matplotlib leaves,
	// so that a trace at its threshold is not drawn on the frame.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range shown {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = math.Min(lo, v*vf), math.Max(hi, v*vf)
		}
	}
	if lo < hi {
		pad := 0.04 * (hi - lo)
		p.Y.Min, p.Y.Max = lo-pad, hi+pad
	}
	return p
}

// histPlot draws the histogram of a projection's variable at the last sample.
func histPlot(m Monitor, s *state) (*gplot.Plot, error) {
	name := m.Variable
	if name == "" {
		name = "value"
	}
	if len(s.t) == 0 || s.m == 0 {
		return nil, fmt.Errorf("monitor %s has no samples", m.Name)
	}
	last := s.values[(len(s.t)-1)*s.m:]
	vf, vunit := scale(m.Unit, maxAbs(last))
	if m.Unit == "" {
		vunit = "SI"
	}
	vs := make(plotter.Values, len(last))
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, v := range last {
		vs[k] = v * vf
		lo, hi = math.Min(lo, vs[k]), math.Max(hi, vs[k])
	}
	// About √n bins, between 10 and 50, as most histogram rules give.
	nb := max(10, min(50, int(math.Sqrt(float64(len(vs))))))
	if lo == hi {
		// One value: a bar of width one tenth of it (or 1) around it, not
		// a histogram of zero width.
		w := math.Max(math.Abs(lo)/10, 1e-12)
		if lo == 0 {
			w = 1
		}
		lo, hi, nb = lo-w/2, hi+w/2, 1
	}
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("monitor %s: values that are not finite at the last sample", m.Name)
	}
	width := (hi - lo) / float64(nb)
	bins := make([]plotter.HistogramBin, nb)
	for b := range bins {
		bins[b] = plotter.HistogramBin{Min: lo + float64(b)*width, Max: lo + float64(b+1)*width}
	}
	for _, v := range vs {
		b := min(int((v-lo)/width), nb-1)
		bins[b].Weight++
	}
	h := &plotter.Histogram{Bins: bins, Width: width, FillColor: color.Gray{Y: 160}, LineStyle: plotter.DefaultLineStyle}
	h.LineStyle.Width = vg.Points(0.5)
	tf, tunit := scale("s", s.t[len(s.t)-1])
	what := m.Name
	if m.Target != "" && m.Variable != "" {
		what = m.Target + "." + m.Variable
	}
	p := newPlot(fmt.Sprintf("%s at %s %s (%d synapses)", what, trimFloat(s.t[len(s.t)-1]*tf), tunit, len(vs)),
		axisLabel(name, vunit), "synapses")
	p.Add(h)
	p.Y.Min = 0
	return p, nil
}

// Save writes the figure to path, as PNG or SVG by its extension.
func (f *Figure) Save(path string) (err error) {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := out.Close(); err == nil {
			err = cerr
		}
	}()
	return f.Write(out, format)
}

// FormatOf returns the format a file name asks for: png or svg.
func FormatOf(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png", ".svg":
		return ext[1:], nil
	default:
		return "", fmt.Errorf("%s: the file name must end in .png or .svg", path)
	}
}

// Write draws the figure and writes it to w as format, png or svg.
func (f *Figure) Write(w io.Writer, format string) error {
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(DPI))}
	case "svg":
		c = vgsvg.New(f.Width, f.Height)
	default:
		return fmt.Errorf("unknown figure format %q (want png or svg)", format)
	}
	cols := 0
	for _, r := range f.rows {
		cols = max(cols, len(r))
	}
	grid := make([][]*gplot.Plot, len(f.rows))
	for k, r := range f.rows {
		grid[k] = make([]*gplot.Plot, cols)
		copy(grid[k], r)
	}
	tiles := draw.Tiles{Rows: len(grid), Cols: cols,
		PadTop: 4, PadBottom: 4, PadLeft: 4, PadRight: 10, PadX: 14, PadY: 10}
	// A legend goes right of its panel's data, where it hides no trace:
	// every panel of a column gives up the width of the column's widest
	// legend, so that the time axes of the rows stay aligned.
	const gap = 6
	margin := make([]vg.Length, cols)
	for _, r := range grid {
		for j, p := range r {
			if p != nil {
				if w := p.Legend.Rectangle(draw.Canvas{}).Size().X; w > 0 {
					margin[j] = max(margin[j], w+gap)
				}
			}
		}
	}
	canvases := gplot.Align(grid, tiles, draw.New(c))
	f.dataAreas = make([][]vg.Rectangle, len(grid))
	for k, r := range grid {
		f.dataAreas[k] = make([]vg.Rectangle, len(r))
		for j, p := range r {
			if p != nil {
				p.Legend.XOffs = margin[j]
				dc := draw.Crop(canvases[k][j], 0, -margin[j], 0, 0)
				p.Draw(dc)
				f.dataAreas[k][j] = p.DataCanvas(dc).Rectangle
			}
		}
	}
	_, err := c.WriteTo(w)
	return err
}
