#!/usr/bin/python3
"""Check that a file has the layout NIR's reference reader (Python nir 1.0.x,
nir.read with type checking on) expects, as far as h5py can tell without the
nir package (which is not installable here).

usage: check_layout.py FILE.nir
Exits 0 when the layout is right; otherwise prints one line per problem on
stderr, each naming the node and field, and exits 1.

What is checked, from NIR's serialization (nir/serialization.py: every
dataset of a node group but `type` is passed to the node's constructor) and
its node classes (nir/ir/*.py):
  - /version is a 0-d string; /node is a group;
  - every graph group (/node, and a nested NIRGraph node) has a 0-d `type`
    string "NIRGraph", an `edges` dataset that is a (E, 2) string array (or
    an empty array, which the reference writer writes for no edges), a
    `nodes/` group of node groups, and optionally a `metadata/` group;
  - every node group has a 0-d `type` string naming a known node type, the
    fields that type requires, no field that type does not take, each with
    the dtype kind (float, int, string) and rank it must have, and the
    parameters of a neuron type all of one shape;
  - every edge endpoint names a node of its graph: "a", or "g.b" for node b
    of the nested graph g, or a literal name containing dots;
  - the type check nir.read does: along each edge whose two ends have a
    known shape (Input, Output, Affine, Linear, Scale, Threshold, neurons,
    Delay), the source's output shape equals the target's input shape.
"""
import sys

import h5py
import numpy as np

F, I, S = "float", "int", "string"
# Per node type: {field: (kinds allowed, allowed ranks or None for any,
# required)}.
ANY = None
NEURON = {
    "LIF": (["tau", "r", "v_leak", "v_threshold"], ["v_reset"]),
    "CubaLIF": (["tau_mem", "tau_syn", "r", "v_leak", "v_threshold", "w_in"], ["v_reset"]),
    "LI": (["tau", "r", "v_leak"], []),
    "CubaLI": (["tau_mem", "tau_syn", "r", "v_leak", "w_in"], []),
    "IF": (["r", "v_threshold"], ["v_reset"]),
    "I": (["r"], []),
}
SPEC = {}
for t, (req, opt) in NEURON.items():
    SPEC[t] = {f: ((F,), ANY, True) for f in req}
    SPEC[t].update({f: ((F,), ANY, False) for f in opt})
SPEC.update({
    "Input": {"shape": ((I,), (1,), True)},
    "Output": {"shape": ((I,), (1,), True)},
    "Affine": {"weight": ((F,), (2,), True), "bias": ((F,), (1,), True)},
    "Linear": {"weight": ((F,), (2,), True)},
    "Scale": {"scale": ((F,), ANY, True)},
    "Threshold": {"threshold": ((F,), ANY, True)},
    "Delay": {"delay": ((F,), ANY, True)},
    "Flatten": {
        "start_dim": ((I,), (0,), True),
        "end_dim": ((I,), (0,), True),
        "input_type": ((I,), (1,), False),
    },
})
for t, rank in (("Conv1d", 1), ("Conv2d", 2)):
    SPEC[t] = {
        "weight": ((F,), (rank + 2,), True),
        "bias": ((F,), (1,), True),
        "stride": ((I,), (0, 1), True),
        "padding": ((I, S), (0, 1), True),
        "dilation": ((I,), (0, 1), True),
        "groups": ((I,), (0,), True),
        "input_shape": ((I,), (0, 1), False),
    }
for t in ("SumPool2d", "AvgPool2d"):
    SPEC[t] = {
        "kernel_size": ((I,), (0, 1), True),
        "stride": ((I,), (0, 1), True),
        "padding": ((I,), (0, 1), True),
    }

problems = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def kind(ds):
    if h5py.check_string_dtype(ds.dtype) is not None or ds.dtype.kind in "OSU":
        return S
    if ds.dtype.kind == "f":
        return F
    if ds.dtype.kind in "iu":
        return I
    return ds.dtype.kind


def scalar_string(grp, name, where):
    """The 0-d string dataset grp[name], or None after reporting why not."""
    if name not in grp or not isinstance(grp[name], h5py.Dataset):
        problem(where, f"no `{name}` dataset")
        return None
    ds = grp[name]
    if kind(ds) != S or ds.shape != ():
        problem(where, f"`{name}` is {ds.dtype} of shape {ds.shape}, want a 0-d string")
        return None
    v = ds[()]
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def check_graph(grp, where):
    """Checks a graph group; returns {node name: (type, group)}."""
    t = scalar_string(grp, "type", where)
    if t is not None and t != "NIRGraph":
        problem(where, f"type {t!r}, want 'NIRGraph'")
    if "nodes" not in grp or not isinstance(grp["nodes"], h5py.Group):
        problem(where, "no nodes/ group")
        return {}
    nodes = {}
    for name, ng in grp["nodes"].items():
        nw = f"{where}/nodes/{name}"
        if not isinstance(ng, h5py.Group):
            problem(nw, "a dataset, want a node group")
            continue
        nt = scalar_string(ng, "type", nw)
        if nt is None:
            continue
        nodes[name] = (nt, ng)
        if nt == "NIRGraph":
            check_graph(ng, nw)
        else:
            check_node(ng, nt, nw)
    for k in grp:
        if k not in ("type", "edges", "nodes", "metadata"):
            problem(where, f"unexpected member `{k}` in a NIRGraph group")
    if "metadata" in grp and not isinstance(grp["metadata"], h5py.Group):
        problem(where, "metadata is not a group")
    edges = check_edges(grp, where, nodes)
    type_check(edges, nodes, where)
    return nodes


def check_edges(grp, where, nodes):
    if "edges" not in grp:
        problem(where, "no `edges` dataset")
        return []
    ds = grp["edges"]
    if ds.size == 0:
        return []
    if kind(ds) != S or len(ds.shape) != 2 or ds.shape[1] != 2:
        problem(where, f"edges are {ds.dtype} of shape {ds.shape}, want strings of shape (E, 2)")
        return []
    out = []
    for a, b in ds[()]:
        a = a.decode("utf-8") if isinstance(a, bytes) else str(a)
        b = b.decode("utf-8") if isinstance(b, bytes) else str(b)
        for end in (a, b):
            if resolve(end, nodes) is None:
                problem(where, f"edge {a!r} -> {b!r}: no node {end!r}")
        out.append((a, b))
    return out


def resolve(name, nodes):
    """The (type, group) an edge endpoint names, or None."""
    if name in nodes:
        return nodes[name]
    head, dot, rest = name.partition(".")
    if dot and head in nodes and nodes[head][0] == "NIRGraph":
        sub = nodes[head][1]["nodes"]
        inner = {k: (scalar_string(v, "type", name) or "?", v) for k, v in sub.items()}
        return resolve(rest, inner)
    return None


def check_node(ng, t, where):
    spec = SPEC.get(t)
    if spec is None:
        problem(where, f"unknown node type {t!r}")
        return
    for field, (kinds, ranks, required) in spec.items():
        if field not in ng:
            if required:
                problem(where, f"{t} needs field `{field}`")
            continue
        ds = ng[field]
        if not isinstance(ds, h5py.Dataset):
            problem(f"{where}/{field}", "a group, want a dataset")
            continue
        k = kind(ds)
        if k not in kinds:
            problem(f"{where}/{field}", f"dtype {ds.dtype}, want {' or '.join(kinds)}")
        if ranks is not None and len(ds.shape) not in ranks and not (k == S and ds.shape == ()):
            problem(f"{where}/{field}", f"rank {len(ds.shape)} (shape {ds.shape}), want rank {' or '.join(map(str, ranks))}")
        if k == S:
            v = ds[()]
            v = v.decode("utf-8") if isinstance(v, bytes) else str(v)
            if v not in ("same", "valid"):
                problem(f"{where}/{field}", f"string {v!r}, want 'same' or 'valid'")
    for field in ng:
        if field not in spec and field not in ("type", "metadata"):
            problem(f"{where}/{field}", f"{t} takes no field `{field}`")
    if t in NEURON:
        shapes = {f: ng[f].shape for f in ng if f in spec}
        if len(set(shapes.values())) > 1:
            problem(where, f"{t} parameters of different shapes {shapes}")
    if t == "Affine" and "weight" in ng and "bias" in ng:
        w, b = ng["weight"].shape, ng["bias"].shape
        if len(w) == 2 and b != (w[0],):
            problem(where, f"Affine bias of shape {b} for weight of shape {w}")


def io_shapes(t, ng):
    """(input shape, output shape) where the type fixes them, else None."""
    try:
        if t == "Input" or t == "Output":
            s = tuple(int(x) for x in np.asarray(ng["shape"][()]).reshape(-1))
            return s, s
        if t in ("Affine", "Linear"):
            w = ng["weight"].shape
            return (w[1],), (w[0],)
        field = {"Scale": "scale", "Threshold": "threshold", "Delay": "delay"}.get(t)
        if t in NEURON:
            field = NEURON[t][0][0]
        if field:
            s = ng[field].shape
            return s, s
    except (KeyError, IndexError, ValueError):
        pass
    return None


def type_check(edges, nodes, where):
    for a, b in edges:
        ra, rb = resolve(a, nodes), resolve(b, nodes)
        if ra is None or rb is None:
            continue
        sa, sb = io_shapes(*ra), io_shapes(*rb)
        if sa is None or sb is None:
            continue
        out, inp = sa[1], sb[0]
        # A 0-d parameter broadcasts; compare only what has a shape.
        if out and inp and out != inp:
            problem(where, f"type check: edge {a!r} -> {b!r}: {a} outputs shape {list(out)}, {b} takes {list(inp)}")


def main(path):
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        print(f"{path}: not an HDF5 file: {e}", file=sys.stderr)
        return 1
    with f:
        if "version" not in f:
            problem("/", "no /version")
        else:
            scalar_string(f, "version", "/")
        if "node" not in f or not isinstance(f["node"], h5py.Group):
            problem("/", "no /node group")
        else:
            check_graph(f["node"], "/node")
    for p in problems:
        print(f"{path}: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
