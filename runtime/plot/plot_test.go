package plot

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"snnc/runtime/npy"
)

// run is a synthetic output directory as snnc run writes one.
type run struct {
	dir      string
	monitors []Monitor
	sizes    map[string]int
	duration float64
}

func newRun(t *testing.T, duration float64) *run {
	return &run{dir: t.TempDir(), sizes: map[string]int{}, duration: duration}
}

func (r *run) spikes(t *testing.T, name, target string, size int, times []float64, index []int32) {
	require.NoError(t, npy.WriteFloat64File(filepath.Join(r.dir, name+".t.npy"), []int{len(times)}, times))
	require.NoError(t, npy.WriteInt32File(filepath.Join(r.dir, name+".i.npy"), []int{len(index)}, index))
	r.sizes[target] = size
	r.monitors = append(r.monitors, Monitor{Name: name, Kind: "spikes", Target: target,
		Files: []string{name + ".t.npy", name + ".i.npy"}})
}

// state writes a state monitor of m elements sampled at times; value(r, c)
// is element c at sample r.
func (r *run) state(t *testing.T, name, target, variable, unit string, times []float64, m int, value func(r, c int) float64, synapses bool) {
	idx := make([]int32, m)
	v := make([]float64, len(times)*m)
	for c := range m {
		idx[c] = int32(c)
		for k := range times {
			v[k*m+c] = value(k, c)
		}
	}
	require.NoError(t, npy.WriteFloat64File(filepath.Join(r.dir, name+".t.npy"), []int{len(times)}, times))
	require.NoError(t, npy.WriteInt32File(filepath.Join(r.dir, name+".i.npy"), []int{m}, idx))
	require.NoError(t, npy.WriteFloat64File(filepath.Join(r.dir, name+".npy"), []int{len(times), m}, v))
	files := []string{name + ".t.npy", name + ".i.npy", name + ".npy"}
	if synapses {
		require.NoError(t, npy.WriteInt32File(filepath.Join(r.dir, name+".pre.npy"), []int{m}, idx))
		require.NoError(t, npy.WriteInt32File(filepath.Join(r.dir, name+".post.npy"), []int{m}, make([]int32, m)))
		files = append(files, name+".pre.npy", name+".post.npy")
	}
	r.monitors = append(r.monitors, Monitor{Name: name, Kind: "state", Target: target, Variable: variable,
		Unit: unit, Period: times[1] - times[0], Files: files})
}

// summary writes summary.json, with the monitors list unless bare.
func (r *run) summary(t *testing.T, bare bool) {
	type pop struct {
		Name string `json:"name"`
		Size int    `json:"size"`
	}
	s := map[string]any{"target": "interp", "dt": 1e-4, "duration": r.duration}
	var pops []pop
	for n, k := range r.sizes {
		pops = append(pops, pop{n, k})
	}
	s["populations"] = pops
	if !bare {
		s["monitors"] = r.monitors
	}
	b, err := json.Marshal(s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "summary.json"), b, 0o644))
}

// halves is a raster of n neurons over 1 s: the lower half of the neurons
// fires every period in the first 0.45 s, the upper half in the last 0.45 s.
func halves(n int, period float64) ([]float64, []int32) {
	var ts []float64
	var is []int32
	for k := 0; float64(k)*period < 1; k++ {
		t := float64(k) * period
		for i := range n {
			if (i < n/2 && t < 0.45) || (i >= n/2 && t >= 0.55) {
				ts = append(ts, t)
				is = append(is, int32(i))
			}
		}
	}
	return ts, is
}

// render writes the figure as PNG and decodes it.
func render(t *testing.T, f *Figure) image.Image {
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf, "png"))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	return img
}

// ink is the fraction of inked pixels (luma below 80% of white: the
// light orange of the palette counts, antialiasing's faint edges do not)
// in the part of
// panel (row, col)'s data area between the fractions x0..x1 and y0..y1 of
// its width and height (from the bottom left), a 3-pixel border left out.
func ink(img image.Image, f *Figure, row, col int, x0, x1, y0, y1 float64) float64 {
	a := f.dataAreas[row][col]
	h := img.Bounds().Dy()
	px := func(x float64) int { return int(x / 72 * DPI) }
	ax0, ax1 := a.Min.X.Points(), a.Max.X.Points()
	ay0, ay1 := a.Min.Y.Points(), a.Max.Y.Points()
	left, right := px(ax0+(ax1-ax0)*x0)+3, px(ax0+(ax1-ax0)*x1)-3
	bottom, top := h-px(ay0+(ay1-ay0)*y0)-3, h-px(ay0+(ay1-ay0)*y1)+3
	var n, all int
	for y := top; y < bottom; y++ {
		for x := left; x < right; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if (299*r+587*g+114*b)/1000 < 0xffff*8/10 {
				n++
			}
			all++
		}
	}
	return float64(n) / float64(all)
}

// TestRasterPattern draws a raster of a known pattern, as vector ticks and
// as an image, and finds ink where the spikes are and none elsewhere.
func TestRasterPattern(t *testing.T) {
	for _, c := range []struct {
		name   string
		n      int
		period float64
	}{{"vector", 10, 0.01}, {"image", 200, 0.002}} {
		t.Run(c.name, func(t *testing.T) {
			r := newRun(t, 1)
			ts, is := halves(c.n, c.period)
			if c.name == "vector" {
				require.LessOrEqual(t, len(ts), VectorSpikes)
			} else {
				require.Greater(t, len(ts), VectorSpikes)
			}
			r.spikes(t, "p_spikes", "p", c.n, ts, is)
			r.summary(t, false)
			o, err := Open(r.dir)
			require.NoError(t, err)
			f, err := o.Figure(Raster, o.Monitors, Options{})
			require.NoError(t, err)
			img := render(t, f)
			assert.Equal(t, int(6.4*DPI), img.Bounds().Dx())
			assert.Equal(t, 4*DPI, img.Bounds().Dy())
			// Lower neurons early and upper neurons late are inked; the
			// other two quarters are blank.
			assert.Greater(t, ink(img, f, 0, 0, 0, 0.45, 0, 0.5), 0.05)
			assert.Greater(t, ink(img, f, 0, 0, 0.55, 1, 0.5, 1), 0.05)
			assert.Zero(t, ink(img, f, 0, 0, 0, 0.45, 0.5, 1))
			assert.Zero(t, ink(img, f, 0, 0, 0.55, 1, 0, 0.5))
			assert.Zero(t, ink(img, f, 0, 0, 0.46, 0.54, 0, 1), "no spikes between 0.45 s and 0.55 s")
			var svg bytes.Buffer
			require.NoError(t, f.Write(&svg, "svg"))
			assert.NoError(t, xmlWellFormed(&svg))
		})
	}
}

// TestMillionSpikes draws 10^6 spikes, read from the files, in under 2 s.
func TestMillionSpikes(t *testing.T) {
	r := newRun(t, 1)
	const n, spikes = 1000, 1000000
	ts := make([]float64, spikes)
	is := make([]int32, spikes)
	for k := range spikes {
		// 1000 neurons at 1000 Hz on average: 1000 spikes per 1 ms step.
		ts[k] = float64(k/n) * 1e-3
		is[k] = int32((k * 7919) % n)
	}
	r.spikes(t, "big", "p", n, ts, is)
	r.summary(t, false)
	start := time.Now()
	o, err := Open(r.dir)
	require.NoError(t, err)
	f, err := o.Figure(Raster, o.Monitors, Options{})
	require.NoError(t, err)
	require.NoError(t, f.Write(io.Discard, "png"))
	took := time.Since(start)
	t.Logf("10^6 spikes: %v", took)
	assert.Less(t, took, 2*time.Second)
}

func TestStateUnits(t *testing.T) {
	r := newRun(t, 0.1)
	times := make([]float64, 100)
	for k := range times {
		times[k] = float64(k) * 1e-3
	}
	// Membrane potentials between -70 mV and -50 mV.
	r.state(t, "p_v", "p", "v", "V", times, 3, func(k, c int) float64 {
		return -0.06 + 0.01*math.Sin(float64(k)/10+float64(c))
	}, false)
	r.summary(t, false)
	o, err := Open(r.dir)
	require.NoError(t, err)
	f, err := o.Figure(State, o.Monitors, Options{})
	require.NoError(t, err)
	p := f.rows[0][0]
	assert.Equal(t, "v (mV)", p.Y.Label.Text)
	assert.Equal(t, "time (ms)", p.X.Label.Text)
	// The axis holds the traces in mV, with a margin.
	assert.InDelta(t, -70.8, p.Y.Min, 0.1)
	assert.InDelta(t, -49.2, p.Y.Max, 0.1)
	img := render(t, f)
	assert.Greater(t, ink(img, f, 0, 0, 0, 1, 0, 1), 0.0, "the traces are drawn")
}

// TestStateNotFinite draws a trace that diverges halfway: the finite half
// is drawn and the axis fits it.
func TestStateNotFinite(t *testing.T) {
	r := newRun(t, 0.1)
	times := make([]float64, 100)
	for k := range times {
		times[k] = float64(k) * 1e-3
	}
	r.state(t, "p_v", "p", "v", "V", times, 2, func(k, c int) float64 {
		if k >= 50 {
			return []float64{math.NaN(), math.Inf(1)}[c]
		}
		return -0.07 + 0.02*float64(k)/49
	}, false)
	r.summary(t, false)
	o, err := Open(r.dir)
	require.NoError(t, err)
	f, err := o.Figure(State, o.Monitors, Options{})
	require.NoError(t, err)
	p := f.rows[0][0]
	assert.InDelta(t, -70.8, p.Y.Min, 0.1)
	assert.InDelta(t, -49.2, p.Y.Max, 0.1)
	img := render(t, f)
	assert.Greater(t, ink(img, f, 0, 0, 0.05, 0.45, 0, 1), 0.0, "the finite half")
	assert.Zero(t, ink(img, f, 0, 0, 0.55, 1, 0, 1), "nothing after it")
}

func TestScale(t *testing.T) {
	for _, c := range []struct {
		unit   string
		max    float64
		factor float64
		label  string
	}{
		{"V", 0.07, 1e3, "mV"},
		{"A", 2e-9, 1e9, "nA"},
		{"A", 5e-10, 1e12, "pA"},
		{"S", 1e-8, 1e9, "nS"},
		{"s", 1, 1, "s"},
		{"s", 0.999, 1e3, "ms"},
		{"Hz", 2500, 1e-3, "kHz"},
		{"V/s", 3, 1, "V/s"},
		{"1", 0.5, 1, "1"},
		{"V", 0, 1, "V"},
	} {
		f, l := scale(c.unit, c.max)
		assert.InEpsilon(t, c.factor, f, 1e-12, "%s %g", c.unit, c.max)
		assert.Equal(t, c.label, l, "%s %g", c.unit, c.max)
	}
}

// TestRates checks the population rate against its closed form: n
// neurons that each fire at f Hz, at staggered times, give f in every bin
// that is a whole number of periods.
func TestRates(t *testing.T) {
	const n, f, tmax = 50, 100.0, 1.0
	var ts []float64
	for k := 0; k < int(f*tmax); k++ {
		for i := range n {
			ts = append(ts, (float64(k)+float64(i)/n)/f)
		}
	}
	for _, bin := range []float64{0.01, 0.02, 0.05} {
		got := rates(ts, n, bin, tmax)
		require.Len(t, got, int(math.Round(tmax/bin)))
		for b, r := range got {
			assert.InDelta(t, f, r, 1e-9, "bin %g, %d", bin, b)
		}
	}
	assert.Equal(t, 0.005, niceBin(1.0/200, 1e-4))
	assert.Equal(t, 0.05, niceBin(10.0/200, 1e-4))
	assert.Equal(t, 0.2, niceBin(0.15, 1e-4))
	assert.Equal(t, 1e-3, niceBin(1e-5, 1e-3), "not below dt")
}

// TestWeightsAndSVG draws a projection's variable as SVG, which must parse
// as XML, and its histogram must count every synapse.
func TestWeightsAndSVG(t *testing.T) {
	r := newRun(t, 1)
	times := []float64{0, 0.25, 0.5, 0.75}
	r.state(t, "w_rec", "proj", "w", "1", times, 40, func(k, c int) float64 {
		return 0.1*float64(k) + 0.01*float64(c)
	}, true)
	r.summary(t, false)
	o, err := Open(r.dir)
	require.NoError(t, err)
	require.True(t, o.Monitors[0].Synapses)
	assert.Equal(t, Weights, Default(o.Monitors[0]))
	f, err := o.Figure(Weights, o.Monitors, Options{})
	require.NoError(t, err)
	require.Len(t, f.rows[0], 2)
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf, "svg"))
	assert.NoError(t, xmlWellFormed(&buf))
	img := render(t, f)
	assert.Greater(t, ink(img, f, 0, 0, 0, 1, 0, 1), 0.01, "histogram bars")
}

// TestInfer reads a directory without summary.json's monitors by its
// file names.
func TestInfer(t *testing.T) {
	r := newRun(t, 1)
	r.spikes(t, "a", "p", 2, []float64{0.1}, []int32{1})
	times := []float64{0, 0.5}
	r.state(t, "b", "p", "v", "V", times, 1, func(k, c int) float64 { return 0 }, false)
	r.state(t, "c", "proj", "w", "1", times, 2, func(k, c int) float64 { return 1 }, true)
	o, err := Open(r.dir)
	require.NoError(t, err)
	require.Len(t, o.Monitors, 3)
	assert.Equal(t, []string{"spikes", "state", "state"}, []string{o.Monitors[0].Kind, o.Monitors[1].Kind, o.Monitors[2].Kind})
	assert.Equal(t, []bool{false, false, true}, []bool{o.Monitors[0].Synapses, o.Monitors[1].Synapses, o.Monitors[2].Synapses})
	assert.Equal(t, 0.0, o.Duration)
	// Without summary.json the time axis ends at the last sample and the
	// raster's rows at the largest index.
	f, err := o.Figure(Raster, o.Monitors[:1], Options{})
	require.NoError(t, err)
	xmin, xmax, ymin, ymax := f.rows[0][0].X.Min, f.rows[0][0].X.Max, f.rows[0][0].Y.Min, f.rows[0][0].Y.Max
	assert.Equal(t, []float64{0, 100, -0.5, 1.5}, []float64{xmin, xmax, ymin, ymax})
}

// TestGuessTargets reads a summary.json without monitors (a run of an
// older snnc): the monitors' default names give their targets, and the
// rate divides by the population's size, not the largest index seen.
func TestGuessTargets(t *testing.T) {
	r := newRun(t, 1)
	// 10 of the 100 neurons of exc fire, 10 times each: 1 Hz over all.
	var ts []float64
	var is []int32
	for k := range 10 {
		for i := range 10 {
			ts = append(ts, float64(k)/10)
			is = append(is, int32(i))
		}
	}
	r.spikes(t, "exc_spikes", "exc", 100, ts, is)
	r.state(t, "exc_v", "exc", "v", "V", []float64{0, 0.5}, 1, func(k, c int) float64 { return -0.07 }, false)
	r.summary(t, true)
	o, err := Open(r.dir)
	require.NoError(t, err)
	require.Len(t, o.Monitors, 2)
	assert.Equal(t, "exc", o.Monitors[0].Target)
	assert.Equal(t, []string{"exc", "v", ""}, []string{o.Monitors[1].Target, o.Monitors[1].Variable, o.Monitors[1].Unit})
	s, err := o.spikes(o.Monitors[0])
	require.NoError(t, err)
	assert.Equal(t, 100, s.n)
	for _, x := range rates(s.t, s.n, 0.1, 1) {
		assert.InDelta(t, 1.0, x, 1e-12)
	}
	// The unit is not known: the axis says the values are SI.
	f, err := o.Figure(State, o.Monitors[1:], Options{})
	require.NoError(t, err)
	assert.Equal(t, "v (SI)", f.rows[0][0].Y.Label.Text)
}

func TestErrors(t *testing.T) {
	r := newRun(t, 1)
	_, err := Open(r.dir)
	assert.ErrorContains(t, err, "is not a run's output directory")
	_, err = Open(filepath.Join(r.dir, "none"))
	assert.ErrorContains(t, err, "no such directory")
	file := filepath.Join(r.dir, "x.npy")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = Open(file)
	assert.ErrorContains(t, err, "is not a directory")

	r.spikes(t, "s", "p", 2, []float64{0.1}, []int32{1})
	r.summary(t, false)
	o, err := Open(r.dir)
	require.NoError(t, err)
	_, err = o.Monitor("nope")
	assert.ErrorContains(t, err, `has no monitor "nope" (it has s)`)
	_, err = o.Figure(Weights, o.Monitors, Options{})
	assert.ErrorContains(t, err, "monitor s records spikes: it has no weights plot (it has raster, rate)")
	_, err = o.Figure("heatmap", o.Monitors, Options{})
	assert.ErrorContains(t, err, `unknown kind of plot "heatmap" (want raster, state, rate, weights)`)
	_, err = FormatOf("a.pdf")
	assert.ErrorContains(t, err, "must end in .png or .svg")

	// A recording cut short is an error that names the monitor.
	require.NoError(t, npy.WriteInt32File(filepath.Join(r.dir, "s.i.npy"), []int{2}, []int32{1, 0}))
	_, err = o.Figure(Raster, o.Monitors, Options{})
	assert.ErrorContains(t, err, "monitor s: 1 spike times but 2 indices")
}

// xmlWellFormed reads r to its end as XML whose root element is svg.
func xmlWellFormed(r io.Reader) error {
	d := xml.NewDecoder(r)
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if root != "svg" {
				return fmt.Errorf("the root element is %q, not svg", root)
			}
			return nil
		}
		if err != nil {
			return err
		}
		if s, ok := tok.(xml.StartElement); ok && root == "" {
			root = s.Name.Local
		}
	}
}
