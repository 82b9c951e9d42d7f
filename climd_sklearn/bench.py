"""``climd-bench``: a quick CLIMD benchmark on the embedded long-tailed mfeat (the main job).

By default CLIMD is compared with the plain early-fusion net, SMOTE, random undersampling and
class-weighted cross-entropy on mfeat made long-tailed (rho = 100), 3 stratified CV folds,
30 epochs at lr 1e-3; this takes a few minutes on 2 CPU cores. It prints a markdown table and
writes ``bench.json``, ``bench.md`` and (when matplotlib is installed) ``bench_macro_f1.png``
into ``--out``. ``--full`` runs the committed full protocol (``benchmarks/comparison.py``).

Run ``climd-bench --help`` or ``python -m climd_sklearn.bench --help``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

__all__ = ["DEFAULT_METHODS", "DISPLAY_NAMES", "build_parser", "main", "run"]

#: Methods of the default quick comparison: imbalanced-learn's samplers and the loss fixes
#: against the paper's CLIMD and the package's default (improved) CLIMD.
DEFAULT_METHODS = ["CE", "SMOTE", "RUS", "Weighted CE", "CLIMD", "CLIMD (improved)"]

#: How the quick benchmark labels a method in its table and figure. The benchmark's "CLIMD" is
#: the paper's variant (its order, loss, dropout, no decay) run at the benchmark's own
#: ``--lr`` and ``--epochs``, not at the paper's lr 5e-5 for 100 epochs.
DISPLAY_NAMES = {"CLIMD": "CLIMD (paper variant, bench lr/epochs)"}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``climd-bench``.

    Returns
    -------
    parser : argparse.ArgumentParser
    """
    p = argparse.ArgumentParser(
        prog="climd-bench",
        description="Quick CLIMD benchmark (default: long-tailed mfeat, rho = 100).")
    data = p.add_mutually_exclusive_group()
    data.add_argument("--dataset", default="mfeat",
                      choices=["mfeat", "rosmap", "brca", "synthetic"],
                      help="embedded mfeat (default), MOGONET's ROSMAP or BRCA (downloaded "
                           "once into --data-home by climd_sklearn.datasets.fetch_mogonet) "
                           "or synthetic")
    data.add_argument("--mogonet", metavar="PATH", default=None,
                      help="a local MOGONET-layout folder (BRCA, ROSMAP, ...) with its fixed "
                           "split")
    p.add_argument("--data-home", metavar="PATH", default=None,
                   help="cache folder of fetch_mogonet for rosmap / brca (default: "
                        "$CLIMD_SKLEARN_DATA, else ~/climd_sklearn_data); the source is "
                        "$CLIMD_SKLEARN_MOGONET_URL, else MOGONET's pinned GitHub commit")
    p.add_argument("--imbalance-ratio", type=float, default=None,
                   help="rho for mfeat/synthetic (default 100 / 10), NC:AD ratio for rosmap "
                        "(default 10), long-tail ratio of the training split for brca and "
                        "--mogonet (default: none, the split as MOGONET gives it)")
    p.add_argument("--methods", nargs="+", default=None,
                   help=f"method names (default: {' '.join(DEFAULT_METHODS)}); "
                        "--list-methods shows all")
    p.add_argument("--list-methods", action="store_true", help="list methods and exit")
    p.add_argument("--seeds", type=int, default=3, help="splits / seeds (default 3)")
    p.add_argument("--epochs", type=int, default=30,
                   help="training epochs of every method but CLIMD (improved), which keeps "
                        "its own (default 30)")
    p.add_argument("--lr", type=float, default=1e-3,
                   help="learning rate of every method but CLIMD (improved), which keeps its "
                        "own (default 1e-3)")
    p.add_argument("--gamma", type=float, default=0.3, help="CLIMD's gamma (default 0.3)")
    p.add_argument("--out", default="climd_bench_results", help="output folder")
    p.add_argument("--quick", action="store_true", help="1 seed, 2 epochs (smoke test)")
    p.add_argument("--full", action="store_true",
                   help="run the full comparison protocol (paper and tuned regimes; long)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress line")
    p.add_argument("--no-figure", action="store_true", help="do not draw the figure")
    return p


def _setting_spec(args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The :func:`~climd_sklearn.benchmark.make_setting` spec and keyword arguments.

    ``rosmap`` and ``brca`` are fetched (or read from the cache) by ``fetch_mogonet``.
    """
    folder = args.mogonet
    if args.dataset in ("rosmap", "brca") and not args.mogonet:
        from .datasets._fetch import _fetch_folder

        folder = str(_fetch_folder(args.dataset, args.data_home))
        if args.dataset == "rosmap":
            return f"rosmap:{args.imbalance_ratio or 10.0:g}", {"rosmap_path": folder}
    if folder:
        rho = f":{args.imbalance_ratio:g}" if args.imbalance_ratio else ""
        return f"mogonet:{folder}{rho}", {}
    default = {"mfeat": 100.0, "synthetic": 10.0}[args.dataset]
    return f"{args.dataset}:{args.imbalance_ratio or default:g}", {}


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark from command-line arguments and return what it produced.

    Parameters
    ----------
    argv : sequence of str or None, default=None
        Arguments; None reads ``sys.argv[1:]``.

    Returns
    -------
    result : dict
        ``{"records", "summary", "json", "md", "figure"}``.
    """
    import torch

    from .benchmark import (
        aggregate,
        list_methods,
        make_setting,
        run_benchmark,
        write_results,
    )
    from .benchmark._plots import have_matplotlib, plot_macro_f1
    from .benchmark._protocols import run_protocol

    torch.set_num_threads(1)
    args = build_parser().parse_args(argv)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["climd-bench", *argv_list])
    if args.list_methods:
        print("\n".join(list_methods()))
        return {}
    start = time.perf_counter()
    if args.full:
        # brca: the paper's Table 2 protocol, i.e. the comparison's paper-regime run
        # (run 0: every compared method, 5 seeds) on BRCA's fixed split.
        brca = ({"settings": [_setting_spec(args)[0]], "runs": [0]}
                if args.dataset == "brca" else {})
        result = run_protocol("comparison", quick=args.quick, out=args.out,
                              progress=not args.no_progress, command=command, **brca)
    else:
        methods = args.methods or DEFAULT_METHODS
        seeds, epochs = (1, 2) if args.quick else (args.seeds, args.epochs)
        spec, setting_kwargs = _setting_spec(args)
        setting = make_setting(spec, **setting_kwargs)
        overrides = {"lr": args.lr, "max_epochs": epochs, "gamma": args.gamma}
        records = run_benchmark([setting], methods, n_splits=seeds, regime="fast",
                                overrides=overrides, progress=not args.no_progress)
        for record in records:
            record["method"] = DISPLAY_NAMES.get(record["method"], record["method"])
        shown = [DISPLAY_NAMES.get(m, m) for m in methods]
        reference = next((m for m in ("CLIMD (improved)", DISPLAY_NAMES["CLIMD"])
                          if m in shown), None)
        rows = aggregate(records, reference)
        config = {"command": command, "setting": setting.name, "methods": methods,
                  "splits": seeds, **overrides}
        json_path, md_path = write_results(args.out, "bench", records, rows, config)
        result = {"records": records, "summary": rows, "json": json_path, "md": md_path}
    with open(result["md"]) as fh:
        print(fh.read())
    result["figure"] = None
    if not args.no_figure:
        if have_matplotlib():
            path = os.path.join(args.out, "bench_macro_f1.png")
            result["figure"] = plot_macro_f1(result["summary"], path)
            print(f"figure: {path}")
        else:
            print("note: matplotlib is not installed; no figure was drawn "
                  "(pip install matplotlib).")
    print(f"results: {result['json']} ({time.perf_counter() - start:.0f}s)")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``climd-bench`` and ``python -m climd_sklearn.bench``.

    Parameters
    ----------
    argv : sequence of str or None, default=None
        Arguments; None reads ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success (the console-script wrapper passes it to ``sys.exit``).
    """
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
