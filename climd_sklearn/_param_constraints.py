"""The parameter constraints of :class:`~climd_sklearn.CLIMDClassifier`.

scikit-learn's ``_validate_params`` checks every constructor argument against its entry here
when ``fit`` starts; the estimator's docstring says what each value means.
"""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, Options, StrOptions

from ._variants import VARIANTS
from .curriculum import SCHEDULER_NAMES, BaseScheduler
from .training._callbacks import ORDERS

#: ``CLIMDClassifier._parameter_constraints``: the accepted values of each parameter.
PARAMETER_CONSTRAINTS: dict = {
    "module": [type, callable, None],
    "module_kwargs": [dict, None],
    "embedding_dim": [Interval(Integral, 1, None, closed="left")],
    "hidden_dims": [tuple, list],
    "variant": [StrOptions(set(VARIANTS))],
    "dropout": [Interval(Real, 0, 1, closed="left"), None],
    "lr": [Interval(Real, 0, None, closed="neither"), None],
    "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "optimizer": [type, callable],
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
