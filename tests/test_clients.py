"""The estimator inside the scikit-learn and imbalanced-learn tools a user reaches for.

One 2-D array with ``modalities=`` (the form to use behind other steps), two classes of
75 % and 25 % (three for the multi-class tools). Each client must run and give outputs of
the right shape, labels and probabilities; the clients that need what the estimator does
not have (``coef_``) or keep only some columns must fail with an error that says so.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import sklearn
from imblearn import ensemble as imb_ensemble
from imblearn import over_sampling, under_sampling
from imblearn.metrics import classification_report_imbalanced
from imblearn.pipeline import make_pipeline as make_imb_pipeline
from sklearn import (
    calibration,
    ensemble,
    feature_selection,
    inspection,
    model_selection,
    multiclass,
    multioutput,
    semi_supervised,
)
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import get_scorer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from climd_sklearn import CLIMDClassifier, SliceDict

X, y = make_classification(n_samples=150, n_features=10, n_informative=5, weights=[0.75, 0.25],
                           random_state=0)
y3 = np.r_[y[:100], np.full(50, 2)]  # a third class for the multi-class tools
MODALITIES = {"a": slice(0, 5), "b": slice(5, 10)}


def net(**params):
    """A small, seeded CLIMDClassifier on the two modalities of X."""
    return CLIMDClassifier(**{"max_epochs": 2, "hidden_dims": (8,), "embedding_dim": 4,
                              "random_state": 0, "modalities": MODALITIES, **params})


def labels_of(pred, classes):
    return set(np.unique(pred)) <= set(classes) and len(pred) == len(X)


def probabilities(proba, n_classes):
    return proba.shape == (len(X), n_classes) and np.allclose(proba.sum(axis=1), 1)


def scores(values, n):
    return len(values) == n and np.isfinite(values).all()


CLIENTS = {
    "cross_val_score": lambda: scores(model_selection.cross_val_score(
        net(), X, y, cv=3, scoring="f1_macro"), 3),
    "cross_validate, estimators returned": lambda: all(
        isinstance(e, CLIMDClassifier) and hasattr(e, "net_") for e in
        model_selection.cross_validate(net(), X, y, cv=3, return_estimator=True)["estimator"]),
    "cross_val_predict, probabilities": lambda: probabilities(model_selection.cross_val_predict(
        net(), X, y, cv=3, method="predict_proba"), 2),
    "cross_val_score, two jobs": lambda: scores(model_selection.cross_val_score(
        net(), X, y, cv=2, n_jobs=2), 2),
    "GridSearchCV": lambda: model_selection.GridSearchCV(
        net(), {"lr": [1e-3, 1e-2]}, cv=2).fit(X, y).best_params_["lr"] in (1e-3, 1e-2),
    "RandomizedSearchCV": lambda: len(model_selection.RandomizedSearchCV(
        net(), {"lr": [1e-3, 1e-2]}, n_iter=2, cv=2, random_state=0).fit(
        X, y).cv_results_["params"]) == 2,
    "HalvingGridSearchCV": lambda: model_selection.HalvingGridSearchCV(
        net(), {"lr": [1e-3, 1e-2, 1e-1]}, cv=2, min_resources=40).fit(
        X, y).n_resources_ == [40, 120],
    "learning_curve": lambda: model_selection.learning_curve(
        net(), X, y, cv=3, train_sizes=[0.5, 1.0])[2].shape == (2, 3),
    "validation_curve": lambda: model_selection.validation_curve(
        net(), X, y, param_name="lr", param_range=[1e-3, 1e-2], cv=2)[1].shape == (2, 2),
    "permutation_test_score": lambda: 0 < model_selection.permutation_test_score(
        net(), X, y, cv=2, n_permutations=2)[2] <= 1,
    "pipeline after StandardScaler": lambda: labels_of(
        make_pipeline(StandardScaler(), net()).fit(X, y).predict(X), [0, 1]),
    "pipeline after ColumnTransformer": lambda: labels_of(make_pipeline(
        ColumnTransformer([("scale", StandardScaler(), list(range(10)))]), net()).fit(
        X, y).predict(X), [0, 1]),
    "CalibratedClassifierCV": lambda: probabilities(calibration.CalibratedClassifierCV(
        net(), cv=3).fit(X, y).predict_proba(X), 2),
    "CalibratedClassifierCV on a frozen fit": lambda: probabilities(
        calibration.CalibratedClassifierCV(FrozenEstimator(net().fit(X, y))).fit(
            X, y).predict_proba(X), 2),
    "TunedThresholdClassifierCV": lambda: 0 <= model_selection.TunedThresholdClassifierCV(
        net(), scoring="f1_macro", cv=2).fit(X, y).best_threshold_ <= 1,
    "FixedThresholdClassifier": lambda: labels_of(model_selection.FixedThresholdClassifier(
        net(), threshold=0.3).fit(X, y).predict(X), [0, 1]),
    "VotingClassifier, soft": lambda: probabilities(ensemble.VotingClassifier(
        [("a", net()), ("b", net(random_state=1))], voting="soft").fit(X, y).predict_proba(X),
        2),
    "StackingClassifier": lambda: labels_of(ensemble.StackingClassifier(
        [("climd", net())], cv=2).fit(X, y).predict(X), [0, 1]),
    "BaggingClassifier, all features": lambda: probabilities(ensemble.BaggingClassifier(
        net(), n_estimators=2, random_state=0).fit(X, y).predict_proba(X), 2),
    "OneVsRestClassifier": lambda: labels_of(multiclass.OneVsRestClassifier(net()).fit(
        X, y3).predict(X), [0, 1, 2]),
    "OneVsOneClassifier": lambda: labels_of(multiclass.OneVsOneClassifier(net()).fit(
        X, y3).predict(X), [0, 1, 2]),
    "OutputCodeClassifier": lambda: labels_of(multiclass.OutputCodeClassifier(
        net(), random_state=0).fit(X, y3).predict(X), [0, 1, 2]),
    "MultiOutputClassifier": lambda: multioutput.MultiOutputClassifier(net()).fit(
        X, np.c_[y, y3]).predict(X).shape == (len(X), 2),
    # the chain appends earlier outputs as columns: one modality, so no columns are named
    "ClassifierChain": lambda: multioutput.ClassifierChain(net(modalities=None)).fit(
        X, np.c_[y, y]).predict(X).shape == (len(X), 2),
    "SelfTrainingClassifier": lambda: labels_of(semi_supervised.SelfTrainingClassifier(
        net(), max_iter=2).fit(X, np.r_[y[:100], np.full(50, -1)]).predict(X), [0, 1]),
    "permutation_importance": lambda: inspection.permutation_importance(
        net().fit(X, y), X, y, n_repeats=2, random_state=0).importances.shape == (10, 2),
    "partial_dependence": lambda: inspection.partial_dependence(
        net().fit(X, y), X, [0], grid_resolution=5)["average"].shape == (1, 5),
    "SequentialFeatureSelector": lambda: feature_selection.SequentialFeatureSelector(
        net(modalities=None), n_features_to_select=9, cv=2).fit(X, y).get_support().sum() == 9,
    "pickle round trip": lambda: np.array_equal(
        pickle.loads(pickle.dumps(fitted := net().fit(X, y))).predict_proba(X),
        fitted.predict_proba(X)),
    "imbalanced-learn pipeline, SMOTE": lambda: labels_of(make_imb_pipeline(
        over_sampling.SMOTE(random_state=0), net()).fit(X, y).predict(X), [0, 1]),
    "imbalanced-learn pipeline, ADASYN": lambda: labels_of(make_imb_pipeline(
        over_sampling.ADASYN(random_state=0), net()).fit(X, y).predict(X), [0, 1]),
    "imbalanced-learn pipeline, random oversampling": lambda: labels_of(make_imb_pipeline(
        over_sampling.RandomOverSampler(random_state=0), net()).fit(X, y).predict(X), [0, 1]),
    "imbalanced-learn pipeline, random undersampling": lambda: labels_of(make_imb_pipeline(
        under_sampling.RandomUnderSampler(random_state=0), net()).fit(X, y).predict(X),
        [0, 1]),
    "imbalanced-learn pipeline, Tomek links": lambda: labels_of(make_imb_pipeline(
        under_sampling.TomekLinks(), net()).fit(X, y).predict(X), [0, 1]),
    "imbalanced-learn pipeline in GridSearchCV": lambda: model_selection.GridSearchCV(
        make_imb_pipeline(over_sampling.SMOTE(random_state=0), net()),
        {"climdclassifier__lr": [1e-3, 1e-2]}, cv=2).fit(X, y).best_score_ > 0,
    "BalancedBaggingClassifier": lambda: probabilities(imb_ensemble.BalancedBaggingClassifier(
        net(), n_estimators=2, random_state=0).fit(X, y).predict_proba(X), 2),
    "classification_report_imbalanced": lambda: "avg / total" in
        classification_report_imbalanced(y, net().fit(X, y).predict(X)),
    # sample weights: boosting needs a base model better than chance, so a few more epochs;
    # boosting reseeds each copy from its own random_state (None: the global generator)
    "AdaBoostClassifier": lambda: probabilities(ensemble.AdaBoostClassifier(
        net(lr=1e-2, max_epochs=5), n_estimators=2, random_state=0).fit(
        X, y).predict_proba(X), 2),
    "EasyEnsembleClassifier (boosted)": lambda: labels_of(imb_ensemble.EasyEnsembleClassifier(
        n_estimators=2, estimator=ensemble.AdaBoostClassifier(
            net(lr=1e-2, max_epochs=5), n_estimators=1, random_state=0),
        random_state=0).fit(X, y).predict(X), [0, 1]),
    "cross_val_score with sample weights": lambda: scores(model_selection.cross_val_score(
        net(), X, y, cv=2, params={"sample_weight": np.where(y == 1, 3.0, 1.0)}), 2),
    "sample weights routed through a pipeline": lambda: _routed_weights(),
}


def _routed_weights():
    """cross_validate routing sample_weight to the classifier's fit, not the scaler's or
    the scorer's."""
    with sklearn.config_context(enable_metadata_routing=True):
        pipeline = make_pipeline(StandardScaler().set_fit_request(sample_weight=False),
                                 net().set_fit_request(sample_weight=True))
        scorer = get_scorer("f1_macro").set_score_request(sample_weight=False)
        results = model_selection.cross_validate(
            pipeline, X, y, cv=2, params={"sample_weight": np.where(y == 1, 3.0, 1.0)},
            scoring=scorer, return_estimator=True)
    return np.isfinite(results["test_score"]).all() and all(
        "weighted_class_counts" in fitted[-1].net_.history[-1]
        for fitted in results["estimator"])


@pytest.mark.parametrize("client", CLIENTS)
def test_a_client_runs_and_gives_well_formed_outputs(client):
    assert CLIENTS[client]()


#: The dict form, rows indexable (SliceDict; of arrays and of DataFrames), in the tools
#: that index rows without validating X as one 2-D array.
PATIENTS = pd.Index([f"P{i:03d}" for i in range(len(X))], name="patient")  # rows by name
DICTS = {"arrays": SliceDict(a=X[:, :5], b=X[:, 5:]),
         "DataFrames": SliceDict(
             a=pd.DataFrame(X[:, :5], columns=list("abcde"), index=PATIENTS),
             b=pd.DataFrame(X[:, 5:], columns=list("fghij"), index=PATIENTS))}
DICT_CLIENTS = {
    "cross_val_predict, probabilities": lambda Xd: model_selection.cross_val_predict(
        net(modalities=None), Xd, y, cv=3, method="predict_proba").shape == (len(X), 2),
    "GridSearchCV": lambda Xd: model_selection.GridSearchCV(
        net(modalities=None), {"lr": [1e-3, 1e-2]}, cv=2).fit(Xd, y).best_score_ > 0,
    "CalibratedClassifierCV": lambda Xd: probabilities(calibration.CalibratedClassifierCV(
        net(modalities=None), cv=3).fit(Xd, y).predict_proba(Xd), 2),
    "StackingClassifier": lambda Xd: labels_of(ensemble.StackingClassifier(
        [("climd", net(modalities=None))], cv=2).fit(Xd, y).predict(Xd), [0, 1]),
    "OneVsRestClassifier": lambda Xd: labels_of(multiclass.OneVsRestClassifier(
        net(modalities=None)).fit(Xd, y3).predict(Xd), [0, 1, 2]),
    "cross_val_score with sample weights": lambda Xd: scores(model_selection.cross_val_score(
        net(modalities=None), Xd, y, cv=2,
        params={"sample_weight": np.where(y == 1, 3.0, 1.0)}), 2),
}


@pytest.mark.parametrize("form", DICTS)
@pytest.mark.parametrize("client", DICT_CLIENTS)
def test_a_client_takes_the_dict_form(client, form):
    assert DICT_CLIENTS[client](DICTS[form])


@pytest.mark.parametrize("client, error, message", [
    # no coef_ or feature_importances_ to rank features by
    (lambda: feature_selection.RFE(net(), n_features_to_select=5).fit(X, y), ValueError,
     "should have `coef_` or `feature_importances_`"),
    (lambda: feature_selection.SelectFromModel(net()).fit(X, y).transform(X), ValueError,
     "should have `coef_` or `feature_importances_`"),
    # a random half of the columns leaves modality "b"'s slice behind
    (lambda: ensemble.BaggingClassifier(net(), n_estimators=2, max_features=0.5,
                                        random_state=0).fit(X, y), ValueError,
     r"modalities\['b'\] = slice\(5, 10, None\) reaches beyond X, which has 5 columns"),
])
def test_a_client_that_needs_what_the_estimator_lacks_gets_a_clear_error(client, error, message):
    with pytest.raises(error, match=message):
        client()
