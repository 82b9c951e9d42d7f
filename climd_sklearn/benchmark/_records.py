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

try:
    import fcntl
except ImportError:  # not POSIX: appends of one short line are not locked
    fcntl = None  # type: ignore[assignment]

__all__ = ["RECORDS_FILE", "load_records", "swap_in_refits"]

#: The records file's name inside the results folder.
RECORDS_FILE = "like_for_like.records.jsonl"


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.item() if hasattr(v, "item")
                                 else str(v)))


def _append_line(path: str, record: Mapping[str, Any]) -> None:
    """Append one JSON line under an exclusive lock (several workers share the file)."""
    with open(path, "a") as fh:
        if fcntl is not None:
            fcntl.flock(fh, fcntl.LOCK_EX)  # released when the file is closed
        fh.write(json.dumps(record, default=float) + "\n")


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
        for line in fh:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if protocol is None or rec.get("protocol") == protocol:
                found[(rec["setting"], rec["split"], rec["method"])] = rec
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
    evaluation, the predictions). Every refit must match its stored record's ``protocol``, ``spec``
    and every score the stored record holds; one that does not raises, and nothing is written.

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
    stored = {(r["setting"], r["split"], r["method"]): r for r in load_records(path)}
    refits = load_records(refit_path)
    for rec in refits:
        key = (rec["setting"], rec["split"], rec["method"])
        if key not in stored:
            raise ValueError(f"refit {key} has no stored record in {path}")
        old = stored[key]
        for field in ("protocol", "spec"):
            if old.get(field) != rec.get(field):
                raise ValueError(f"refit {key} has {field} {rec.get(field)}, the stored "
                                 f"record {old.get(field)}")
        for ev in old["scores"]:
            if old["scores"][ev] != rec["scores"].get(ev):
                raise ValueError(f"refit {key} scores {rec['scores'].get(ev)} on {ev!r}, the "
                                 f"stored record {old['scores'][ev]}")
    replaced = {(r["setting"], r["split"], r["method"]) for r in refits}
    with open(path) as fh:
        kept = [line for line in fh if line.strip() and not _replaced(line, replaced)]
    with open(path, "w") as fh:
        fh.writelines(line if line.endswith("\n") else line + "\n" for line in kept)
        fh.writelines(json.dumps(rec, default=float) + "\n" for rec in refits)
    return len(refits)


def _replaced(line: str, keys: set[tuple]) -> bool:
    try:
        rec = json.loads(line)
    except json.JSONDecodeError:
        return True  # a torn line: dropped
    return (rec["setting"], rec["split"], rec["method"]) in keys
