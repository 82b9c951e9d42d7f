"""scikit-learn's own estimator checks on the single-array path (one modality)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from climd_sklearn import CLIMDClassifier

# Small settings so each of the ~50 checks fits in a fraction of a second; lr 1e-2 so the
# accuracy check (> 0.83 on blobs) is met in 20 epochs.
CHECKED = CLIMDClassifier(lr=1e-2, max_epochs=20, batch_size=64, hidden_dims=(16,),
                          embedding_dim=16, random_state=0)

#: Checks that cannot pass, and why. A weight of k scales a sample's loss; k repeated rows
#: are drawn k times per epoch and change every minibatch and the curriculum's quotas, so a
#: minibatch network fitted on repeated rows is another fit (scikit-learn marks the same
#: check as an expected failure for its own SGDClassifier and AdaBoostClassifier, and runs
#: it on its MLPClassifier only with the full-batch lbfgs solver). Weight 0 equals absence
#: exactly, and equal weights the unweighted fit: tests/test_sample_weight.py.
EXPECTED_FAILED_CHECKS: dict = {
    "check_sample_weight_equivalence_on_dense_data":
        "minibatch training: a weight of k is not k repeated rows (weight 0 is absence)",
}


@parametrize_with_checks([CHECKED], expected_failed_checks=lambda est: EXPECTED_FAILED_CHECKS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
