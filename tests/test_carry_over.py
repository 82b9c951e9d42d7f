"""Carrying like-for-like records over from another run."""

from __future__ import annotations

import json
import os

import pytest
from conftest import load_script

from climd_sklearn.benchmark import _like_for_like as l4l
from climd_sklearn.benchmark._records import _jsonable
from climd_sklearn.benchmark._runner import cpu_model

# --- carrying records over from another run -------------------------------------------------


def test_split_keys_are_the_run_s_splits_without_loading_data():
    from climd_sklearn.benchmark._carry_over import split_keys

    assert split_keys(["rosmap:5", "mfeat:100"], 2, 25) == [
        ("ROSMAP IR 5", 25), ("ROSMAP IR 5", 26), ("mfeat LT rho 100", 25),
        ("mfeat LT rho 100", 26)]
    assert len(split_keys(["rosmap:10", "synthetic:10"])) == 25 + 25  # the default numbers


def test_carry_over_copies_only_fits_the_run_would_repeat(tmp_path):
    from climd_sklearn.benchmark._carry_over import carry_over_records

    recipe = {"wd_member_spread": True}
    specs = l4l.resolve_methods(["LogReg (balanced)", "CE"])
    source = tmp_path / "source"
    source.mkdir()
    records = [{"protocol": "full", "setting": "S", "split": i, "method": m, "n_train": 10,
                "cpu": "CPU A", "spec": _jsonable(specs[m]),
                "scores": {"e": {"f1_macro": 0.5 + i / 8}}}
               for i in range(3) for m in specs]
    records[0]["copied_from"] = "an older run"
    (source / l4l.RECORDS_FILE).write_text("".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out"
    anchor = l4l.resolve_methods(["LogReg (balanced)"], recipe=recipe)
    assert anchor == {"LogReg (balanced)": specs["LogReg (balanced)"]}  # the recipe misses it
    keys = [("S", 0), ("S", 1)]
    assert carry_over_records(str(out), str(source), anchor, keys, cpu="CPU A") == 2
    copied = [json.loads(line) for line in open(out / l4l.RECORDS_FILE)]
    assert [(r["split"], r["method"]) for r in copied] == [(0, "LogReg (balanced)"),
                                                          (1, "LogReg (balanced)")]
    assert [r["scores"] for r in copied] == [records[0]["scores"], records[2]["scores"]]
    assert [r["copied_from"] for r in copied] == [
        f"{source}; before that: an older run", str(source)]
    # the same command again (a resumed run) copies nothing and changes nothing
    text = (out / l4l.RECORDS_FILE).read_text()
    assert carry_over_records(str(out), str(source / l4l.RECORDS_FILE), anchor, keys,
                              cpu="CPU A") == 0
    assert (out / l4l.RECORDS_FILE).read_text() == text
    refusals = [
        # the recipe reaches the neural method: its stored fit is not this run's
        (l4l.resolve_methods(["CE"], recipe=recipe), keys,
         r"'CE' was fitted in .* under the spec .* and this run gives it .*wd_member_spread"),
        (anchor, [("S", 3), ("S", 4)],
         r"no 'full' record of 'LogReg \(balanced\)' on 2 of the 2 splits, the first \('S', 3\)"),
    ]
    for wanted, wanted_keys, message in refusals:
        with pytest.raises(ValueError, match=message):
            carry_over_records(str(out), str(source), wanted, wanted_keys, cpu="CPU A")
        assert (out / l4l.RECORDS_FILE).read_text() == text  # nothing written
    # a different fit of the same key is already there
    other = dict(records[5], scores={"e": {"f1_macro": 0.1}})  # split 2, CE
    with open(out / l4l.RECORDS_FILE, "a") as fh:
        fh.write(json.dumps(other) + "\n")
    with pytest.raises(ValueError, match=r"already holds another record of \('S', 2, 'CE'\)"):
        carry_over_records(str(out), str(source), {"CE": specs["CE"]}, [("S", 2)],
                           cpu="CPU A")
    with pytest.raises(ValueError, match="is the run's own records file"):
        carry_over_records(str(out), str(out), anchor, keys)
    with pytest.raises(ValueError, match="holds no records file"):
        carry_over_records(str(out), str(tmp_path / "nowhere"), anchor, keys)


def test_carry_over_refuses_a_record_fitted_on_another_cpu_model(tmp_path):
    # wide cohorts' float32 fits differ between CPU models (research.md, the inner-CV test of
    # the heads' loss): such a record is not the fit this run would make
    from climd_sklearn.benchmark._carry_over import carry_over_records
    from climd_sklearn.benchmark._runner import cpu_model

    specs = l4l.resolve_methods(["LogReg (balanced)"])
    rec = {"protocol": "full", "setting": "S", "split": 0, "method": "LogReg (balanced)",
           "n_train": 10, "spec": _jsonable(specs["LogReg (balanced)"]), "scores": {}}
    source = tmp_path / "source"
    source.mkdir()
    out = tmp_path / "out"
    for stored, fitted_on in [({"cpu": "CPU B"}, "on 'CPU B'"),
                              ({}, "before records stored their CPU")]:
        (source / l4l.RECORDS_FILE).write_text(json.dumps({**rec, **stored}) + "\n")
        with pytest.raises(ValueError, match=rf"'LogReg \(balanced\)' on \('S', 0\) was "
                           rf"fitted in .* {fitted_on}, and this run fits on 'CPU A': refit "
                           r"it here, or pass any_cpu=True \(--carry-any-cpu\)"):
            carry_over_records(str(out), str(source), specs, [("S", 0)], cpu="CPU A")
        assert not (out / l4l.RECORDS_FILE).exists()  # nothing written
        assert carry_over_records(str(out), str(source), specs, [("S", 0)], cpu="CPU A",
                                  any_cpu=True) == 1
        (out / l4l.RECORDS_FILE).unlink()
    # the machine's own CPU model by default
    (source / l4l.RECORDS_FILE).write_text(json.dumps({**rec, "cpu": cpu_model()}) + "\n")
    assert carry_over_records(str(out), str(source), specs, [("S", 0)]) == 1


def test_carry_over_refuses_a_record_whose_preset_changed(tmp_path):
    from climd_sklearn.benchmark._carry_over import carry_over_records

    specs = l4l.resolve_methods(["CLIMD (default)"])
    preset = l4l.variant_params(specs["CLIMD (default)"], 100, False)
    rec = {"protocol": "full", "setting": "S", "split": 0, "method": "CLIMD (default)",
           "n_train": 100, "cpu": "CPU A", "spec": _jsonable(specs["CLIMD (default)"]),
           "variant_params": {**preset, "max_epochs": 99}, "scores": {}}
    (tmp_path / l4l.RECORDS_FILE).write_text(json.dumps(rec) + "\n")
    with pytest.raises(ValueError, match=r"preset values .*'max_epochs': \(99, 30\)"):
        carry_over_records(str(tmp_path / "out"), str(tmp_path), specs, [("S", 0)],
                           cpu="CPU A")
    assert not (tmp_path / "out").exists()


def test_a_rerun_with_a_recipe_carries_the_anchor_and_refits_the_net(tmp_path):
    script = load_script("like_for_like")
    first, rerun = str(tmp_path / "first"), str(tmp_path / "rerun")
    common = ["--quick", "--splits", "1", "--settings", "synthetic:10", "--jobs", "1",
              "--no-progress"]
    script.main([*common, "--methods", "CE", "LogReg (balanced)", "--out", first])
    script.main([*common, "--methods", "CE", "--out", rerun, "--recipe",
                 '{"wd_member_spread": true}', "--carry-over", first,
                 "--carry", "LogReg (balanced)"])
    before = {r["method"]: r for r in map(json.loads, open(os.path.join(
        first, l4l.RECORDS_FILE)))}
    after = {r["method"]: r for r in map(json.loads, open(os.path.join(
        rerun, l4l.RECORDS_FILE)))}
    assert after["LogReg (balanced)"] == {**before["LogReg (balanced)"], "copied_from": first}
    assert "copied_from" not in after["CE"]
    assert after["CE"]["spec"]["overrides"]["wd_member_spread"] is True
    config = json.load(open(os.path.join(rerun, "like_for_like.json")))["config"]
    assert "--carry-over" in config["command"]
    assert set(config["methods"]) == {"CE", "LogReg (balanced)"}
    with pytest.raises(ValueError, match="'CE' was fitted in"):  # the recipe reaches CE
        script.main([*common, "--methods", "LogReg (balanced)", "--out", str(tmp_path / "x"),
                     "--recipe", '{"wd_member_spread": true}', "--carry-over", first,
                     "--carry", "CE"])


def test_carry_any_cpu_lets_a_rerun_carry_records_of_another_cpu(tmp_path):
    script = load_script("like_for_like")
    first = tmp_path / "first"
    common = ["--quick", "--splits", "1", "--settings", "synthetic:10", "--jobs", "1",
              "--no-progress", "--methods", "CE", "--carry-over", str(first),
              "--carry", "LogReg (balanced)"]
    script.main(["--quick", "--splits", "1", "--settings", "synthetic:10", "--jobs", "1",
                 "--no-progress", "--methods", "LogReg (balanced)", "--out", str(first)])
    path = first / l4l.RECORDS_FILE
    path.write_text("".join(json.dumps({**json.loads(line), "cpu": "another CPU"}) + "\n"
                            for line in path.read_text().splitlines()))
    with pytest.raises(ValueError, match="fitted in .* on 'another CPU'"):
        script.main([*common, "--out", str(tmp_path / "refused")])
    script.main([*common, "--out", str(tmp_path / "carried"), "--carry-any-cpu"])
    carried = [json.loads(line) for line in open(tmp_path / "carried" / l4l.RECORDS_FILE)]
    assert {(r["method"], r["cpu"]) for r in carried} == {
        ("LogReg (balanced)", "another CPU"), ("CE", cpu_model())}


@pytest.mark.parametrize("args, message", [
    (["--carry-over", "somewhere"], "go together"),
    (["--carry", "BRF"], "go together"),
    (["--carry-over", "a", "--carry", "BRF", "--swap-in", "b"], "does not go with"),
    (["--carry-any-cpu"], "--carry-any-cpu goes with --carry-over"),
])
def test_carry_over_options_that_cannot_work_are_refused(args, message, capsys):
    with pytest.raises(SystemExit):
        load_script("like_for_like").parse_args(args)
    assert message in capsys.readouterr().err
