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
import difflib
import math
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


def _number(text: str, kind: type, what: str, ok: Any) -> Any:
    """Parse ``text`` as ``kind`` and check it with ``ok``; an argparse error says ``what``."""
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if not (math.isfinite(value) and ok(value)):
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    return _number(text, int, "a positive integer", lambda v: v >= 1)


def _positive_float(text: str) -> float:
    return _number(text, float, "a positive finite number", lambda v: v > 0)


def _ratio(text: str) -> float:
    return _number(text, float, "a finite number >= 1", lambda v: v >= 1)


def _n_jobs(text: str) -> int:
    return _number(text, int, "a positive integer or -1", lambda v: v >= 1 or v == -1)


def _path(text: str) -> str:
    if not text:
        raise argparse.ArgumentTypeError("expected a path, got an empty string")
    return text


#: Options (defaults None) that ``--full``, the committed comparison protocol, does not
#: take; ``--imbalance-ratio`` and ``--data-home`` apply to it with ``--dataset brca``.
_NOT_WITH_FULL = ("methods", "seeds", "epochs", "lr", "jobs", "mogonet")


class _Parser(argparse.ArgumentParser):
    """The parser of ``climd-bench``: it also checks how the options combine."""

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        namespace, extras = super().parse_known_args(args, namespace)
        if not namespace.list_methods:
            _check_options(self, namespace)
        return namespace, extras


def _option(dest: str) -> str:
    return "--" + dest.replace("_", "-")


def _check_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Reject, with a usage error, options that are unknown or that a mode would ignore."""
    if args.full:
        for dest in _NOT_WITH_FULL:
            if getattr(args, dest) is not None:
                parser.error(f"{_option(dest)} does not apply to --full, which runs the "
                             "committed comparison protocol with its own settings, methods, "
                             "splits and training recipe")
        if args.dataset not in ("mfeat", "brca"):
            parser.error(f"--dataset {args.dataset} does not apply to --full; only "
                         "--dataset brca selects what --full runs (the paper's Table 2)")
        if args.dataset != "brca" and args.imbalance_ratio is not None:
            parser.error("--imbalance-ratio applies to --full only with --dataset brca")
    if args.quick:
        for dest in ("epochs", "seeds"):
            if getattr(args, dest) is not None:
                parser.error(f"{_option(dest)} cannot be combined with --quick, which runs "
                             "1 split of 2 epochs")
    if args.data_home is not None and (args.mogonet is not None
                                       or args.dataset not in ("rosmap", "brca")):
        parser.error("--data-home applies only to --dataset rosmap or --dataset brca")
    if args.mogonet is not None and not os.path.isdir(args.mogonet):
        parser.error(f"argument --mogonet: folder not found: {args.mogonet!r}")
    if args.methods is not None:
        known = _known_methods()
        unknown = [name for name in args.methods if name not in known]
        if unknown:
            main_names = [name for name in known if name not in _candidate_names()]
            hint = difflib.get_close_matches(unknown[0], known, n=3)
            parser.error(
                f"argument --methods: unknown method {unknown[0]!r}"
                + (f" (did you mean {', '.join(map(repr, hint))}?)" if hint else "")
                + f"; known: {', '.join(map(repr, main_names))} and "
                f"{len(known) - len(main_names)} research candidates (--list-methods "
                "lists them all)")
    if args.seeds is None:
        args.seeds = 3
    if args.jobs is None:
        args.jobs = 1


def _candidate_names() -> list[str]:
    from .benchmark._like_for_like_methods import CANDIDATES

    return list(CANDIDATES)


def _known_methods() -> list[str]:
    """The names ``--methods`` takes, in the order ``--list-methods`` prints them."""
    from .benchmark._like_for_like_methods import CANDIDATES, NEURAL_METHODS
    from .benchmark._methods import LIKE_FOR_LIKE_ANCHORS

    return list(dict.fromkeys([*NEURAL_METHODS, *CANDIDATES, *LIKE_FOR_LIKE_ANCHORS]))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``climd-bench``.

    Returns
    -------
    parser : argparse.ArgumentParser
        The parser of the command's options. Its ``parse_args`` also rejects, as usage
        errors, out-of-range numbers, unknown method names and options that the chosen mode
        would ignore (``--epochs`` or ``--seeds`` with ``--quick``, the like-for-like options
        with ``--full``).
    """
    p = _Parser(
        prog="climd-bench",
        description="Quick CLIMD benchmark (default: long-tailed mfeat, rho = 100).")
    data = p.add_mutually_exclusive_group()
    data.add_argument("--dataset", default="mfeat",
                      choices=["mfeat", "rosmap", "brca", "synthetic"],
                      help="embedded mfeat (default), MOGONET's ROSMAP or BRCA (downloaded "
                           "once into --data-home by climd_sklearn.datasets.fetch_mogonet) "
                           "or synthetic")
    data.add_argument("--mogonet", metavar="PATH", type=_path, default=None,
                      help="a local MOGONET-layout folder (BRCA, ROSMAP, ...) with its fixed "
                           "split")
    p.add_argument("--data-home", metavar="PATH", type=_path, default=None,
                   help="cache folder of fetch_mogonet for rosmap / brca (default: "
                        "$CLIMD_SKLEARN_DATA, else ~/climd_sklearn_data); the source is "
                        "$CLIMD_SKLEARN_MOGONET_URL, else MOGONET's pinned GitHub commit; "
                        "only with --dataset rosmap or brca")
    p.add_argument("--imbalance-ratio", metavar="RATIO", type=_ratio, default=None,
                   help="a number >= 1: rho for mfeat/synthetic (default "
                        "100 / 10), NC:AD ratio for rosmap (default 10), long-tail ratio of "
                        "the training split for brca and --mogonet (default: none, the split "
                        "as MOGONET gives it)")
    p.add_argument("--methods", nargs="+", default=None,
                   help=f"method names (default: {' '.join(DEFAULT_METHODS)}); "
                        "--list-methods shows all; an unknown name is an error")
    p.add_argument("--list-methods", action="store_true", help="list methods and exit")
    p.add_argument("--seeds", type=_positive_int, default=None,
                   help="splits / seeds, a positive integer (default 3; not with --quick)")
    p.add_argument("--epochs", type=_positive_int, default=None,
                   help="training epochs of every neural method alike, a positive integer "
                        "(default: the default's, 30; not with --quick, which trains 2)")
    p.add_argument("--lr", type=_positive_float, default=None,
                   help="learning rate of every neural method alike, a positive number "
                        "(default: the default's, 1e-3)")
    p.add_argument("--jobs", type=_n_jobs, default=None,
                   help="parallel splits, a positive integer or -1 for one per CPU "
                        "(joblib's n_jobs; default 1)")
    p.add_argument("--out", type=_path, default="climd_bench_results", help="output folder")
    p.add_argument("--quick", action="store_true",
                   help="1 split, 2 epochs, tiny grids (smoke test); cannot be combined with "
                        "--seeds or --epochs")
    p.add_argument("--full", action="store_true",
                   help="run the full comparison protocol (paper and tuned regimes; long); "
                        "it takes its own settings, methods, splits and recipe, so --methods, "
                        "--seeds, --epochs, --lr, --jobs and --mogonet are errors with it")
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
            ratio = 10.0 if args.imbalance_ratio is None else args.imbalance_ratio
            return f"rosmap:{ratio:g}", {"rosmap_path": folder}
    if folder:
        rho = "" if args.imbalance_ratio is None else f":{args.imbalance_ratio:g}"
        return f"mogonet:{folder}{rho}", {}
    default = {"mfeat": 100.0, "synthetic": 10.0}[args.dataset]
    ratio = default if args.imbalance_ratio is None else args.imbalance_ratio
    return f"{args.dataset}:{ratio:g}", {}


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
    args = build_parser().parse_args(argv)  # usage errors come before the slow imports
    import torch

    from .benchmark import make_setting
    from .benchmark._protocols import run_protocol

    torch.set_num_threads(1)
    argv_list = list(sys.argv[1:] if argv is None else argv)
    command = " ".join(["climd-bench", *argv_list])
    if args.list_methods:
        print("\n".join(_known_methods()))
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
