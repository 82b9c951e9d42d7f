"""``climd-bench``: a quick like-for-like CLIMD benchmark on the embedded long-tailed mfeat.

By default the default ``CLIMDClassifier()`` is compared, on mfeat made long-tailed
(rho = 100) with 3 paired splits, with the usual fixes run on **the same network and training
recipe** (plain cross-entropy, class-weighted cross-entropy, balanced softmax, SMOTE, random
undersampling), with the same network without a curriculum, and with balanced logistic
regression tuned by inner CV: the protocol of ``benchmarks/like_for_like.py``, on one
setting. It prints the paired table (Δ to the default, Wilcoxon p with Holm's correction,
wins / losses, mean ranks), losses included, and writes ``like_for_like.json``,
``like_for_like.md`` and (with matplotlib) ``critical_difference.png`` into ``--out``. Three
splits cannot make a Wilcoxon test significant: the committed 25-split results are in
``docs/benchmarks.md``. ``--full`` runs the paper-regime protocol (``benchmarks/comparison.py``).

Run ``climd-bench --help`` or ``python -m climd_sklearn.bench --help``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

__all__ = ["DEFAULT_METHODS", "build_parser", "main", "run"]

#: Methods of the default quick comparison (names of ``benchmarks/like_for_like.py``): the
#: usual fixes on the default's network and recipe, the same network without a curriculum,
#: a tuned balanced linear model, and the default.
DEFAULT_METHODS = ["CE", "Weighted CE", "Balanced softmax", "SMOTE", "RUS",
                   "Heads, no curriculum", "LogReg (balanced)", "CLIMD (default)"]


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
    p.add_argument("--epochs", type=int, default=None,
                   help="training epochs of every neural method alike (default: the "
                        "default's, 30)")
    p.add_argument("--lr", type=float, default=None,
                   help="learning rate of every neural method alike (default: the "
                        "default's, 1e-3)")
    p.add_argument("--jobs", type=int, default=1, help="parallel splits (default 1)")
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


def _like_for_like(setting: Any, args: argparse.Namespace, command: str) -> dict[str, Any]:
    """Run the like-for-like methods on ``args.seeds`` paired splits of one setting."""
    from joblib import Parallel, delayed

    from .benchmark._like_for_like import run_split
    from .benchmark._like_for_like_methods import NEURAL_METHODS, REFERENCE, resolve_methods
    from .benchmark._like_for_like_report import write_like_for_like
    from .benchmark._plots import have_matplotlib
    from .benchmark._records import RECORDS_FILE, load_records

    methods = list(dict.fromkeys([*(args.methods or DEFAULT_METHODS), REFERENCE]))
    recipe = {k: v for k, v in (("max_epochs", args.epochs), ("lr", args.lr)) if v is not None}
    # the same recipe change for every neural method, so the comparison stays like for like
    candidates = {name: {**NEURAL_METHODS[name], **recipe} for name in methods
                  if name in NEURAL_METHODS}
    specs = resolve_methods(methods, candidates)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, RECORDS_FILE)
    open(path, "w").close()  # a fresh run: this folder's earlier records are replaced
    protocol = "quick" if args.quick else "full"
    n_splits = 1 if args.quick else args.seeds
    Parallel(n_jobs=args.jobs)(
        delayed(run_split)(setting.name, split, setting.layout, specs, path, protocol,
                           args.quick)
        for split in setting.splits(n_splits))
    records = load_records(path, protocol)
    config = {"methods": methods, "commands": [command], "setting": setting.name,
              "splits": n_splits, **recipe}
    figures = args.out if (have_matplotlib() and not args.no_figure) else None
    summary = write_like_for_like(args.out, records, config, figures_dir=figures,
                                  reference=REFERENCE)
    paths = summary["paths"]
    with open(paths["md"]) as fh:
        print(fh.read())
    figure = os.path.join(args.out, paths["figure"]) if paths["figure"] else None
    return {"records": records, "summary": summary, "json": paths["json"],
            "md": paths["md"], "figure": figure}


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

    from .benchmark import make_setting
    from .benchmark._like_for_like_methods import CANDIDATES, NEURAL_METHODS
    from .benchmark._methods import LIKE_FOR_LIKE_ANCHORS
    from .benchmark._protocols import run_protocol

    torch.set_num_threads(1)
    args = build_parser().parse_args(argv)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["climd-bench", *argv_list])
    if args.list_methods:
        print("\n".join([*NEURAL_METHODS, *CANDIDATES, *LIKE_FOR_LIKE_ANCHORS]))
        return {}
    start = time.perf_counter()
    if args.full:
        # brca: the paper's Table 2 protocol, i.e. the comparison's paper-regime run
        # (run 0: every compared method, 5 seeds) on BRCA's fixed split.
        brca = ({"settings": [_setting_spec(args)[0]], "runs": [0]}
                if args.dataset == "brca" else {})
        result = run_protocol("comparison", quick=args.quick, out=args.out,
                              progress=not args.no_progress, command=command, **brca)
        with open(result["md"]) as fh:
            print(fh.read())
        result["figure"] = None
    else:
        spec, setting_kwargs = _setting_spec(args)
        result = _like_for_like(make_setting(spec, **setting_kwargs), args, command)
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
