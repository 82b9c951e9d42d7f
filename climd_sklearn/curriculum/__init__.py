"""Training-sample schedulers: CLIMD's class-distribution-guided scheduler and five ablations.

This subpackage needs numpy and scikit-learn only (no torch, no skorch). Where things live:

- ``_base``: :class:`BaseScheduler`, the interface. ``select(epoch, priority, y)`` returns the
  indices of a 1-based epoch's training samples, higher ``priority`` first; schedulers are
  scikit-learn estimators without ``fit`` (``get_params``, ``set_params``, ``clone``).
- ``_climd``: CLIMD (Han et al. 2025, section 2.2; method.md section 3): the power-law fit of
  the class counts (Eq. 5-6, :func:`fit_power_law_alpha`, :func:`alpha_at`), the class
  distribution of each epoch (Eq. 7, :func:`class_distribution`), the per-class quotas
  (:func:`class_quotas`) and :class:`CLIMDScheduler`.
- ``_pacing``: the class-blind pacing functions (:func:`linear_pacing`, :func:`root_pacing`,
  :func:`geometric_pacing`) and their schedulers (method.md section 4).
- ``_buckets``: the difficulty-bucket schedulers :class:`BabyStepScheduler` and
  :class:`OnePassScheduler`.
- ``_validation`` and ``_docstrings``: argument checks (on :func:`sklearn.utils.check_scalar`)
  and docstring text shared by several public names.

:func:`make_scheduler` and :data:`SCHEDULER_NAMES` build a scheduler from its name.
"""

from __future__ import annotations

from typing import Any

from ._base import BaseScheduler
from ._buckets import BabyStepScheduler, OnePassScheduler
from ._climd import (
    CLIMDScheduler,
    alpha_at,
    class_distribution,
    class_quotas,
    fit_power_law_alpha,
)
from ._pacing import (
    GeometricScheduler,
    LinearScheduler,
    RootScheduler,
    geometric_pacing,
    linear_pacing,
    root_pacing,
)

__all__ = [
    "SCHEDULER_NAMES",
    "BabyStepScheduler",
    "BaseScheduler",
    "CLIMDScheduler",
    "GeometricScheduler",
    "LinearScheduler",
    "OnePassScheduler",
    "RootScheduler",
    "alpha_at",
    "class_distribution",
    "class_quotas",
    "fit_power_law_alpha",
    "geometric_pacing",
    "linear_pacing",
    "make_scheduler",
    "root_pacing",
]

_SCHEDULERS: dict[str, type[BaseScheduler]] = {
    "climd": CLIMDScheduler,
    "linear": LinearScheduler,
    "root": RootScheduler,
    "geometric": GeometricScheduler,
    "baby_step": BabyStepScheduler,
    "one_pass": OnePassScheduler,
}

#: Names accepted by :func:`make_scheduler` and by ``CLIMDClassifier(curriculum=...)``.
SCHEDULER_NAMES: tuple[str, ...] = tuple(_SCHEDULERS)


def make_scheduler(name: str, n_epochs: int | None = None, **params: Any) -> BaseScheduler:
    """Build a scheduler by name.

    Parameters
    ----------
    name : str
        One of :data:`SCHEDULER_NAMES`: ``"climd"``, ``"linear"``, ``"root"``,
        ``"geometric"``, ``"baby_step"``, ``"one_pass"``.
    n_epochs : int or None, default=None
        ``T``, the number of curriculum epochs; None leaves it to be set later.
    **params : dict
        Further constructor arguments of the scheduler class.

    Returns
    -------
    scheduler : BaseScheduler
        The unvalidated scheduler (it validates itself on first use).

    Raises
    ------
    ValueError
        If ``name`` is not a known scheduler name.
    TypeError
        If ``params`` holds an argument the scheduler class does not accept.
    """
    try:
        cls = _SCHEDULERS[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(n) for n in SCHEDULER_NAMES)
        raise ValueError(f"Unknown scheduler {name!r}; valid names are {valid}") from None
    return cls(n_epochs=n_epochs, **params)
