"""Speed: CLIMD's training overhead, the default's curriculum against its controls, skorch's
overhead, and how the scheduler and the measurer scale with N (to 10^6 samples) and C (to
1,000 classes).

Usage::

    python benchmarks/speed.py           # full -> benchmarks/results/speed.{json,md}
    python benchmarks/speed.py --quick   # tiny smoke run

Torch is pinned to one thread; every time is a median over repeats, and the fit-time ratios
come from fits interleaved within one run.
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
from sklearn.preprocessing import StandardScaler

from climd_sklearn.benchmark import DEFAULT_ROSMAP, machine_info
from climd_sklearn.benchmark._speed import (
    default_fit_ratios,
    fit_time_ratios,
    measurer_scaling,
    scheduler_scaling,
)
from climd_sklearn.datasets import (
    load_mfeat,
    load_mogonet,
    make_long_tailed,
    make_multimodal_classification,
)

#: The synthetic fit of the ratio table: 3 modalities x 100 features, 5 imbalanced classes.
SYNTHETIC_N, SYNTHETIC_EPOCHS, SYNTHETIC_REPEATS = 100_000, 3, 3


#: The default's controls (:data:`~climd_sklearn.benchmark._speed.DEFAULT_ORDERS`) as the
#: table names them.
_CONTROL_LABELS = {"weighted_draw": "weighted draw", "every_5_epochs": "every 5 epochs",
                   "lowest_first": "lowest first", "one_draw": "one draw",
                   "no_curriculum": "no curriculum", "five_members": "5 members",
                   "modality_dropout": "modality dropout 0.4"}


def _scaled(X: dict[str, Any]) -> dict[str, np.ndarray]:
    return {k: StandardScaler().fit_transform(np.asarray(v, dtype=np.float64))
            for k, v in X.items()}


def _markdown(result: dict[str, Any]) -> str:
    lines = ["### Fit time (median over repeats, one torch thread, batch size 32, "
             "rescore_every=1)", "",
             "| Data | N | epochs | CLIMD s | plain s | raw torch loop s | "
             "CLIMD / plain | plain / torch |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, r in result["fit"].items():
        lines.append(f"| {name} | {r['n_samples']} | {r['max_epochs']} | {r['climd_s']:.2f} | "
                     f"{r['plain_s']:.2f} | {r['torch_s']:.2f} | "
                     f"{r['climd_over_plain']:.2f} | {r['plain_over_torch']:.2f} |")
    lines += ["", "### The default's curriculum (median over repeats, one torch thread)", "",
              "`CLIMDClassifier()`: 10 members, each filling CLIMD's class quotas with its own "
              "random draw, no scoring pass (research round 43), no modality dropout (round "
              "53), against the same estimator: with each member's quotas a draw weighted by "
              "its own scores, rescored every epoch (`order=\"weighted\"`, the default of "
              "round 42) or every 5 epochs (the default of rounds 39-41); taking the lowest "
              "scores first, rescored every 5 epochs (`order=\"asc\", rescore_every=5`, "
              "rounds 26-38); with one random draw for all members (`member_subsets=False`, "
              "rounds 16-20); without a curriculum; with 5 members (the default before round "
              "28); and with modality dropout (`modality_dropout=0.4`, the default of rounds "
              "51-52).", ""]
    header = ["Data", "N", "epochs", "default s",
              *(f"{label} s" for label in _CONTROL_LABELS.values()),
              *(f"default / {label}" for label in _CONTROL_LABELS.values())]
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for name, r in result["default_fit"].items():
        lines.append(" | ".join([
            f"| {name}", str(r["n_samples"]), str(r["max_epochs"]), f"{r['default_s']:.2f}",
            *(f"{r[c + '_s']:.2f}" for c in _CONTROL_LABELS),
            *(f"{r['default_over_' + c]:.2f}" for c in _CONTROL_LABELS)]) + " |")
    lines += ["", "### Scheduler: one `select` call at epoch T/2 (T = 100), seconds", "",
              "| N | C | climd | linear | baby_step |", "| --- | --- | --- | --- | --- |"]
    table: dict[tuple, dict[str, float]] = {}
    for r in result["scheduler"]:
        table.setdefault((r["n_samples"], r["n_classes"]), {})[r["scheduler"]] = r["seconds"]
    for (n, c), t in table.items():
        lines.append(f"| {n:,} | {c:,} | {t['climd']:.4f} | {t['linear']:.4f} | "
                     f"{t['baby_step']:.4f} |")
    lines += ["", "### Measurer: Eq. 1-4 over the whole set (M = 3, d = 32), seconds", "",
              "| N | C | seconds | µs per sample |", "| --- | --- | --- | --- |"]
    for r in result["measurer"]:
        lines.append(f"| {r['n_samples']:,} | {r['n_classes']:,} | {r['seconds']:.4f} | "
                     f"{1e6 * r['seconds'] / r['n_samples']:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the speed benchmark.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments (see ``--help``).

    Returns
    -------
    result : dict
        ``{"fit", "default_fit", "scheduler", "measurer", "json", "md"}``.
    """
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(prog="benchmarks/speed.py")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="benchmarks/results")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.quick:
        fit_kw = {"max_epochs": 2, "repeats": 1}
        sizes, classes, reps = (1_000, 10_000), (10, 100), 1
    else:
        fit_kw = {"max_epochs": 30, "repeats": 5}
        sizes, classes, reps = (1_000, 10_000, 100_000, 1_000_000), (10, 100, 1000), 3
    fit: dict[str, Any] = {}
    default_fit: dict[str, Any] = {}
    ros = load_mogonet(DEFAULT_ROSMAP)
    fit["ROSMAP (train split)"] = fit_time_ratios(_scaled(ros.X_train), ros.y_train, **fit_kw)
    default_fit["ROSMAP (train split)"] = default_fit_ratios(ros.X_train, ros.y_train, **fit_kw)
    if not args.quick:
        Xm, ym = load_mfeat(return_X_y=True)
        Xl, yl = make_long_tailed(Xm, ym, 10, random_state=0)
        fit["mfeat LT rho 10"] = fit_time_ratios(_scaled(Xl), yl, **fit_kw)
        default_fit["mfeat LT rho 10"] = default_fit_ratios(Xl, yl, **fit_kw)
        Xs, ys = make_multimodal_classification(
            SYNTHETIC_N, n_modalities=3, n_features=100, n_classes=5,
            weights=[0.4, 0.25, 0.17, 0.11], random_state=0)
        fit[f"synthetic N={SYNTHETIC_N:,}"] = fit_time_ratios(
            Xs, np.asarray(ys), max_epochs=SYNTHETIC_EPOCHS, repeats=SYNTHETIC_REPEATS)
    base_n = sizes[-1] // 10 if args.quick else 100_000
    result = {
        "fit": fit,
        "default_fit": default_fit,
        "scheduler": scheduler_scaling(sizes, classes, repeats=reps, base_n=base_n),
        "measurer": measurer_scaling(sizes, classes, repeats=reps, base_n=base_n),
        "machine": machine_info(),
        "command": " ".join(["python benchmarks/speed.py",
                             *(sys.argv[1:] if argv is None else argv)]),
    }
    result["wall_s"] = round(time.perf_counter() - start, 1)
    os.makedirs(args.out, exist_ok=True)
    json_path = os.path.join(args.out, "speed.json")
    md_path = os.path.join(args.out, "speed.md")
    with open(json_path, "w") as fh:
        json.dump(result, fh, indent=1)
    text = _markdown(result)
    with open(md_path, "w") as fh:
        fh.write(text)
    print(text)
    result.update(json=json_path, md=md_path)
    return result


if __name__ == "__main__":
    main()
