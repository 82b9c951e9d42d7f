"""Does every lever that gains mfeat rho 100's long tail pay for it on ROSMAP's untouched folds?

A summary of the committed records, no fit (``docs/research.md``, the plan "After sixty
rounds", written before this script was run). Every records file under
``benchmarks/results/`` whose *CLIMD (default)* has records on mfeat rho 100 and on ROSMAP
IR 5 and IR 10 gives one point per other method whose name starts with *CLIMD*: its paired
mean difference to that file's default, in macro-F1 points, on

- mfeat rho 100's long-tailed folds (``"long-tailed, expected"`` where both records have it,
  else the one draw ``"long-tailed"``);
- ROSMAP's untouched folds (the mean of IR 5's and IR 10's);
- ROSMAP's matched folds (``"matched, expected"`` where both have it, else ``"matched"``).

Records marked ``copied_from`` are left out, so that each fit counts once, and a point needs
:data:`MIN_PAIRS` paired splits in each of the five columns. The report gives every point,
the Spearman correlation of the long tail's differences with each of ROSMAP's, and the
points that gain the long tail by :data:`GAP` or more without losing ROSMAP's untouched
folds.

Usage::

    python benchmarks/lever_tradeoff.py --out benchmarks/results/lever_tradeoff
"""

from __future__ import annotations

import argparse
import glob
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from climd_sklearn.benchmark._records import load_records

DEFAULT = "CLIMD (default)"
#: The long tail's setting and ROSMAP's two imbalanced settings, by their record names.
LONG_TAIL = "mfeat LT rho 100"
ROSMAP = ("ROSMAP IR 5", "ROSMAP IR 10")
#: Each column's evaluations, the Monte Carlo mean first where both records have it.
EVALS = {"long tail": ("long-tailed, expected", "long-tailed"),
         "untouched": ("untouched",),
         "matched": ("matched, expected", "matched")}
#: The fewest paired splits a column of a point may rest on.
MIN_PAIRS = 5
#: The long tail's gap to the best method on the main table (issue 11's open line), points.
GAP = 1.2
#: The plot's half-width in points (a lever that wrecks a column falls outside it).
FRAME = 5.0


def paired_delta(
    scores: Mapping[tuple[str, str, int], Mapping[str, Any]], method: str, setting: str,
    evals: Sequence[str],
) -> tuple[float, int] | None:
    """The mean paired macro-F1 difference, in points, of ``method`` to the default.

    Parameters
    ----------
    scores : mapping
        ``(method, setting, split) -> the record's "scores"``.
    method, setting : str
        The method compared with :data:`DEFAULT`, and the setting.
    evals : sequence of str
        The evaluations to use, in order of preference: the first that both records of
        every paired split have.

    Returns
    -------
    delta : tuple of (float, int) or None
        The mean difference and the number of paired splits, or None with fewer than
        :data:`MIN_PAIRS` splits.
    """
    splits = sorted(split for (m, s, split) in scores if m == method and s == setting
                    and (DEFAULT, setting, split) in scores)
    for name in evals:
        pairs = [(scores[method, setting, i], scores[DEFAULT, setting, i]) for i in splits]
        if len(pairs) >= MIN_PAIRS and all(name in a and name in b for a, b in pairs):
            diffs = [100 * (a[name]["f1_macro"] - b[name]["f1_macro"]) for a, b in pairs]
            return float(np.mean(diffs)), len(diffs)
    return None


def points_of(records: Iterable[Mapping[str, Any]], source: str) -> list[dict[str, Any]]:
    """The points of one records file: every *CLIMD* method against that file's default.

    Parameters
    ----------
    records : iterable of dict
        The file's records; those with a ``copied_from`` are left out.
    source : str
        The file's name, kept in each point.

    Returns
    -------
    points : list of dict
        ``{"source", "method", "long tail", "untouched", "matched", "n_pairs"}``: the
        differences in points (ROSMAP's the mean over :data:`ROSMAP`), and the fewest
        paired splits of any column. Methods short of a column are left out.
    """
    scores = {(r["method"], r["setting"], r["split"]): r["scores"]
              for r in records if "copied_from" not in r}
    methods = sorted({m for m, _, _ in scores if m.startswith("CLIMD") and m != DEFAULT})
    points = []
    for method in methods:
        cells = {"long tail": [paired_delta(scores, method, LONG_TAIL, EVALS["long tail"])]}
        for column in ("untouched", "matched"):
            cells[column] = [paired_delta(scores, method, s, EVALS[column]) for s in ROSMAP]
        if any(cell is None for cell_list in cells.values() for cell in cell_list):
            continue
        point = {"source": source, "method": method}
        point.update({column: float(np.mean([d for d, _ in cell_list]))
                      for column, cell_list in cells.items()})
        point["n_pairs"] = min(n for cell_list in cells.values() for _, n in cell_list)
        points.append(point)
    return points


def collect_points(results_dir: str) -> list[dict[str, Any]]:
    """The points of every records file under ``results_dir``, in the files' sorted order."""
    paths = sorted(glob.glob(os.path.join(results_dir, "**", "*records.jsonl"),
                             recursive=True))
    return [point for path in paths
            for point in points_of(load_records(path), os.path.relpath(path, results_dir))]


def summarize(points: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Spearman's correlations and the points that close the gap without ROSMAP's cost."""
    long_tail = [p["long tail"] for p in points]
    summary: dict[str, Any] = {"n_points": len(points)}
    for column in ("untouched", "matched"):
        rho, p_value = spearmanr(long_tail, [p[column] for p in points])
        summary[column] = {"spearman": float(rho), "p": float(p_value)}
    summary["close the gap without ROSMAP's untouched cost"] = [
        dict(p) for p in points if p["long tail"] >= GAP and p["untouched"] >= 0]
    return summary


def markdown(points: Sequence[Mapping[str, Any]], summary: Mapping[str, Any]) -> str:
    """The report: the correlations, then every point."""
    lines = ["# Every CLIMD lever on mfeat rho 100's long tail and on ROSMAP", "",
             "Paired mean differences to each records file's *CLIMD (default)*, macro F1 "
             f"points; ROSMAP's the mean over IR 5 and IR 10; records marked `copied_from` "
             f"left out; at least {MIN_PAIRS} paired splits per column "
             "(`benchmarks/lever_tradeoff.py`, docs/research.md). The points are not "
             "independent, so the p-values are descriptive.", "",
             f"{summary['n_points']} points. Spearman correlation of the long tail's "
             "differences with ROSMAP's:", ""]
    for column in ("untouched", "matched"):
        cell = summary[column]
        lines.append(f"- {column} folds: {cell['spearman']:+.2f} (p = {cell['p']:.3g})")
    closing = summary["close the gap without ROSMAP's untouched cost"]
    lines += ["", f"Points that gain the long tail by {GAP} or more without losing ROSMAP's "
              f"untouched folds: {len(closing)}"
              + (" (" + "; ".join(f"{p['method']}, {p['source']}" for p in closing) + ")"
                 if closing else "") + ".", "",
              "| source | method | splits | Δ long tail | Δ ROSMAP untouched | "
              "Δ ROSMAP matched |", "| --- | --- | --- | --- | --- | --- |"]
    for p in sorted(points, key=lambda q: -q["long tail"]):
        lines.append(f"| {p['source']} | {p['method']} | {p['n_pairs']} | "
                     f"{p['long tail']:+.2f} | {p['untouched']:+.2f} | {p['matched']:+.2f} |")
    return "\n".join(lines) + "\n"


def plot(points: Sequence[Mapping[str, Any]], path: str) -> None:
    """The long tail's differences against ROSMAP's, untouched and matched, side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
    for ax, column in zip(axes, ("untouched", "matched")):
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.scatter([p[column] for p in points], [p["long tail"] for p in points], s=14)
        ax.axhline(GAP, color="tab:red", lw=0.8, ls="--")
        ax.set_xlim(-FRAME, FRAME)
        ax.set_ylim(-FRAME, FRAME)
        outside = sum(max(abs(p[column]), abs(p["long tail"])) > FRAME for p in points)
        ax.set_title(f"{outside} of {len(points)} points outside the frame", fontsize=9)
        ax.set_xlabel(f"Δ ROSMAP IR 5 and 10, {column} folds (points)")
    axes[0].set_ylabel("Δ mfeat ρ 100, long-tailed folds (points)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv: Sequence[str] | None = None) -> None:
    """Compute the points from the committed records and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=os.path.join(os.path.dirname(__file__), "results"),
                        help="the folder of committed records (default: benchmarks/results)")
    parser.add_argument("--out", required=True, help="the folder the report is written to")
    parser.add_argument("--no-figure", action="store_true", help="skip the scatter plot")
    args = parser.parse_args(argv)
    points = collect_points(args.results)
    if not points:
        raise SystemExit(f"No records file under {args.results!r} has a point.")
    summary = summarize(points)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "lever_tradeoff.json"), "w") as fh:
        json.dump({"points": points, "summary": summary}, fh, indent=1)
    with open(os.path.join(args.out, "lever_tradeoff.md"), "w") as fh:
        fh.write(markdown(points, summary))
    if not args.no_figure:
        plot(points, os.path.join(args.out, "lever_tradeoff.png"))
    print(markdown(points, summary))


if __name__ == "__main__":
    main()
