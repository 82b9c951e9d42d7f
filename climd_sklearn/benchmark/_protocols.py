"""The committed benchmark protocols and the shared command line of the scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from ._data import make_setting
from ._runner import aggregate, run_benchmark, write_results

__all__ = ["PROTOCOLS", "protocol_main", "run_protocol"]

COMPARISON_METHODS = [
    "CE", "Weighted CE", "Focal loss", "RUS", "SMOTE", "LogReg (balanced)", "RUS + MLP",
    "Heads, no curriculum", "CLIMD", "CLIMD (improved)",
]
ABLATION_METHODS = [
    "CLIMD", "Intra only", "Inter only", "Linear", "Root", "Geometric", "Baby Step",
    "One-Pass", "Order asc", "Order random", "Heads, no curriculum", "CE",
]
PNP_METHODS = ["EarlyFusion", "EarlyFusion + CLIMD", "LateFusion", "LateFusion + CLIMD"]
PNP_REFERENCE = {"EarlyFusion": "EarlyFusion + CLIMD", "LateFusion": "LateFusion + CLIMD"}


def _quick_grid(method: Any) -> dict:
    return {"clf__lr": [1e-3, 1e-2]} if method.neural and not method.own_defaults else {}



def _study(methods: list[str], reference: Any) -> dict[str, Any]:
    """The ablation and plug-and-play protocols: the same settings for another method list."""
    return {
        "reference": reference,
        "full": [
            {"regime": "paper", "n_splits": 5, "methods": methods,
             "settings": ["rosmap:10", "synthetic:10"]},
            {"regime": "fast", "n_splits": 5, "methods": methods,
             "settings": ["rosmap:10", "synthetic:10"]},
            {"regime": "fast", "n_splits": 5, "methods": methods, "settings": ["mfeat:100"]},
        ],
        "quick": [
            {"regime": "quick", "n_splits": 1, "methods": methods, "settings": ["rosmap:5"]},
        ],
    }

#: name -> {"full": [runs], "quick": [runs]}; a run is a dict of run_benchmark arguments.
PROTOCOLS: dict[str, dict[str, Any]] = {
    "comparison": {
        "reference": "CLIMD (improved)",
        "full": [
            {"regime": "paper", "n_splits": 5, "methods": COMPARISON_METHODS,
             "settings": ["rosmap:1", "rosmap:5", "rosmap:10", "synthetic:10"]},
            {"regime": "paper", "n_splits": 5, "methods": COMPARISON_METHODS,
             "settings": ["mfeat:100"]},
            {"regime": "tuned", "n_splits": 3, "methods": COMPARISON_METHODS,
             "settings": ["rosmap:10"]},
            {"regime": "paper", "n_splits": 5, "methods": COMPARISON_METHODS,
             "settings": ["mfeat:10"]},
            {"regime": "tuned", "n_splits": 3, "methods": COMPARISON_METHODS,
             "settings": ["synthetic:10"]},
        ],
        "quick": [
            {"regime": "quick", "n_splits": 1, "methods": COMPARISON_METHODS,
             "settings": ["rosmap:5", "mfeat:100"]},
            {"regime": "tuned", "n_splits": 1, "methods": ["CE", "CLIMD", "CLIMD (improved)"],
             "settings": ["rosmap:5"], "overrides": {"max_epochs": 2}, "grid": _quick_grid},
        ],
    },
    "ablation": _study(ABLATION_METHODS, "CLIMD"),
    "plug_and_play": _study(PNP_METHODS, PNP_REFERENCE),
}


def run_protocol(
    name: str,
    *,
    quick: bool = False,
    out: str = "benchmarks/results",
    n_splits: int | None = None,
    settings: Sequence[str] | None = None,
    methods: Sequence[str] | None = None,
    regimes: Sequence[str] | None = None,
    runs: Sequence[int] | None = None,
    append: bool = False,
    progress: bool = True,
    command: str = "",
) -> dict[str, Any]:
    """Run a committed protocol and write ``<out>/<name>.json`` and ``<out>/<name>.md``.

    Parameters
    ----------
    name : {"comparison", "ablation", "plug_and_play"}
        The protocol.
    quick : bool, default=False
        The tiny variant (1 split, 2 epochs, few settings), used by the tests.
    out : str, default="benchmarks/results"
        Output folder.
    n_splits : int or None, default=None
        Overrides the splits of every run.
    settings, methods, regimes : sequence of str or None
        Override the settings and methods of every run, or keep only the listed regimes.
    runs : sequence of int or None, default=None
        Keep only these runs (indices into the protocol's list of runs).
    append : bool, default=False
        Merge into an existing ``<name>.json`` in ``out``: its records for other
        (regime, setting, method) keys are kept, the new ones replace the rest.
    progress : bool, default=True
        Show a progress line on stderr.
    command : str, default=""
        The command line, recorded in the JSON.

    Returns
    -------
    result : dict
        ``{"records", "summary", "json", "md"}``.
    """
    spec = PROTOCOLS[name]
    all_runs = spec["quick" if quick else "full"]
    records: list[dict[str, Any]] = []
    config: dict[str, Any] = {"protocol": name, "quick": quick, "commands": [command],
                              "runs": []}
    start = time.perf_counter()
    for i, run in enumerate(all_runs):
        if regimes is not None and run["regime"] not in regimes:
            continue
        if runs is not None and i not in runs:
            continue
        run_settings = list(settings or run["settings"])
        run_methods = list(methods or run["methods"])
        splits = n_splits or run["n_splits"]
        t0 = time.perf_counter()
        records += run_benchmark(
            [make_setting(s) for s in run_settings], run_methods, n_splits=splits,
            regime=run["regime"], overrides=run.get("overrides"), grid=run.get("grid"),
            progress=progress)
        config["runs"].append({"regime": run["regime"], "settings": run_settings,
                               "methods": run_methods, "n_splits": splits,
                               "overrides": run.get("overrides"),
                               "wall_s": round(time.perf_counter() - t0, 1)})
    config["wall_s"] = round(time.perf_counter() - start, 1)
    old_path = os.path.join(out, f"{name}.json")
    if append and os.path.exists(old_path):
        with open(old_path) as fh:
            old = json.load(fh)
        new_keys = {(r["regime"], r["setting"], r["method"]) for r in records}
        records = [r for r in old["records"]
                   if (r["regime"], r["setting"], r["method"]) not in new_keys] + records
        config["commands"] = old["config"].get("commands", []) + config["commands"]
        config["runs"] = old["config"].get("runs", []) + config["runs"]
        config["wall_s"] += old["config"].get("wall_s", 0.0)
    rows = aggregate(records, spec["reference"])
    json_path, md_path = write_results(out, name, records, rows, config)
    return {"records": records, "summary": rows, "json": json_path, "md": md_path}


def protocol_main(name: str, argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Command line of ``benchmarks/<name>.py``.

    Parameters
    ----------
    name : str
        A key of :data:`PROTOCOLS`.
    argv : sequence of str or None
        Arguments; None reads ``sys.argv[1:]``.

    Returns
    -------
    result : dict
        As :func:`run_protocol`.
    """
    import torch

    torch.set_num_threads(1)
    parser = argparse.ArgumentParser(prog=f"benchmarks/{name}.py",
                                     description=f"CLIMD benchmark: {name}")
    parser.add_argument("--quick", action="store_true", help="tiny run (tests)")
    parser.add_argument("--out", default="benchmarks/results", help="output folder")
    parser.add_argument("--splits", type=int, default=None, help="splits per setting")
    parser.add_argument("--settings", nargs="+", default=None,
                        help="e.g. rosmap:10 mfeat:100 synthetic:10 mogonet:PATH[:rho]")
    parser.add_argument("--methods", nargs="+", default=None, help="registered method names")
    parser.add_argument("--regimes", nargs="+", default=None, help="keep only these regimes")
    parser.add_argument("--runs", nargs="+", type=int, default=None,
                        help="keep only these runs of the protocol (0-based indices)")
    parser.add_argument("--append", action="store_true",
                        help="merge into an existing <out>/<name>.json")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    result = run_protocol(
        name, quick=args.quick, out=args.out, n_splits=args.splits, settings=args.settings,
        methods=args.methods, regimes=args.regimes, runs=args.runs, append=args.append,
        progress=not args.no_progress,
        command=" ".join([f"python benchmarks/{name}.py", *argv_list]))
    print(open(result["md"]).read())
    return result
