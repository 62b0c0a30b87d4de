#!/usr/bin/python3
"""Print every dataset of an HDF5 file as h5py reads it, as JSON.

Used by snnc's tests as an oracle outside the Go reader and writer: one line
per file, {"path/to/dataset": {"dtype": ..., "shape": [...], "values": [...]},
...}, groups as {"kind": "group"} entries. Strings (variable-length or fixed)
have dtype "string", "vlen" (variable-length or fixed) and their values
decoded from UTF-8; numbers are
converted to Python floats (exact for float32, float64 and integers up to
2**53) and printed with repr, which round-trips.

usage: h5json.py FILE
"""
import json
import sys

import h5py
import numpy as np


def describe(ds):
    val = ds[()]
    shape = list(ds.shape)
    kind = ds.dtype.kind
    if h5py.check_string_dtype(ds.dtype) is not None or kind in "OSU":
        flat = np.array(val, dtype=object).reshape(-1)
        vals = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in flat]
        info = h5py.check_string_dtype(ds.dtype)
        vlen = info is not None and info.length is None
        return {"dtype": "string", "vlen": vlen, "shape": shape, "values": vals}
    arr = np.asarray(val)
    return {
        "dtype": str(ds.dtype),
        "shape": shape,
        "values": [float(x) for x in arr.reshape(-1)],
    }


def main(path):
    out = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            out[name] = describe(obj)
        else:
            out[name] = {"kind": "group"}

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    json.dump(out, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
