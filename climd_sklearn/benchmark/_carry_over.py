"""Carrying records over from another like-for-like run, for methods a new run would repeat.

A decision round reruns every neural method under a changed recipe (research round 46), and
a round that changes the network reruns the methods the change reaches (rounds 36-37). The
methods the change cannot reach, the non-neural anchors above all, would fit exactly what an
earlier run already fitted: the same splits, seeds and specification. Their records are copied
instead of refitted, each marked ``copied_from``, and only where the specification the new run
would give the method is the one the record was fitted under, on a CPU of the same model:
the fits of the TCGA cohorts differ between CPU models by up to a few points of macro F1 on
one split (research.md, the inner-CV test of the heads' loss and the diagnostic after it),
so a record from another CPU is not the fit this run would make.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from ._like_for_like_settings import setting_name, splits_of
from ._preset_records import _check_variant_params
from ._records import RECORDS_FILE, _append_line, _jsonable, _key, load_records
from ._runner import cpu_model

__all__ = ["carry_over_records", "split_keys"]


def split_keys(settings: Sequence[str], n_splits: int | None = None,
               first_split: int = 0) -> list[tuple[str, int]]:
    """The (setting name, split) pairs a run covers, without loading any data.

    Parameters
    ----------
    settings : sequence of str
        Setting specs, e.g. ``"rosmap:5"``.
    n_splits : int or None, default=None
        At most this many splits per setting; None: the setting kind's default number.
    first_split : int, default=0
        Index of the first split.

    Returns
    -------
    keys : list of (str, int)
        In the order of the settings, then of the splits.
    """
    return [(setting_name(spec), i) for spec in settings
            for i in range(first_split, first_split + splits_of(spec, n_splits))]


def _without_provenance(rec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in rec.items() if k != "copied_from"}


def carry_over_records(
    out_dir: str, source: str, specs: Mapping[str, Mapping[str, Any]],
    keys: Sequence[tuple[str, int]], protocol: str = "full", cpu: str | None = None,
    any_cpu: bool = False,
) -> int:
    """Copy the records of some methods on some splits from another run into ``out_dir``.

    Every carried record must hold what a fit of this run would produce: its ``spec`` must be
    the one ``specs`` gives its method (so a recipe under test, which reaches every neural
    method's spec, refuses to carry a neural record fitted without it), and a stored preset
    (``variant_params``) must be the one that spec resolves to today. Each copy is marked
    ``copied_from`` with ``source``, after any provenance the record already had. Every
    carried record must also have been fitted on this run's CPU model (its ``cpu``), unless
    ``any_cpu``; records from before the CPU was stored count as another CPU. A record
    already in ``out_dir`` is left alone if it is the same fit (a resumed command), and refused
    if it is another.

    Parameters
    ----------
    out_dir : str
        The results folder of the run (created).
    source : str
        The other run's results folder, or its records file.
    specs : mapping
        Method name -> the spec this run gives it (:func:`resolve_methods`): the methods to
        carry.
    keys : sequence of (str, int)
        The (setting name, split) pairs to carry (:func:`split_keys`).
    protocol : str, default="full"
        Only records of this protocol are read and written.
    cpu : str or None, default=None
        The CPU model this run fits on; None: this machine's (:func:`cpu_model`).
    any_cpu : bool, default=False
        Carry records fitted on any CPU, or on one they do not name. Between an Intel Xeon
        and an AMD EPYC, ROSMAP, its wide variant, mfeat, the synthetic set, WDBC and Knight
        ADRC reproduced on all but 3 of the 195 fits checked, the TCGA cohorts on 16 of
        40 (research.md), so say why where you pass it. A test on one machine: the data
        sets whose fits do not change when refitted under ``MKL_CBWR=COMPATIBLE`` are,
        in every case checked, those that reproduce across processors.

    Returns
    -------
    n_carried : int
        Records appended to ``out_dir``'s records file (those already there not counted).

    Raises
    ------
    ValueError
        If ``source`` lacks a record of a named method on a named split, a record's spec or
        preset is not this run's, it was fitted on another CPU model (without ``any_cpu``),
        or ``out_dir`` holds another record of the same key. Nothing is written then.
    """
    source_path = os.path.join(source, RECORDS_FILE) if os.path.isdir(source) else source
    if not os.path.isfile(source_path):
        raise ValueError(f"carry-over source {source!r} holds no records file "
                         f"({RECORDS_FILE})")
    path = os.path.join(out_dir, RECORDS_FILE)
    if os.path.abspath(source_path) == os.path.abspath(path):
        raise ValueError(f"carry-over source {source!r} is the run's own records file")
    cpu = cpu_model() if cpu is None else cpu
    found = {_key(r): r for r in load_records(source_path, protocol)}
    stored = {_key(r): r for r in load_records(path, protocol)}
    carried = []
    for method, spec in specs.items():
        missing = [key for key in keys if (*key, method) not in found]
        if missing:
            raise ValueError(f"carry-over source {source!r} has no {protocol!r} record of "
                             f"{method!r} on {len(missing)} of the {len(keys)} splits, the "
                             f"first {missing[0]}")
        for key in keys:
            rec = found[(*key, method)]
            if rec.get("spec") != _jsonable(spec):
                raise ValueError(
                    f"{method!r} was fitted in {source!r} under the spec {rec.get('spec')}, "
                    f"and this run gives it {_jsonable(spec)}: refit it instead (a --recipe "
                    "reaches every neural method)")
            if not any_cpu and rec.get("cpu") != cpu:
                fitted_on = (f"on {rec['cpu']!r}" if "cpu" in rec
                             else "before records stored their CPU")
                raise ValueError(
                    f"{method!r} on {key} was fitted in {source!r} {fitted_on}, and this run "
                    f"fits on {cpu!r}: refit it here, or pass any_cpu=True (--carry-any-cpu) "
                    "where the setting's fits do not depend on the CPU model")
            old = stored.get((*key, method))
            if old is None:
                carried.append(rec)
            elif _without_provenance(old) != _without_provenance(rec):
                raise ValueError(f"{path} already holds another record of {(*key, method)}: "
                                 "carry over into a fresh folder, or move that record away")
    _check_variant_params(carried, specs)
    os.makedirs(out_dir, exist_ok=True)
    for rec in carried:
        note = source + (f"; before that: {rec['copied_from']}" if "copied_from" in rec else "")
        _append_line(path, {**rec, "copied_from": note})
    return len(carried)
