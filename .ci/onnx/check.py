#!/usr/bin/env python3
"""Checks qrelu's ONNX and QONNX exports against the networks they come from.

Usage: check.py DIR

For every DIR/NAME.json (`qrelu-net/1`, SPEC §7) the files DIR/NAME.onnx
(float64), DIR/NAME.f32.onnx (float32) and DIR/NAME.qonnx.onnx (QONNX) are
checked. A missing QONNX file is expected only when the JSON's codebook is
nonlinear with lambda > 2 (QONNX cannot express it); any other missing file
is an error.

1. `onnx.checker.check_model(full_check=True)` on every file.
2. Points: 1,000 random points of the domain (seeded, uniform per axis) and
   the lattice: per axis lo + (hi - lo) * j / 2^k, j = 0..2^k, with k the
   largest for which the (2^k + 1)^d points number at most 4,096 (k = 11,
   5 and 3 for one, two and three inputs). Lattice points are dyadic.
3. Comparisons, every one at every point unless said otherwise:
   (a) onnxruntime float64 == a numpy float64 simulation of the JSON
       (acc = bias; acc = acc + w * v in edge order; relu), bit for bit;
   (b) onnxruntime float64 == exact evaluation of the JSON (integers over
       powers of two when every weight and point is dyadic, else Fractions)
       at every lattice point: required, bit for bit. At the random points
       exactness is not promised (a 53-bit input squared r times needs
       more bits than float64 has), so there the table reports how many
       points are exact and the largest |onnxruntime - exact|;
   (c) onnxruntime float32 == a numpy float32 simulation (weights rounded
       to the nearest float32), bit for bit;
   (d) the qonnx executor (qonnx.core.onnx_exec.execute_onnx) == onnxruntime
       float32, bit for bit: a few points through the file as exported
       (batch 1), then every point at once on a copy whose batch size was
       changed by qonnx's own ChangeBatchSize (and InferShapes);
   (e) every Quant node: zero point 0, signed and narrow, its float32
       weights w with q = round(w / scale) within the bit width, q * scale
       == w bit for bit, and w in float32(codebook U {0}).
4. A table per net: weights, nodes, bytes per weight of each file, points,
   and the largest |difference| of each comparison (with the count of
   mismatching points when there are any).

Exits 1 on any mismatch.
"""

import glob
import json
import math
import os
import sys
import time
import warnings
from fractions import Fraction

import numpy as np
import onnx
import onnxruntime as ort

SEED = 20261207
RANDOM_POINTS = 1000
MAX_LATTICE = 4096
# points run through the QONNX file exactly as exported (batch 1)
SINGLE_POINTS = 1


def frac(s):
    """A "p/q" or "p" string of the JSON as a Fraction."""
    return Fraction(s)


class Net:
    """A `qrelu-net/1` network: units in topological order, then the output."""

    def __init__(self, path):
        with open(path) as f:
            j = json.load(f)
        if j.get("format") != "qrelu-net/1":
            raise ValueError(f"{path}: not qrelu-net/1")
        self.name = j["name"]
        self.inputs = j["inputs"]
        self.domain = [(frac(lo), frac(hi)) for lo, hi in j["domain"]]
        self.codebook = [frac(c) for c in j["codebook"]]
        self.quantization = j.get("quantization")
        self.lambda_ = j.get("lambda")
        # per unit: ("input", index) or ("relu", bias, [(src, w)])
        self.units = []
        for u in j["units"]:
            if u["kind"] == "input":
                self.units.append(("input", self.inputs.index(u["name"])))
            else:
                edges = [(src, frac(w)) for src, w in u["in"]]
                self.units.append(("relu", frac(u["bias"]), edges))
        out = j["output"]
        self.output = (frac(out["bias"]), [(src, frac(w)) for src, w in out["in"]])
        self.weights = sum(len(u[2]) for u in self.units if u[0] == "relu") + len(self.output[1])

    def affines(self):
        """Every (bias, edges) of a hidden unit, then the output's."""
        for u in self.units:
            if u[0] == "relu":
                yield u[1], u[2]
        yield self.output

    def qonnx_expressible(self):
        nonlinear = self.quantization == "nonlinear" or (
            self.quantization is None and len(self.codebook) > 2 and not is_uniform(self.codebook)
        )
        return not (nonlinear and (self.lambda_ or len(self.codebook)) > 2)


def is_uniform(values):
    steps = {b - a for a, b in zip(values, values[1:])}
    return len(steps) <= 1


def dyadic(q):
    d = q.denominator
    return d & (d - 1) == 0


# -- rounding of exact values ------------------------------------------------


def to_f64(q):
    # int / int true division is correctly rounded in Python
    return np.float64(q.numerator / q.denominator)


def to_f32(q):
    """q rounded to the nearest float32, ties to even (one rounding)."""
    f = np.float32(to_f64(q))
    if not np.isfinite(f):
        return f
    best = None
    for c in (np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf))):
        if not np.isfinite(c):
            continue
        err = abs(Fraction(float(c)) - q)
        key = (err, int(c.view(np.uint32)) & 1)
        if best is None or key < best[0]:
            best = (key, c)
    return best[1]


# -- evaluation ------------------------------------------------------------


def simulate(net, x, dtype):
    """The network at the rows of x in dtype, in the order qrelu sums."""
    conv = to_f64 if dtype == np.float64 else to_f32
    cache = {}

    def c(q):
        if q not in cache:
            cache[q] = conv(q)
        return cache[q]

    zero = dtype(0)
    values = []

    def affine(bias, edges):
        acc = np.full(x.shape[0], c(bias), dtype=dtype)
        for src, w in edges:
            acc = acc + c(w) * values[src]
        return acc

    for u in net.units:
        if u[0] == "input":
            values.append(x[:, u[1]].astype(dtype))
        else:
            acc = affine(u[1], u[2])
            values.append(np.where(acc > zero, acc, zero).astype(dtype))
    return affine(*net.output)


def exact_eval(net, points):
    """The network's exact output at each point (a list of Fraction tuples).

    With every weight, bias and coordinate dyadic, a value is an object
    array of Python integers over one power of two per unit; otherwise
    an object array of Fractions."""
    params = [v for b, e in net.affines() for v in [b] + [w for _, w in e]]
    is_dyadic = all(dyadic(v) for v in params) and all(dyadic(q) for p in points for q in p)
    n = len(points)
    if not is_dyadic:
        cols = [np.array([p[i] for p in points], dtype=object) for i in range(len(net.inputs))]
        values = []

        def affine(bias, edges):
            acc = np.full(n, bias, dtype=object)
            for src, w in edges:
                acc = acc + values[src] * w
            return acc

        for u in net.units:
            if u[0] == "input":
                values.append(cols[u[1]])
            else:
                acc = affine(u[1], u[2])
                values.append(np.where(acc > 0, acc, Fraction(0)))
        return list(affine(*net.output))

    def exp2(q):
        return q.denominator.bit_length() - 1

    def add(a, b):
        (na, ea), (nb, eb) = a, b
        if ea < eb:
            na = na * (1 << (eb - ea))
        elif eb < ea:
            nb = nb * (1 << (ea - eb))
        return (na + nb, max(ea, eb))

    values = []
    for i in range(len(net.inputs)):
        e = max(exp2(p[i]) for p in points)
        values_i = np.array([p[i].numerator * (1 << (e - exp2(p[i]))) for p in points], dtype=object)
        values.append((values_i, e))
    inputs = values
    values = []

    def affine(bias, edges):
        acc = (np.full(n, bias.numerator, dtype=object), exp2(bias))
        for src, w in edges:
            nv, ev = values[src]
            acc = add(acc, (nv * w.numerator, ev + exp2(w)))
        return acc

    for u in net.units:
        if u[0] == "input":
            values.append(inputs[u[1]])
        else:
            nv, ev = affine(u[1], u[2])
            values.append((np.where(nv > 0, nv, 0), ev))
    nv, ev = affine(*net.output)
    return [Fraction(int(v), 1 << ev) for v in nv]


# -- points ------------------------------------------------------------------


def lattice_steps(d):
    k = 0
    while (2 ** (k + 1) + 1) ** d <= MAX_LATTICE:
        k += 1
    return k


def lattice(domain):
    k = lattice_steps(len(domain))
    axes = [[lo + (hi - lo) * Fraction(j, 2**k) for j in range(2**k + 1)] for lo, hi in domain]
    points = [()]
    for axis in axes:
        points = [p + (q,) for p in points for q in axis]
    return points


def random_points(domain, rng):
    lo = np.array([float(a) for a, _ in domain])
    hi = np.array([float(b) for _, b in domain])
    u = rng.random((RANDOM_POINTS, len(domain)))
    return np.clip(lo + (hi - lo) * u, lo, hi)


# -- comparisons -------------------------------------------------------------


class Report:
    def __init__(self):
        self.failures = []

    def fail(self, net, what):
        self.failures.append(f"{net}: {what}")


def bitwise(a, b):
    """(largest |a - b| as a float, number of points whose bits differ)."""
    a = np.asarray(a).ravel()
    b = np.asarray(b).ravel()
    if a.shape != b.shape:
        return (math.inf, max(a.size, b.size))
    differ = a.view(np.uint64 if a.dtype == np.float64 else np.uint32) != b.view(
        np.uint64 if b.dtype == np.float64 else np.uint32
    )
    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return (float(np.max(diff)) if diff.size else 0.0, int(np.count_nonzero(differ)))


def ort_run(path, x):
    options = ort.SessionOptions()
    options.log_severity_level = 3
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(["y"], {"x": x})[0].ravel()


def check_quant(net, model, report):
    """(e): every Quant node's parameters and dequantized values."""
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    allowed = {int(to_f32(c).view(np.uint32)) for c in net.codebook + [Fraction(0)]}
    grid = net.quantization == "uniform"
    count = 0
    for node in model.graph.node:
        if node.op_type != "Quant":
            continue
        count += 1
        if node.domain != "qonnx.custom_op.general":
            report.fail(net.name, f"Quant node {node.name} in domain {node.domain!r}")
        attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        if attrs.get("signed") != 1 or attrs.get("narrow") != 1:
            report.fail(net.name, f"Quant node {node.name}: signed/narrow {attrs}")
        w, scale, zeropt, bits = (inits[i] for i in node.input)
        if w.dtype != np.float32 or scale.dtype != np.float32:
            report.fail(net.name, f"Quant node {node.name}: not float32")
        if float(zeropt) != 0.0:
            report.fail(net.name, f"Quant node {node.name}: zero point {zeropt}")
        w = w.ravel()
        limit = 2 ** (int(bits) - 1) - 1
        q = np.round(w / scale)
        if np.any(np.abs(q) > limit):
            report.fail(net.name, f"Quant node {node.name}: integers beyond {int(bits)} bits")
        back = (q * scale).astype(np.float32)
        if np.any(back.view(np.uint32) != w.view(np.uint32)):
            report.fail(net.name, f"Quant node {node.name}: q * scale differs from the weights")
        for v in back:
            # a uniform grid lists no values: its members are the q * scale
            # within the bit width, checked above
            if not grid and int(v.view(np.uint32)) not in allowed:
                report.fail(net.name, f"Quant node {node.name}: {v} is not in the codebook")
                break
    if count == 0:
        report.fail(net.name, "the QONNX model has no Quant node")
    return count


def patch_qonnx_ir_version(ir_version):
    """qonnx 1.0.0 runs each standard node in a one-node model made by
    onnx.helper.make_model, which stamps onnx 1.23's IR version 14 on it;
    onnxruntime 1.31 refuses IR versions above 13. The one-node models get
    the exported model's IR version instead (the nodes are the same)."""
    import qonnx.core.onnx_exec as onnx_exec

    make = getattr(onnx_exec, "_qrelu_original_make_model", onnx_exec.qonnx_make_model)
    onnx_exec._qrelu_original_make_model = make

    def make_model(graph, **kwargs):
        model = make(graph, **kwargs)
        model.ir_version = ir_version
        return model

    onnx_exec.qonnx_make_model = make_model


def check_net(json_path, report, rows):
    base = json_path[: -len(".json")]
    net = Net(json_path)
    name = net.name
    files = {"f64": base + ".onnx", "f32": base + ".f32.onnx", "qonnx": base + ".qonnx.onnx"}
    for kind, path in files.items():
        if not os.path.exists(path):
            if kind == "qonnx" and not net.qonnx_expressible():
                continue
            report.fail(name, f"missing {os.path.basename(path)}")
    models = {}
    for kind, path in files.items():
        if os.path.exists(path):
            if kind == "qonnx" and not net.qonnx_expressible():
                report.fail(name, "a QONNX model of a codebook QONNX cannot express")
            model = onnx.load(path)
            try:
                onnx.checker.check_model(model, full_check=True)
            except Exception as e:  # noqa: BLE001 - any checker complaint fails
                report.fail(name, f"{kind}: onnx checker: {e}")
            models[kind] = model
    if "f64" not in models or "f32" not in models:
        return

    rng = np.random.default_rng(SEED)
    rand = random_points(net.domain, rng)
    grid = lattice(net.domain)
    grid64 = np.array([[float(q) for q in p] for p in grid], dtype=np.float64)
    x64 = np.concatenate([rand, grid64])
    x32 = x64.astype(np.float32)

    ort64 = ort_run(files["f64"], x64)
    ort32 = ort_run(files["f32"], x32)

    # (a), (c)
    a = bitwise(ort64, simulate(net, x64, np.float64))
    c = bitwise(ort32, simulate(net, x32, np.float32))
    if a[1]:
        report.fail(name, f"(a) onnxruntime f64 differs from the f64 simulation at {a[1]} points")
    if c[1]:
        report.fail(name, f"(c) onnxruntime f32 differs from the f32 simulation at {c[1]} points")

    # (b): exact on the lattice; reported at the random points
    exact_grid = exact_eval(net, grid)
    got = ort64[RANDOM_POINTS:]
    b_bad = sum(1 for g, e in zip(got, exact_grid) if Fraction(float(g)) != e)
    b_max = max(abs(float(Fraction(float(g)) - e)) for g, e in zip(got, exact_grid))
    if b_bad:
        report.fail(name, f"(b) onnxruntime f64 is not exact at {b_bad} lattice points")
    rand_points = [tuple(Fraction(float(v)) for v in row) for row in rand]
    exact_rand = exact_eval(net, rand_points)
    rand_exact = sum(1 for g, e in zip(ort64[:RANDOM_POINTS], exact_rand) if Fraction(float(g)) == e)
    rand_max = max(abs(float(Fraction(float(g)) - e)) for g, e in zip(ort64[:RANDOM_POINTS], exact_rand))

    # (d), (e)
    d_text, e_text = "-", "-"
    if "qonnx" in models:
        from qonnx.core.modelwrapper import ModelWrapper
        from qonnx.core.onnx_exec import execute_onnx
        from qonnx.transformation.change_batchsize import ChangeBatchSize
        from qonnx.transformation.infer_shapes import InferShapes

        patch_qonnx_ir_version(models["qonnx"].ir_version)
        quants = check_quant(net, models["qonnx"], report)
        e_text = f"{quants} ok"
        single = ModelWrapper(files["qonnx"])
        firsts = [execute_onnx(single, {"x": x32[i : i + 1]})["y"].ravel() for i in range(SINGLE_POINTS)]
        d1 = bitwise(np.concatenate(firsts), ort32[:SINGLE_POINTS])
        batched = ModelWrapper(files["qonnx"])
        batched = batched.transform(ChangeBatchSize(len(x32)))
        batched = batched.transform(InferShapes())
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            d2 = bitwise(execute_onnx(batched, {"x": x32})["y"].ravel(), ort32)
        if d1[1] or d2[1]:
            report.fail(name, f"(d) the qonnx executor differs from onnxruntime f32 at {d1[1]} + {d2[1]} points")
        d_text = fmt((max(d1[0], d2[0]), d1[1] + d2[1]))
    elif net.qonnx_expressible():
        report.fail(name, "no QONNX model")

    size = {k: os.path.getsize(p) / max(net.weights, 1) for k, p in files.items() if os.path.exists(p)}
    rows.append(
        [
            name,
            str(len(net.inputs)),
            str(net.weights),
            str(len(models["f64"].graph.node)),
            f"{size['f64']:.1f}",
            f"{size['f32']:.1f}",
            f"{size['qonnx']:.1f}" if "qonnx" in size else "-",
            f"{RANDOM_POINTS}+{len(grid)}",
            fmt(a),
            fmt((b_max, b_bad)),
            f"{rand_exact}/{RANDOM_POINTS} {rand_max:.1e}",
            fmt(c),
            d_text,
            e_text,
        ]
    )


def fmt(r):
    value, bad = r
    text = "0" if value == 0 else f"{value:.1e}"
    return text if not bad else f"{text} ({bad} bad)"


def main():
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    paths = sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))
    if not paths:
        print(f"no *.json in {sys.argv[1]}", file=sys.stderr)
        return 1
    report = Report()
    rows = []
    start = time.time()
    for path in paths:
        try:
            check_net(path, report, rows)
        except Exception as e:  # noqa: BLE001 - report and go on to the next net
            report.fail(os.path.basename(path), f"{type(e).__name__}: {e}")
    head = [
        "net",
        "d",
        "weights",
        "nodes",
        "B/w f64",
        "B/w f32",
        "B/w qonnx",
        "points",
        "(a) f64=sim",
        "(b) f64=exact lattice",
        "exact random, max|err|",
        "(c) f32=sim",
        "(d) qonnx=f32",
        "(e) Quant",
    ]
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"{len(rows)} nets checked in {time.time() - start:.1f} s")
    if report.failures:
        for f in report.failures:
            print("FAIL", f, file=sys.stderr)
        return 1
    print("onnx check ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
