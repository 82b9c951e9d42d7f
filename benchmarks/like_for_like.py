"""Like-for-like benchmark: the default CLIMD against the same network and recipe with other
imbalance treatments, and against tuned non-neural anchors, on paired splits.

    python benchmarks/like_for_like.py                        # the full protocol (resumable)
    python benchmarks/like_for_like.py --splits 1 --settings rosmap:5 --out /tmp/l4l  # timing
    python benchmarks/like_for_like.py --quick --out /tmp/l4l_quick                   # smoke
    python benchmarks/like_for_like.py --summarize            # rewrite json / md / figure only
    python benchmarks/like_for_like.py --swap-in /tmp/refits  # refits replace their records
    python benchmarks/like_for_like.py --rescore --out /tmp/refits --figures /tmp/refits
                                       # new evaluations from the stored predictions
    python benchmarks/like_for_like.py --out /tmp/rerun --recipe '{"wd_member_spread": true}'
        --carry-over benchmarks/results --carry BRF 'RUS + MLP'   # (one command) a rerun
                                       # that copies the records the recipe cannot reach,
                                       # fitted on this CPU model (or --carry-any-cpu)
    python benchmarks/like_for_like.py --out /tmp/pilot --candidates NAME --store-log-proba
                                       # the new records also keep each evaluation's
                                       # log-probabilities, so that a shift of the logits
                                       # or a blend of two methods is scored without a refit

Every (setting, split, method) result is appended to ``<out>/like_for_like.records.jsonl``
as soon as it is done; rerunning the same command skips what is recorded. To add a lever,
register it in ``CANDIDATES`` below (CLIMDClassifier overrides on top of the default; a
``"wd_per_n": c`` entry sets ``weight_decay = c / n_train``, a ``"sampler"`` entry puts
``"smote"``, ``"rus"`` or ``"ros"`` in front) and run with ``--candidates NAME``, or define
and run one on the command line with ``--candidate 'NAME={"aux_weight": 0.5}'``; the methods
already recorded are not refitted, so the new lever joins the existing paired splits.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from collections.abc import Sequence
from typing import Any

import torch

from climd_sklearn.benchmark import (
    DEFAULT_ROSMAP,
    LIKE_FOR_LIKE_CANDIDATES,
    LIKE_FOR_LIKE_METHODS,
    LIKE_FOR_LIKE_SETTINGS,
    load_like_for_like_records,
    run_like_for_like,
    swap_in_refits,
    write_like_for_like,
)
from climd_sklearn.benchmark._carry_over import carry_over_records, split_keys
from climd_sklearn.benchmark._like_for_like import (
    SETTING_KINDS,
    resolve_methods,
    resolve_settings,
    setting_name,
    settings_splits,
)
from climd_sklearn.benchmark._records import rescore_expected

#: Candidate levers of this script (name -> CLIMDClassifier overrides on top of the default),
#: added to the package's ``LIKE_FOR_LIKE_CANDIDATES``; run only when named. Round 15's
#: candidates (on the single-network default of that round) are in
#: ``benchmarks/results/like_for_like_round15.records.jsonl`` and its summary.
CANDIDATES: dict[str, dict[str, Any]] = {
    **LIKE_FOR_LIKE_CANDIDATES,
    "CLIMD, wd 10/n": {"wd_per_n": 10.0},
}


def complete_splits(records: list[dict[str, Any]], methods: Sequence[str]) -> list[dict[str, Any]]:
    """The records of the (setting, split) pairs that every method fitted on the setting has.

    A run stopped part-way leaves splits that only some methods have reached; paired tests
    and ranks need every method on the same splits, so those splits wait for the next run.
    A method with no record on a setting at all was never fitted there: it does not hold the
    setting's splits back, and the overall ranking lists it as not ranked.

    Parameters
    ----------
    records : list of dict
        Records of the named methods.
    methods : sequence of str
        The methods named; each kept split has every one of them that the setting holds.

    Returns
    -------
    records : list of dict
        The records of the complete splits (a note on stderr lists the others, and the
        methods named that a setting does not hold).
    """
    done: dict[tuple[str, int], set[str]] = {}
    fitted: dict[str, set[str]] = {}
    for rec in records:
        done.setdefault((rec["setting"], rec["split"]), set()).add(rec["method"])
        fitted.setdefault(rec["setting"], set()).add(rec["method"])
    for setting, names in fitted.items():
        if absent := [m for m in methods if m not in names]:
            print(f"{setting}: no records of {absent}", file=sys.stderr)
    partial = sorted(key for key, names in done.items() if not fitted[key[0]] <= names)
    if partial:
        print(f"left out {len(partial)} split(s) not finished by every method: {partial}",
              file=sys.stderr)
    return [r for r in records if (r["setting"], r["split"]) not in set(partial)]


def _recipe(text: str) -> dict[str, Any]:
    try:
        recipe = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(f"--recipe expects a JSON object, got {text!r}: "
                                         f"{exc}") from None
    if not isinstance(recipe, dict):
        raise argparse.ArgumentTypeError(f"--recipe expects a JSON object, got {text!r}")
    return recipe


def _setting(spec: str) -> str:
    try:
        setting_name(spec)  # checks the kind and the ratio without loading any data
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return spec


def _candidate(text: str) -> tuple[str, dict[str, Any]]:
    name, sep, spec = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=JSON, got {text!r}")
    return name.strip(), json.loads(spec)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line.

    Parameters
    ----------
    argv : sequence of str or None
        Arguments (None: ``sys.argv[1:]``).

    Returns
    -------
    args : argparse.Namespace
    """
    parser = argparse.ArgumentParser(prog="benchmarks/like_for_like.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--settings", nargs="+", default=None, type=_setting,
                        help=f"setting specs KIND[:ARG], KIND one of {', '.join(SETTING_KINDS)} "
                        f"(default: {' '.join(LIKE_FOR_LIKE_SETTINGS)})")
    parser.add_argument("--methods", nargs="+", default=None,
                        help="methods (default: the 10 neural methods and the 5 anchors)")
    parser.add_argument("--candidates", nargs="+", default=[],
                        help=f"candidate levers added to the methods; known: {list(CANDIDATES)}")
    parser.add_argument("--candidate", action="append", type=_candidate, default=[],
                        help="define and run a candidate: NAME=JSON of CLIMDClassifier "
                        "overrides on top of the default (repeatable)")
    parser.add_argument("--recipe", type=_recipe, default=None,
                        help="JSON object of overrides given to every neural method (a "
                        "recipe change under test, like for like; a method's own keys win); "
                        "a resumed run needs the same")
    parser.add_argument("--splits", type=int, default=None,
                        help="at most this many splits per setting (default 25 for every "
                        "kind)")
    parser.add_argument("--first-split", type=int, default=0,
                        help="run (or rescore) the splits from this index on: with --splits N, "
                        "splits K to K+N-1 (default 0; 25 gives ROSMAP 25 fresh splits)")
    parser.add_argument("--jobs", type=int, default=2, help="parallel (setting, split) jobs")
    parser.add_argument("--out", default=None,
                        help="results folder (default benchmarks/results; with --quick "
                        "/tmp/like_for_like_quick)")
    parser.add_argument("--figures", default=None,
                        help="folder of critical_difference.png (default docs/figures; with "
                        "--quick <out>/figures)")
    parser.add_argument("--rosmap", default=DEFAULT_ROSMAP, help="ROSMAP, MOGONET layout")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 2 splits of ROSMAP IR 5 (synthetic without ROSMAP), "
                        "2 epochs, tiny grids")
    parser.add_argument("--summarize", action="store_true",
                        help="fit nothing: rewrite the json, md and figure from the records "
                        "of the default methods and the named candidates")
    parser.add_argument("--swap-in", metavar="FOLDER", default=None,
                        help="fit nothing: replace the records of <out> by the refits recorded "
                        "in FOLDER (same seeds, same specs), after checking that every stored "
                        "score is reproduced, then summarize as --summarize does")
    parser.add_argument("--rescore", action="store_true",
                        help="fit nothing: add the expected evaluations of the named settings "
                        "to the records of <out> from their stored predictions (after checking "
                        "that those give back the stored scores), then summarize as "
                        "--summarize does")
    parser.add_argument("--carry-over", metavar="FROM", default=None,
                        help="before anything else, copy the records of the --carry methods on "
                        "this run's splits from the results folder (or records file) FROM, "
                        "each marked copied_from; refused unless each was fitted under the "
                        "spec this run gives it, on this machine's CPU model")
    parser.add_argument("--carry", nargs="+", default=[], metavar="METHOD",
                        help="the methods --carry-over copies (they join the run's methods)")
    parser.add_argument("--carry-any-cpu", action="store_true",
                        help="with --carry-over: also carry records fitted on another CPU "
                        "model, or on one they do not name (older records), for data sets "
                        "shown to reproduce across CPU models: those whose fits do not "
                        "change under MKL_CBWR=COMPATIBLE have, in every case checked "
                        "(research.md)")
    parser.add_argument("--store-log-proba", action="store_true",
                        help="also store each evaluation's log-probabilities in the new "
                             "records, so that a change of the decision can be scored later "
                             "without a refit (records grow with the number of classes)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if bool(args.carry_over) != bool(args.carry):
        parser.error("--carry-over FROM and --carry METHOD ... go together")
    if args.carry_any_cpu and not args.carry_over:
        parser.error("--carry-any-cpu goes with --carry-over")
    if args.store_log_proba and (args.summarize or args.swap_in or args.rescore):
        parser.error("--store-log-proba stores what new fits predict; --summarize, "
                     "--swap-in and --rescore fit nothing")
    if args.carry_over and (args.swap_in or args.rescore):
        parser.error("--carry-over does not go with --swap-in or --rescore: carry first, "
                     "in its own command")
    return args


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run (or resume) the protocol, then write the results.

    Parameters
    ----------
    argv : sequence of str or None
        Command-line arguments.

    Returns
    -------
    summary : dict
        The summary written to ``like_for_like.json``.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    torch.set_num_threads(1)
    candidates = {**CANDIDATES, **dict(args.candidate)}
    if args.quick:
        default_settings = (["rosmap:5"] if os.path.isdir(args.rosmap) else ["synthetic:10"])
        splits = args.splits or 2
        out = args.out or "/tmp/like_for_like_quick"
        figures = args.figures or os.path.join(out, "figures")
    else:
        default_settings, splits = list(LIKE_FOR_LIKE_SETTINGS), args.splits
        out = args.out or "benchmarks/results"
        figures = args.figures or "docs/figures"
    settings = args.settings or default_settings
    methods = list(dict.fromkeys([*(args.methods or LIKE_FOR_LIKE_METHODS), *args.candidates,
                                  *(name for name, _ in args.candidate), *args.carry]))
    command = "python benchmarks/like_for_like.py " + shlex.join(argv)
    start = time.perf_counter()
    records_path = os.path.join(out, "like_for_like.records.jsonl")
    if args.carry_over:
        n = carry_over_records(
            out, args.carry_over, resolve_methods(args.carry, candidates, args.recipe),
            split_keys(settings, splits, args.first_split), "quick" if args.quick else "full",
            any_cpu=args.carry_any_cpu)
        print(f"{n} records carried over from {args.carry_over}", file=sys.stderr)
    if args.swap_in:
        n = swap_in_refits(records_path, os.path.join(args.swap_in, "like_for_like.records.jsonl"))
        print(f"{n} records replaced by their refits", file=sys.stderr)
    if args.rescore:
        splits_of = {(setting.name, split.index): split for setting, split in settings_splits(
            resolve_settings(settings, splits, args.rosmap), args.first_split)}
        n = rescore_expected(records_path, splits_of)
        print(f"{n} records rescored from their predictions", file=sys.stderr)
    if args.summarize or args.swap_in or args.rescore:  # the named methods only (all stay)
        wanted = {setting_name(s) for s in settings}
        records = complete_splits([r for r in load_like_for_like_records(
            records_path, "quick" if args.quick else "full")
            if r["method"] in methods and r["setting"] in wanted], methods)
    else:
        records = run_like_for_like(
            settings, methods, out, candidates=candidates, recipe=args.recipe, n_splits=splits,
            first_split=args.first_split, n_jobs=args.jobs, quick=args.quick,
            rosmap_path=args.rosmap, progress=not args.no_progress,
            log=lambda line: print(line, file=sys.stderr, flush=True),
            store_log_proba=args.store_log_proba)
    previous = os.path.join(out, "like_for_like.json")
    commands: list[str] = []
    machine, wall_s = None, time.perf_counter() - start  # this run's, where it fitted
    if os.path.exists(previous):
        with open(previous) as fh:
            payload = json.load(fh)
        commands = payload["config"].get("commands", [])
        if args.summarize or args.swap_in or args.rescore:  # no fit: keep the fits' run's
            machine, wall_s = payload.get("machine"), payload["config"].get("wall_s")
        else:  # a run that resumes or adds to a folder: the time of all the fits into it
            wall_s += payload["config"].get("wall_s") or 0.0
    # each command once, where it last ran: a summary run again follows the fits before it
    config = {"commands": [*(c for c in commands if c != command), command], "command": command,
              "settings": settings,
              "methods": list(dict.fromkeys([*methods, *(r["method"] for r in records)])),
              "candidates": {m: candidates[m] for m in methods if m in candidates},
              "recipe": args.recipe,
              "splits_cap": splits, "first_split": args.first_split, "jobs": args.jobs,
              "quick": args.quick,
              "wall_s": wall_s}
    summary = write_like_for_like(out, records, config, figures, machine=machine)
    print(summary["paths"]["md"])
    return summary


if __name__ == "__main__":
    main()
