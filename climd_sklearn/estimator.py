"""CLIMDClassifier: the scikit-learn estimator that trains a skorch net with the curriculum."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import check_random_state

from ._difficulty import DifficultyMixin
from ._docstring import Substitution
from ._fit_options import (
    FIT_OPTION_PARAMETERS,
    check_heads,
    resolve_heads,
    resolve_linear_path,
    resolve_modality_dropout,
)
from ._net_builder import DEFAULT_GAMMA, build_net, move_net_to, resolved_device, sync_verbosity
from ._network_io import NetworkIOMixin
from ._param_constraints import PARAMETER_CONSTRAINTS
from ._pickle import VersionedPickleMixin
from ._sample_weight import WEIGHT_KEY, weighted_rows
from ._validation import validate_fit_data, validate_predict_data
from ._variants import VARIANT_PARAMS, resolve_variant
from ._warm_start import check_params_unchanged, params_at_fit
from .curriculum import BaseScheduler

__all__ = ["CLIMDClassifier"]

# The parameters of the prediction methods (see climd_sklearn._docstring).
_PREDICT_PARAMETERS = """X : dict of array-like, SliceDict, array-like or DataFrame
            Data in the form used at fit; rows of NaN mark missing modalities.
        present : dict, array-like of shape (n_samples, n_modalities) or None, default=None
            Optional explicit missing-modality mask, as in :meth:`fit`."""


@Substitution(fit_options=FIT_OPTION_PARAMETERS)
class CLIMDClassifier(VersionedPickleMixin, DifficultyMixin, NetworkIOMixin, ClassifierMixin,
                      BaseEstimator):
    """CLIMD: curriculum learning for class-imbalanced multimodal classification.

    A fusion network (one encoder per modality) is trained with skorch; at the start of
    each of the first ``curriculum_epochs`` epochs the class-distribution-guided scheduler
    (Eq. 5-7 of Han et al., MICCAI 2025) picks how many samples of each class to train on.
    Under the default, ``order="random"``, each ensemble member fills the quotas with its
    own random draw and no sample is scored: on splits nobody had tuned on, the measurer's
    orders were significantly ahead of it in no setting (``docs/research.md``, round 43;
    rounds 31 and 40 had found one setting each, by a few tenths of a point). With a score
    order the training set is first rescored by the measurer (Eq. 1-4): ``"weighted"``
    fills each quota by a random draw weighted by each sample's hardness rank in its class,
    ``"asc"`` with the lowest scores, ``"desc"`` (``variant="paper"``) with the highest;
    under the improved variant each member is scored by its own outputs. Later epochs train
    on all samples.

    Parameters
    ----------
    module : type or None, default=None
        A ``torch.nn.Module`` subclass (or a ``functools.partial`` of one) that follows the
        module protocol of :mod:`climd_sklearn.modules`; an output that breaks it is a
        ``ValueError`` at the first batch. None takes the variant's: improved
        :class:`~climd_sklearn.modules.EnsembleFusionNet` (ten early-fusion members trained
        as one module and averaged), paper :class:`~climd_sklearn.modules.EarlyFusionNet`.
    module_kwargs : dict or None, default=None
        Extra keyword arguments for ``module``.
    variant : {{"improved", "paper"}}, default="improved"
        The preset that fills the parameters left at None (``module``, ``lr``,
        ``max_epochs``, ``dropout``, ``weight_decay``, ``order``, ``rescore_every``, ``loss``,
        ``standardize``, ``member_subsets``, ``weight_averaging``, ``heads_in_prediction``,
        ``linear_path``, ``modality_dropout``); an explicit value always wins.
        ``"paper"`` is the paper's configuration (lr 5e-5, 100 epochs, dropout 0.25, no
        weight decay, highest score first, rescored every epoch, cross-entropy, the inputs as
        given) for reproduction. ``"improved"`` (lr 1e-3, 30 epochs, dropout 0.5, weight
        decay 5 / n_samples, each member filling the class quotas with its own random draw,
        balanced-softmax loss, inputs standardized per modality) is
        the configuration that won our benchmarks on imbalanced data; ``docs/research.md``
        records each step from the paper to it.
    embedding_dim : int, default=128
        Common embedding size of every modality (passed to ``module`` if it accepts it).
    hidden_dims : tuple of int, default=(256,)
        Hidden layer widths of each modality encoder, ints > 0; ``()`` for no hidden layer.
    dropout : float or None, default=None
        Dropout probability; None takes the variant's (improved 0.5, paper 0.25).
        ``embedding_dim``, ``hidden_dims`` and ``dropout`` set for a custom ``module`` whose
        ``__init__`` does not take them are an error, not ignored.
    lr : float or None, default=None
        Learning rate; None takes the variant's (improved 1e-3, paper 5e-5).
    max_epochs : int or None, default=None
        Number of training epochs; None takes the variant's (improved 30, paper 100).
    batch_size : int, default=32
        Minibatch size.
    optimizer : type or callable, default=torch.optim.Adam
        A ``torch.optim.Optimizer`` subclass, or a function of the parameters (and skorch's
        ``lr``) that returns an optimizer.
    weight_decay : float, "auto" or None, default=None
        The optimizer's weight decay; ``"auto"`` is ``5 / n_samples`` (an L2 prior whose
        weight shrinks with the training set); None takes the variant's (improved
        ``"auto"``, paper 0). ``"auto"`` was chosen for Adam, which adds the decay to the
        gradient; an optimizer with decoupled decay (``torch.optim.AdamW``) multiplies
        every weight by ``1 - lr * weight_decay`` each step, so the same value decays far
        less there (docs/research.md, the second pilot after round 55).
    curriculum : str, BaseScheduler or None, default="climd"
        The training-subset scheduler: a name (``"climd"``, ``"linear"``, ``"root"``,
        ``"geometric"``, ``"baby_step"``, ``"one_pass"``), a scheduler instance from
        :mod:`climd_sklearn.curriculum` (e.g. ``LinearScheduler(initial_fraction=0.5)``;
        its parameters are reachable as ``curriculum__<name>`` in a grid search), or None,
        which trains on all samples every epoch (the plain baseline). The five generic
        schedulers are the paper's ablations (Table 4). The estimator sets the scheduler's
        ``n_epochs`` (T, from ``curriculum_epochs``) and, for CLIMD's scheduler, ``gamma``
        and ``alpha``; leave those unset on the instance. ``"climd"`` uses the variant's
        rule for the power-law exponent (improved ``"zipf"``, paper ``"eq6"``; see
        :class:`~climd_sklearn.curriculum.CLIMDScheduler`).
    measurer : {{"both", "intra", "inter"}}, default="both"
        Which parts of the score Eq. 4 uses (measurer ablation); another value than
        ``"both"`` needs a score order (``order="asc"``, ``"desc"`` or ``"weighted"``) and a
        curriculum.
    order : {{"desc", "asc", "random", "weighted"}} or None, default=None
        Within-class ranking: highest score first, lowest first, a seeded random ranking
        (the control), or a seeded random draw weighted by each sample's hardness rank in
        its class (the scores as sampling weights; research round 39); None takes the
        variant's (improved ``"random"``, research round 43; paper ``"desc"``).
        ``"random"`` skips the scoring pass of Eq. 1-4; ``measurer``, ``keep_scores`` and
        ``rescore_every`` then raise an error. With ``curriculum=None`` nothing is ranked,
        so setting ``order`` is an error.
    gamma : float, default=0.3
        The power-law smoothing hyperparameter of Eq. 6-7. Under the improved variant's
        Zipf rule it cancels out unless ``alpha`` is set, so another value without
        ``alpha`` is an error there, as it is with any other scheduler or none.
    alpha : float or None, default=None
        The power-law exponent alpha(T) of the last curriculum epoch; None fits it to the
        class counts by the paper's Eq. 6. CLIMD's scheduler's alone: set with another
        scheduler or none, it is an error.
    curriculum_epochs : int or None, default=None
        T, the number of curriculum epochs; None means ``max_epochs``. Set with
        ``curriculum=None``, it is an error (there is no schedule). A T larger than
        ``max_epochs`` is an error (the schedule could not finish and the last epochs would
        train on a fraction of the data), except with ``warm_start=True``, where the
        curriculum may finish over several fits (a warning is raised instead).
    rescore_every : int or None, default=None
        With a score order, rescore the training set every this many epochs (and whenever
        the training set changes size, as in a warm-start fit on other data). None takes the
        variant's: 1, every epoch, under both (the paper's; ``docs/research.md``, rounds 27
        and 42: every 5 epochs is level with it and 15-17 % cheaper to fit, a tie that round
        27 broke one way and round 42 the other).
    keep_scores : bool, default=False
        Keep each rescoring's scores of the training rows in ``net_.history`` as
        ``train_scores`` (float32, of shape (n_members, n_train) with ``member_subsets``,
        each member scored by its own outputs, else (n_train,); :ref:`difficulty`). Needs a
        score order.
    aux_weight : float, default=1.0
        Weight lambda of the per-modality heads' auxiliary loss.
    class_weight : dict, "balanced" or None, default=None
        Class weights of the loss, as in scikit-learn; a dict's weights must be finite and
        > 0, for labels in y.
    loss : {{"ce", "focal", "balanced_softmax"}} or None, default=None
        Cross-entropy, focal loss, or balanced-softmax cross-entropy (the logits are shifted
        by the log class frequencies of the samples each epoch trains on, so predictions
        target the balanced error; Ren et al. 2020, Menon et al. 2021; ``EpochClassPrior``);
        None takes the variant's (improved ``"balanced_softmax"``, paper ``"ce"``).
    focal_gamma : float, default=2.0
        Focusing parameter of the focal loss; another value with another loss is an error.
    logit_adjustment : float, default=0.0
        Post-hoc logit adjustment (Menon et al. 2021): ``predict_proba`` returns
        ``softmax(logits - tau * log prior)`` with ``tau = logit_adjustment`` and the
        training class frequencies as prior. 0 leaves the network's output unchanged.
    standardize : bool or None, default=None
        Standardize every feature to mean 0 and variance 1 on the training data, per modality
        and over the rows where that modality is present (one ``StandardScaler`` per
        modality, ``modality_scalers_``), before the network sees it; absent rows stay 0,
        the training mean. A network with one learning rate and one weight decay needs
        features on a common scale: on unscaled data the default collapses
        (``docs/research.md``, round 20). None takes the variant's (improved True, paper
        False: the paper's data as given). Data already standardized are unchanged up to
        rounding. A warm-start fit keeps the first fit's scaling.
    member_subsets : bool or None, default=None
        With an ensemble module: each member fills the curriculum's class quotas in its own
        order (and gets its own minibatches), so the members train on other samples of the
        classes the quotas cut, as in EasyEnsemble (Liu et al. 2009); False gives every
        member the same subset. With ``order="random"`` each member draws its own order;
        with a score order each member is scored by its own outputs (Eq. 1-4 per member,
        ``docs/research.md``, round 26). True with a scheduler other than ``"climd"`` (they
        rank all classes together, so the subsets would differ in class counts) or a single
        network is an error. None takes the variant's where it can act (improved True,
        paper False) and False elsewhere; ``variant_params_`` says what the fit did.
    weight_averaging : float, False or None, default=None
        Stochastic weight averaging (Izmailov et al. 2018): a float ``start`` in [0, 1) ends
        each fit on the mean of the weights after every epoch past ``start * max_epochs``
        (0.75: the last quarter; :class:`~climd_sklearn.training.WeightAveraging`); a
        ``start`` that leaves one epoch to average is an error. False keeps the last
        epoch's weights. None takes the variant's (False in both;
        ``docs/research.md``, rounds 32-33: 0.75 raised every network trained without a
        curriculum, and cost the default up to a point on ROSMAP while gaining 0.8 on
        long-tailed mfeat).
    {fit_options}
    modalities : dict or None, default=None
        For a single 2-D array or DataFrame X: ``{{name: columns}}`` where columns is a list of
        column indices, a slice, a boolean mask or a list of DataFrame column names. Every
        column must belong to a modality, and every index and slice bound must lie within
        X's columns. None with array input means one modality.
    validation_fraction : float or None, default=None
        Fraction of the training data held out (stratified) for validation scores in the
        history; None trains on everything.
    device : str, default="cpu"
        ``"cpu"``, ``"cuda"`` (or ``"cuda:N"``) or ``"auto"`` (CUDA when available). A
        string torch cannot parse, another device type (``"mps"``, ``"meta"``), or a CUDA
        device this machine lacks, is a ``ValueError`` at ``fit``. A model fitted on a GPU
        predicts on a CPU-only machine as it is; to continue training it there,
        ``set_params(device="cpu")`` before the warm-start fit.
    precision : {{"float32", "bfloat16"}}, default="float32"
        ``"bfloat16"`` runs the forward pass under ``torch.autocast`` in bfloat16 (CPU or a
        bfloat16 GPU); the module's outputs return to float32 for the loss and the scores,
        and the probabilities are computed in float64 (docs/scale_out.rst).
    random_state : int, RandomState instance or None, default=None
        Seeds torch (weights, dropout), the sampler's shuffling and the random order;
        an int makes a CPU fit reproducible.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar per epoch (sized to the curriculum's subset) and
        prints skorch's epoch table with the curriculum's columns (``subset_size``,
        ``alpha``, ``score_mean``, and ``valid_f1_macro`` with ``validation_fraction``).
    callbacks : list or None, default=None
        Extra skorch callbacks (instances or ``(name, callback)`` tuples). ``fit`` trains
        deep copies and leaves these instances untouched; the trained callbacks are in
        ``net_.callbacks_``.
    warm_start : bool, default=False
        If True, a second ``fit`` continues training the fitted net for ``max_epochs`` more
        epochs; the curriculum continues at the next epoch. Only ``max_epochs``,
        ``random_state``, ``device`` and ``verbose`` may change between the fits; any other
        parameter changed since the first fit is a ``ValueError`` that names it.

    Attributes
    ----------
    classes_ : numpy.ndarray
        The class labels.
    variant_params_ : dict
        The values this fit used for the variant's parameters (the ones listed under
        ``variant``).
    modality_scalers_ : dict of str to sklearn.preprocessing.StandardScaler
        The fitted scaler of each modality with ``standardize``; empty without it.
    class_prior_ : numpy.ndarray
        Training frequency of each class (used by ``logit_adjustment`` and
        ``loss="balanced_softmax"``).
    net_ : skorch.NeuralNetClassifier
        The trained skorch net; ``net_.history`` holds the per-epoch curriculum.
    modality_names_ : tuple of str
        Modality names in the order the module sees them.
    modality_widths_ : dict
        Number of features of each modality.
    modality_feature_names_ : dict
        Column names of each modality, or None.
    input_form_ : str
        ``"dict"`` or ``"array"``: the form of X at fit.
    n_features_in_ : int
        Total number of features over all modalities.
    feature_names_in_ : numpy.ndarray
        Column names when fitted on a single DataFrame with string columns.
    modality_columns_ : dict
        For array input: each modality's column indices.

    Examples
    --------
    >>> import numpy as np
    >>> from climd_sklearn import CLIMDClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = {{"a": rng.randn(60, 5), "b": rng.randn(60, 3)}}
    >>> y = np.r_[np.zeros(45), np.ones(15)]
    >>> clf = CLIMDClassifier(max_epochs=3, lr=1e-3, random_state=0).fit(X, y)
    >>> clf.predict_proba(X).shape
    (60, 2)
    """

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def __init__(
        self,
        module: type | None = None,
        *,
        module_kwargs: dict | None = None,
        variant: str = "improved",
        embedding_dim: int = 128,
        hidden_dims: tuple[int, ...] = (256,),
        dropout: float | None = None,
        lr: float | None = None,
        max_epochs: int | None = None,
        batch_size: int = 32,
        optimizer: type = torch.optim.Adam,
        weight_decay: float | str | None = None,
        curriculum: str | BaseScheduler | None = "climd",
        measurer: str = "both",
        order: str | None = None,
        gamma: float = DEFAULT_GAMMA,
        alpha: float | None = None,
        curriculum_epochs: int | None = None,
        rescore_every: int | None = None,
        keep_scores: bool = False,
        aux_weight: float = 1.0,
        class_weight: dict | str | None = None,
        loss: str | None = None,
        focal_gamma: float = 2.0,
        logit_adjustment: float = 0.0,
        standardize: bool | None = None,
        member_subsets: bool | None = None,
        weight_averaging: float | bool | None = None,
        heads_in_prediction: bool | str | None = None,
        linear_path: bool | str | None = None,
        modality_dropout: float | None = None,
        modalities: dict | None = None,
        validation_fraction: float | None = None,
        device: str = "cpu",
        precision: str = "float32",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        callbacks: list | None = None,
        warm_start: bool = False,
    ) -> None:
        self.module = module
        self.module_kwargs = module_kwargs
        self.variant = variant
        self.embedding_dim = embedding_dim
        self.hidden_dims = hidden_dims
        self.dropout = dropout
        self.lr = lr
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.curriculum = curriculum
        self.measurer = measurer
        self.order = order
        self.gamma = gamma
        self.alpha = alpha
        self.curriculum_epochs = curriculum_epochs
        self.rescore_every = rescore_every
        self.keep_scores = keep_scores
        self.aux_weight = aux_weight
        self.class_weight = class_weight
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.logit_adjustment = logit_adjustment
        self.standardize = standardize
        self.member_subsets = member_subsets
        self.weight_averaging = weight_averaging
        self.heads_in_prediction = heads_in_prediction
        self.linear_path = linear_path
        self.modality_dropout = modality_dropout
        self.modalities = modalities
        self.validation_fraction = validation_fraction
        self.device = device
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose
        self.callbacks = callbacks
        self.warm_start = warm_start

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any, present: Any = None,
            sample_weight: Any = None) -> CLIMDClassifier:
        """Train the fusion network with the curriculum.

        Parameters
        ----------
        X : dict of array-like, SliceDict, array-like or DataFrame
            Training data: ``{modality: (n_samples, n_features_m)}``, or one 2-D array
            (split by ``modalities`` if given). A row of NaN in a modality marks that
            modality as missing for that sample.
        y : array-like of shape (n_samples,)
            Class labels of any type scikit-learn accepts.
        present : dict, array-like of shape (n_samples, n_modalities) or None, default=None
            Optional explicit missing-modality mask, True where a modality is present
            (``{name: (n_samples,) bool}`` or a 2-D array in modality order). Rows marked
            absent are ignored whatever they hold.
        sample_weight : array-like of shape (n_samples,) or None, default=None
            Non-negative weights. Each scales its sample's terms in the training loss (the
            fused head's and the per-modality heads'; scaled to mean 1, so that the loss
            keeps its scale against the weight decay), and the balanced softmax's class
            prior (and ``class_prior_``) follows the weighted class counts. A sample of
            weight 0 is left out of the fit; equal weights are the unweighted fit. The
            curriculum's class quotas, each member's draw and the standardization count
            samples, not weights.

        Returns
        -------
        self : CLIMDClassifier
            The fitted estimator.
        """
        self._validate_params()
        if self.warm_start and hasattr(self, "net_"):
            return self._continue_fit(X, y, present, sample_weight)
        resolved_device(self.device)  # a device this machine lacks fails before any work
        X_dict, y = validate_fit_data(self, X, y)
        X_dict, y, present, weights = weighted_rows(X_dict, y, present, sample_weight)
        self.label_encoder_ = LabelEncoder().fit(y)
        self.classes_ = self.label_encoder_.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes in the data, but "
                f"the data contains only one class: {self.classes_.tolist()[0]!r}."
            )
        y_enc = self.label_encoder_.transform(y)
        self.variant_params_ = self._variant_params(len(y_enc), self.modality_widths_)
        resolve_heads(self)
        resolve_linear_path(self)
        resolve_modality_dropout(self)
        X_dict = self._with_presence(X_dict, present, fit_scalers=True)
        class_totals = np.bincount(y_enc, weights=weights, minlength=len(self.classes_))
        self.class_prior_ = class_totals / class_totals.sum()
        if weights is not None:
            X_dict[WEIGHT_KEY] = weights
        rng = check_random_state(self.random_state)
        torch_seed, sampler_seed, order_seed, split_seed = rng.randint(0, 2**31 - 1, size=4)
        self.net_ = build_net(self, y_enc, int(sampler_seed), int(order_seed), int(split_seed))
        self._train(X_dict, y_enc, int(torch_seed), initialize=True)
        check_heads(self, X_dict)
        self._params_at_fit = params_at_fit(self)
        return self

    def _continue_fit(self, X: Any, y: Any, present: Any,
                      sample_weight: Any) -> CLIMDClassifier:
        X_dict, y = validate_predict_data(self, X), np.asarray(y)
        check_params_unchanged(self, y, len(next(iter(X_dict.values()))))
        X_dict, y, present, weights = weighted_rows(X_dict, y, present, sample_weight)
        X_dict = self._with_presence(X_dict, present)
        if weights is not None:
            X_dict[WEIGHT_KEY] = weights
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(f"y contains labels not seen at the first fit: {list(unseen)}.")
        y_enc = self.label_encoder_.transform(y)
        move_net_to(self)
        sync_verbosity(self)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        self._train(X_dict, y_enc, seed + len(self.net_.history), initialize=False)
        return self

    def _train(self, X_dict: dict, y_enc: np.ndarray, seed: int, initialize: bool) -> None:
        device = str(self.net_.device)
        devices = [torch.device(device)] if device.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(seed)
            if initialize:
                self.net_.fit(X_dict, y_enc)
            else:
                epochs = self._variant_params(len(y_enc))["max_epochs"]
                self.net_.partial_fit(X_dict, y_enc, epochs=epochs)

    def _variant_params(self, n_samples: int,
                        widths: dict[str, int] | None = None) -> dict[str, Any]:
        explicit = {k: getattr(self, k) for k in VARIANT_PARAMS[self.variant]}
        return resolve_variant(self.variant, explicit, n_samples,
                               None if widths is None else list(widths.values()))

    # ------------------------------------------------------------- predict
    @Substitution(parameters=_PREDICT_PARAMETERS)
    def predict_proba(self, X: Any, present: Any = None) -> np.ndarray:
        """Class probabilities: the softmax of the fused logits, computed in float64.

        With ``heads_in_prediction`` the fused head's probabilities are mixed with the
        per-modality heads' first. With ``logit_adjustment`` the logits (or the mixture's
        log probabilities) are shifted first. Rows sum to 1 to float64 precision, and torch's
        global random state is left untouched.

        Parameters
        ----------
        {parameters}

        Returns
        -------
        proba : numpy.ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return torch.softmax(self._adjusted_logits(X, present), dim=1).numpy()

    @Substitution(parameters=_PREDICT_PARAMETERS)
    def predict_log_proba(self, X: Any, present: Any = None) -> np.ndarray:
        """Log class probabilities: the log-softmax of the logits, computed in float64.

        The logarithm of :meth:`predict_proba`, computed from the logits, so that it stays
        finite where a probability underflows to 0.

        Parameters
        ----------
        {parameters}

        Returns
        -------
        log_proba : numpy.ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return torch.log_softmax(self._adjusted_logits(X, present), dim=1).numpy()

    @Substitution(parameters=_PREDICT_PARAMETERS)
    def predict(self, X: Any, present: Any = None) -> np.ndarray:
        """Predict class labels.

        Parameters
        ----------
        {parameters}

        Returns
        -------
        y_pred : numpy.ndarray of shape (n_samples,)
            Labels from ``classes_``.
        """
        proba = self.predict_proba(X, present)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):  # noqa: D105
        tags = super().__sklearn_tags__()
        # allow_nan means "NaN anywhere is handled" to scikit-learn and to meta-estimators
        # that read it. This estimator accepts NaN only as a whole row of one modality (a
        # missing modality) and rejects scattered NaN, so the tag stays False; the narrower
        # contract is documented in the README and the user guide ("Missing modalities").
        tags.input_tags.allow_nan = False
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        return tags
