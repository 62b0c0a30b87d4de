#!/usr/bin/env python3
"""Checks that a .nir file snnc export wrote has the layout the reference
reader (Python nir 1.0.x, nir.read with type checking on) expects, reading it
with h5py: an oracle outside snnc's Go HDF5 writer. Prints the file's content
as JSON (every node's type and fields with dtype, shape and values; the
edges) for the Go test to compare with the model, or exits 1 naming each
layout error.

Usage: check_export.py FILE.nir
"""
import json
import sys

import h5py
import numpy as np

# Field names per node type, as nir 1.0's nir/ir/*.py dataclasses declare
# them (and /work/shared/nir/all_nodes_nocomp.nir holds them): required,
# then optional.
FIELDS = {
    "Input": (["shape"], []),
    "Output": (["shape"], []),
    "LIF": (["tau", "r", "v_leak", "v_threshold"], ["v_reset"]),
    "CubaLIF": (["tau_syn", "tau_mem", "r", "v_leak", "v_threshold"], ["v_reset", "w_in"]),
    "LI": (["tau", "r", "v_leak"], []),
    "CubaLI": (["tau_syn", "tau_mem", "r", "v_leak"], ["w_in"]),
    "IF": (["r", "v_threshold"], ["v_reset"]),
    "I": (["r"], []),
    "Linear": (["weight"], []),
    "Affine": (["weight", "bias"], []),
    "Delay": (["delay"], []),
}
NEURONS = {"LIF", "CubaLIF", "LI", "CubaLI", "IF", "I"}

errors = []


def err(msg):
    errors.append(msg)


def scalar_string(ds, what):
    if not isinstance(ds, h5py.Dataset):
        err(f"{what} is not a dataset")
        return None
    if ds.shape != ():
        err(f"{what} has shape {ds.shape}, not 0-d")
        return None
    if ds.dtype.kind not in ("S", "O", "U"):
        err(f"{what} has dtype {ds.dtype}, not a string")
        return None
    v = ds[()]
    return v.decode() if isinstance(v, bytes) else str(v)


def check_graph(g, path):
    out = {"nodes": {}, "edges": []}
    t = scalar_string(g.get("type"), path + "/type") if "type" in g else err(path + "/type missing")
    if t != "NIRGraph":
        err(f"{path}/type is {t!r}, not 'NIRGraph'")
    if "nodes" not in g or not isinstance(g["nodes"], h5py.Group):
        err(path + "/nodes/ group missing")
        return out
    if "edges" not in g:
        err(path + "/edges missing")
    else:
        e = g["edges"]
        if e.shape == (0,):
            pass  # the reference writer's empty edge list
        elif len(e.shape) != 2 or e.shape[1] != 2 or e.dtype.kind not in ("S", "O"):
            err(f"{path}/edges has shape {e.shape} dtype {e.dtype}, not (E, 2) strings")
        else:
            out["edges"] = [[x.decode() if isinstance(x, bytes) else x for x in row] for row in e[()]]
    for name, node in g["nodes"].items():
        where = f"{path}/nodes/{name}"
        if not isinstance(node, h5py.Group):
            err(where + " is not a group")
            continue
        nt = scalar_string(node.get("type"), where + "/type") if "type" in node else None
        if nt is None:
            err(where + "/type missing")
            continue
        fields = {}
        for k, ds in node.items():
            if k == "type":
                continue
            if not isinstance(ds, h5py.Dataset):
                err(f"{where}/{k} is not a dataset")
                continue
            v = ds[()]
            fields[k] = {"dtype": str(ds.dtype), "shape": list(ds.shape),
                         "values": np.asarray(v, dtype=np.float64).ravel().tolist()}
        req, opt = FIELDS.get(nt, (None, None))
        if req is None:
            err(f"{where}: type {nt!r} is not one snnc exports")
        else:
            for k in req:
                if k not in fields:
                    err(f"{where}: {nt} lacks field {k}")
            for k in fields:
                if k not in req and k not in opt:
                    err(f"{where}: {nt} has no field {k}")
            if nt in ("Input", "Output"):
                f = fields.get("shape")
                if f and (f["dtype"] != "int64" or len(f["shape"]) != 1):
                    err(f"{where}/shape is {f['dtype']} {f['shape']}, not a 1-d int64 array")
            else:
                shapes = set()
                for k, f in fields.items():
                    if not f["dtype"].startswith("float"):
                        err(f"{where}/{k} has dtype {f['dtype']}, not float")
                    if nt in NEURONS or nt == "Delay":
                        shapes.add(tuple(f["shape"]))
                if len(shapes) > 1:
                    err(f"{where}: fields of different shapes {sorted(shapes)}")
                if nt == "Linear" and len(fields["weight"]["shape"]) != 2:
                    err(f"{where}/weight is not 2-d")
        out["nodes"][name] = {"type": nt, "fields": fields}
    names = set(out["nodes"])
    for a, b in out["edges"]:
        for x in (a, b):
            if x not in names:
                err(f"{path}/edges: {x!r} is no node")
    return out


def main():
    f = h5py.File(sys.argv[1], "r")
    version = scalar_string(f["version"], "/version") if "version" in f else err("/version missing")
    if "node" not in f or not isinstance(f["node"], h5py.Group):
        err("/node group missing")
        out = {}
    else:
        out = check_graph(f["node"], "/node")
    out["version"] = version
    if errors:
        for e in errors:
            print(sys.argv[1] + ": " + e, file=sys.stderr)
        sys.exit(1)
    json.dump(out, sys.stdout)


main()
