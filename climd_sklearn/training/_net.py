"""The skorch net that trains a module of the module protocol with the auxiliary-head loss."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
from skorch import NeuralNetClassifier
from skorch.utils import to_tensor

from .._sample_weight import WEIGHT_KEY
from .._validation import PRESENT_KEY
from ._batches import DeviceBatches
from ._dataset import dataset_tensors

__all__ = ["PRECISIONS", "CLIMDNet"]

#: Accepted values of ``precision``, each with its autocast dtype (None: no autocast).
PRECISIONS = {"float32": None, "bfloat16": torch.bfloat16}


def _softmax(logits: torch.Tensor) -> torch.Tensor:
    return torch.softmax(logits, dim=-1)


def _as_float32(out: Any) -> Any:
    """The module's output with every floating tensor in float32 (nested tuples and lists)."""
    if isinstance(out, torch.Tensor):
        return out.float() if out.is_floating_point() else out
    if isinstance(out, (tuple, list)):
        return type(out)(_as_float32(part) for part in out)
    return out


def _describe(out: Any, depth: int = 0) -> str:
    """What a module returned, by type and shape: ``tuple of 3 (Tensor(16, 2), ...)``."""
    if isinstance(out, torch.Tensor):
        return f"Tensor{tuple(out.shape)}"
    if isinstance(out, (tuple, list)):
        if depth > 1:
            return f"{type(out).__name__} of {len(out)}"
        parts = [_describe(part, depth + 1) for part in out[:4]]
        parts += ["..."] if len(out) > 4 else []
        return f"{type(out).__name__} of {len(out)} ({', '.join(parts)})"
    return type(out).__name__


#: The module protocol of :mod:`climd_sklearn.modules`, as an error message states it.
_PROTOCOL = (
    "The module protocol (climd_sklearn.modules) needs forward to return the plain tuple "
    "(logits, modality_logits, embeddings): the fused logits of shape (batch, n_classes), "
    "with a leading member axis (n_members, batch, n_classes) allowed in training mode or "
    "with members=True; a tuple with each modality's logits of that same shape (or an "
    "empty tuple); and a tuple with each modality's embedding."
)


class CLIMDNet(NeuralNetClassifier):
    """skorch classifier for modules that follow the module protocol (see ``modules``).

    The module receives the modality dict as one argument (and the presence mask as
    ``present=`` when some modality is missing) and returns ``(logits, modality_logits,
    embeddings)``. The loss is ``criterion(fused) + aux_weight * mean_m criterion(head_m)``,
    each head over the samples that have its modality. ``predict_proba`` is the softmax of
    the fused logits. :class:`~climd_sklearn.CLIMDClassifier` builds and owns this net; it
    is public so that a reader finds everything skorch sees in :mod:`climd_sklearn.training`.

    Parameters
    ----------
    *args : tuple
        Positional arguments of :class:`skorch.NeuralNetClassifier` (the module first).
    aux_weight : float, default=1.0
        Weight lambda of the per-modality heads' auxiliary loss.
    precision : {"float32", "bfloat16"}, default="float32"
        ``"bfloat16"`` runs the module's forward pass under :func:`torch.autocast` with
        bfloat16 on the net's device (CPU or CUDA; no gradient scaler is needed, bfloat16
        has float32's range) and returns its outputs in float32, so the loss, the scoring
        pass and the predictions are computed in float32 as without it.
    **kwargs : dict
        Keyword arguments of :class:`skorch.NeuralNetClassifier`.
    """

    def __init__(self, *args: Any, aux_weight: float = 1.0, precision: str = "float32",
                 **kwargs: Any) -> None:
        kwargs.setdefault("predict_nonlinearity", _softmax)
        super().__init__(*args, **kwargs)
        self.aux_weight = aux_weight
        self.precision = precision

    def initialize_optimizer(self, *args: Any, **kwargs: Any) -> CLIMDNet:
        """skorch's, then a check that ``optimizer`` built a torch optimizer.

        A function given as ``optimizer`` is checked here, where it is called; a class is
        checked with the estimator's parameters.

        Parameters
        ----------
        *args, **kwargs
            skorch's arguments (its deprecated ``triggered_directly``).

        Returns
        -------
        self : CLIMDNet
            This net, with ``optimizer_`` set.

        Raises
        ------
        TypeError
            If ``optimizer(...)`` returned something other than a
            :class:`torch.optim.Optimizer`.
        """
        super().initialize_optimizer(*args, **kwargs)
        if not isinstance(self.optimizer_, torch.optim.Optimizer):
            raise TypeError(
                f"optimizer={self.optimizer!r} returned {type(self.optimizer_).__name__}, "
                "not a torch.optim.Optimizer; give a subclass of torch.optim.Optimizer, or "
                "a function that returns an instance of one.")
        return self

    def get_iterator(self, dataset: Any, training: bool = False) -> Any:
        """The batches of a pass: :class:`DeviceBatches` for the package's datasets.

        The rows go to ``self.device`` once per fit and each batch is indexed there, in the
        order of ``iterator_train__sampler`` when training (no per-batch loader work, no
        per-batch host-to-device copy). Other datasets, or a shuffling loader without a
        sampler, get skorch's DataLoader.

        Parameters
        ----------
        dataset : torch.utils.data.Dataset
            The data of the pass.
        training : bool, default=False
            Whether the pass trains (``iterator_train__*`` settings) or evaluates
            (``iterator_valid__*``).

        Returns
        -------
        iterator : iterable
            Yields ``(X_batch, y_batch)``.
        """
        kwargs = self.get_params_for("iterator_train" if training else "iterator_valid")
        if kwargs.get("shuffle") or dataset_tensors(dataset, self.device) is None:
            return super().get_iterator(dataset, training=training)
        return DeviceBatches(dataset, kwargs.get("batch_size", self.batch_size), self.device,
                             sampler=kwargs.get("sampler"))

    def on_batch_end(self, net: Any, batch: Any = None, training: bool = False,
                     **kwargs: Any) -> None:
        """Record a member-wise batch's size as its rows per member, not its members.

        skorch records ``len`` of the batch's inputs, which for member-wise batches
        (``(n_members, rows, ...)`` tensors, member subsets) is the number of members; the
        epoch's ``train_loss`` is the batch losses' mean weighted by these sizes, so it is
        corrected here (skorch calls this hook right after recording the size).

        Parameters
        ----------
        net : CLIMDNet
            This net (skorch's hook signature).
        batch : tuple or None, default=None
            ``(X, y)``; member-wise when ``y`` is 2-D.
        training : bool, default=False
            Whether the batch was a training batch.
        **kwargs : dict
            The step's outputs, unused.
        """
        super().on_batch_end(net, batch=batch, training=training, **kwargs)
        y = batch[1] if isinstance(batch, (tuple, list)) and len(batch) > 1 else None
        if getattr(y, "ndim", 1) == 2:
            prefix = "train" if training else "valid"
            self.history.record_batch(f"{prefix}_batch_size", int(y.shape[1]))

    def on_epoch_end(self, net: Any, dataset_train: Any = None, dataset_valid: Any = None,
                     **kwargs: Any) -> None:
        """Stop with a clear error once a training batch's loss is not finite.

        A diverged network (too large a learning rate, usually) would otherwise train on to
        NaN weights, and then predict NaN probabilities or feed NaN scores to the curriculum.

        Parameters
        ----------
        net : CLIMDNet
            This net (skorch's hook signature).
        dataset_train, dataset_valid : torch.utils.data.Dataset or None
            The epoch's datasets, unused.
        **kwargs : dict
            Other skorch arguments, unused.

        Raises
        ------
        ValueError
            If a training loss of this epoch is NaN or infinite; it names the epoch, the
            loss and the learning rate.
        """
        super().on_epoch_end(net, dataset_train=dataset_train, dataset_valid=dataset_valid,
                             **kwargs)
        for batch in self.history[-1]["batches"]:
            loss = batch.get("train_loss")
            if loss is not None and not math.isfinite(loss):
                raise ValueError(
                    f"Training diverged at epoch {len(self.history)}: a batch's training "
                    f"loss is {loss}. Lower the learning rate (lr={self.lr:g}), or look for "
                    "extreme values in X."
                )

    def infer(self, x: Any, **fit_params: Any) -> Any:
        """Run the module on a batch, passing the presence mask as ``present=``.

        With ``precision="bfloat16"`` the forward pass runs under :func:`torch.autocast`
        and the outputs come back in float32.

        Parameters
        ----------
        x : dict
            The batch's modality dict, possibly with the presence mask under a reserved key.
        **fit_params : dict
            Extra fit parameters, merged into ``x`` as skorch does.

        Returns
        -------
        y_infer : tuple
            The module's output ``(logits, modality_logits, embeddings)``.

        Raises
        ------
        ValueError
            If the output does not follow the module protocol: not a 3-tuple, or logits
            (fused or a modality's) not of shape ``(batch, n_classes)`` (with a leading member
            axis in training mode).
        """
        x = self._merge_x_and_fit_params(x, fit_params) if fit_params else x
        return self._run_module(x)

    def member_step(self, batch: Any) -> Any:
        """Every ensemble member's outputs on a batch: eval mode, no gradients.

        The module is called with ``members=True`` (see :class:`EnsembleFusionNet`), so an
        ensemble returns its members' outputs, ``(n_members, batch, ...)``, as in training
        but without dropout: what scoring each member by its own outputs needs.

        Parameters
        ----------
        batch : tuple
            ``(X, y)`` as the batch iterators give it.

        Returns
        -------
        y_infer : tuple
            The module's output ``(logits, modality_logits, embeddings)``, member axis first.
        """
        self._set_training(False)
        with torch.no_grad():
            return self._run_module(batch[0], members=True)

    def _run_module(self, x: Any, **module_kwargs: Any) -> Any:
        """The module on ``x``, with the presence mask as ``present=`` and the precision."""
        x = to_tensor(x, device=self.device)  # as skorch's own infer does
        kwargs = dict(module_kwargs)
        if PRESENT_KEY in x or WEIGHT_KEY in x:
            x = dict(x)
            x.pop(WEIGHT_KEY, None)  # the loss's, not the module's
            if PRESENT_KEY in x:
                kwargs["present"] = x.pop(PRESENT_KEY)
        if self.precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {sorted(PRECISIONS)}, "
                             f"got {self.precision!r}.")
        dtype = PRECISIONS[self.precision]
        if dtype is None:
            out = self.module_(x, **kwargs)
        else:
            with torch.autocast(device_type=torch.device(self.device).type, dtype=dtype):
                out = _as_float32(self.module_(x, **kwargs))
        self._check_output(out, x, members=bool(module_kwargs.get("members")))
        return out

    def _n_classes(self) -> int | None:
        """The number of classes the module must score, where the net knows it."""
        try:
            return len(self.classes_)
        except (AttributeError, TypeError):
            return self.get_params_for("module").get("n_classes")

    def _check_output(self, out: Any, x: Any, members: bool) -> None:
        """The module's output follows the module protocol: cheap type and shape checks.

        Without them a module that returns one logit for two classes trained on silently
        (broadcast in the loss), and a wrong tuple failed deep in the loss.

        Raises
        ------
        ValueError
            Naming the module, what it returned and the protocol.
        """
        problem = None
        if not isinstance(out, (tuple, list)) or len(out) != 3:
            problem = "not the tuple (logits, modality_logits, embeddings)"
        elif hasattr(out, "_fields"):
            problem = ("a NamedTuple, which skorch cannot move between devices: return a "
                       "plain tuple")
        else:
            problem = self._logits_problem(out, x, members)
        if problem is not None:
            raise ValueError(f"The module {type(self.module_).__name__} returned "
                             f"{_describe(out)}: {problem}. {_PROTOCOL}")

    def _logits_problem(self, out: Any, x: Any, members: bool) -> str | None:
        """What is wrong with the fused and per-modality logits' shapes; None if nothing."""
        logits, heads, embeddings = out
        if not isinstance(logits, torch.Tensor):
            return "its logits are not a tensor"
        if not isinstance(heads, (tuple, list)) or not isinstance(embeddings, (tuple, list)):
            return "modality_logits and embeddings must each be a tuple"
        inputs = ([v for v in x.values() if isinstance(v, torch.Tensor) and v.ndim >= 2]
                  if isinstance(x, Mapping) else [])
        n_rows = inputs[0].shape[-2] if inputs else None
        n_classes = self._n_classes()
        member_axis = self.module_.training or members
        expected = f"(batch, n_classes) = ({n_rows}, {n_classes})"
        if logits.ndim not in ((2, 3) if member_axis else (2,)):
            return (f"its logits have shape {tuple(logits.shape)}, where {expected} was "
                    "expected" + ("" if member_axis else " in evaluation mode"))
        if (n_classes is not None and logits.shape[-1] != n_classes) or (
                n_rows is not None and logits.shape[-2] != n_rows):
            return (f"its logits have shape {tuple(logits.shape)} for a batch of {n_rows} "
                    f"rows and {n_classes} classes, where {expected} was expected")
        member_wise = bool(inputs) and inputs[0].ndim == 3
        if member_wise and logits.ndim == 3 and logits.shape[0] != inputs[0].shape[0]:
            return (f"its logits have shape {tuple(logits.shape)} for member-wise batches "
                    f"of {inputs[0].shape[0]} members")
        if inputs and heads and len(heads) != len(inputs):
            return (f"it returned {len(heads)} modality logits for {len(inputs)} modalities "
                    "(one per modality, or none)")
        for m, head in enumerate(heads):
            if not isinstance(head, torch.Tensor) or head.shape != logits.shape:
                shape = tuple(head.shape) if isinstance(head, torch.Tensor) else type(head)
                return (f"modality {m}'s logits have shape {shape}, not that of the fused "
                        f"logits, {tuple(logits.shape)}")
        return None

    def get_loss(
        self, y_pred: Any, y_true: Any, X: Any = None, training: bool = False
    ) -> torch.Tensor:
        """Fused loss plus ``aux_weight`` times the mean loss of the per-modality heads.

        Parameters
        ----------
        y_pred : tuple
            The module's output ``(logits, modality_logits, embeddings)``.
        y_true : torch.Tensor
            Encoded labels.
        X : dict or None, default=None
            The batch, read for the presence mask and the sample weights (each sample's
            terms weighted, the mean taken over the weights).
        training : bool, default=False
            Whether the net is training (unused, skorch's signature).

        Returns
        -------
        loss : torch.Tensor
            A scalar.
        """
        logits, modality_logits, _ = y_pred
        y_true = to_tensor(y_true, device=self.device)
        weights = X.get(WEIGHT_KEY) if isinstance(X, Mapping) else None
        if weights is not None:
            weights = to_tensor(weights, device=self.device)
        loss = self._members_loss(logits, y_true, weights=weights)
        if not self.aux_weight or not len(modality_logits):
            return loss
        present = X.get(PRESENT_KEY) if isinstance(X, Mapping) else None
        aux = []
        for m, lg in enumerate(modality_logits):
            if present is None:
                aux.append(self._members_loss(lg, y_true, weights=weights))
            elif present[..., m].any():  # each head learns from the samples that have it
                aux.append(self._members_loss(lg, y_true, present[..., m].to(lg.device),
                                              weights))
        return loss + self.aux_weight * torch.stack(aux).mean() if aux else loss

    def _members_loss(self, logits: torch.Tensor, y_true: torch.Tensor,
                      keep: torch.Tensor | None = None,
                      weights: torch.Tensor | None = None) -> torch.Tensor:
        """The criterion; with 3-D logits, the sum of an ensemble's members' own losses.

        A sum, not a mean: each member's gradient is then that of the same net trained
        alone, so the weight decay (added to the gradient by Adam) keeps its strength; a
        mean would scale every member's data term by 1 / n_members against the decay.
        With member-wise batches (labels of shape ``(n_members, batch)``) each member's
        loss is over its own rows. ``keep`` (the shape of the labels) restricts the loss to
        the rows where it is True; a member without such rows adds nothing. ``weights``
        (the shape of the labels) weight each row's term (:meth:`_criterion`).
        """
        if y_true.ndim == 2:  # member-wise batches: member k's rows are row k
            losses = []
            for k in range(len(y_true)):
                rows = slice(None) if keep is None else keep[k]
                if keep is None or keep[k].any():
                    losses.append(self._criterion(logits[k][rows], y_true[k][rows],
                                                  None if weights is None else weights[k][rows]))
            return torch.stack(losses).sum()
        if keep is not None:
            logits, y_true = logits[..., keep, :], y_true[keep]
            weights = None if weights is None else weights[keep]
        if logits.ndim == 3:  # (n_members, batch, n_classes): every member its own loss
            n_members = logits.shape[0]
            flat = logits.reshape(-1, logits.shape[-1])
            return n_members * self._criterion(
                flat, y_true.repeat(n_members),
                None if weights is None else weights.repeat(n_members))
        return self._criterion(logits, y_true, weights)

    def _criterion(self, logits: torch.Tensor, y_true: torch.Tensor,
                   weights: torch.Tensor | None = None) -> torch.Tensor:
        """The criterion's mean loss; with ``weights``, each sample's term weighted.

        The weighted mean is the criterion's own with every sample's class weight times its
        sample weight: ``sum(s * w_y * loss) / sum(s * w_y)``, which equal sample weights
        leave unchanged (scikit-learn's weighted losses divide the same way).
        """
        if weights is None:
            return self.criterion_(logits, y_true)
        criterion = self.criterion_
        reduction, criterion.reduction = criterion.reduction, "none"
        try:
            per_sample = criterion(logits, y_true)  # each times its class weight, if any
        finally:
            criterion.reduction = reduction
        weights = weights.to(per_sample.dtype)
        class_weight = getattr(criterion, "weight", None)
        total = weights if class_weight is None else weights * class_weight.to(
            per_sample.dtype)[y_true]
        return (weights * per_sample).sum() / total.sum()

    def fused_logits(self, X: Any) -> torch.Tensor:
        """The fused logits of every row of ``X``, on the CPU, in float64.

        Evaluation mode and no gradients (skorch's ``forward_iter``); the batch iterator's
        per-pass random draw (see :class:`DeviceBatches`) happens inside
        :func:`torch.random.fork_rng`, so torch's global random state is left as it was.

        Parameters
        ----------
        X : dict
            The validated modality dict (with the presence mask if any).

        Returns
        -------
        logits : torch.Tensor of shape (n_samples, n_classes)
            float64 logits.
        """
        return self._evaluation_outputs(X, with_heads=False)[0]

    def heads_mixture_log_proba(self, X: Any, heads_weight: float) -> torch.Tensor:
        """Log probabilities of the fused head mixed with the per-modality heads.

        ``(1 - heads_weight) * p_fused + heads_weight * mean_m p_m``, the mean over the
        modality heads present in each row (all of them without a presence mask); a row with
        no head present keeps ``p_fused``. With ``heads_weight = aux_weight / (1 +
        aux_weight)`` the heads count as much as they do in the training loss
        (:meth:`get_loss`). Evaluation mode, no gradients, torch's global random state left
        as it was (as :meth:`fused_logits`).

        Parameters
        ----------
        X : dict
            The validated modality dict (with the presence mask if any).
        heads_weight : float
            The heads' share of the mixture, in [0, 1].

        Returns
        -------
        log_proba : torch.Tensor of shape (n_samples, n_classes)
            float64 log probabilities.

        Raises
        ------
        ValueError
            If the module returns no per-modality heads.
        """
        fused, heads = self._evaluation_outputs(X, with_heads=True)
        if not heads:
            raise ValueError(
                f"Mixing the per-modality heads into the prediction needs a module that "
                f"returns them; {type(self.module_).__name__} returned none.")
        log_fused = torch.log_softmax(fused, dim=1)
        head_proba = torch.softmax(torch.stack(heads), dim=2)  # (modalities, rows, classes)
        present = X.get(PRESENT_KEY) if isinstance(X, Mapping) else None
        present = (torch.ones(head_proba.shape[:2], dtype=torch.float64) if present is None
                   else torch.as_tensor(present, dtype=torch.float64).T)
        n_present = present.sum(0)
        # where, not a product: an absent row's head may be anything, NaN included
        kept = torch.where(present.unsqueeze(-1) > 0, head_proba, torch.zeros_like(head_proba))
        mean_heads = kept.sum(0) / n_present.clamp(min=1)[:, None]
        weight = torch.where(n_present > 0, heads_weight, 0.0)[:, None].to(torch.float64)
        mixture = (1 - weight) * log_fused.exp() + weight * mean_heads
        return torch.log(mixture)

    def _evaluation_outputs(
        self, X: Any, with_heads: bool
    ) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """The fused logits and (``with_heads``) each modality head's, float64 on the CPU."""
        devices = [torch.device(self.device)] if str(self.device).startswith("cuda") else []
        fused, heads = [], []
        with torch.random.fork_rng(devices=devices):
            for out in self.forward_iter(X, training=False, device=self.device):
                fused.append(out[0].detach().to("cpu", torch.float64))
                heads.append([h.detach().to("cpu", torch.float64) for h in out[1]]
                             if with_heads else [])
        return torch.cat(fused), [torch.cat(parts) for parts in zip(*heads)]
