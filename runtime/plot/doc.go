// Package plot draws the recordings of a run's output directory (the .npy
// files and summary.json that spec/runtime.md, Outputs, describes) as PNG
// or SVG figures with gonum.org/v1/plot, so that a user sees a run without
// writing the same lines of matplotlib each time.
//
// [Open] reads a directory's monitors: summary.json's "monitors" list
// where the run wrote one (kind, target, variable, unit, period, files),
// else inferred from the file names: NAME.t.npy, NAME.i.npy and NAME.npy
// are a state monitor, NAME.t.npy and NAME.i.npy alone a spike monitor,
// and a state monitor with NAME.pre.npy and NAME.post.npy records a
// projection's variable; the names a monitor gets by default
// (POPULATION_spikes, TARGET_VARIABLE) then give its target where
// summary.json lists it, and with it the size a rate divides by, but not
// its unit, which the axis gives as SI. [Output.Figure] draws one of four
// kinds:
//
//   - raster: one panel per spike monitor, a tick per spike at (time,
//     index), the y range the population's size where summary.json says it;
//   - state: the traces of a state monitor (the first [MaxTraces]
//     elements), against time;
//   - rate: the population rate of a spike monitor, spikes per bin divided
//     by (neurons × bin), in Hz;
//   - weights: for a projection's variable, the histogram of its values at
//     the last sample beside the values of the first [MaxTraces] synapses
//     against time.
//
// Choices and why:
//
//   - Values are written in SI base units; an axis shows them with the SI
//     prefix that puts the largest magnitude in [1, 1000) (70 mV, not
//     0.07 V; 2 nA; 500 ms), since that is how papers label them. A unit
//     that is not one plain symbol (V/s) keeps its SI value, labelled as
//     it is, rather than a prefix a reader could misread.
//   - A raster of many spikes is drawn as an image of the plot area at the
//     canvas's resolution (300 dpi in SVG), not as a glyph per spike:
//     gonum's Scatter fills a path per point, and 10^5 points took 3.3 s
//     to PNG and 13 MB of SVG (measured on the development machine), so
//     10^6 would take half a minute, where setting the pixels of 10^6
//     spikes and writing the PNG takes 0.3 s and looks the same. Up to
//     [VectorSpikes] spikes are drawn as vector ticks, which stay sharp at
//     any zoom, for about 0.2 s.
//   - Panels of one figure share the time axis (0 to the run's duration
//     when summary.json gives it), so rasters, rates and traces line up.
//   - Figures are 6.4 in wide at 150 dots per inch (PNG), a size a journal
//     column or a slide takes without rescaling the 10 pt text.
package plot
