"""fetch_mogonet: downloads from a local HTTP server, checksums, atomic writes, the cache.

Every download goes to a server on 127.0.0.1 that serves a copy of ``../shared/data/ROSMAP``
(byte-identical to the files of the pinned MOGONET commit); an autouse fixture points the
source URL at a closed local port, so no test can reach beyond 127.0.0.1.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import multiprocessing
import os
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import needs_rosmap

from climd_sklearn.benchmark import DEFAULT_ROSMAP
from climd_sklearn.datasets import fetch_mogonet, load_mogonet

MANIFEST = (Path(__file__).resolve().parents[1] / "climd_sklearn" / "datasets" / "data"
            / "mogonet_manifest.tsv")
COMMIT = "32d9066b7fe289b3f7cdb496a5668834079c274c"


def _expected(name: str) -> dict[str, str]:
    """``{file: git blob sha1}`` of the CSV files of ``name`` in the shipped manifest."""
    rows = [line.split("\t") for line in MANIFEST.read_text().splitlines()
            if line and not line.startswith("#")]
    return {path.split("/")[1]: sha1 for path, sha1, _ in rows
            if path.startswith(f"{name}/") and path.endswith(".csv")}


def _blob_sha1(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _assert_only_verified_files(folder: Path) -> None:
    """Every file in the cache folder is a MOGONET file with the right checksum."""
    expected = _expected("ROSMAP")
    for name in os.listdir(folder) if folder.exists() else []:
        assert name in expected, f"stray file {name} in the cache"
        assert _blob_sha1(folder / name) == expected[name], f"{name} looks complete but is bad"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, records each GET, can cut chosen files short or answer slowly."""

    def log_message(self, *args):  # keep pytest's output clean
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        server = self.server
        server.requests.append(self.path)
        filename = self.path.rsplit("/", 1)[-1]
        if filename in server.drop:
            data = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        time.sleep(server.delay)
        super().do_GET()


class _Server:
    """A threaded HTTP server on 127.0.0.1 serving ``root``."""

    def __init__(self, root: Path):
        handler = functools.partial(_Handler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.requests, self.httpd.drop, self.httpd.delay = [], set(), 0.0
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,),
                                       daemon=True)
        self.thread.start()
        self.open = True

    @property
    def requests(self) -> list[str]:
        return self.httpd.requests

    def close(self) -> None:
        if self.open:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.open = False


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """No real cache, no real home, and a source URL that goes nowhere unless a test says so."""
    monkeypatch.delenv("CLIMD_SKLEARN_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLIMD_SKLEARN_MOGONET_URL", _closed_port_url())


@pytest.fixture
def serve(monkeypatch):
    """``serve(root)`` starts a server on ``root`` and makes it the download source."""
    servers = []

    def start(root: Path) -> _Server:
        server = _Server(root)
        servers.append(server)
        monkeypatch.setenv("CLIMD_SKLEARN_MOGONET_URL", server.url)
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def rosmap_server(tmp_path, serve):
    """A server whose ``ROSMAP/`` is a writable copy of ``../shared/data/ROSMAP``."""
    root = tmp_path / "served"
    shutil.copytree(DEFAULT_ROSMAP, root / "ROSMAP")
    server = serve(root)
    server.root = root / "ROSMAP"
    return server


@needs_rosmap
def test_fetch_rosmap_matches_load_mogonet(tmp_path, rosmap_server):
    home = tmp_path / "cache"
    data = fetch_mogonet("ROSMAP", data_home=home)
    folder = home / "mogonet" / "ROSMAP"
    assert sorted(os.listdir(folder)) == sorted(_expected("ROSMAP"))
    _assert_only_verified_files(folder)
    assert sorted(rosmap_server.requests) == sorted(f"/ROSMAP/{f}" for f in _expected("ROSMAP"))

    ref = load_mogonet(DEFAULT_ROSMAP)
    assert data.modality_names == ["mRNA", "meth", "miRNA"]
    assert data.train_index.tolist() == list(range(245))
    assert data.test_index.tolist() == list(range(245, 351))
    for name, k in zip(data.modality_names, ("1", "2", "3")):
        assert data.data[name].shape == (351, 200)
        assert np.array_equal(data.data[name][data.train_index], ref.X_train[k])
        assert np.array_equal(data.data[name][data.test_index], ref.X_test[k])
        assert data.feature_names[name] == ref.feature_names[k]
    assert data.target.dtype == np.int64
    assert np.array_equal(data.target[data.train_index], ref.y_train)
    assert np.array_equal(data.target[data.test_index], ref.y_test)
    assert data.target_names.tolist() == ["Normal Control", "Alzheimer's Disease"]
    assert COMMIT in data.DESCR and "AMP-AD" in data.DESCR


@needs_rosmap
def test_second_call_reads_the_cache_only(tmp_path, rosmap_server):
    first = fetch_mogonet("rosmap", data_home=tmp_path)
    n_requests = len(rosmap_server.requests)
    assert n_requests == len(_expected("ROSMAP"))
    rosmap_server.close()
    again = fetch_mogonet("ROSMAP", data_home=tmp_path)
    assert len(rosmap_server.requests) == n_requests
    assert np.array_equal(again.data["meth"], first.data["meth"])


@needs_rosmap
def test_corrupted_download_is_deleted(tmp_path, rosmap_server):
    served = rosmap_server.root / "2_te.csv"
    data = bytearray(served.read_bytes())
    data[100] = ord("7") if data[100] != ord("7") else ord("8")  # same size, other content
    served.write_bytes(bytes(data))
    with pytest.raises(OSError, match=r"ROSMAP/2_te\.csv.*deleted") as info:
        fetch_mogonet("ROSMAP", data_home=tmp_path)
    assert not isinstance(info.value, ConnectionError)
    folder = tmp_path / "mogonet" / "ROSMAP"
    assert not (folder / "2_te.csv").exists()
    _assert_only_verified_files(folder)


@needs_rosmap
def test_corrupted_cache_file_is_refused_then_replaced(tmp_path, rosmap_server):
    fetch_mogonet("ROSMAP", data_home=tmp_path)
    cached = tmp_path / "mogonet" / "ROSMAP" / "labels_tr.csv"
    data = bytearray(cached.read_bytes())
    data[0] = ord("1") if data[0] != ord("1") else ord("0")  # same size, other content
    cached.write_bytes(bytes(data))
    with pytest.raises(FileNotFoundError, match=r"labels_tr\.csv"):
        fetch_mogonet("ROSMAP", data_home=tmp_path, download_if_missing=False)
    n_requests = len(rosmap_server.requests)
    fetch_mogonet("ROSMAP", data_home=tmp_path)
    assert rosmap_server.requests[n_requests:] == ["/ROSMAP/labels_tr.csv"]
    _assert_only_verified_files(cached.parent)


@needs_rosmap
def test_connection_dropped_mid_file(tmp_path, rosmap_server):
    rosmap_server.httpd.drop = {"1_tr.csv"}
    with pytest.raises(ConnectionError, match=r"ROSMAP/1_tr\.csv.*cut after 612500 of 1225000"):
        fetch_mogonet("ROSMAP", data_home=tmp_path)
    folder = tmp_path / "mogonet" / "ROSMAP"
    assert not (folder / "1_tr.csv").exists()
    _assert_only_verified_files(folder)
    # the next call downloads what is missing, and only that
    rosmap_server.httpd.drop = set()
    done = {p.rsplit("/", 1)[-1] for p in rosmap_server.requests} - {"1_tr.csv"}
    n_requests = len(rosmap_server.requests)
    fetch_mogonet("ROSMAP", data_home=tmp_path)
    fetched = {p.rsplit("/", 1)[-1] for p in rosmap_server.requests[n_requests:]}
    assert fetched == set(_expected("ROSMAP")) - done
    _assert_only_verified_files(folder)


def test_offline_without_cache(tmp_path):
    with pytest.raises(ConnectionError, match=r"ROSMAP/1_featname\.csv.*CLIMD_SKLEARN_MOGONET_URL"):
        fetch_mogonet("ROSMAP", data_home=tmp_path)
    assert os.listdir(tmp_path / "mogonet" / "ROSMAP") == []


def test_http_error_is_a_connection_error(tmp_path, serve):
    (tmp_path / "empty").mkdir()
    server = serve(tmp_path / "empty")
    with pytest.raises(ConnectionError, match=r"BRCA/1_featname\.csv.*404"):
        fetch_mogonet("BRCA", data_home=tmp_path / "cache")
    assert server.requests == ["/BRCA/1_featname.csv"]
    assert os.listdir(tmp_path / "cache" / "mogonet" / "BRCA") == []


def test_default_source_is_the_pinned_commit(tmp_path, monkeypatch):
    monkeypatch.delenv("CLIMD_SKLEARN_MOGONET_URL")
    urls = []

    def offline(url, *args, **kwargs):
        urls.append(url)
        raise urllib.error.URLError("no network in this test")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(ConnectionError, match="no network in this test"):
        fetch_mogonet("BRCA", data_home=tmp_path)
    assert urls == [
        f"https://raw.githubusercontent.com/txWang/MOGONET/{COMMIT}/BRCA/1_featname.csv"]


def test_unknown_name(tmp_path):
    with pytest.raises(ValueError, match=r"'KIPAN'.*'BRCA', 'ROSMAP'"):
        fetch_mogonet("KIPAN", data_home=tmp_path)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name, n_files", [("BRCA", 11), ("rosmap", 11)])
def test_download_if_missing_false_with_empty_cache(tmp_path, serve, name, n_files):
    (tmp_path / "empty").mkdir()
    server = serve(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match=r"download_if_missing=False") as info:
        fetch_mogonet(name, data_home=tmp_path / "cache", download_if_missing=False)
    message = str(info.value)
    assert message.count(".csv") == n_files and "labels_te.csv" in message
    assert server.requests == []
    assert not (tmp_path / "cache").exists()


def test_data_home_precedence(tmp_path, monkeypatch):
    def cache_folder(**kwargs):
        with pytest.raises(FileNotFoundError) as info:
            fetch_mogonet("ROSMAP", download_if_missing=False, **kwargs)
        return str(info.value)

    home_default = str(tmp_path / "home" / "climd_sklearn_data" / "mogonet" / "ROSMAP")
    assert home_default in cache_folder()
    monkeypatch.setenv("CLIMD_SKLEARN_DATA", str(tmp_path / "env"))
    assert str(tmp_path / "env" / "mogonet" / "ROSMAP") in cache_folder()
    assert str(tmp_path / "arg" / "mogonet" / "ROSMAP") in cache_folder(
        data_home=tmp_path / "arg")
    monkeypatch.setenv("CLIMD_SKLEARN_DATA", "")  # empty means unset
    assert home_default in cache_folder()


@needs_rosmap
def test_environment_data_home_receives_the_files(tmp_path, monkeypatch, rosmap_server):
    monkeypatch.setenv("CLIMD_SKLEARN_DATA", str(tmp_path / "env"))
    fetch_mogonet("ROSMAP")
    assert len(os.listdir(tmp_path / "env" / "mogonet" / "ROSMAP")) == 11
    assert not (tmp_path / "home").exists()


def _fetch_in_child(barrier, home, results):
    barrier.wait(timeout=20)
    try:
        data = fetch_mogonet("ROSMAP", data_home=home)
        results.put(("ok", int(data.target.size)))
    except Exception as exc:  # reported to the parent
        results.put(("error", repr(exc)))


@needs_rosmap
@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                    reason="needs the fork start method (fast, no re-import)")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_two_processes_fetch_at_once(tmp_path, rosmap_server):
    rosmap_server.httpd.delay = 0.05  # both processes are mid-download at the same time
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_fetch_in_child, args=(barrier, tmp_path, results))
             for _ in range(2)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
    assert outcomes == [("ok", 351), ("ok", 351)]
    # both downloaded every file: they really raced for the same names
    assert len(rosmap_server.requests) == 2 * len(_expected("ROSMAP"))
    folder = tmp_path / "mogonet" / "ROSMAP"
    assert sorted(os.listdir(folder)) == sorted(_expected("ROSMAP"))
    _assert_only_verified_files(folder)


@needs_rosmap
def test_climd_bench_rosmap_uses_the_fetcher(tmp_path, monkeypatch, rosmap_server):
    from climd_sklearn.bench import run
    from climd_sklearn.benchmark import _data

    read = []
    real = _data.load_mogonet
    monkeypatch.setattr(_data, "load_mogonet", lambda path, **kw: read.append(path) or real(
        path, **kw))
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "data_home"
    result = run(["--dataset", "rosmap", "--quick", "--methods", "CE", "--data-home",
                  str(home), "--out", "out", "--no-progress", "--no-figure"])
    assert read == [str(home / "mogonet" / "ROSMAP")]
    assert len(rosmap_server.requests) == 11
    config = json.loads((tmp_path / "out" / "like_for_like.json").read_text())["config"]
    assert config["setting"] == "ROSMAP IR 10"
    # the default is always run: it is what the table compares with
    assert {r["method"] for r in result["records"]} == {"CE", "CLIMD (default)"}


def test_climd_bench_brca_full_runs_table2_on_the_fetched_folder(tmp_path, monkeypatch):
    from climd_sklearn.bench import run
    from climd_sklearn.benchmark import _protocols
    from climd_sklearn.datasets import _fetch

    fetched, calls = [], []

    def fake_fetch(name, data_home=None, download_if_missing=True):
        fetched.append((name, data_home))
        return tmp_path / "cache" / "mogonet" / "BRCA"

    def fake_protocol(name, **kwargs):
        calls.append((name, kwargs))
        md = tmp_path / "table.md"
        md.write_text("| method |\n")
        return {"records": [], "summary": [], "json": str(tmp_path / "t.json"), "md": str(md)}

    monkeypatch.setattr(_fetch, "_fetch_folder", fake_fetch)
    monkeypatch.setattr(_protocols, "run_protocol", fake_protocol)
    run(["--dataset", "brca", "--full", "--data-home", "dh", "--out", str(tmp_path),
         "--no-progress", "--no-figure"])
    assert fetched == [("brca", "dh")]
    [(name, kwargs)] = calls
    assert name == "comparison" and kwargs["runs"] == [0]
    assert kwargs["settings"] == [f"mogonet:{tmp_path / 'cache' / 'mogonet' / 'BRCA'}"]


def test_brca_setting_reads_the_fetched_folder(tmp_path, monkeypatch):
    from climd_sklearn.benchmark import _data

    folder = tmp_path / "BRCA"
    folder.mkdir()
    rng = np.random.RandomState(0)
    y_tr, y_te = np.repeat(np.arange(5), [8, 6, 4, 3, 2]), np.repeat(np.arange(5), 2)
    for k, width in ((1, 3), (2, 2)):
        np.savetxt(folder / f"{k}_tr.csv", rng.normal(size=(y_tr.size, width)), delimiter=",")
        np.savetxt(folder / f"{k}_te.csv", rng.normal(size=(y_te.size, width)), delimiter=",")
    np.savetxt(folder / "labels_tr.csv", y_tr.astype(float))
    np.savetxt(folder / "labels_te.csv", y_te.astype(float))
    asked = []
    monkeypatch.setattr(_data, "_fetch_folder", lambda name: asked.append(name) or folder)
    setting = _data.make_setting("brca")
    assert asked == ["BRCA"]
    assert setting.name == "BRCA" and setting.layout == {"1": 3, "2": 2}
    split = next(iter(setting.splits(1)))
    assert np.array_equal(split.y_train, y_tr)
    assert np.array_equal(split.evals["test"][1], y_te)


@pytest.mark.parametrize(("labels", "ok"), [([0, 1, 2, 1], False), ([0, 1, 1, 0], True)])
def test_fetch_checks_the_label_range_with_load_mogonets_check(tmp_path, monkeypatch, labels,
                                                                ok):
    # fetch_mogonet and load_mogonet share one label check: load_mogonet refuses labels below
    # 0, fetch_mogonet also those the data set's README does not name (ROSMAP: 0 and 1)
    from climd_sklearn.datasets import _fetch

    folder = tmp_path / "ROSMAP"
    folder.mkdir()
    for k in (1, 2, 3):
        for split in ("tr", "te"):
            np.savetxt(folder / f"{k}_{split}.csv", np.ones((4, 2)), delimiter=",")
    np.savetxt(folder / "labels_tr.csv", [0.0, 1.0, 0.0, 1.0])
    np.savetxt(folder / "labels_te.csv", np.asarray(labels, dtype=float))
    monkeypatch.setattr(_fetch, "_fetch_folder", lambda *args: folder)
    if ok:
        assert fetch_mogonet("ROSMAP").target.tolist() == [0, 1, 0, 1, *labels]
    else:
        with pytest.raises(ValueError, match=r"ROSMAP holds labels outside 0\.\.1 "
                                             r"\(for example 2\.0\)"):
            fetch_mogonet("ROSMAP")
