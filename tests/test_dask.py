"""Scale-out: a GridSearchCV over CLIMDClassifier on a local Dask cluster equals the serial one.

Skipped when dask or distributed is not installed (``pip install climd-sklearn[dask]``).
"""

import numpy as np
import pytest

pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402

from climd_sklearn import CLIMDClassifier, SliceDict  # noqa: E402
from climd_sklearn.datasets import make_multimodal_classification  # noqa: E402

PARAM_GRID = {"curriculum": ["climd", None]}


def _one_torch_thread() -> int:
    """Run on every worker: one torch thread, as in the test process (see conftest)."""
    import torch

    torch.set_num_threads(1)
    return torch.get_num_threads()


def _search() -> GridSearchCV:
    estimator = CLIMDClassifier(
        max_epochs=3,
        lr=1e-2,
        batch_size=16,
        hidden_dims=(16,),
        embedding_dim=8,
        random_state=0,
    )
    return GridSearchCV(
        estimator,
        PARAM_GRID,
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="f1_macro",
        n_jobs=-1,
        error_score="raise",
    )


@pytest.fixture(scope="module")
def data():
    X, y = make_multimodal_classification(
        90,
        n_modalities=2,
        n_features=[6, 4],
        n_classes=3,
        weights=[0.6, 0.3],
        random_state=0,
    )
    return SliceDict(**X), y


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        assert set(client.run(_one_torch_thread).values()) == {1}
        yield client


def test_grid_search_on_dask_equals_serial(client, data):
    X, y = data
    with joblib.parallel_config(backend="sequential"):
        serial = _search().fit(X, y)
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_config(backend="dask"):
            scaled = _search().fit(X, y)

    # the fits really ran on the cluster's workers
    assert stream.data
    assert {task["worker"] for task in stream.data} <= set(client.scheduler_info()["workers"])

    assert scaled.cv_results_["params"] == serial.cv_results_["params"]
    assert [p["curriculum"] for p in serial.cv_results_["params"]] == ["climd", None]
    np.testing.assert_array_equal(
        scaled.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"]
    )
    for split in range(3):
        key = f"split{split}_test_score"
        np.testing.assert_array_equal(scaled.cv_results_[key], serial.cv_results_[key])
    assert scaled.best_params_ == serial.best_params_
    np.testing.assert_array_equal(scaled.predict_proba(X), serial.predict_proba(X))


def test_dask_backend_runs_tasks_on_the_workers(client):
    """The dask backend sends joblib's tasks to the worker processes, not the test process."""
    import os

    with joblib.parallel_config(backend="dask"):
        pids = joblib.Parallel()(joblib.delayed(os.getpid)() for _ in range(8))
    worker_pids = set(client.run(os.getpid).values())
    assert set(pids) <= worker_pids
    assert os.getpid() not in pids
