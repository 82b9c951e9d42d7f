"""The like-for-like records file: one JSON line per (setting, split, method), appended as fits end.

Several worker processes append to the same file, so each line is written under an exclusive
lock; reading keeps the last record of each (setting, split, method) and skips a line torn by an
interrupted run, so a stopped run resumes where it stopped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._data import Split
from ._runner import score
from ._subsample import expected_scores

try:
    import fcntl
except ImportError:  # not POSIX: appends of one short line are not locked
    fcntl = None  # type: ignore[assignment]

__all__ = ["RECORDS_FILE", "load_records", "rescore_expected", "swap_in_refits"]

#: The records file's name inside the results folder.
RECORDS_FILE = "like_for_like.records.jsonl"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item")
                                 else str(v)))


def _key(rec: Mapping[str, Any]) -> tuple[str, int, str]:
    """What identifies a record: its (setting, split, method)."""
    return rec["setting"], rec["split"], rec["method"]


def _line(rec: Mapping[str, Any]) -> str:
    """A record as one line of the records file."""
    return json.dumps(rec, default=float) + "\n"


def _append_line(path: str, record: Mapping[str, Any]) -> None:
    """Append one JSON line under an exclusive lock (several workers share the file)."""
    with open(path, "a") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file is closed
        fh.write(_line(record))


def load_records(path: str, protocol: str | None = None) -> list[dict[str, Any]]:
    """Read the JSON-lines records, skipping a torn last line and other protocols' lines.

    Parameters
    ----------
    path : str
        The records file (missing: no records).
    protocol : str or None, default=None
        Keep only this protocol's records (``"full"`` or ``"quick"``).

    Returns
    -------
    records : list of dict
        The last record of each (setting, split, method).
    """
    if not os.path.exists(path):
        return []
    found: dict[tuple, dict[str, Any]] = {}
    with open(path) as fh:
        for rec in map(_parse, fh):
            if rec is not None and (protocol is None or rec.get("protocol") == protocol):
                found[_key(rec)] = rec
    return list(found.values())


def _check_specs(done: Sequence[Mapping[str, Any]], specs: Mapping[str, Any]) -> None:
    for rec in done:
        if rec["method"] in specs and rec.get("spec") != _jsonable(specs[rec["method"]]):
            raise ValueError(
                f"{rec['method']!r} was recorded with {rec.get('spec')} but is now "
                f"{_jsonable(specs[rec['method']])}: rename the changed method, or move the "
                "records file away to start again")


def swap_in_refits(path: str, refit_path: str) -> int:
    """Replace stored records by refits of the same fits, after checking that they agree.

    A refit of a recorded (setting, split, method) with the same seed, spec and code gives the
    same predictions, so it may replace the stored record when it adds something (a new
    evaluation, the predictions). Every refit must match its stored record's ``protocol``,
    ``spec``, ``variant_params`` (where the stored record has them) and every score the stored
    record holds; one that does not raises, and nothing is written.

    Parameters
    ----------
    path : str
        The records file to update (a like-for-like records file).
    refit_path : str
        The records file of the refits.

    Returns
    -------
    n_replaced : int
        Records replaced. Stored records of the refitted (setting, split, method) keys are
        dropped and the refits appended; every other line is kept as it was.

    Raises
    ------
    ValueError
        If a refit has no stored record, or its protocol, spec or a score differs.
    """
    stored = {_key(r): r for r in load_records(path)}
    refits = load_records(refit_path)
    for rec in refits:
        key = _key(rec)
        if key not in stored:
            raise ValueError(f"refit {key} has no stored record in {path}")
        old = stored[key]
        # a record written before round 43 stores no preset; where both do, they must agree
        fields = ["protocol", "spec"] + (["variant_params"] if "variant_params" in old else [])
        for field in fields:
            if old.get(field) != rec.get(field):
                raise ValueError(f"refit {key} has {field} {rec.get(field)}, the stored "
                                 f"record {old.get(field)}")
        for ev in old["scores"]:
            if old["scores"][ev] != rec["scores"].get(ev):
                raise ValueError(f"refit {key} scores {rec['scores'].get(ev)} on {ev!r}, the "
                                 f"stored record {old['scores'][ev]}")
    replaced = {_key(r) for r in refits}
    with open(path) as fh:
        kept = [line for line in fh if line.strip() and not _replaced(line, replaced)]
    with open(path, "w") as fh:
        fh.writelines(line if line.endswith("\n") else line + "\n" for line in kept)
        fh.writelines(map(_line, refits))
    return len(refits)


def rescore_expected(path: str, splits: Mapping[tuple[str, int], Split]) -> int:
    """Add the expected evaluations of the splits to the records, from their predictions.

    A record that stores its predictions can be scored on an evaluation added after its fit
    (research round 30) without a refit: for each record of a (setting, split) in ``splits``,
    the evaluations of ``split.expected`` are computed from the stored predictions on their
    base evaluations (:func:`~climd_sklearn.benchmark._subsample.expected_scores`). The
    record's stored score on each base evaluation must be reproduced from those predictions
    first, so a split that is not the one the record was fitted on is refused.

    Parameters
    ----------
    path : str
        The records file, rewritten in place (every line kept in its order, a torn line
        dropped).
    splits : mapping
        ``{(setting name, split index): Split}``.

    Returns
    -------
    n_rescored : int
        Records given the expected evaluations; the others are kept as they were.

    Raises
    ------
    ValueError
        If a record of a listed split lacks the predictions on a base evaluation, they do not
        give back its stored score, or it already holds an expected evaluation with another
        value. Nothing is written then.
    """
    with open(path) as fh:
        records = [rec for rec in map(_parse, fh) if rec is not None]
    n_rescored = 0
    for rec in records:
        split = splits.get((rec["setting"], rec["split"]))
        if split is None or not split.expected:
            continue
        key = _key(rec)
        predictions = {}
        for base in {base for base, _ in split.expected.values()}:
            if base not in rec.get("predictions", {}):
                raise ValueError(f"record {key} has no predictions on {base!r}: refit it")
            predictions[base] = np.asarray(rec["predictions"][base])
            y_base = split.evals[base][1]
            if (predictions[base].shape != y_base.shape
                    or score(y_base, predictions[base]) != rec["scores"].get(base)):
                raise ValueError(f"record {key}: its predictions on {base!r} do not give back "
                                 "its stored score there, so it was not fitted on this split")
        for ev, metrics in expected_scores(split, predictions).items():
            if ev in rec["scores"] and rec["scores"][ev] != metrics:
                raise ValueError(f"record {key} holds {ev!r} = {rec['scores'][ev]}, which "
                                 f"rescoring makes {metrics}")
            rec["scores"][ev] = metrics
        n_rescored += 1
    with open(path, "w") as fh:
        fh.writelines(map(_line, records))
    return n_rescored


def _parse(line: str) -> dict[str, Any] | None:
    """One record line, or None for a torn or empty one."""
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        return None


def _replaced(line: str, keys: set[tuple]) -> bool:
    rec = _parse(line)
    if rec is None:
        return True  # a torn line: dropped
    return _key(rec) in keys
