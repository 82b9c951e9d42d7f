"""Docstring text shared by several public names of :mod:`climd_sklearn.curriculum`.

The texts fill the ``{name}`` fields of docstrings decorated with
:class:`climd_sklearn._docstring.Substitution` (which says how a shared text is written): each
starts at the column of a section header or parameter name and indents its continuation lines
as a docstring body does, so it can replace a field standing alone on its line.
"""

from __future__ import annotations

from .._docstring import join_blocks

#: ``n_epochs`` of every scheduler.
N_EPOCHS = """n_epochs : int or None, default=None
        ``T``, the number of curriculum epochs (>= 1); epochs after ``T`` use all samples.
        None means "not set yet": ``CLIMDClassifier`` fills it in from its
        ``curriculum_epochs`` (or ``max_epochs``); a scheduler used on its own with
        ``n_epochs=None`` raises a ValueError asking to set it."""

#: ``min_size`` of the class-blind schedulers.
MIN_SIZE = """min_size : int or None, default=None
        Smallest subset size (e.g. one batch), >= 1. None behaves as 1 when the scheduler is
        used on its own; ``CLIMDClassifier`` fills in its batch size."""

#: The Parameters section of the Linear, Root and Geometric schedulers.
PACING_SCHEDULER_PARAMETERS = join_blocks(
    """Parameters
    ----------""",
    "    " + N_EPOCHS,
    """    initial_fraction : float, default=0.33
        ``c0``, the fraction at ``t = 0``, in (0, 1] (Penha & Hauff's default).
    grow_epochs : int or None, default=None
        ``T_grow``, the epoch at which the fraction reaches 1 (>= 1); None means
        ``n_epochs``.""",
    "    " + MIN_SIZE,
)

#: The description of the Linear, Root and Geometric schedulers (field ``pacing``).
PACING_SCHEDULER_SUMMARY = """At epoch ``t`` it takes the ``ceil(lambda(t) * n)``
    highest-priority samples (at least ``min_size``, at most ``n``), ``lambda`` from
    :func:`{pacing}` with ``t`` the 1-based epoch and ``T_grow = grow_epochs``. The
    ceiling ignores floating error below 1e-9, so ``0.55 * 100`` gives 55 samples, not 56."""

#: The Parameters, Returns and Raises sections of the three pacing functions.
PACING_FUNCTION_SECTIONS = """Parameters
    ----------
    t : float
        Epoch, >= 0.
    T_grow : float
        Epoch at which the fraction reaches 1, > 0.
    initial_fraction : float, default=0.33
        ``c0``, the fraction at ``t = 0``, in (0, 1].

    Returns
    -------
    fraction : float
        The fraction of the training set to use, in ``[c0, 1]``; 1 from ``t = T_grow`` on.

    Raises
    ------
    TypeError
        If an argument is not a real number.
    ValueError
        If ``t < 0``, ``T_grow <= 0`` or ``initial_fraction`` is outside (0, 1]."""

#: The Parameters section of the Baby Step and One-Pass schedulers.
BUCKET_SCHEDULER_PARAMETERS = join_blocks(
    """Parameters
    ----------""",
    "    " + N_EPOCHS,
    """    n_buckets : int, default=5
        ``K``, the number of difficulty buckets (>= 1).""",
    "    " + MIN_SIZE,
)

#: The stage rule of the Baby Step and One-Pass schedulers.
BUCKET_STAGES = """Epoch ``t`` (of ``T``) reaches stage ``hi_t = ceil(t * K / T)`` and
    covers the stages it reaches for the first time, ``lo_t..hi_t`` with
    ``lo_t = min(hi_t, ceil((t - 1) * K / T) + 1)``. When ``T >= K`` that is one stage per
    epoch, stages of equal length (within one epoch); when ``T < K`` several stages share an
    epoch. Either way every bucket is trained on in some epoch, in order, and the curriculum
    lasts ``T`` epochs."""

