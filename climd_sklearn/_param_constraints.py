"""The parameter constraints of :class:`~climd_sklearn.CLIMDClassifier`.

scikit-learn's ``_validate_params`` checks every constructor argument against its entry here
when ``fit`` starts; the estimator's docstring says what each value means.
"""

from __future__ import annotations

import functools
import inspect
from numbers import Integral, Real
from typing import Any

import torch
from sklearn.utils._param_validation import HasMethods, Interval, Options, StrOptions, _Constraint

from ._variants import VARIANTS
from .curriculum import SCHEDULER_NAMES, BaseScheduler
from .training._callbacks import ORDERS


class _TorchClass(HasMethods):
    """A subclass of ``base`` or a :func:`functools.partial` of one; with ``factories``, also
    a function (or a partial of one) that builds an instance.

    A constraint of its own, not a type: ``type`` would take any class (``module=int``
    failed deep in the fit) and ``callable`` any class or function. It derives from
    ``HasMethods`` only because scikit-learn's ``make_constraint`` accepts no other custom
    constraint. What a factory returns is checked when the net builds it
    (``CLIMDNet.initialize_optimizer``).
    """

    def __init__(self, base: type, description: str, factories: bool = False) -> None:
        _Constraint.__init__(self)  # HasMethods' own __init__ takes method names
        self.methods: list[str] = []
        self.base, self.description, self.factories = base, description, factories

    def is_satisfied_by(self, val: Any) -> bool:
        target = val.func if isinstance(val, functools.partial) else val
        if inspect.isclass(target):
            return issubclass(target, self.base)
        return self.factories and callable(target)

    def __str__(self) -> str:
        return self.description


#: ``CLIMDClassifier._parameter_constraints``: the accepted values of each parameter.
PARAMETER_CONSTRAINTS: dict = {
    "module": [_TorchClass(torch.nn.Module, "a subclass of torch.nn.Module (the class, or "
                           "a functools.partial of it)"), None],
    "module_kwargs": [dict, None],
    "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    "hidden_dims": [tuple, list],
    "variant": [StrOptions(set(VARIANTS))],
    "dropout": [Interval(Real, 0, 1, closed="left"), None],
    "lr": [Interval(Real, 0, None, closed="neither"), None],
    "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "optimizer": [_TorchClass(torch.optim.Optimizer, "a subclass of torch.optim.Optimizer, "
                              "or a function that returns an optimizer", factories=True)],
    "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"}), None],
    "curriculum": [StrOptions(set(SCHEDULER_NAMES)), BaseScheduler, None],
    "measurer": [StrOptions({"both", "intra", "inter"})],
    "order": [StrOptions(set(ORDERS)), None],
    "gamma": [Interval(Real, 0, None, closed="neither")],
    "alpha": [Interval(Real, 0, None, closed="neither"), None],
    "curriculum_epochs": [Interval(Integral, 1, None, closed="left"), None],
    "rescore_every": [Interval(Integral, 1, None, closed="left"), None],
    "keep_scores": ["boolean"],
    "aux_weight": [Interval(Real, 0, None, closed="left")],
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "loss": [StrOptions({"ce", "focal", "balanced_softmax"}), None],
    "focal_gamma": [Interval(Real, 0, None, closed="left")],
    "logit_adjustment": [Interval(Real, 0, None, closed="left")],
    "standardize": ["boolean", None],
    "member_subsets": ["boolean", None],
    # False, not True: True would not say from which epoch to average
    "weight_averaging": [Options(bool, {False}), Interval(Real, 0, 1, closed="left"), None],
    "heads_in_prediction": ["boolean", StrOptions({"auto"}), None],
    "linear_path": ["boolean", StrOptions({"auto"}), None],
    "modality_dropout": [Interval(Real, 0, 1, closed="left"), None],
    "modalities": [dict, None],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither"), None],
    "device": [str],
    "precision": [StrOptions({"float32", "bfloat16"})],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "callbacks": [list, None],
    "warm_start": ["boolean"],
}
