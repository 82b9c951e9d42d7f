"""The missing-modality table's pieces: settings with cells removed, imputation, NaN anchors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._absence import ModalityAbsence, absent_modalities
from climd_sklearn.benchmark._absence_evidence import absence_log_ratios
from climd_sklearn.benchmark._methods import (
    OPTIONAL_ANCHORS,
    like_for_like_anchor,
    modality_columns,
)
from climd_sklearn.benchmark._missing import (
    missing_rng,
    remove_modalities,
    with_missing_modalities,
)
from climd_sklearn.benchmark._nan_bins import NaNQuantileBinner
from climd_sklearn.benchmark._unique_columns import UniqueColumns


def _first_split(spec):
    return next(iter(l4l.like_for_like_setting(spec).splits(1)))


# --- the settings -----------------------------------------------------------------------------


def test_a_missing_spec_names_counts_and_builds_its_base_setting_with_cells_removed():
    spec = "synthetic:10@missing=0.3"
    setting = l4l.like_for_like_setting(spec)
    assert setting.name == l4l.setting_name(spec) == "Synthetic LT rho 10, 30 % missing"
    assert l4l.splits_of(spec) == l4l.splits_of("synthetic:10") == 25
    assert l4l.splits_of(spec, 3) == 3
    base = l4l.like_for_like_setting("synthetic:10")
    assert setting.layout == base.layout
    plain, missing = next(iter(base.splits(1))), next(iter(setting.splits(1)))
    assert missing.index == plain.index and missing.expected == plain.expected
    np.testing.assert_array_equal(missing.y_train, plain.y_train)
    # exactly remove_modalities with the split's seeded stream of each part
    expected_train, kept = remove_modalities(plain.X_train, base.layout, 0.3,
                                             missing_rng(plain.index, 0.3, "train"))
    np.testing.assert_array_equal(missing.X_train, expected_train)
    assert 0.2 < 1 - kept.mean() < 0.35  # about 30 % of the cells, fewer where a row was empty
    assert list(missing.evals) == list(plain.evals)
    for ev, (X_ev, y_ev) in plain.evals.items():
        expected_ev, _ = remove_modalities(X_ev, base.layout, 0.3,
                                           missing_rng(plain.index, 0.3, ev))
        np.testing.assert_array_equal(missing.evals[ev][0], expected_ev)
        np.testing.assert_array_equal(missing.evals[ev][1], y_ev)
    # the same cells again on a second build: every method sees the same data
    np.testing.assert_array_equal(_first_split(spec).X_train, missing.X_train)
    # another rate removes other cells
    assert not np.array_equal(np.isnan(_first_split("synthetic:10@missing=0.5").X_train),
                              np.isnan(missing.X_train))


@pytest.mark.parametrize("rate, message", [
    ("lots", "rate of 'synthetic:10@missing=lots' must be a number, optionally followed by "
             "',informative' or ',informative-reversed', got 'lots'"),
    ("0.3,informativ", "must be a number, optionally .*, got '0.3,informativ'"),
    ("0", r"rate of 'synthetic:10@missing=0' must be in \(0, 1\), got '0'"),
    ("1.0", r"must be in \(0, 1\), got '1.0'"),
    ("nan", r"must be in \(0, 1\), got 'nan'"),
])
def test_a_missing_rate_that_cannot_work_is_an_error_before_any_data_load(rate, message):
    for call in (l4l.like_for_like_setting, l4l.setting_name, l4l.splits_of):
        with pytest.raises(ValueError, match=message):
            call(f"synthetic:10@missing={rate}")
    with pytest.raises(ValueError, match="Unknown setting 'nope:3@missing=0.3'"):
        l4l.setting_name("nope:3@missing=0.3")


def test_with_missing_modalities_refuses_a_rate_that_removes_nothing_or_everything():
    base = l4l.like_for_like_setting("synthetic:10")
    for rate in (0.0, 1.0, -0.1):
        with pytest.raises(ValueError, match=r"rate must be in \(0, 1\), got"):
            with_missing_modalities(base, rate)


# --- the methods ------------------------------------------------------------------------------


def _imputed_pipeline(name):
    """The first synthetic split with 30 % of its cells missing, and ``name``'s pipeline."""
    split = _first_split("synthetic:10@missing=0.3")
    layout = l4l.like_for_like_setting("synthetic:10").layout
    pipe = l4l.build_method(name, l4l.resolve_methods([name])[name], layout, 0,
                            len(split.y_train))
    assert [step for step, _ in pipe.steps] == ["scale", "impute", "clf"]
    return split, layout, pipe


def test_mean_imputation_fills_the_absent_cells_before_the_network():
    split, layout, pipe = _imputed_pipeline("CLIMD, mean imputation")
    assert np.isnan(split.X_train).any()
    filled = pipe[:-1].fit_transform(split.X_train)
    assert not np.isnan(filled).any()
    # an absent cell becomes its column's training mean, 0 after the scaler
    assert np.allclose(filled[np.isnan(split.X_train)], 0.0)
    default = l4l.build_method("CLIMD (default)", l4l.resolve_methods(["CLIMD (default)"])[
        "CLIMD (default)"], layout, 0, len(split.y_train))
    assert [name for name, _ in default.steps] == ["scale", "clf"]
    with pytest.raises(ValueError, match=r"'x': impute must be 'mean' or 'knn', got 'median'"):
        l4l.build_method("x", {"kind": "neural", "overrides": {"impute": "median"}}, layout, 0,
                         len(split.y_train))


def _nearest_donor_mean(X, row, column, k=5):
    """The mean of ``column`` over the ``k`` rows nearest to ``row`` among those observing it,
    by the Euclidean distance over the cells both observe, scaled up by the share observed."""
    both = ~np.isnan(X) & ~np.isnan(X[row])
    differences = np.where(both, X - X[row], 0.0)
    shared = both.sum(axis=1)
    distances = np.full(len(X), np.inf)  # a row that shares no observed cell is never a donor
    distances[shared > 0] = np.sqrt((differences[shared > 0] ** 2).sum(axis=1)
                                    * X.shape[1] / shared[shared > 0])
    donors = np.flatnonzero(~np.isnan(X[:, column]))
    nearest = donors[np.argsort(distances[donors], kind="stable")[:k]]
    return X[nearest, column].mean()


def test_knn_imputation_fills_an_absent_modality_from_the_nearest_training_patients():
    split, _, pipe = _imputed_pipeline("CLIMD, KNN imputation")
    scaled = pipe[:1].fit_transform(split.X_train)
    filled = pipe[:-1].fit_transform(split.X_train)
    assert not np.isnan(filled).any()
    observed = ~np.isnan(split.X_train)
    np.testing.assert_array_equal(filled[observed], scaled[observed])
    rows, columns = np.nonzero(~observed)
    for row, column in list(zip(rows, columns))[:: max(1, len(rows) // 25)]:
        assert filled[row, column] == pytest.approx(_nearest_donor_mean(scaled, row, column))
    # not the column means that mean imputation gives (0 after the scaler)
    assert np.abs(filled[~observed]).mean() > 0.1


def test_the_nan_anchors_are_optional_and_fit_on_absent_modalities():
    split = _first_split("synthetic:10@missing=0.3")
    X_ev, y_ev = split.evals["balanced"]
    for name, step in (("LogReg (balanced), mean imputation", "impute"),
                       ("LogReg (balanced), KNN imputation", "impute"),
                       ("HGB (balanced), NaN kept", "bin")):
        assert name in OPTIONAL_ANCHORS and name not in l4l.DEFAULT_METHODS
        search = like_for_like_anchor(name, 0, quick=True)
        assert step in search.estimator.named_steps
        search.fit(split.X_train, split.y_train)
        assert not np.isnan(search.cv_results_["mean_test_score"]).any()  # no inner fit failed
        assert search.predict(X_ev).shape == y_ev.shape
    for name, imputer in (("LogReg (balanced), mean imputation", "SimpleImputer"),
                          ("LogReg (balanced), KNN imputation", "KNNImputer")):
        step = like_for_like_anchor(name, 0).estimator.named_steps["impute"]
        assert type(step).__name__ == imputer and step.keep_empty_features
    assert like_for_like_anchor("LogReg (balanced), KNN imputation", 0).estimator.named_steps[
        "impute"].n_neighbors == 5
    binner = like_for_like_anchor("HGB (balanced), NaN kept", 0).estimator.named_steps["bin"]
    assert isinstance(binner, NaNQuantileBinner) and binner.n_bins == 255
    # the complete-data anchors are unchanged
    assert type(like_for_like_anchor("HGB (balanced)", 0).estimator.named_steps["bin"]
                ).__name__ == "KBinsDiscretizer"
    assert "impute" not in like_for_like_anchor("LogReg (balanced)", 0).estimator.named_steps


# --- the binner -------------------------------------------------------------------------------


def test_nan_quantile_binner_bins_observed_values_by_their_quantiles_and_keeps_nan():
    X = np.column_stack([np.arange(10.0), np.r_[np.arange(8.0), np.nan, np.nan],
                         np.full(10, np.nan)])
    binner = NaNQuantileBinner(n_bins=5).fit(X)
    # edges at the 20, 40, 60 and 80 % quantiles of 0..9: 1.8, 3.6, 5.4, 7.2
    np.testing.assert_allclose(binner.bin_edges_[0], [1.8, 3.6, 5.4, 7.2])
    np.testing.assert_allclose(binner.bin_edges_[1], np.quantile(np.arange(8.0),
                                                                 [0.2, 0.4, 0.6, 0.8]))
    assert binner.bin_edges_[2].size == 0  # never observed
    out = binner.transform(X)
    np.testing.assert_array_equal(out[:, 0], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    assert np.isnan(out[8:, 1]).all() and not np.isnan(out[:8, 1]).any()
    assert np.isnan(out[:, 2]).all()
    # values outside the training range go to the end bins
    np.testing.assert_array_equal(
        binner.transform(np.array([[-5.0, 100.0, np.nan]]))[0, :2], [0, 4])
    # quantiles that fall on observed values: 0..2 with ties has quartiles 0, 1, 1, which
    # collapse to the edges 0 and 1, and a value equal to an edge goes above it
    ties = NaNQuantileBinner(n_bins=4).fit(np.array([[0.0]] * 3 + [[1.0]] * 4 + [[2.0]]))
    np.testing.assert_array_equal(ties.bin_edges_[0], [0.0, 1.0])
    np.testing.assert_array_equal(ties.transform(np.array([[0.0], [0.5], [1.0], [2.0]])).ravel(),
                                  [1, 1, 2, 2])


def test_nan_quantile_binner_refuses_what_it_cannot_bin():
    with pytest.raises(ValueError, match="n_bins must be an int >= 2, got 1"):
        NaNQuantileBinner(n_bins=1).fit(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="n_bins must be an int >= 2, got 2.5"):
        NaNQuantileBinner(n_bins=2.5).fit(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="[Ii]nfinity"):
        NaNQuantileBinner().fit(np.array([[0.0], [np.inf]]))
    fitted = NaNQuantileBinner().fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="2 features"):
        fitted.transform(np.zeros((3, 3)))


# --- informative missingness ------------------------------------------------------------------


@pytest.mark.parametrize("flag, rows", [("informative", "in the rarest class"),
                                         ("informative-reversed", "outside the rarest class")])
def test_an_informative_spec_removes_one_side_s_cells_at_half_the_rate_from_the_same_draws(flag,
                                                                                          rows):
    spec = f"synthetic:10@missing=0.3,{flag}"
    assert l4l.setting_name(spec) == f"Synthetic LT rho 10, 30 % missing (15 % {rows})"
    base = l4l.like_for_like_setting("synthetic:10")
    plain = next(iter(base.splits(1)))
    informative, uniform = _first_split(spec), _first_split("synthetic:10@missing=0.3")
    labels, counts = np.unique(plain.y_train, return_counts=True)
    rarest = labels[np.argmin(counts)]
    parts = {"train": (plain.X_train, plain.y_train, informative.X_train, uniform.X_train)}
    parts.update({ev: (X_ev, y_ev, informative.evals[ev][0], uniform.evals[ev][0])
                  for ev, (X_ev, y_ev) in plain.evals.items()})
    for part, (X, y, X_informative, X_uniform) in parts.items():
        halved = (y == rarest) if flag == "informative" else (y != rarest)
        expected, _ = remove_modalities(X, base.layout, 0.3, missing_rng(plain.index, 0.3, part),
                                        np.where(halved, 0.15, 0.3))
        np.testing.assert_array_equal(X_informative, expected)
        # the same draws: every cell removed here is removed at the uniform rate too, and the
        # rows at the full rate are exactly the uniform setting's
        assert not (np.isnan(X_informative) & ~np.isnan(X_uniform)).any()
        np.testing.assert_array_equal(X_informative[~halved], X_uniform[~halved])
        kept_back = (np.isnan(X_uniform) & ~np.isnan(X_informative))[halved]
        assert kept_back.any() or part != "train"


def test_with_missing_modalities_names_an_informative_value_it_does_not_know():
    base = l4l.like_for_like_setting("synthetic:10")
    with pytest.raises(ValueError, match="informative must be False, True, 'rarest' or "
                                         "'others', got 'sickest'"):
        with_missing_modalities(base, 0.3, informative="sickest")


def test_remove_modalities_keeps_more_cells_of_the_rows_with_a_lower_rate():
    layout = {"a": 1, "b": 1, "c": 1}
    row_rates = np.r_[np.full(20000, 0.1), np.full(20000, 0.5)]
    X_base, base = remove_modalities(np.zeros((40000, 3)), layout, 0.5,
                                     np.random.default_rng(0))
    X, present = remove_modalities(np.zeros((40000, 3)), layout, 0.5,
                                   np.random.default_rng(0), row_rates)
    np.testing.assert_array_equal(np.isnan(X), ~present)
    # the rows at the full rate are the scalar call's; the others keep a superset of its cells
    np.testing.assert_array_equal(present[20000:], base[20000:])
    assert (present >= base).all() and (present[:20000] > base[:20000]).any()
    assert abs((~present[:20000]).mean() - 0.1) < 0.01
    with pytest.raises(ValueError, match=r"one rate per sample \(3\), got shape \(2,\)"):
        remove_modalities(np.zeros((3, 3)), layout, 0.5, np.random.default_rng(0),
                          np.r_[0.1, 0.2])
    with pytest.raises(ValueError, match=r"row_rates must be in \[0, rate=0.5\]"):
        remove_modalities(np.zeros((2, 3)), layout, 0.5, np.random.default_rng(0),
                          np.r_[0.1, 0.6])


def test_modality_absence_appends_one_indicator_per_modality():
    X = np.array([[1.0, 2.0, 3.0], [np.nan, np.nan, 3.0], [1.0, np.nan, np.nan]])
    absence = ModalityAbsence({"a": [0, 1], "b": [2]}).fit(X)
    out = absence.transform(X)
    np.testing.assert_array_equal(out[:, :3], X)
    # a modality counts as absent only where all of its cells are NaN
    np.testing.assert_array_equal(out[:, 3:], [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"Modality 'b' must name columns of X in \[0, 3\), "
                                         r"got \[3\]"):
        ModalityAbsence({"a": [0], "b": [3]}).fit(X)
    with pytest.raises(ValueError, match="Modality 'a' must name columns"):
        ModalityAbsence({"a": []}).fit(X)


def _built_on_informative_synthetic(name):
    """The first split of the informative synthetic setting, its layout, and ``name`` built."""
    split = _first_split("synthetic:10@missing=0.3,informative")
    layout = l4l.like_for_like_setting("synthetic:10").layout
    pipe = l4l.build_method(name, l4l.resolve_methods([name])[name], layout, 0,
                            len(split.y_train), quick=True)
    return split, layout, pipe


def test_absence_indicators_reach_the_network_as_one_more_modality():
    split, layout, pipe = _built_on_informative_synthetic("CLIMD, absence indicators")
    assert [step for step, _ in pipe.steps] == ["scale", "absence", "clf"]
    width = sum(layout.values())
    assert list(pipe["clf"].modalities) == [*layout, "absent"]
    assert pipe["clf"].modalities["absent"] == list(range(width, width + len(layout)))
    pipe.fit(split.X_train, split.y_train)
    assert pipe.predict(split.evals["balanced"][0]).shape == split.evals["balanced"][1].shape
    with pytest.raises(ValueError, match="'x': 'absence_indicators' appends a modality"):
        l4l.build_method("x", {"kind": "neural", "overrides": {"absence_indicators": True,
                                                               "one_modality": True}},
                         layout, 0, len(split.y_train))


def test_absence_indicators_per_feature_repeat_each_modality_s_indicator_by_its_width():
    X = np.array([[1.0, 2.0, 3.0], [np.nan, np.nan, 3.0], [1.0, np.nan, np.nan]])
    out = ModalityAbsence({"a": [0, 1], "b": [2]}, per_feature=True).fit(X).transform(X)
    np.testing.assert_array_equal(out[:, 3:], [[0, 0, 0], [1, 1, 0], [0, 0, 1]])
    split, layout, pipe = _built_on_informative_synthetic(
        "CLIMD, absence indicators per feature")
    assert [step for step, _ in pipe.steps] == ["scale", "absence", "clf"]
    width = sum(layout.values())
    assert pipe["clf"].modalities["absent"] == list(range(width, 2 * width))
    indicators = pipe[:-1].fit(split.X_train, split.y_train).transform(split.X_train)[:, width:]
    absent = absent_modalities(split.X_train, modality_columns(layout)).astype(float)
    np.testing.assert_array_equal(indicators, np.repeat(absent, list(layout.values()), axis=1))


def test_standardized_absence_indicators_are_the_readme_s_two_lines():
    split, layout, pipe = _built_on_informative_synthetic(
        "CLIMD, absence indicators, standardized")
    assert [step for step, _ in pipe.steps] == ["absence", "scale", "clf"]
    width = sum(layout.values())
    pipe.fit(split.X_train, split.y_train)
    # the indicators are standardized with the training rows, as the estimator's own
    # per-modality scaling treats a modality appended to the dict
    indicators = pipe[:-1].transform(split.X_train)[:, width:]
    absent = absent_modalities(split.X_train, modality_columns(layout)).astype(float)
    np.testing.assert_allclose(indicators, StandardScaler().fit_transform(absent))
    assert not np.allclose(indicators, absent)
    with pytest.raises(ValueError, match="absence_indicators must be True, False, "
                                         "'standardized' or 'per_feature', got 'yes'"):
        l4l.build_method("x", {"kind": "neural", "overrides": {"absence_indicators": "yes"}},
                         layout, 0, len(split.y_train))
    with pytest.raises(ValueError, match="'standardized' puts the indicators before the "
                                         "StandardScaler"):
        l4l.build_method("x", {"kind": "neural", "overrides": {
            "absence_indicators": "standardized", "input_transform": "quantile"}},
            layout, 0, len(split.y_train))


def test_the_regression_with_indicators_is_told_which_cells_were_missing():
    name = "LogReg (balanced), mean imputation with indicators"
    assert name in OPTIONAL_ANCHORS and name not in l4l.DEFAULT_METHODS
    imputer = like_for_like_anchor(name, 0).estimator.named_steps["impute"]
    assert imputer.add_indicator and imputer.strategy == "mean" and imputer.keep_empty_features
    assert not like_for_like_anchor("LogReg (balanced), mean imputation", 0).estimator\
        .named_steps["impute"].add_indicator


def test_absence_log_ratios_are_bayes_evidence_with_rates_shrunk_toward_the_pooled_one():
    # modality a: absent in 1 of 2 samples of class 0 and 3 of 4 of class 1 (pooled 4 / 6);
    # modality b: never absent (no evidence); modality c: absent at the same rate in both
    absent = np.array([[1, 0, 1], [0, 0, 0], [1, 0, 1], [1, 0, 0], [1, 0, 0], [0, 0, 1]],
                      dtype=bool)
    y = np.array([0, 0, 1, 1, 1, 1])
    if_absent, if_present = absence_log_ratios(absent, y, np.array([0, 1]))
    pooled = 4 / 6
    rate = np.array([(1 + 2 * pooled) / (2 + 2), (3 + 2 * pooled) / (4 + 2)])
    np.testing.assert_allclose(if_absent[0], np.log(rate / pooled))
    np.testing.assert_allclose(if_present[0], np.log((1 - rate) / (1 - pooled)))
    np.testing.assert_array_equal(if_absent[1], [0.0, 0.0])
    np.testing.assert_array_equal(if_present[1], [0.0, 0.0])
    # c: 1 of 2 and 2 of 4, the pooled rate 1 / 2 in each class: no evidence at all
    np.testing.assert_allclose(if_absent[2], [0.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(if_present[2], [0.0, 0.0], atol=1e-12)


def test_absence_evidence_adds_the_ratios_to_the_network_s_log_probabilities():
    name = "CLIMD, absence evidence"
    split, layout, pipe = _built_on_informative_synthetic(name)
    assert [step for step, _ in pipe.steps] == ["scale", "clf"]
    # its records store the preset of the network it wraps, the default's
    n_train = len(split.y_train)
    assert l4l.variant_params(l4l.resolve_methods([name])[name], n_train) == \
        l4l.variant_params(l4l.resolve_methods(["CLIMD (default)"])["CLIMD (default)"], n_train)
    pipe.fit(split.X_train, split.y_train)
    wrapper = pipe["clf"]
    X_eval = split.evals["balanced"][0]
    X_scaled = pipe["scale"].transform(X_eval)
    absent = absent_modalities(X_scaled, wrapper.modalities)
    assert absent.any()
    expected = (wrapper.estimator_.predict_log_proba(X_scaled)
                + absent @ wrapper.if_absent_ + ~absent @ wrapper.if_present_)
    expected -= np.logaddexp.reduce(expected, axis=1, keepdims=True)
    np.testing.assert_allclose(pipe.predict_log_proba(X_eval), expected, rtol=1e-10)
    np.testing.assert_array_equal(pipe.predict(X_eval),
                                  wrapper.classes_[expected.argmax(axis=1)])
    # the informative spec removes the rarest class's cells at half the rate, so its
    # absences are, over its modalities, evidence against it (its few samples make each
    # modality's count noisy)
    rarest = np.argmin(np.bincount(np.searchsorted(wrapper.classes_, split.y_train)))
    assert wrapper.if_absent_[:, rarest].sum() < 0 < wrapper.if_present_[:, rarest].sum()
    with pytest.raises(ValueError, match="'x': 'absence_evidence' reads each modality's NaN"):
        l4l.build_method("x", {"kind": "neural", "overrides": {"absence_evidence": True,
                                                               "impute": "mean"}},
                         layout, 0, len(split.y_train))


def test_unique_columns_keeps_the_first_of_each_group_of_identical_columns():
    X = np.array([[1, 0, 1, 2, 0], [0, 1, 0, 2, 1], [1, 1, 1, 2, 1]], dtype=float)
    kept = UniqueColumns().fit(X)
    np.testing.assert_array_equal(kept.columns_, [0, 1, 3])
    np.testing.assert_array_equal(kept.transform(X[:1]), [[1.0, 0.0, 2.0]])
    with pytest.raises(ValueError, match="5 features"):
        kept.transform(X[:, :4])


def test_deduplicated_indicators_tell_the_regression_once_per_missing_modality():
    split = _first_split("synthetic:10@missing=0.3,informative")
    layout = l4l.like_for_like_setting("synthetic:10").layout
    once = like_for_like_anchor(
        "LogReg (balanced), mean imputation with deduplicated indicators", 0, quick=True)
    per_feature = like_for_like_anchor(
        "LogReg (balanced), mean imputation with indicators", 0, quick=True)
    features = [search.estimator[:-1].fit(split.X_train, split.y_train)
                .transform(split.X_train) for search in (once, per_feature)]
    width = sum(layout.values())
    absent = absent_modalities(split.X_train, modality_columns(layout))
    # the imputed features, then one indicator per modality absent somewhere in training
    np.testing.assert_allclose(features[0][:, :width], features[1][:, :width])
    assert features[0].shape[1] == width + absent.any(axis=0).sum() < features[1].shape[1]
    np.testing.assert_array_equal(features[0][:, width:], absent[:, absent.any(axis=0)])
