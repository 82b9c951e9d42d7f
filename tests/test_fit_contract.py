"""What fit promises: a schedule that can finish, untouched parameters, resumable training."""

import pickle
import re

import numpy as np
import pytest
import torch
from conftest import FAST
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from skorch.callbacks import Callback, Checkpoint, LoadInitState

from climd_sklearn import CLIMDClassifier, SliceDict
from climd_sklearn.curriculum import CLIMDScheduler, LinearScheduler, class_quotas

# ------------------------------------------------------------------ a schedule that can finish


def test_a_curriculum_longer_than_the_fit_is_an_error(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=3), curriculum_epochs=100)
    with pytest.raises(ValueError, match=r"curriculum_epochs=100 is larger than max_epochs=3"):
        clf.fit(X, y)
    # the default T is max_epochs, so the preset alone never starves training
    with pytest.raises(ValueError, match=r"curriculum_epochs=31 is larger than max_epochs=30"):
        CLIMDClassifier(curriculum_epochs=31).fit(X, y)


def test_no_curriculum_trains_on_every_sample_every_epoch(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), curriculum=None)
    assert clf.fit(X, y).net_.history[:, "subset_size"] == [len(y)] * 2


@pytest.mark.parametrize("curriculum, name, value", [
    (None, "order", "asc"), (None, "curriculum_epochs", 9), (None, "gamma", 0.5),
    (None, "alpha", 0.4), ("root", "gamma", 0.5), ("linear", "alpha", 0.4),
])
def test_a_schedule_parameter_no_schedule_uses_is_an_error(data, curriculum, name, value):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), curriculum=curriculum, **{name: value})
    with pytest.raises(ValueError, match=rf"{name}={value!r} has no effect with "
                                         rf"curriculum={curriculum!r}"):
        clf.fit(X, y)
    assert not hasattr(clf, "net_")


def test_with_warm_start_the_curriculum_finishes_over_several_fits(data):
    X, y = data
    counts = np.bincount(y)
    clf = CLIMDClassifier(
        **dict(FAST, max_epochs=2), curriculum_epochs=4, warm_start=True, random_state=0
    )
    with pytest.warns(UserWarning, match="curriculum_epochs=4 is larger than max_epochs=2"):
        clf.fit(X, y)
    clf.fit(X, y)  # continues at epoch 3 of 4
    h = clf.net_.history
    expected = [class_quotas(counts, t, 4, exponent_rule="zipf").tolist() for t in (1, 2, 3, 4)]
    assert h[:, "class_counts"] == expected
    assert h[-1, "class_counts"] == counts.tolist()


# ------------------------------------------------------------------ constructor parameters


class _Recorder(Callback):
    def __init__(self, tag="x"):
        self.tag = tag

    def initialize(self):
        self.seen_epochs_ = []
        return self

    def on_epoch_end(self, net, **kwargs):
        self.seen_epochs_.append(len(net.history))


def test_fit_leaves_user_callbacks_untouched(data, tmp_path):
    X, y = data
    recorder = _Recorder()
    checkpoint = Checkpoint(monitor="train_loss_best", dirname=str(tmp_path))
    before = pickle.dumps(checkpoint)
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), callbacks=[recorder, ("cp", checkpoint)])
    clf.fit(X, y)
    assert not hasattr(recorder, "seen_epochs_")  # the instance given was not trained
    trained = [cb for _, cb in clf.net_.callbacks_ if isinstance(cb, _Recorder)]
    assert trained[0].seen_epochs_ == [1, 2] and trained[0] is not recorder
    assert clf.get_params()["callbacks"][0] is recorder
    assert pickle.dumps(checkpoint) == before  # skorch's set_params/initialize hit a copy


def test_fit_leaves_a_scheduler_instance_untouched_and_clones_it(data):
    X, y = data
    scheduler = LinearScheduler(initial_fraction=0.5)
    clf = CLIMDClassifier(**FAST, curriculum=scheduler, random_state=0).fit(X, y)
    assert scheduler.get_params() == LinearScheduler(initial_fraction=0.5).get_params()
    used = dict(clf.net_.callbacks_)["curriculum"].scheduler
    assert used is not scheduler
    assert used.n_epochs == FAST["max_epochs"] and used.min_size == FAST["batch_size"]
    # ceil(lambda(t) * n) with lambda(t) = 0.5 + 0.5 * t / T
    n, T = len(y), FAST["max_epochs"]
    expected = [min(n, int(np.ceil((0.5 + 0.5 * t / T) * n - 1e-9))) for t in range(1, T + 1)]
    assert clf.net_.history[:, "subset_size"] == expected


def test_scheduler_parameters_are_nested_parameters_of_the_estimator(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), curriculum=LinearScheduler())
    assert clf.get_params()["curriculum__initial_fraction"] == 0.33
    assert clone(clf).set_params(curriculum__initial_fraction=0.9).curriculum.initial_fraction \
        == 0.9
    grid = GridSearchCV(
        clf, {"curriculum__initial_fraction": [0.2, 0.9]}, cv=StratifiedKFold(2),
        error_score="raise",
    ).fit(SliceDict(**X), y)
    assert [p["curriculum__initial_fraction"] for p in grid.cv_results_["params"]] == [0.2, 0.9]
    assert clf.curriculum.initial_fraction == 0.33  # the search cloned it


def test_t_gamma_and_alpha_belong_to_the_estimator(data):
    X, y = data
    with pytest.raises(ValueError, match="sets n_epochs; T belongs to the estimator"):
        CLIMDClassifier(**FAST, curriculum=LinearScheduler(n_epochs=3)).fit(X, y)
    with pytest.raises(ValueError, match=r"sets gamma=0.5, but gamma is CLIMD's"):
        CLIMDClassifier(**FAST, curriculum=CLIMDScheduler(gamma=0.5)).fit(X, y)
    # agreeing values are fine, and the estimator's gamma reaches the scheduler
    clf = CLIMDClassifier(
        **FAST, gamma=0.5, curriculum=CLIMDScheduler(gamma=0.5, exponent_rule="eq6")
    ).fit(X, y)
    assert dict(clf.net_.callbacks_)["curriculum"].scheduler.gamma == 0.5


def test_gamma_that_would_do_nothing_is_an_error(data):
    X, y = data
    with pytest.raises(ValueError, match=r"gamma=3.0 has no effect here: under the Zipf"):
        CLIMDClassifier(**FAST, gamma=3.0).fit(X, y)
    counts = np.bincount(y)
    for kw, rule in (({"alpha": 4.0}, "zipf"), ({"variant": "paper"}, "eq6")):
        clf = CLIMDClassifier(**FAST, gamma=3.0, random_state=0, **kw).fit(X, y)
        alpha = kw.get("alpha")
        expected = [class_quotas(counts, t, 6, gamma=3.0, alpha=alpha, exponent_rule=rule)
                    .tolist() for t in range(1, 7)]
        assert clf.net_.history[:, "class_counts"] == expected
        default = [class_quotas(counts, t, 6, alpha=alpha, exponent_rule=rule).tolist()
                   for t in range(1, 7)]
        assert expected != default  # there, gamma does change the schedule


def test_curriculum_must_be_a_name_a_scheduler_or_none(data):
    X, y = data
    with pytest.raises(ValueError, match="'curriculum' parameter of CLIMDClassifier must be"):
        CLIMDClassifier(**FAST, curriculum=object()).fit(X, y)


def test_the_variant_picks_the_exponent_rule(data):
    X, y = data
    counts = np.bincount(y)
    for variant, rule in (("improved", "zipf"), ("paper", "eq6")):
        clf = CLIMDClassifier(**FAST, variant=variant, random_state=0).fit(X, y)
        expected = [class_quotas(counts, t, 6, exponent_rule=rule).tolist() for t in range(1, 7)]
        assert clf.net_.history[:, "class_counts"] == expected


def test_dict_class_weight_goes_through_compute_class_weight(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1), loss="ce", class_weight={0: 1.0, 2: 5.0})
    weight = clf.fit(X, y).net_.criterion_.weight
    np.testing.assert_array_equal(weight.numpy(), [1.0, 1.0, 5.0])


# ------------------------------------------------------------------ resuming


def test_warm_start_on_a_different_number_of_samples_rescores(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=4), rescore_every=3, warm_start=True,
                          curriculum_epochs=8, order="asc", member_subsets=False,
                          random_state=0)
    with pytest.warns(UserWarning):
        clf.fit(X, y)
    half = np.r_[np.flatnonzero(y == 0)[:20], np.flatnonzero(y != 0)]
    clf.fit({k: v[half] for k, v in X.items()}, y[half])  # epoch 5: no rescoring due
    assert dict(clf.net_.callbacks_)["curriculum"].scores_.shape == (len(half),)
    counts = np.bincount(y[half])
    assert clf.net_.history[4, "class_counts"] == class_quotas(counts, 5, 8).tolist()


@pytest.mark.parametrize("change, named", [
    ({"hidden_dims": (32, 32)}, "hidden_dims ((16,) -> (32, 32))"),
    ({"lr": 0.5}, "lr (0.01 -> 0.5)"),
    ({"loss": "focal"}, "loss (None -> 'focal')"),
    ({"class_weight": {0: 1.0, 1: 5.0, 2: 1.0}}, "class_weight (None -> {0: 1.0, 1: 5.0"),
    ({"curriculum": LinearScheduler(initial_fraction=0.5)}, "curriculum ('climd' -> Linear"),
])
def test_a_warm_start_fit_refuses_parameters_changed_since_the_first(data, change, named):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1), warm_start=True).fit(X, y)
    clf.set_params(**change)
    with pytest.raises(ValueError, match=re.escape(f"since its first fit: {named}")):
        clf.fit(X, y)


def test_a_warm_start_fit_takes_what_it_reads_again(data):
    X, y = data
    schedule = LinearScheduler(initial_fraction=0.5)
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1), warm_start=True, curriculum=schedule,
                          modalities=None, class_weight={0: 1.0, 1: 2.0, 2: 1.0}).fit(X, y)
    clf.set_params(max_epochs=2, random_state=3, verbose=0, device="cpu",
                   curriculum=LinearScheduler(initial_fraction=0.5),  # an equal copy
                   class_weight={0: 1.0, 1: 2.0, 2: 1.0})
    clf.fit(X, y)
    assert len(clf.net_.history) == 3


def test_a_warm_start_fit_checks_its_targets(data):
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=1), warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match=re.escape("X has 63 samples, but y has 58")):
        clf.fit(X, y[:-5])  # its last five rows would have been left out
    with pytest.raises(ValueError, match=re.escape("X has 10 samples, but y has 63")):
        clf.fit({k: v[:10] for k, v in X.items()}, y)  # an IndexError
    with pytest.raises(ValueError, match="Unknown label type"):
        clf.fit(X, y + 0.5)


def test_checkpoint_without_validation_resumes_with_monitor_train_loss(data, tmp_path):
    X, y = data
    kw = dict(FAST, max_epochs=2, curriculum_epochs=4, warm_start=True, random_state=0)
    with pytest.warns(UserWarning):
        CLIMDClassifier(**kw, callbacks=[
            Checkpoint(monitor="train_loss_best", dirname=str(tmp_path))]).fit(X, y)
    resumed = CLIMDClassifier(**kw, callbacks=[
        LoadInitState(Checkpoint(monitor="train_loss_best", dirname=str(tmp_path)))])
    with pytest.warns(UserWarning):
        resumed.fit(X, y)
    assert len(resumed.net_.history) == 4
    assert resumed.net_.history[-1, "class_counts"] == np.bincount(y).tolist()


def test_a_model_loaded_without_cuda_continues_training_on_the_cpu(data):
    if torch.cuda.is_available():
        pytest.skip("this simulation needs a machine without CUDA")
    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), warm_start=True, random_state=0).fit(X, y)
    clf.set_params(device="cuda")  # as a GPU-fitted model reads after loading here
    with pytest.raises(ValueError, match=r"set_params\(device='cpu'\) before the warm-start"):
        clf.fit(X, y)
    clf.set_params(device="cpu").fit(X, y)
    assert len(clf.net_.history) == 4


def test_random_order_keeps_the_schedule_and_skips_the_scoring_pass(data, monkeypatch):
    from climd_sklearn.training import CurriculumScheduling

    X, y = data
    calls = []
    original = CurriculumScheduling._score
    monkeypatch.setattr(CurriculumScheduling, "_score",
                        lambda self, *a, **k: calls.append(1) or original(self, *a, **k))
    counts = np.bincount(y)
    clf = CLIMDClassifier(**FAST, order="random", random_state=0).fit(X, y)
    assert calls == []
    assert "score_mean" not in clf.net_.history[0]
    expected = [class_quotas(counts, t, 6).tolist() for t in range(1, 7)]
    assert clf.net_.history[:, "class_counts"] == expected
    CLIMDClassifier(**FAST, order="asc", rescore_every=5, random_state=0).fit(X, y)
    assert len(calls) == 2  # a score order scores every rescore_every epochs: 1 and 6 of 6
    calls.clear()
    # a score order's variant value (round 42): every epoch
    CLIMDClassifier(**FAST, order="weighted", random_state=0).fit(X, y)
    assert len(calls) == FAST["max_epochs"]
    calls.clear()
    CLIMDClassifier(**FAST, random_state=0).fit(X, y)  # the default (round 43): no scoring
    assert calls == []


def test_an_ensemble_module_trains_each_member_on_its_own_loss(data):
    from climd_sklearn.modules import EnsembleFusionNet

    X, y = data
    clf = CLIMDClassifier(EnsembleFusionNet, module_kwargs={"n_members": 3}, random_state=0,
                          **FAST).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    net = clf.net_
    Xt = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in X.items()}
    yt = torch.as_tensor(y)
    with torch.no_grad():
        out = net.module_.train()(Xt)
        net.module_.eval()
        loss = net.get_loss(out, yt, X=Xt)
        per_member = [net.criterion_(out[0][k], yt) + np.mean([
            float(net.criterion_(out[1][m][k], yt)) for m in range(2)]) for k in range(3)]
    # the sum of the members' own losses: each member trains as the same net alone would
    assert float(loss) == pytest.approx(float(np.sum(per_member)), rel=1e-5)


def test_the_scoring_pass_streams_batches_and_keeps_n_numbers(data, monkeypatch):
    from climd_sklearn.training import CurriculumScheduling, _callbacks

    X, y = data
    clf = CLIMDClassifier(**dict(FAST, max_epochs=2), order="asc", member_subsets=False,
                          random_state=0).fit(X, y)
    callback = dict(clf.net_.callbacks_)["curriculum"]
    dataset = clf.net_.get_dataset({k: v.astype(np.float32) for k, v in X.items()}, y)
    whole = callback._score(clf.net_, dataset, y)
    seen = []
    original = _callbacks.difficulty_score
    monkeypatch.setattr(_callbacks, "difficulty_score",
                        lambda lp, *a, **k: seen.append(lp[0].shape) or original(lp, *a, **k))
    streamed = CurriculumScheduling(order="asc", scoring_batch_size=10)._score(
        clf.net_, dataset, y)
    assert seen == [(10, 3)] * 6 + [(3, 3)]  # 63 rows, 10 at a time: never all N x C at once
    assert streamed.shape == (len(y),)
    # the same scores, to the float32 network's batch-size-dependent rounding
    np.testing.assert_allclose(streamed, whole, rtol=0, atol=1e-6)
