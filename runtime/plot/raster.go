package plot

import (
	"image"
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// VectorSpikes is the most spikes a raster draws as vector ticks; above
// it the raster is an image of the plot area (see the package comment).
const VectorSpikes = 5000

// svgDPI is the resolution of a raster image in an SVG figure, whose
// canvas has none of its own: print resolution, so the image looks as
// sharp as the vector text around it.
const svgDPI = 300

// raster is a gonum plotter of spikes: a tick per spike at (t·xscale, i),
// one neuron row high at most.
type raster struct {
	t, i           []float64
	xscale         float64
	xmin, xmax     float64
	ymin, ymax     float64
	color          color.Color
	rowFill, width float64 // a tick's share of a row's height; its width in points
}

func newRaster(s *spikes, xscale, tmax float64) *raster {
	return &raster{
		t: s.t, i: s.i, xscale: xscale,
		xmin: 0, xmax: tmax * xscale,
		ymin: -0.5, ymax: float64(max(s.n, 1)) - 0.5,
		color:   color.Black,
		rowFill: 0.8, width: 0.8,
	}
}

// DataRange implements gonum's plot.DataRanger.
func (r *raster) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.xmin, r.xmax, r.ymin, r.ymax
}

// Plot implements gonum's plot.Plotter.
func (r *raster) Plot(c draw.Canvas, p *gplot.Plot) {
	if len(r.t) <= VectorSpikes {
		r.plotVector(c, p)
		return
	}
	r.plotImage(c)
}

func (r *raster) plotVector(c draw.Canvas, p *gplot.Plot) {
	trX, trY := p.Transforms(&c)
	row := float64(trY(1) - trY(0))
	h := vg.Length(math.Max(row*r.rowFill, 0.5))
	w := vg.Length(r.width) / 2
	c.SetColor(r.color)
	for k, t := range r.t {
		x, y := trX(t*r.xscale), trY(r.i[k])
		var path vg.Path
		path.Move(vg.Point{X: x - w, Y: y - h/2})
		path.Line(vg.Point{X: x + w, Y: y - h/2})
		path.Line(vg.Point{X: x + w, Y: y + h/2})
		path.Line(vg.Point{X: x - w, Y: y + h/2})
		path.Close()
		c.Fill(path)
	}
}

// plotImage sets the pixels of the spikes in an image of the plot area,
// aligned with the canvas's pixels so that it is drawn unscaled.
func (r *raster) plotImage(c draw.Canvas) {
	dpi := float64(svgDPI)
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		dpi = d.DPI()
	}
	px := func(l vg.Length) int { return int(math.Round(l.Dots(dpi))) }
	x0, y0, x1, y1 := px(c.Min.X), px(c.Min.Y), px(c.Max.X), px(c.Max.Y)
	wpx, hpx := x1-x0, y1-y0
	if wpx <= 0 || hpx <= 0 {
		return
	}
	img := image.NewNRGBA(image.Rect(0, 0, wpx, hpx))
	rowPx := float64(hpx) / (r.ymax - r.ymin)
	tickH := max(1, int(math.Round(rowPx*r.rowFill)))
	tickW := max(1, int(math.Round(r.width/72*dpi)))
	sx := float64(wpx) / (r.xmax - r.xmin)
	cr, cg, cb, ca := r.color.RGBA()
	ink := color.NRGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), uint8(ca >> 8)}
	pix, stride := img.Pix, img.Stride
	for k, t := range r.t {
		// Column and row of the tick's centre; image rows count down.
		cx := int(math.Floor((t*r.xscale-r.xmin)*sx)) - tickW/2
		cy := hpx - int(math.Floor((r.i[k]-r.ymin)*rowPx)) - tickH/2 - 1
		for y := max(cy, 0); y < min(cy+tickH, hpx); y++ {
			for x := max(cx, 0); x < min(cx+tickW, wpx); x++ {
				o := y*stride + 4*x
				pix[o], pix[o+1], pix[o+2], pix[o+3] = ink.R, ink.G, ink.B, ink.A
			}
		}
	}
	pt := func(x, y int) vg.Point {
		return vg.Point{X: vg.Length(float64(x) / dpi * 72), Y: vg.Length(float64(y) / dpi * 72)}
	}
	c.DrawImage(vg.Rectangle{Min: pt(x0, y0), Max: pt(x1, y1)}, img)
}
