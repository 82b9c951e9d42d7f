"""From the estimator's parameters to the skorch net it trains.

:class:`~climd_sklearn.CLIMDClassifier` keeps the scikit-learn side (parameters, validation,
fit and predict); this module turns a fit's resolved settings into the pieces skorch sees:
the module's and the criterion's arguments, the curriculum scheduler (built from a name or
copied from the user's instance, with T, gamma and alpha owned by the estimator) and the
:class:`~climd_sklearn.training.CLIMDNet` with its callbacks.
"""

from __future__ import annotations

import copy
import inspect
import math
import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import torch
from sklearn.base import clone
from sklearn.utils.class_weight import compute_class_weight
from skorch.callbacks import EpochScoring
from skorch.dataset import ValidSplit

from ._module_signature import argument_default, takes_argument
from ._variants import VARIANT_EXPONENT_RULE
from .curriculum import BaseScheduler, CLIMDScheduler, make_scheduler
from .losses import BalancedSoftmaxLoss, FocalLoss
from .training import (
    CLIMDNet,
    CurriculumProgressBar,
    CurriculumSampler,
    CurriculumScheduling,
    EpochClassPrior,
    MultimodalDataset,
    WeightAveraging,
    collate_batch,
)

__all__ = ["DEFAULT_GAMMA", "build_net", "make_curriculum", "move_net_to", "resolved_device",
           "sync_verbosity"]

_MODULE_SHARED_PARAMS = ("embedding_dim", "hidden_dims", "dropout")
#: The torch device types ``device`` may name (``"auto"`` aside).
_DEVICE_TYPES = ("cpu", "cuda")
#: Rows per batch when predicting and validating (up to this many rows are predicted in one
#: batch, so the predictions of a smaller set do not depend on the order of its rows).
EVAL_BATCH_SIZE = 4096

#: CLIMD's gamma by default (the paper's 0.3).
DEFAULT_GAMMA = 0.3


def resolved_device(device: str) -> str:
    """``"auto"`` as ``"cuda"`` when CUDA is available, else ``"cpu"``; others unchanged.

    A string torch cannot parse, a device of another type than CPU or CUDA (``"mps"``,
    ``"meta"``: torch parses them, but a fit there fails or computes nothing), or a CUDA
    device this machine lacks, is a ``ValueError`` that names the value, before any training
    starts.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        parsed = torch.device(device)
    except RuntimeError:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda', 'cuda:N' or 'auto'."
        ) from None
    if parsed.type not in _DEVICE_TYPES:
        raise ValueError(
            f"device={device!r} is a torch device of type {parsed.type!r}, but "
            "CLIMDClassifier trains on the CPU or CUDA only; use 'cpu', 'cuda', 'cuda:N' or "
            "'auto'."
        )
    if parsed.type == "cuda":
        available = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if (parsed.index or 0) >= available:
            raise ValueError(
                f"device={device!r}, but this machine has {available} CUDA device(s) that "
                "torch can use; use device='cpu', or 'auto' to take a GPU only where there "
                "is one."
            )
    return device


def _estimator_default(est: Any, name: str) -> Any:
    """The default of the estimator's constructor parameter ``name``."""
    return inspect.signature(type(est).__init__).parameters[name].default


def _check_module_params(est: Any) -> None:
    """``hidden_dims`` holds layer widths; ``embedding_dim``, ``hidden_dims`` and ``dropout``
    set where the module takes no such argument are an error, not dropped.

    ``dropout=None`` (the variant's) and the constructor's defaults are "not set"; a module
    whose ``__init__`` takes ``**kwargs`` takes all three.
    """
    for i, width in enumerate(est.hidden_dims):
        if isinstance(width, bool) or not isinstance(width, Integral):
            raise TypeError(
                f"hidden_dims={est.hidden_dims!r}: entry {i} is {width!r} of type "
                f"{type(width).__name__}; hidden_dims holds the hidden layers' widths, ints "
                "> 0 (an empty tuple for no hidden layer).")
        if width < 1:
            raise ValueError(
                f"hidden_dims={est.hidden_dims!r}: entry {i} is {width!r}; hidden_dims holds "
                "the hidden layers' widths, ints > 0 (an empty tuple for no hidden layer).")
    module = est.variant_params_["module"]
    name = getattr(module, "__name__", None) or getattr(getattr(module, "func", None),
                                                        "__name__", repr(module))
    for param in _MODULE_SHARED_PARAMS:
        value, default = getattr(est, param), _estimator_default(est, param)
        unset = (tuple(value) == tuple(default) if param == "hidden_dims"
                 else value is None or value == default)
        if not unset and not takes_argument(module, param):
            raise ValueError(
                f"{param}={value!r} has no effect with the module {name!r}, whose __init__ "
                f"takes no {param} argument. Leave {param} at its default ({default!r}), or "
                "use a module whose __init__ takes it.")


def module_params(est: Any, n_classes: int) -> dict[str, Any]:
    """The module's arguments as skorch's ``module__*`` parameters.

    ``embedding_dim``, ``hidden_dims`` and ``dropout`` (the variant's when left at None) go
    to a module whose ``__init__`` takes them (set for one that does not, they are an error:
    ``_check_module_params``), ``linear_path=True`` and ``modality_dropout``
    where the fit resolved them on; ``module_kwargs`` last, so they win.
    """
    params: dict[str, Any] = {"modality_dims": dict(est.modality_widths_)}
    params["n_classes"] = n_classes
    module = est.variant_params_["module"]
    for name in _MODULE_SHARED_PARAMS:
        if takes_argument(module, name):
            value = est.variant_params_.get(name, getattr(est, name))
            params[name] = tuple(value) if name == "hidden_dims" else value
    if est.variant_params_.get("linear_path"):  # resolved: only where the module takes it
        params["linear_path"] = True
    if est.variant_params_.get("modality_dropout"):  # resolved, as linear_path
        params["modality_dropout"] = est.variant_params_["modality_dropout"]
    params.update(est.module_kwargs or {})
    return {f"module__{k}": v for k, v in params.items()}

def criterion_params(est: Any, y_enc: np.ndarray) -> dict[str, Any]:
    """The loss (the variant's ``loss``) and its class weights as skorch parameters.

    A ``class_weight`` dict with a label not in y, or a weight that is not a finite number
    > 0, is an error, as is a ``focal_gamma`` other than its default without the focal loss.
    """
    weight = None
    if isinstance(est.class_weight, Mapping):
        known = set(est.classes_.tolist())
        unknown = [k for k in est.class_weight if k not in known]
        if unknown:
            raise ValueError(f"class_weight has labels that are not in y: {unknown}.")
        for label, value in est.class_weight.items():
            if isinstance(value, bool) or not isinstance(value, Real):
                raise TypeError(
                    f"class_weight gives class {label!r} the weight {value!r} of type "
                    f"{type(value).__name__}; class weights are numbers > 0.")
            if not (math.isfinite(value) and value > 0):
                reason = ("a batch of only classes of weight 0 has the loss 0 / 0"
                          if value == 0 else "a negative weight trains the network away "
                          "from its class" if value < 0 else "it would make the loss NaN")
                raise ValueError(
                    f"class_weight gives class {label!r} the weight {value!r}; class weights "
                    f"must be finite and > 0 ({reason}).")
    if est.class_weight is not None:
        weight = compute_class_weight(
            est.class_weight, classes=est.classes_, y=est.classes_[y_enc]
        )
        weight = torch.as_tensor(np.asarray(weight), dtype=torch.float32)
    loss = est.variant_params_["loss"]
    default_gamma = _estimator_default(est, "focal_gamma")
    if loss != "focal" and est.focal_gamma != default_gamma:
        source = " (the variant's)" if est.loss is None else ""
        raise ValueError(
            f"focal_gamma={est.focal_gamma!r} has no effect with loss={loss!r}{source}: only "
            f"the focal loss has a focusing parameter. Leave focal_gamma at its default "
            f"({default_gamma!r}), or use loss='focal'.")
    if loss == "focal":
        return {"criterion": FocalLoss, "criterion__gamma": est.focal_gamma,
                "criterion__weight": weight}
    if loss == "balanced_softmax":
        prior = torch.as_tensor(est.class_prior_, dtype=torch.float32)
        return {"criterion": BalancedSoftmaxLoss, "criterion__prior": prior,
                "criterion__weight": weight}
    return {"criterion": torch.nn.CrossEntropyLoss, "criterion__weight": weight}

def make_curriculum(est: Any, n_train: int) -> BaseScheduler | None:
    """The scheduler of this fit: built from a name or a copy of the user's instance.

    The estimator owns T (``curriculum_epochs``) and CLIMD's ``gamma`` and ``alpha``;
    a pacing or bucket scheduler without ``min_size`` gets one batch. A parameter of the
    curriculum set where it cannot act is a ``ValueError`` (:func:`_check_unused_schedule`).
    """
    _check_unused_schedule(est)
    if est.curriculum is None:
        return None
    max_epochs = est.variant_params_["max_epochs"]
    n_epochs = est.curriculum_epochs or max_epochs
    if n_epochs > max_epochs:
        message = (
            f"curriculum_epochs={n_epochs} is larger than max_epochs={max_epochs}: the "
            "curriculum cannot finish inside one fit, and its last epochs would train "
            f"on about {max_epochs * 100 // n_epochs}% of the data."
        )
        if not est.warm_start:
            raise ValueError(
                message + " Set curriculum_epochs <= max_epochs, or warm_start=True to "
                "finish the curriculum over several fits."
            )
        warnings.warn(
            message + " With warm_start=True, later fits continue it.",
            UserWarning,
            stacklevel=4,
        )
    if isinstance(est.curriculum, str):
        extra = {}
        if est.curriculum == "climd":
            extra["exponent_rule"] = VARIANT_EXPONENT_RULE[est.variant]
        scheduler = make_scheduler(est.curriculum, **extra)
    else:
        scheduler = clone(est.curriculum)
        if scheduler.n_epochs is not None:
            raise ValueError(
                f"curriculum={est.curriculum!r} sets n_epochs; T belongs to the "
                "estimator: leave n_epochs unset and use curriculum_epochs."
            )
    params: dict[str, Any] = {"n_epochs": n_epochs}
    if isinstance(scheduler, CLIMDScheduler):
        if (scheduler.exponent_rule == "zipf" and est.alpha is None
                and est.gamma != DEFAULT_GAMMA):
            raise ValueError(
                f"gamma={est.gamma!r} has no effect here: under the Zipf exponent rule "
                "(the improved variant's) with alpha fitted by Eq. 6, gamma cancels out "
                "of the schedule. Set alpha as well, or use variant='paper' (the "
                "paper's Eq. 6-7, where gamma shapes the middle epochs)."
            )
        defaults = CLIMDScheduler().get_params()
        for name in ("gamma", "alpha"):
            value = scheduler.get_params()[name]
            if value != defaults[name] and value != getattr(est, name):
                raise ValueError(
                    f"curriculum={est.curriculum!r} sets {name}={value!r}, but {name} "
                    f"is CLIMD's and belongs to the estimator ({name}="
                    f"{getattr(est, name)!r}): set it there."
                )
            params[name] = getattr(est, name)
    elif "min_size" in scheduler.get_params() and scheduler.min_size is None:
        params["min_size"] = min(est.batch_size, n_train)
    return scheduler.set_params(**params)


def _check_unused_schedule(est: Any) -> None:
    """``order``, ``curriculum_epochs``, ``gamma`` and ``alpha`` set where no schedule uses
    them: an error, not a silent no-op.

    ``curriculum=None`` trains on every sample in every epoch, so nothing is ranked or paced;
    the generic schedulers (linear, root, geometric, baby step, one pass) have no class
    quotas, so CLIMD's ``gamma`` and ``alpha`` (Eq. 6-7) do not reach them.
    """
    climd = est.curriculum == "climd" or isinstance(est.curriculum, CLIMDScheduler)
    if est.curriculum is None:
        reason, unused = ("curriculum=None, which trains on every sample in every epoch",
                          ("order", "curriculum_epochs", "gamma", "alpha"))
    elif not climd:
        reason, unused = (f"curriculum={est.curriculum!r}, which has no class quotas "
                          "(Eq. 6-7 are CLIMD's)", ("gamma", "alpha"))
    else:
        return
    unset = {"order": None, "curriculum_epochs": None, "gamma": DEFAULT_GAMMA, "alpha": None}
    for name in unused:
        value = getattr(est, name)
        if value != unset[name]:
            raise ValueError(
                f"{name}={value!r} has no effect with {reason}. Leave {name} at its "
                f"default ({unset[name]!r}), or use curriculum='climd'."
            )


def _check_scoring_params(est: Any) -> None:
    """``measurer``, ``keep_scores`` and ``rescore_every`` act on the scoring pass: an error
    without one."""
    order = est.variant_params_["order"]
    if est.curriculum is not None and order != "random":
        return
    reason = "curriculum=None" if est.curriculum is None else f"order={order!r}"
    remedy = "Set order='weighted', 'asc' or 'desc'"
    if est.curriculum is None:
        remedy = "Use a curriculum (such as 'climd') with order='weighted', 'asc' or 'desc'"
    for name, value, default in (("measurer", est.measurer, "both"),
                                 ("keep_scores", est.keep_scores, False),
                                 ("rescore_every", est.rescore_every, None)):
        if value != default:
            raise ValueError(
                f"{name}={value!r} has no effect with {reason}: the training set is never "
                f"scored. {remedy} to fill the class quotas in score order (Eq. 1-4), or "
                "compute the scores of a fitted model with clf.difficulty(X, y)."
            )


def n_subsets(est: Any) -> int:
    """Subsets chosen per curriculum epoch: one per ensemble member with ``member_subsets``.

    The variant's ``member_subsets`` (``est.member_subsets`` left at None) acts where it can:
    CLIMD's class quotas (Eq. 5-7) on an ensemble of two or more members, filled in random
    order or in score order (each member scored by its own outputs, so the module's
    ``forward`` must take ``members``); elsewhere it is False. An explicit True where it
    cannot act is an error.

    Raises
    ------
    ValueError
        If ``member_subsets=True`` is set where it cannot act: without CLIMD's scheduler,
        with a module that is not an ensemble of two or more members, or with a score order
        and a module that cannot return its members' outputs.
    """
    if not est.variant_params_["member_subsets"]:
        return 1
    order = est.variant_params_["order"]
    module = est.variant_params_["module"]
    n_members = (est.module_kwargs or {}).get("n_members",
                                              argument_default(module, "n_members"))
    quotas = est.curriculum == "climd" or isinstance(est.curriculum, CLIMDScheduler)
    name = getattr(module, "__name__", module)
    if not quotas:
        reason = ("curriculum=None trains every member on every sample"
                  if est.curriculum is None else
                  f"curriculum={est.curriculum!r} ranks all classes together, so each "
                  "member's subset would hold other class counts (and the balanced "
                  "softmax's prior could follow only one of them)")
        problem = (f"member_subsets=True gives each ensemble member its own subset of the "
                   f"class quotas of curriculum='climd', but {reason}. Use "
                   "curriculum='climd', or member_subsets=False.")
    elif not isinstance(n_members, int) or n_members < 2:
        problem = (f"member_subsets=True needs an ensemble module with n_members >= 2 (such "
                   f"as EnsembleFusionNet); {name!r} has n_members={n_members!r}.")
    elif order == "random":
        return n_members
    elif "members" not in inspect.signature(getattr(module, "forward", module)).parameters:
        problem = (f"member_subsets=True with order={order!r} scores each member by its own "
                   f"outputs, which needs a module whose forward takes members=True (such as "
                   f"EnsembleFusionNet); {name!r} does not.")
    else:
        return n_members
    if est.member_subsets is None:  # the variant's value, where it cannot act
        return 1
    raise ValueError(problem)


def build_net(
    est: Any, y_enc: np.ndarray, sampler_seed: int, order_seed: int, split_seed: int
) -> CLIMDNet:
    """The skorch net of one fit, with the curriculum callback first and copies of the user's.

    The seeds (drawn from ``random_state``) seed the sampler's shuffling, the random order
    and the validation split.
    """
    _check_module_params(est)
    _check_scoring_params(est)
    subsets = n_subsets(est)
    est.variant_params_["member_subsets"] = subsets > 1  # what this fit does
    callbacks: list = [
        (
            "curriculum",
            CurriculumScheduling(
                scheduler=make_curriculum(est, len(y_enc)),
                measurer=est.measurer,
                order=est.variant_params_["order"],
                rescore_every=est.variant_params_["rescore_every"],
                seed=order_seed,
                n_subsets=subsets,
                keep_scores=est.keep_scores,
            ),
        )
    ]
    if est.variant_params_["loss"] == "balanced_softmax":
        # the balanced softmax's prior is that of the classes each epoch trains on, which the
        # curriculum's quotas change (docs/research.md, round 17)
        callbacks.append(("epoch_prior", EpochClassPrior()))
    train_split = None
    if est.validation_fraction is not None:
        counts = np.bincount(y_enc)
        if counts.min() < 2:
            rare = est.classes_[np.argmin(counts)]
            raise ValueError(
                "validation_fraction needs at least 2 samples of every class for a "
                f"stratified validation split; class {rare.item()!r} has {counts.min()}."
            )
        train_split = ValidSplit(
            est.validation_fraction, stratified=True, random_state=split_seed
        )
        callbacks.append(
            ("valid_f1_macro", EpochScoring("f1_macro", lower_is_better=False,
                                            name="valid_f1_macro"))
        )
    if est.verbose:
        callbacks.append(("progress_bar", CurriculumProgressBar()))
    start = est.variant_params_["weight_averaging"]
    if start is not False:  # a start fraction (0 included: every epoch)
        epochs = est.variant_params_["max_epochs"]
        averaged = epochs - math.floor(float(start) * epochs)
        if averaged < 2:
            raise ValueError(
                f"weight_averaging={start!r} with max_epochs={epochs} averages the weights of "
                f"{averaged} epoch (epoch {epochs}), which are the last weights: no averaging. "
                "Lower weight_averaging or raise max_epochs."
            )
        callbacks.append(("weight_averaging", WeightAveraging(start=float(start))))
    # skorch calls set_params and initialize on the callbacks it trains: train copies,
    # so fit leaves the user's instances (a constructor parameter) as they were
    callbacks += copy.deepcopy(list(est.callbacks or []))
    settings = est.variant_params_
    return CLIMDNet(
        module=settings["module"],
        optimizer__weight_decay=settings["weight_decay"],
        **module_params(est, len(est.classes_)),
        **criterion_params(est, y_enc),
        optimizer=est.optimizer,
        lr=settings["lr"],
        max_epochs=settings["max_epochs"],
        batch_size=est.batch_size,
        train_split=train_split,
        dataset=MultimodalDataset,
        iterator_train__sampler=CurriculumSampler(seed=sampler_seed),
        iterator_train__shuffle=False,
        iterator_train__collate_fn=collate_batch,
        iterator_valid__collate_fn=collate_batch,
        # evaluation in large batches: fewer passes, and a row's prediction does not depend on
        # which rows share its batch (float32 kernels round differently by batch size)
        iterator_valid__batch_size=max(est.batch_size, EVAL_BATCH_SIZE),
        callbacks=callbacks,
        callbacks__print_log__keys_ignored=["class_counts", "n_subsets", "train_scores",
                                            "weighted_class_counts"],
        aux_weight=est.aux_weight,
        classes=list(range(len(est.classes_))),
        device=resolved_device(est.device),
        precision=est.precision,
        verbose=est.verbose,
    )


def sync_verbosity(est: Any) -> None:
    """Make the fitted net follow the estimator's current ``verbose`` (a warm-start fit).

    ``set_params(verbose=...)`` between warm-start fits changes the estimator, not the net
    that the first fit built: the net's epoch table and the progress bar are set here. The
    bar is added (initialized) or removed in place, because re-initializing the callbacks
    would reset the curriculum's state.
    """
    net, verbose = est.net_, est.verbose
    net.verbose = verbose
    names = [name for name, _ in net.callbacks_]
    if verbose and "progress_bar" not in names:
        net.callbacks_.append(("progress_bar", CurriculumProgressBar().initialize()))
    elif not verbose and "progress_bar" in names:
        net.callbacks_ = [(name, cb) for name, cb in net.callbacks_ if name != "progress_bar"]


def move_net_to(est: Any) -> None:
    """Continue training on the estimator's ``device``: move the fitted net, its loss and
    the optimizer's state there (a warm-start fit).

    A model fitted on a GPU and loaded without CUDA predicts as it is, but continuing its
    training there needs ``device="cpu"``; otherwise a ``ValueError`` says so.
    """
    if str(est.device).startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(
            f"This {type(est).__name__} has device={est.device!r}, but CUDA is not "
            "available here (a model fitted on a GPU and loaded on a CPU-only machine "
            "predicts as it is). To continue training on the CPU, call "
            "set_params(device='cpu') before the warm-start fit."
        )
    net, device = est.net_, resolved_device(est.device)
    if str(net.device) == device:
        return
    net.device = device
    for name in ("module_", "criterion_"):
        getattr(net, name).to(device)
    for state in net.optimizer_.state.values():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                state[key] = value.to(device)
