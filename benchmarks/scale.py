"""Scale sweep: time per epoch, the curriculum's share of it and peak memory, as N, C and M grow.

Usage::

    python benchmarks/scale.py                      # the grid below, within --max-seconds
    python benchmarks/scale.py --big                # and the 3-epoch CLIMD fit at 10^6 x 1,000
    python benchmarks/scale.py --quick --in-process # tiny smoke run

Synthetic data (``make_multimodal_classification``, 100 features per modality, a mild long
tail). Grid: N = 10^3 ... 10^6 at C = 5, M = 3; C = 2 ... 1,000 at N = 10^5; M = 2 ... 8 at
N = 10^5. Every point is fitted twice, plain (``curriculum=None``) and CLIMD
(``variant="paper"``: the training set is scored at every epoch), each in its own process
(one torch thread) so that its peak RSS is its own; on CUDA the peak
``torch.cuda.max_memory_allocated`` is recorded too. Points run cheapest first; those that do
not fit in ``--max-seconds`` are listed as not run. Writes
``benchmarks/results/scale.{json,md}`` and ``docs/figures/scale.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from climd_sklearn.benchmark import machine_info
from climd_sklearn.benchmark._scale import METHODS, grid, run_point, run_point_subprocess

FULL = {"sizes": (1_000, 10_000, 100_000, 1_000_000), "classes": (2, 5, 10, 100, 1_000),
        "modalities": (2, 3, 4, 8), "base_n": 100_000}
QUICK = {"sizes": (200,), "classes": (2,), "modalities": (2,), "base_n": 200}
#: The memory target's fit: 3 CLIMD epochs at N = 10^6, C = 1,000 (issue: < 8 GB peak).
BIG = {"sweep": "big", "n_samples": 1_000_000, "n_classes": 1_000, "n_modalities": 3}


def _cost(point: dict[str, Any]) -> float:
    """A rough relative cost, to run the cheap points first."""
    return point["n_samples"] * point["n_modalities"] * (1 + point["n_classes"] / 200)


def _fmt(value: Any, spec: str = ".2f") -> str:
    return "–" if value is None else format(value, spec)


def _markdown(result: dict[str, Any]) -> str:
    rows = [r for r in result["rows"] if "error" not in r]
    by_point: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        sweeps = [r["sweep"]] + [w for w in ("N", "C", "M")
                                 if w != r["sweep"] and r["sweep"] != "big"
                                 and _on_sweep(r, w, result)]
        for sweep in sweeps:  # the shared base point belongs to every sweep
            key = (sweep, r["n_samples"], r["n_classes"], r["n_modalities"])
            by_point.setdefault(key, {})[r["method"]] = r
    s = result["settings"]
    n0 = f"{s['base']['n_samples']:,}"
    big_batch = next((r["batch_size"] for r in rows if r["sweep"] == "big"), "–")
    lines = [f"Machine: {result['machine']['cpu']}, {result['machine']['nproc']} cores "
             f"(shared), torch {result['machine']['torch']}, one torch thread, device "
             f"{s['device']}; batch size {s['batch_size']}, {s['epochs']} epoch(s) per fit, "
             f"100 features per modality. Command: `{result['command']}`.", ""]
    header = ("| N | C | M | plain s/epoch | CLIMD s/epoch | curriculum s/epoch | "
              "curriculum share | plain peak RSS MiB | CLIMD peak RSS MiB | data MiB |")
    for sweep, title in (("N", "N grows (C = 5, M = 3)"), ("C", f"C grows (N = {n0}, M = 3)"),
                         ("M", f"M grows (N = {n0}, C = 5)"),
                         ("big", f"The memory target: CLIMD, 3 epochs, batch {big_batch}")):
        keys = sorted(k for k in by_point if k[0] == sweep)
        if not keys:
            continue
        lines += [f"### {title}", "", header, "| " + " | ".join(["---"] * 10) + " |"]
        for key in keys:
            plain, climd = by_point[key].get("plain", {}), by_point[key].get("climd", {})
            any_row = climd or plain
            lines.append(
                f"| {key[1]:,} | {key[2]:,} | {key[3]} | {_fmt(plain.get('epoch_s'))} | "
                f"{_fmt(climd.get('epoch_s'))} | {_fmt(climd.get('curriculum_s'), '.3f')} | "
                f"{_fmt(climd.get('curriculum_share'), '.1%')} | "
                f"{_fmt(plain.get('peak_rss_fit_mib'), ',.0f')} | "
                f"{_fmt(climd.get('peak_rss_fit_mib'), ',.0f')} | "
                f"{_fmt(any_row.get('data_mib'), ',.0f')} |")
        lines.append("")
    if result.get("n_exponent") is not None:
        lines += [f"Growth in N: time per epoch ~ N^{result['n_exponent']['plain']:.2f} (plain), "
                  f"N^{result['n_exponent']['climd']:.2f} (CLIMD), fitted over N >= 10^4.", ""]
    skipped = [r for r in result["rows"] if "error" in r]
    if skipped:
        lines += ["Not run or failed: " + "; ".join(
            f"N={r['n_samples']:,} C={r['n_classes']:,} M={r['n_modalities']} {r['method']} "
            f"({r['error']})" for r in skipped) + ".", ""]
    lines += ["Columns: s/epoch is the mean epoch duration (skorch's `dur`; CLIMD's early "
              "epochs train on a subset); curriculum s/epoch is the scoring pass plus the "
              "selection, measured inside the fit; its share is of the last epoch, which "
              "trains on every row; peak RSS is the kernel's high-water mark during the fit "
              "(data, model, optimizer, scoring), in a fresh process per fit.", ""]
    return "\n".join(lines)


def _exponent(rows: list[dict[str, Any]], method: str) -> float | None:
    pts = sorted((r["n_samples"], r["epoch_s"]) for r in rows
                 if r.get("sweep") == "N" and r["method"] == method and "error" not in r
                 and r["n_samples"] >= 10_000)
    if len(pts) < 2:
        return None
    n, t = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(n, t, 1)[0])


def plot(result: dict[str, Any], path: str) -> str:
    """Time per epoch and peak RSS against N, C and M, for plain and CLIMD.

    Parameters
    ----------
    result : dict
        The sweep's result (``rows``).
    path : str
        Where the PNG goes.

    Returns
    -------
    path : str
        The file written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in result["rows"] if "error" not in r and r["sweep"] in ("N", "C", "M")]
    fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), constrained_layout=True)
    keys = {"N": "n_samples", "C": "n_classes", "M": "n_modalities"}
    for col, (sweep, key) in enumerate(keys.items()):
        for method, style in (("plain", "o-"), ("climd", "s-")):
            pts = sorted((r[key], r) for r in rows
                         if r["method"] == method and (r["sweep"] == sweep or
                                                       _on_sweep(r, sweep, result)))
            if not pts:
                continue
            x = [p[0] for p in pts]
            axes[0, col].plot(x, [p[1]["epoch_s"] for p in pts], style, label=method)
            if method == "climd":
                axes[0, col].plot(x, [p[1]["curriculum_s"] for p in pts], "^--",
                                  label="curriculum (scoring + selection)")
            mem = [p[1]["peak_rss_fit_mib"] or p[1]["max_rss_mib"] for p in pts]
            axes[1, col].plot(x, mem, style, label=method)
        axes[0, col].set_title(f"{sweep} grows")
        axes[1, col].set_xlabel(sweep)
        for row in (0, 1):
            if sweep != "M":
                axes[row, col].set_xscale("log")
            axes[row, col].grid(True, alpha=0.3)
        axes[0, col].set_yscale("log")
    axes[0, 0].set_ylabel("seconds per epoch")
    axes[1, 0].set_ylabel("peak RSS during the fit, MiB")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle(f"Scale sweep ({result['machine']['cpu']}, one torch thread, batch "
                 f"{result['settings']['batch_size']})", fontsize=10)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _on_sweep(row: dict[str, Any], sweep: str, result: dict[str, Any]) -> bool:
    """Whether a point listed under another sweep also lies on ``sweep`` (the shared base)."""
    base = result["settings"]["base"]
    fixed = {"N": ("n_classes", "n_modalities"), "C": ("n_samples", "n_modalities"),
             "M": ("n_samples", "n_classes")}[sweep]
    return all(row[k] == base[k] for k in fixed)


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the sweep.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        ``{"rows", "machine", "settings", "command", "wall_s", "json", "md", "figure"}``.
    """
    parser = argparse.ArgumentParser(prog="benchmarks/scale.py")
    parser.add_argument("--quick", action="store_true", help="tiny grid (smoke test)")
    parser.add_argument("--in-process", action="store_true",
                        help="fit in this process (faster; peak RSS then not per point)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--max-seconds", type=float, default=1200.0,
                        help="stop starting new points after this many seconds")
    parser.add_argument("--big", action="store_true",
                        help="also the 3-epoch CLIMD fit at N = 10^6, C = 1,000")
    parser.add_argument("--big-batch-size", type=int, default=256)
    parser.add_argument("--only-big", action="store_true", help="the big fit alone (implies --big)")
    parser.add_argument("--merge", action="store_true",
                        help="keep the rows of the existing scale.json that this run does not redo")
    parser.add_argument("--out", default="benchmarks/results")
    parser.add_argument("--figure", default="docs/figures/scale.png")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    start = time.perf_counter()
    spec = QUICK if args.quick else FULL
    points = sorted(grid(spec["sizes"], spec["classes"], spec["modalities"],
                         base_n=spec["base_n"]), key=_cost)
    common = {"epochs": args.epochs, "batch_size": args.batch_size, "device": args.device}
    jobs = [] if args.only_big else [{**p, **common, "method": m} for p in points for m in METHODS]
    if args.big or args.only_big:
        jobs.append({**BIG, "epochs": 3, "batch_size": args.big_batch_size,
                     "device": args.device, "method": "climd"})
    rows = []
    for job in jobs:
        left = args.max_seconds - (time.perf_counter() - start)
        if left <= 0:
            rows.append({**job, "error": "not run: --max-seconds reached"})
            continue
        if args.in_process:
            row = run_point(**job)
        else:
            row = run_point_subprocess(job, timeout=left)
        rows.append(row)
        print(json.dumps({k: row.get(k) for k in ("sweep", "n_samples", "n_classes",
                                                   "n_modalities", "method", "epoch_s",
                                                   "curriculum_s", "peak_rss_fit_mib",
                                                   "error")}), flush=True)
    command = " ".join(["python benchmarks/scale.py", *(sys.argv[1:] if argv is None else argv)])
    json_path, md_path = os.path.join(args.out, "scale.json"), os.path.join(args.out, "scale.md")
    if args.merge and os.path.exists(json_path):
        with open(json_path) as fh:
            previous = json.load(fh)

        def key(r: dict[str, Any]) -> tuple:
            return r["sweep"], r["n_samples"], r["n_classes"], r["n_modalities"], r["method"]

        redone = {key(r) for r in rows}
        rows = [r for r in previous["rows"] if key(r) not in redone] + rows
        if args.only_big:  # the grid's settings and command stay those of the grid's run
            common = {k: previous["settings"][k] for k in common}
            command = f"{previous['command']}; then {command}"
    base = {"n_samples": spec["base_n"], "n_classes": 5, "n_modalities": 3}
    result: dict[str, Any] = {
        "rows": rows,
        "machine": machine_info(),
        "settings": {**common, "max_seconds": args.max_seconds, "in_process": args.in_process,
                     "grid": {k: list(v) if isinstance(v, tuple) else v
                              for k, v in spec.items()}, "base": base},
        "command": command,
    }
    result["n_exponent"] = {m: _exponent(rows, m) for m in METHODS}
    if None in result["n_exponent"].values():
        result["n_exponent"] = None
    result["wall_s"] = round(time.perf_counter() - start, 1)
    os.makedirs(args.out, exist_ok=True)
    with open(json_path, "w") as fh:
        json.dump(result, fh, indent=1)
    text = _markdown(result)
    with open(md_path, "w") as fh:
        fh.write(text)
    print(f"machine: {json.dumps(result['machine'])}")
    print(text)
    result.update(json=json_path, md=md_path, figure=plot(result, args.figure))
    return result


if __name__ == "__main__":
    main()
