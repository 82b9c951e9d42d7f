"""scikit-learn's own estimator checks on the single-array path (one modality)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from climd_sklearn import CLIMDClassifier

# Small settings so each of the ~50 checks fits in a fraction of a second; lr 1e-2 so the
# accuracy check (> 0.83 on blobs) is met in 20 epochs.
CHECKED = CLIMDClassifier(lr=1e-2, max_epochs=20, batch_size=64, hidden_dims=(16,),
                          embedding_dim=16, random_state=0)

EXPECTED_FAILED_CHECKS: dict = {}


@parametrize_with_checks([CHECKED], expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
