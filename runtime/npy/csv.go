package npy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadCSVFile reads the numeric CSV file at path; see ReadCSV.
func ReadCSVFile(path string) (*Array, error) {
	f, err := openData(path, MaxCSVSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f, path)
}

// ReadCSV reads rows of comma-separated numbers as an array of shape
// [rows, columns], naming the input name in errors, which have the form
// name:line:column: message.
//
// This is a hand-written reader rather than encoding/csv because the
// errors must point at the field, and numeric data needs none of CSV's
// quoting.
func ReadCSV(r io.Reader, name string) (*Array, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		data   = []float64{}
		cols   = -1 // columns of every row, once the first row is seen
		header bool // whether cols came from a header row
		rows   int
		long   []byte
		starts []int // byte offset of each field of the current line
		names  []string
	)
	fail := func(line, col int, format string, args ...any) (*Array, error) {
		return nil, fmt.Errorf("%s:%d:%d: %s", name, line, col, fmt.Sprintf(format, args...))
	}
	for lineNo := 1; ; lineNo++ {
		raw, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], raw...)
			for err == bufio.ErrBufferFull {
				raw, err = br.ReadSlice('\n')
				long = append(long, raw...)
			}
			raw = long
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(raw) == 0 && err == io.EOF {
			break
		}
		line := string(bytes.TrimRight(raw, "\r\n"))
		if lineNo == 1 {
			// Spreadsheets often start UTF-8 files with a byte order mark.
			line = strings.TrimPrefix(line, "\uFEFF")
		}
		if t := strings.TrimLeft(line, " \t"); t == "" || t[0] == '#' {
			if err == io.EOF {
				break
			}
			continue
		}
		starts = starts[:0]
		for at := 0; ; {
			starts = append(starts, at)
			i := strings.IndexByte(line[at:], ',')
			if i < 0 {
				break
			}
			at += i + 1
		}
		field := func(k int) (string, int) {
			end := len(line)
			if k+1 < len(starts) {
				end = starts[k+1] - 1
			}
			s := line[starts[k]:end]
			lead := len(s) - len(strings.TrimLeft(s, " \t"))
			return strings.Trim(s, " \t"), starts[k] + lead + 1
		}
		if cols < 0 {
			cols = len(starts)
			header = true
			for k := range starts {
				if f, _ := field(k); f != "" {
					if _, perr := strconv.ParseFloat(f, 64); perr == nil || errors.Is(perr, strconv.ErrRange) {
						header = false
						break
					}
				}
			}
			if header {
				for k := range starts {
					f, _ := field(k)
					names = append(names, f)
				}
				if err == io.EOF {
					break
				}
				continue
			}
		}
		if len(starts) != cols {
			first := "the first row"
			if header {
				first = "the header row"
			}
			return fail(lineNo, 1, "row has %d columns, %s has %d", len(starts), first, cols)
		}
		for k := range starts {
			f, col := field(k)
			v, perr := strconv.ParseFloat(f, 64)
			switch {
			case f == "":
				return fail(lineNo, col, "empty field")
			case errors.Is(perr, strconv.ErrRange):
				return fail(lineNo, col, "%q is out of the range of float64", f)
			case perr != nil && strings.ContainsAny(f, "; \t"):
				return fail(lineNo, col, "%q is not a number; fields must be separated by commas", f)
			case perr != nil:
				return fail(lineNo, col, "%q is not a number", f)
			case math.IsNaN(v) || math.IsInf(v, 0):
				return fail(lineNo, col, "%q is not finite; data files for a simulation must hold finite numbers", f)
			}
			data = append(data, v)
		}
		rows++
		if err == io.EOF {
			break
		}
	}
	return &Array{Shape: []int{rows, max(cols, 0)}, Data: data, Columns: names}, nil
}
