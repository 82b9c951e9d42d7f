"""Usage errors of ``climd-bench``: every bad option fails at parse time, before any data is read.

None of these tests runs a benchmark: each command line either exits with argparse's usage
error (status 2) or is only parsed.
"""

from __future__ import annotations

import re

import pytest

from climd_sklearn.bench import _setting_spec, build_parser, main


class _WouldRun(Exception):
    """Raised instead of loading data or running a benchmark."""


@pytest.fixture(autouse=True)
def _no_benchmark(monkeypatch):
    """Should an option get past the parser, the test fails at once instead of running."""
    from climd_sklearn import benchmark
    from climd_sklearn.benchmark import _protocols
    from climd_sklearn.datasets import _fetch

    def refuse(*args, **kwargs):
        raise _WouldRun(f"the command got past the parser: {args} {kwargs}")

    monkeypatch.setattr(benchmark, "make_setting", refuse)
    monkeypatch.setattr(_protocols, "run_protocol", refuse)
    monkeypatch.setattr(_fetch, "_fetch_folder", refuse)


def _usage_error(capsys, argv: list[str]) -> str:
    """Run ``climd-bench argv``; it must stop with a usage error. Returns stderr."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: climd-bench")
    return err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # 0 used to fall through to the default ratio, < 1 to fail after loading the data
        (["--imbalance-ratio", "0"],
         r"argument --imbalance-ratio: expected a finite number >= 1, got '0'"),
        (["--imbalance-ratio", "-5"], r"argument --imbalance-ratio: .* got '-5'"),
        (["--imbalance-ratio", "0.5"], r"argument --imbalance-ratio: .* got '0.5'"),
        (["--imbalance-ratio", "nan"], r"argument --imbalance-ratio: .* got 'nan'"),
        (["--seeds", "-1"], r"argument --seeds: expected a positive integer, got '-1'"),
        (["--seeds", "0"], r"argument --seeds: expected a positive integer, got '0'"),
        (["--seeds", "2.5"], r"argument --seeds: expected a positive integer, got '2.5'"),
        (["--jobs", "0"], r"argument --jobs: expected a positive integer or -1, got '0'"),
        (["--jobs", "-2"], r"argument --jobs: expected a positive integer or -1, got '-2'"),
        (["--epochs", "0"], r"argument --epochs: expected a positive integer, got '0'"),
        (["--lr", "-1"], r"argument --lr: expected a positive finite number, got '-1'"),
        (["--lr", "0"], r"argument --lr: expected a positive finite number, got '0'"),
        (["--lr", "inf"], r"argument --lr: expected a positive finite number, got 'inf'"),
        (["--out", ""], r"argument --out: expected a path, got an empty string"),
        (["--mogonet", ""], r"argument --mogonet: expected a path, got an empty string"),
        (["--data-home", ""], r"argument --data-home: expected a path, got an empty string"),
    ],
)
def test_numbers_and_paths_are_checked_at_parse_time(capsys, argv, message):
    err = _usage_error(capsys, argv)
    assert re.search(message, err), err


def test_valid_numbers_parse():
    args = build_parser().parse_args(
        ["--imbalance-ratio", "1", "--seeds", "5", "--jobs", "-1", "--epochs", "1",
         "--lr", "0.01"])
    assert (args.imbalance_ratio, args.seeds, args.jobs, args.epochs, args.lr) == (
        1.0, 5, -1, 1, 0.01)
    defaults = build_parser().parse_args([])
    assert (defaults.seeds, defaults.jobs, defaults.epochs, defaults.lr) == (3, 1, None, None)


def test_imbalance_ratio_reaches_the_setting(monkeypatch, tmp_path):
    from climd_sklearn.datasets import _fetch

    parse = build_parser().parse_args
    monkeypatch.setattr(_fetch, "_fetch_folder", lambda name, home: tmp_path)
    assert _setting_spec(parse(["--dataset", "rosmap"])) == (
        "rosmap:10", {"rosmap_path": str(tmp_path)})
    assert _setting_spec(parse(["--dataset", "rosmap", "--imbalance-ratio", "1"])) == (
        "rosmap:1", {"rosmap_path": str(tmp_path)})
    assert _setting_spec(parse([])) == ("mfeat:100", {})
    assert _setting_spec(parse(["--imbalance-ratio", "1"])) == ("mfeat:1", {})
    assert _setting_spec(parse(["--dataset", "synthetic"])) == ("synthetic:10", {})
    assert _setting_spec(parse(["--dataset", "synthetic", "--imbalance-ratio", "2.5"])) == (
        "synthetic:2.5", {})


@pytest.mark.parametrize("option", [["--epochs", "3"], ["--seeds", "2"]])
def test_quick_refuses_what_it_would_override(capsys, option):
    # --quick trains 2 epochs on 1 split: an explicit --epochs / --seeds was silently replaced
    err = _usage_error(capsys, ["--quick", *option, "--methods", "CE"])
    assert f"{option[0]} cannot be combined with --quick, which runs 1 split of 2 epochs" in err
    args = build_parser().parse_args(["--quick", "--lr", "0.01", "--methods", "CE"])
    assert args.quick and args.lr == 0.01 and args.seeds == 3


def test_unknown_method_is_a_usage_error(capsys):
    err = _usage_error(capsys, ["--methods", "CE", "Foo"])
    assert "argument --methods: unknown method 'Foo'; known: 'CE', 'Weighted CE'" in err
    assert "'LogReg (balanced)'" in err and "--list-methods lists them all" in err
    err = _usage_error(capsys, ["--methods", "Balanced_softmax"])
    assert "(did you mean 'Balanced softmax'?)" in err
    args = build_parser().parse_args(["--methods", "CE", "Balanced softmax", "BRF"])
    assert args.methods == ["CE", "Balanced softmax", "BRF"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--methods", "CE"], "--methods does not apply to --full"),
        (["--seeds", "2"], "--seeds does not apply to --full"),
        (["--epochs", "2"], "--epochs does not apply to --full"),
        (["--lr", "0.1"], "--lr does not apply to --full"),
        (["--jobs", "2"], "--jobs does not apply to --full"),
        (["--dataset", "rosmap"], "--dataset rosmap does not apply to --full"),
        (["--imbalance-ratio", "5"], "--imbalance-ratio applies to --full only with --dataset"),
    ],
)
def test_full_refuses_options_it_would_ignore(capsys, argv, message):
    assert message in _usage_error(capsys, ["--full", *argv])


def test_full_with_brca_takes_its_options():
    args = build_parser().parse_args(["--full", "--dataset", "brca", "--imbalance-ratio", "5",
                                      "--data-home", "dh", "--no-figure"])
    assert args.full and args.imbalance_ratio == 5.0 and args.data_home == "dh"


def test_data_home_and_mogonet_folder(capsys, tmp_path):
    err = _usage_error(capsys, ["--data-home", "dh"])
    assert "--data-home applies only to --dataset rosmap or --dataset brca" in err
    err = _usage_error(capsys, ["--mogonet", str(tmp_path / "none")])
    assert "argument --mogonet: folder not found" in err
    args = build_parser().parse_args(["--mogonet", str(tmp_path), "--imbalance-ratio", "4"])
    assert _setting_spec(args) == (f"mogonet:{tmp_path}:4", {})
    assert _setting_spec(build_parser().parse_args(["--mogonet", str(tmp_path)])) == (
        f"mogonet:{tmp_path}", {})


def test_build_parser_docstring_describes_its_return():
    from numpydoc.docscrape import FunctionDoc

    [ret] = FunctionDoc(build_parser)["Returns"]
    assert ret.type == "argparse.ArgumentParser" and ret.desc
