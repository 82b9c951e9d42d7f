"""The research log's candidate levers for the like-for-like protocol.

Each candidate is a set of overrides of the default ``CLIMDClassifier()``, in the form of
:data:`~climd_sklearn.benchmark._like_for_like_methods.NEURAL_METHODS` (the extra keys are
described there); it runs only when named. A name keeps its meaning when the default
changes: the candidates pin the values their records ran under.
"""

from __future__ import annotations

import math
from typing import Any

from ..modules import EarlyFusionNet
from ._hidden_fusion import HiddenFusionEnsemble
from ._input_dropout import InputDropoutEnsemble
from ._logit_pool import LogitMeanEnsemble

__all__ = ["CANDIDATES"]

#: The default's score order of rounds 27-38 and of rounds 39-41 (see :data:`CANDIDATES`).
_ASC_EVERY_5 = {"order": "asc", "rescore_every": 5}
_WEIGHTED_EVERY_5 = {"order": "weighted", "rescore_every": 5}

#: Candidate levers, in the form of ``_like_for_like_methods.NEURAL_METHODS``; run only when named
#: (``--methods`` / ``--candidates``). The script adds its own and ``--candidate NAME=JSON``.
#: The records of the candidates before round 28 ran on the 5-member ensemble of that time;
#: they are in ``benchmarks/results/like_for_like_round28.records.jsonl``. The candidates of
#: rounds 28-41 ran under the default's score order of their time, rescored every 5 epochs:
#: the lowest scores first until round 39, the weighted draw after. Their specs name both
#: (:data:`_ASC_EVERY_5`, :data:`_WEIGHTED_EVERY_5`), so that they still mean what their records
#: ran when the default changes (the records' specs got the same keys in rounds 41 and 42).
CANDIDATES: dict[str, dict[str, Any]] = {
    # round 15's small-n recipe, "CLIMD, wd 20/n + refit" (weight decay 20 / n and a refitted
    # logit bias), left with refit_bias; its records stay in like_for_like_round15
    # the network of rounds 1-15 (one early-fusion net) in score order, on today's recipe
    "CLIMD, single network, score order": {"module": EarlyFusionNet, "order": "asc",
                                           "rescore_every": 1},
    # round 18: the quotas filled in the order of a trained no-curriculum model's scores
    "CLIMD, self-taught order": {"self_taught": True},
    # round 19: a full-data phase after the curriculum (run before rounds 21 and 26, so with
    # one random draw of the quotas for all members), and the no-curriculum net at its budget
    "CLIMD, half-length curriculum": {"curriculum_epochs": 15, "order": "random",
                                      "member_subsets": False},
    "CLIMD, budget-matched curriculum": {"max_epochs": 45, "curriculum_epochs": 30,
                                         "order": "random", "member_subsets": False},
    "Heads, no curriculum, 16 epochs": {"curriculum": None, "max_epochs": 16},
    # round 21's control: the default before it, every member trained on the same draw
    "CLIMD, one draw for all members": {"order": "random", "member_subsets": False},
    # round 26's control: one score order, from the averaged ensemble, for all members,
    # rescored every epoch (as before round 27)
    "CLIMD, one score order for all members": {"order": "asc", "member_subsets": False,
                                               "rescore_every": 1},
    # round 27's control: the default of round 26, every member rescored every epoch
    "CLIMD, rescored every epoch": {"order": "asc", "rescore_every": 1},
    # round 28's control, the default of rounds 16-27, and its weight-averaged candidate
    "CLIMD, 5 members": {**_ASC_EVERY_5, "module_kwargs": {"n_members": 5}},
    "CLIMD, 5 members, weight averaging": {**_ASC_EVERY_5, "weight_averaging": 0.75,
                                           "module_kwargs": {"n_members": 5}},
    # round 32's candidate: the ten-member default with weight averaging
    "CLIMD, weight averaging": {**_ASC_EVERY_5, "weight_averaging": 0.75},
    # round 33's control: the default of rounds 28-32, without weight averaging
    "CLIMD, no weight averaging": {**_ASC_EVERY_5, "weight_averaging": False},
    # round 34: the curriculum over epochs 1-22, then epochs 23-30 on every sample, averaged
    # (its random-order twin was registered for a stage 2 that the screen stopped)
    "CLIMD, curriculum then weight averaging": {**_ASC_EVERY_5, "curriculum_epochs": 22,
                                                "weight_averaging": 0.75},
    # round 35: round 23's linear path, on only where a modality has more features than the
    # training fold has samples
    "CLIMD, linear path where p > n": {**_ASC_EVERY_5, "linear_path_if_wide": True},
    # round 36's control: the default without the switch, for runs that switch every method
    "CLIMD, no linear path": {**_ASC_EVERY_5, "linear_path_if_wide": False},
    # round 37's control: the ten-member default, for runs that give every neural method five
    "CLIMD, 10 members": {**_ASC_EVERY_5, "module_kwargs": {"n_members": 10}},
    # round 38: plain SGD with momentum instead of Adam (Wilson et al. 2017), a screen
    "CLIMD, SGD": {**_ASC_EVERY_5, "sgd_momentum": 0.9, "lr": 0.01},
    # round 39: the scores as sampling weights, each quota a draw weighted by hardness rank
    # (the default of rounds 39-41; the name of its records in rounds 39 and 40)
    "CLIMD, score-weighted draw": dict(_WEIGHTED_EVERY_5),
    # round 39's control: the default of rounds 26-38, the hardest samples of each class first
    "CLIMD, lowest score first": dict(_ASC_EVERY_5),
    # round 41: weight averaging on the score-weighted draw (the order named, so the records
    # keep their meaning if the default's order changes), and its control for a run where
    # every neural method averages its weights
    "CLIMD, weighted draw, weight averaging": {**_WEIGHTED_EVERY_5, "weight_averaging": 0.75},
    "CLIMD, weighted draw, no weight averaging": {**_WEIGHTED_EVERY_5,
                                                  "weight_averaging": False},
    # round 42: the score-weighted draw with every member rescored every epoch (round 27's
    # question, asked again under the new order)
    "CLIMD, weighted draw, rescored every epoch": {"order": "weighted", "rescore_every": 1},
    # round 42's control, the default of rounds 39-41 (the weighted draw, rescored every 5
    # epochs), renamed in the tables it was carried into
    "CLIMD, rescored every 5 epochs": dict(_WEIGHTED_EVERY_5),
    # the measurer's control of rounds 16-42: the same quotas, a random draw per member (the
    # default of rounds 16-25 and, by round 43's rule, again since; its records before round
    # 43 hold this name)
    "CLIMD, random order": {"order": "random"},
    # round 44: the weight decay of every weight matrix scaled by its fan-in over 256, so
    # that every layer's prior over its pre-activations has the same variance (a screen)
    "CLIMD, decay by fan-in": {"wd_fan_in": True},
    # round 45: each ensemble member its own weight decay, evenly spaced in log from half the
    # default's to twice it (a hyperparameter ensemble; a screen)
    "CLIMD, decay spread over members": {"wd_member_spread": True},
    # round 46's control: today's default, which keeps one decay for every member when the
    # rerun's recipe (--recipe '{"wd_member_spread": true}') gives every other neural method
    # the spread; it ranked ahead of the default with the spread, so the spread was rejected
    "CLIMD, no decay spread": {"wd_member_spread": False},
    # round 48: the balanced softmax's prior smoothed by one pseudo-count per class (Laplace),
    # which shrinks the prior of a class seen once by log 2 and of one seen 14 times by 0.07
    "CLIMD, smoothed prior": {"prior_smoothing": 1.0},
    # round 49: the per-modality heads mixed into the prediction as the loss weights them,
    # and its control (today's default, refitted on another machine than the main table's),
    # the prediction by the fused head alone, pinned for when the default changes
    "CLIMD, heads in prediction": {"heads_in_prediction": True},
    "CLIMD, fused head only": {"heads_in_prediction": False},
    # round 50: the linear path and the heads in the prediction, both on only where the
    # widest modality has more features than the training fold has samples, and its control
    # (the default of rounds 43-49), pinned for when the default changes
    "CLIMD, linear path and heads where p > n": {"linear_path": "auto",
                                                 "heads_in_prediction": "auto"},
    "CLIMD, no width switch": {"linear_path": False, "heads_in_prediction": False},
    # round 51: each modality dropped from each member's fused input with probability 0.4 in
    # training (ModDrop), and its control (the default of rounds 43-50), pinned for when the
    # default changes
    "CLIMD, modality dropout": {"modality_dropout": 0.4},
    "CLIMD, no modality dropout": {"modality_dropout": 0.0},
    # after round 53: today's default with its decision threshold chosen by an inner CV for
    # macro F1 on the training fold (scikit-learn's TunedThresholdClassifierCV; binary only)
    "CLIMD, tuned threshold": {"tuned_threshold": "f1_macro"},
    # a pilot after round 54: each feature mapped through its training-fold quantiles to a
    # standard normal instead of standardized (Gorishniy et al. 2021)
    "CLIMD, quantile inputs": {"input_transform": "quantile"},
    # the second: each feature's skew taken out by a Yeo-Johnson power, then standardized
    "CLIMD, power inputs": {"input_transform": "power"},
    # the third: the members pooled by their mean logits (a geometric mean of their
    # probabilities) instead of their mean probabilities; training unchanged
    "CLIMD, logits averaged": {"module": LogitMeanEnsemble},
    # the fourth: the quantile map of the first only for the features with |skewness| > 1
    "CLIMD, quantile inputs where skewed": {"input_transform": "skewed_quantile"},
    # round 55: round 50's linear path and heads, switched on only where the widest modality
    # has at least twice as many features as the training fold has samples
    "CLIMD, linear path and heads where p >= 2n": {"width_switch_ratio": 2.0},
    # the first pilot after round 55: training unchanged; at prediction, each modality of a
    # row projected onto the span of its standardized training rows where those do not have
    # full column rank (the directions no gradient saw)
    "CLIMD, projected to the training span": {"input_transform": "span_projected"},
    # the second pilot after round 55: AdamW's decoupled decay instead of Adam's coupled L2,
    # at the two ends of the EMA timescale's range that Wang & Aitchison (2025) give on a log
    # scale, the whole run (30 epochs) and its geometric mean with one epoch (sqrt 30)
    "CLIMD, AdamW, decay timescale 30 epochs": {"adamw_tau_epochs": 30.0},
    "CLIMD, AdamW, decay timescale sqrt 30 epochs": {"adamw_tau_epochs": math.sqrt(30.0)},
    # the third: sure independence screening (Fan & Lv 2008) of each modality wider than the
    # training fold, to its two recommended sizes, d = n - 1 and d = n / log n
    "CLIMD, screened to n - 1 features": {"screen": "n-1"},
    "CLIMD, screened to n / log n features": {"screen": "n/log n"},
    # the fourth: each input feature dropped with probability 0.2 in training, per sample
    # and member (Srivastava et al. 2014's input rate; an adaptive ridge, Wager et al. 2013)
    "CLIMD, input dropout 0.2": {"module": InputDropoutEnsemble,
                                 "module_kwargs": {"input_dropout": 0.2}},
    # a fifth: twenty members instead of ten, the variance of the members' mean halved
    # (Lakshminarayanan et al. 2017; Krogh & Vedelsby 1995)
    "CLIMD, 20 members": {"module_kwargs": {"n_members": 20}},
    # a sixth: each per-modality head's auxiliary loss weighted as the fused head's (aux_weight
    # = the number of modalities; Wang et al. 2020, Du et al. 2023), and the heads untrained
    # (aux_weight = 0), which brackets the default's weight of 1 from both sides
    "CLIMD, each head weighted as the fused head": {"aux_per_head": True},
    "CLIMD, no auxiliary heads' loss": {"aux_weight": 0.0},
    # a seventh: the heads weighted as the fused head with each encoder's total loss weight
    # held at the default's 1 + 1 / M (the loss scaled by (M + 1) / (2 M), under Adam the
    # decay 5 / n multiplied by 2 M / (M + 1)), to tell better features from a weaker decay
    "CLIMD, each head weighted as the fused head, encoder weight held": {"aux_per_head": "hold"},
    # an eighth: the decay 5 / n divided by log2 of the number of classes, the bits a label
    # can carry (the default's where C = 2), because a weaker decay gained both folds of
    # every multi-class set in the pilots after rounds 48 and 55
    "CLIMD, decay per bit of label": {"wd_per_log2_classes": True},
    # a pilot after round 57: the decay 5 / n on the weight matrices only, every bias exempt
    # (Goodfellow et al. 2016, section 7.1; round 11 tried it on the one-network default)
    "CLIMD, biases not decayed": {"wd_free_biases": True},
    # after the README's rewrite: the README's advice for wide data followed to the letter,
    # the width option (linear_path and heads_in_prediction "auto") against the default
    # chosen on each training fold by a 3-fold inner CV for macro F1, then refitted
    "CLIMD, width option chosen by inner CV": {"width_by_inner_cv": True},
    # a pilot after the width test: each member's fusion head a one-hidden-layer MLP on the
    # concatenated embeddings (width: the embedding size) instead of the paper's linear
    # classifier, whose logits add one term per modality and so cannot model an interaction
    # between modalities
    "CLIMD, hidden fusion layer": {"module": HiddenFusionEnsemble},
    # a diagnostic after it: every column one modality, so one encoder per member reads
    # all the features together, as the anchors that lead the Knight ADRC table do
    "CLIMD, one modality": {"one_modality": True},
    # and without its head's loss: with one modality the head is a second classifier on the
    # fused path's embedding, so its loss doubles that path's weight (under Adam, a weaker
    # decay); aux_weight=0 takes that away
    "CLIMD, one modality, no auxiliary head's loss": {"one_modality": True, "aux_weight": 0.0},
    # a pilot after them: the heads' total weight aux_weight shared between the heads by each
    # one's generalization over its overfitting squared, measured by a probe fit on 80 % of the
    # training fold against the other 20 % (Gradient-Blending, Wang, Tran & Feiszli 2020)
    "CLIMD, gradient-blended heads": {"gradient_blend": True},
    # its control: the same weights shuffled between the heads, as uneven but blind to which
    # head generalized
    "CLIMD, gradient-blended heads, weights permuted": {"gradient_blend": "permuted"},
    # a pilot after its screen failed: aux_weight shared by each head's held-out
    # generalization G alone (the label information it learned that transfers), without the
    # division by the overfitting squared that gave TCGA LGG's five clinical columns 79 %
    "CLIMD, heads weighted by held-out generalization": {"gradient_blend": "generalization"},
    # the README's advice for cohorts where one modality carries the signal, tested: the
    # heads' loss at the paper's weight or none, chosen on each training fold by a 3-fold
    # inner CV for macro F1, then refitted (as the width option's advice was tested)
    "CLIMD, heads' loss chosen by inner CV": {"aux_by_inner_cv": True},
    # the missing-modality table: the default given the training fold's means in each absent
    # modality's cells, where the default itself skips the absent modalities
    "CLIMD, mean imputation": {"impute": "mean"},
    # the test after the modality-dropout screen: the imputer that uses the other modalities,
    # each absent cell the mean of the five training patients nearest on the cells both have
    "CLIMD, KNN imputation": {"impute": "knn"},
    # the informative-missingness test: the NaN rows as before, and one more modality that
    # says which modalities each sample lacks, so that an absence can count as evidence
    "CLIMD, absence indicators": {"absence_indicators": True},
    # the pilot after the imputation test: the NaN rows as the default has them, and each
    # modality's absence added to the logits as Bayes' evidence, log p(R_m | y) / p(R_m),
    # counted per class on the training rows (no parameter trained or tuned)
    "CLIMD, absence evidence": {"absence_evidence": True},
    # the check of the README's two lines: the absence modality standardized with the
    # others, as the estimator's standardize=True treats a modality the user appends
    "CLIMD, absence indicators, standardized": {"absence_indicators": "standardized"},
    # the pilot after the regression's indicators were kept once per modality: the absence
    # modality with one indicator per feature, as scikit-learn's missing indicators are, so
    # that the decay's hold on a modality's absence loosens with its width as in the regression
    "CLIMD, absence indicators per feature": {"absence_indicators": "per_feature"},
    # the test after the decision-shift oracle: today's default with tau * log(training
    # prior) added to its log-probabilities, tau chosen by a 5-fold inner CV for macro F1 on
    # the training fold (so at the training prevalence); the many-class counterpart of the
    # tuned threshold, advice for cohorts whose patients keep the training ratio
    "CLIMD, tuned prior shift": {"tuned_prior_shift": True},
    # the test after the comparison with the tuned threshold: the same shift scored by
    # balanced accuracy, which does not depend on the class shares, so that the inner CV
    # aims at a balanced test (the README's case of patients more balanced than training)
    "CLIMD, tuned prior shift, balanced accuracy": {"tuned_prior_shift": "balanced_accuracy"},
    # the pilot after the tuned prior shift's tests: the learning rate annealed by a cosine
    # over the fit's optimizer steps (Loshchilov & Hutter's per-iteration schedule), where
    # the pilot after round 48 annealed it over the epochs and so starved the curriculum's
    # late epochs, which hold most of the steps and the whole training ratio
    "CLIMD, cosine rate over the steps": {"step_cosine": True},
}
