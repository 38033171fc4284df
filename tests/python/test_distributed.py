"""hpocr.distributed and `hpocr batch`: OCR on a Dask LocalCluster of worker processes.

One cluster of two single-threaded worker processes serves the module (starting one costs seconds); the CLI
test starts its own. Skips when Dask (python3-dask, python3-distributed) is not installed.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import import_hpocr, make_pdf
from test_cli_parity import assert_same_json

hpocr = import_hpocr()
distributed = pytest.importorskip("distributed", reason="Dask not installed (apt install python3-distributed)")
import dask  # noqa: E402
from hpocr import distributed as hd  # noqa: E402

# Workers cannot import this test module: what it sends them (KillOnce) travels by value.
import cloudpickle  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])

#: One line of known text per image (no spaces: see conftest.LINES).
TEXTS = ["INV-0001", "高性能", "Total:42.50", "hpocr", "2026-11-25", "识别", "Batch-7", "X9Y8Z7"]


def test_task_sizes_follow_the_cost_still_to_submit():
    # Uniform inputs: a quarter of each thread's share (100 inputs, 2 threads -> 12).
    assert hd.auto_task_size([1] * 100, 100, 2) == 12
    # A large input (a page among text lines) gets a task of its own, and small ones stop before it.
    assert hd.auto_task_size([1000] + [1] * 20, 1020, 2) == 1
    assert hd.auto_task_size([1] * 10 + [1000], 1010, 2) == 10
    # Never empty, never above the cap; the end of a run gets single inputs.
    assert hd.auto_task_size([5], 5, 64) == 1
    assert hd.auto_task_size([1] * 10000, 10000, 1) == 32


def test_input_cost_is_the_file_size(tmp_path):
    (tmp_path / "a.png").write_bytes(b"x" * 1234)
    assert hd.input_cost(str(tmp_path / "a.png")) == 1234
    assert hd.input_cost(str(tmp_path / "missing.png")) == 1  # reported by the task, with its reason


@pytest.fixture(scope="module")
def images(tmp_path_factory, ocr):
    """A directory of small rendered images, one line each."""
    if not hpocr._hpocr.find_font():
        pytest.skip("no font to render test text (fonts-noto-cjk)")
    directory = tmp_path_factory.mktemp("batch_in")
    for i, text in enumerate(TEXTS):
        hpocr._hpocr._write_image(str(directory / f"img_{i:02d}.png"), hpocr._hpocr._render_lines([text], 32))
    return directory


@pytest.fixture(scope="module")
def reference(ocr, images):
    """The single-process API's result per input path."""
    return {str(p): ocr.predict(str(p))[0].json["res"] for p in sorted(images.iterdir())}


@pytest.fixture(scope="module")
def client(ocr):
    # allowed-failures 1 (Dask's default is 3): a task is given up after its second worker death, which keeps
    # the crash tests short.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        cluster = hd.local_cluster(2, 1)  # the cluster hpocr batch starts
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def result_files(directory):
    return sorted(p.name for p in directory.iterdir() if p.name.endswith("_res.json"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def rebased(reference, directory):
    """The reference results for copies of the images in ``directory``."""
    moved = {}
    for path, result in reference.items():
        new = str(directory / os.path.basename(path))
        moved[new] = {**result, "input_path": new}
    return moved


def assert_results_match(save_dir, reference):
    assert result_files(save_dir) == sorted(hd.result_file_name(p) for p in reference)
    for path, expected in reference.items():
        assert_same_json(load(save_dir / hd.result_file_name(path)), expected)


# --- inputs (no cluster) ---------------------------------------------------------------------------------------


def test_expand_inputs_directory_glob_and_list(images, tmp_path):
    files = [str(p) for p in sorted(images.iterdir())]
    assert hd.expand_inputs(str(images)) == files
    assert hd.expand_inputs(str(images / "img_0[12].png")) == files[1:3]
    listing = tmp_path / "inputs.txt"
    rel = os.path.relpath(files[3], tmp_path)
    listing.write_text(f"# comment\n{rel}\n\n{files[0]}\n{files[0]}\n", encoding="utf-8")
    assert hd.expand_inputs(str(listing)) == [files[3], files[0]]  # relative to the list, duplicates dropped
    assert hd.expand_inputs([str(images / "img_00.png"), str(images)]) == files


def test_expand_inputs_errors(tmp_path):
    with pytest.raises(hpocr.InvalidInputError, match="no image files"):
        hd.expand_inputs(str(tmp_path))
    with pytest.raises(hpocr.InvalidInputError, match="match"):
        hd.expand_inputs(str(tmp_path / "*.png"))
    with pytest.raises(hpocr.InvalidInputError, match="not supported"):
        hd.expand_inputs("s3://bucket/scan.png")
    (tmp_path / "empty.txt").write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(hpocr.InvalidInputError, match="names no files"):
        hd.expand_inputs(str(tmp_path / "empty.txt"))


def test_result_names_and_clashes(tmp_path):
    assert hd.result_file_name("/a/scan.page.png") == "scan.page_res.json"
    assert hd.result_file_name("/a/scan") == "scan_res.json"
    with pytest.raises(hpocr.InvalidArgumentError, match="same file stem"):
        hd._check_unique_names(["/a/scan.png", "/b/scan.jpg"])


# --- on the cluster --------------------------------------------------------------------------------------------


def test_a_pdf_is_an_error_record_not_a_first_page(client, images, tmp_path):
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(make_pdf([hpocr._hpocr._render_lines(["INV-0001"], 32)]))
    (tmp_path / "other.pdf").write_bytes(pdf.read_bytes())
    with pytest.raises(hpocr.InvalidInputError, match="no image files"):  # batch directories list images only
        hd.expand_inputs(str(tmp_path))
    records = list(hd.iter_batch([str(pdf), str(images / "img_00.png")], client=client))
    by_path = {r["input_path"]: r for r in records}
    assert by_path[str(pdf)]["status"] == "error"
    assert "PDF input is not supported by batch runs" in by_path[str(pdf)]["error"]
    assert by_path[str(images / "img_00.png")]["status"] == "ok"


def test_two_workers_give_the_single_process_results(client, images, reference, tmp_path):
    records = list(hd.iter_batch(str(images), client=client, save_path=tmp_path, task_size=2,
                                 pipeline_options={"cpu_threads": 1}))
    assert sorted(r["input_path"] for r in records) == sorted(reference)
    assert {r["status"] for r in records} == {"ok"}
    assert_results_match(tmp_path, reference)
    assert len({r["pid"] for r in records}) == 2  # both worker processes took tasks
    # Four tasks ran on two workers, each on the pipeline its worker loaded once.
    name = hd.plugin_name({"cpu_threads": 1})
    assert client.run(lambda dask_worker: dask_worker.plugins[name].loads) == {w: 1 for w in client.nthreads()}
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]

    # Without save_path the results come back in the records.
    streamed = {r["input_path"]: r["result"] for r in hd.iter_batch(list(reference), client=client, task_size=3,
                                                                    pipeline_options={"cpu_threads": 1})}
    assert sorted(streamed) == sorted(reference)
    for path, result in streamed.items():
        assert_same_json(result, reference[path])


def test_corrupt_files_are_reported_and_the_rest_succeed(client, images, reference, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(images, inputs)
    (inputs / "garbage.png").write_bytes(b"this is not an image" * 10)
    good = (images / "img_00.png").read_bytes()
    (inputs / "truncated.png").write_bytes(good[: len(good) // 2])
    out = tmp_path / "out"

    summary = hd.run_batch(str(inputs), out, client=client, task_size=3)
    assert (summary.total, summary.ok, summary.skipped, summary.failed) == (len(TEXTS) + 2, len(TEXTS), 0, 2)
    errors = [json.loads(line) for line in (out / hd.ERRORS_FILE).read_text(encoding="utf-8").splitlines()]
    assert sorted(e["input_path"] for e in errors) == [str(inputs / "garbage.png"), str(inputs / "truncated.png")]
    for e in errors:
        assert e["category"] == "invalid_input" and os.path.basename(e["input_path"]) in e["error"]
    assert_results_match(out, rebased(reference, inputs))


class KillOnce(distributed.WorkerPlugin):
    """Kills its worker process (SIGKILL, as the OOM killer would) when the first OCR task of the cluster starts
    executing there, so that task is certainly in flight and lost with the process; the marker file makes it
    happen once in the whole cluster (the restarted worker gets the plugin too)."""

    def __init__(self, marker):
        self.marker = marker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or not str(key).startswith("hpocr-ocr"):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


def test_killed_worker_loses_and_duplicates_nothing(client, images, reference, tmp_path):
    pids_before = set(client.run(os.getpid).values())
    marker = tmp_path / "killed.pid"
    client.register_worker_plugin(KillOnce(str(marker)), name="kill-once")
    try:
        summary = hd.run_batch(str(images), tmp_path / "out", client=client, task_size=2, no_workers_timeout=120)
    finally:
        client.unregister_worker_plugin("kill-once")
    killed = int(marker.read_text())
    assert killed in pids_before
    assert (summary.ok, summary.skipped, summary.failed) == (len(TEXTS), 0, 0)  # one record per input
    assert_results_match(tmp_path / "out", reference)  # exactly one result file per input, each correct
    # The nanny replaced the killed process, and its replacement loaded the pipeline again.
    client.wait_for_workers(2, timeout=60)
    pids_after = set(client.run(os.getpid).values())
    assert killed not in pids_after and len(pids_after) == 2


def set_allowed_failures(client, n):
    def update(dask_scheduler):
        dask_scheduler.allowed_failures = n
    client.run_on_scheduler(update)


class CrashOnPoison(distributed.WorkerPlugin):
    """Makes the pipeline kill its worker process (as a crash in native code would) on inputs named poison*."""

    def setup(self, worker):
        from hpocr.pipeline import PaddleOCR

        self.original = original = PaddleOCR.predict

        def predict(ocr, input, **kwargs):
            if os.path.basename(str(input)).startswith("poison"):
                os.kill(os.getpid(), signal.SIGKILL)
            return original(ocr, input, **kwargs)

        PaddleOCR.predict = predict

    def teardown(self, worker):
        from hpocr.pipeline import PaddleOCR

        PaddleOCR.predict = self.original


def test_input_that_kills_every_worker_is_isolated(client, images, reference, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    good = sorted(images.iterdir())[:6]  # enough that good inputs are queued on the poison's worker
    for path in good:
        shutil.copy(path, inputs)
    shutil.copy(good[0], inputs / "poison.png")
    client.register_worker_plugin(CrashOnPoison(), name="crash-on-poison")
    # Given up after the first death (instead of the module's second), to keep the restarts few: the batch
    # dies once, the poison's single task once (maybe with a good input that shared its worker), then the
    # poison alone on the cluster once; every good input must still come out.
    set_allowed_failures(client, 0)
    try:
        summary = hd.run_batch(str(inputs), tmp_path / "out", client=client, task_size=len(good) + 1,  # one task
                               no_workers_timeout=120)
    finally:
        set_allowed_failures(client, 1)
        client.unregister_worker_plugin("crash-on-poison")
    assert (summary.ok, summary.failed) == (len(good), 1)
    assert summary.errors[0]["input_path"] == str(inputs / "poison.png")
    assert summary.errors[0]["category"] == "worker_died"
    assert_results_match(tmp_path / "out", rebased({str(p): reference[str(p)] for p in good}, inputs))
    client.wait_for_workers(2, timeout=60)


def test_a_cluster_without_workers_fails_instead_of_hanging(images, tmp_path):
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as empty:
        with pytest.raises(TimeoutError, match="no workers"):
            list(hd.iter_batch(str(images), client=empty, save_path=tmp_path, no_workers_timeout=0.5))
    assert result_files(tmp_path) == []


def test_resume_skips_finished_inputs(client, images, reference, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(images, inputs)
    (inputs / "later.png").write_bytes(b"not yet an image")
    out = tmp_path / "out"
    first = hd.run_batch(str(inputs), out, client=client)
    assert (first.ok, first.failed) == (len(TEXTS), 1)
    assert (out / hd.ERRORS_FILE).is_file()

    kept = {name: (out / name).stat() for name in result_files(out)}
    removed = sorted(kept)[:2]
    for name in removed:
        (out / name).unlink()
    shutil.copy(images / "img_03.png", inputs / "later.png")  # the failed input is fixed
    records = []
    second = hd.run_batch(str(inputs), out, client=client, on_record=records.append)
    assert (second.ok, second.skipped, second.failed) == (3, len(TEXTS) - 2, 0)
    assert sorted(r["input_path"] for r in records if r["status"] == "ok") == sorted(
        [str(inputs / "later.png")] + [str(inputs / n.replace("_res.json", ".png")) for n in removed])
    for name, before in kept.items():
        if name not in removed:  # untouched: not rewritten
            after = (out / name).stat()
            assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert load(out / "later_res.json")["rec_texts"] == load(out / "img_03_res.json")["rec_texts"]
    assert not (out / hd.ERRORS_FILE).exists()  # nothing failed this time

    third = hd.run_batch(str(inputs), out, client=client, resume=False)
    assert (third.ok, third.skipped) == (len(TEXTS) + 1, 0)


def test_pipeline_load_failure_is_raised(client, images, tmp_path):
    with pytest.raises(hpocr.ModelFormatError):
        list(hd.iter_batch(str(images), client=client, save_path=tmp_path,
                           pipeline_options={"text_detection_model_dir": str(tmp_path / "missing")}))
    assert result_files(tmp_path) == []


# --- the CLI ---------------------------------------------------------------------------------------------------


def run_cli(cli, *args, env=None):
    # Without PYTHONPATH: the CLI finds the package built beside it.
    base = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([cli, "batch", *args], capture_output=True, text=True, timeout=300, env={**base, **(env or {})})


def test_cli_batch(cli, images, reference, tmp_path):
    inputs = tmp_path / "in"
    shutil.copytree(images, inputs)
    (inputs / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    out = tmp_path / "out"
    proc = run_cli(cli, "-i", str(inputs), "--save_path", str(out), "--local_workers", "1", "--cpu_threads", "1")
    assert proc.returncode == 1, proc.stdout + proc.stderr  # one input failed
    assert "broken.png" in proc.stderr
    assert f"{len(TEXTS) + 1} inputs: {len(TEXTS)} processed, 0 already done, 1 failed" in proc.stdout
    assert_results_match(out, rebased(reference, inputs))
    assert [json.loads(line)["input_path"] for line in (out / hd.ERRORS_FILE).read_text().splitlines()] == [
        str(inputs / "broken.png")]


def test_cli_batch_on_a_running_scheduler(cli, client, images, reference, tmp_path):
    """--scheduler: the module's cluster stands in for a remote one (dask-scheduler + dask-worker)."""
    out = tmp_path / "out"
    proc = run_cli(cli, "-i", str(images / "*.png"), "--save_path", str(out), "--scheduler", client.scheduler.address)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "on 2 workers x 1 thread," in proc.stdout
    assert_results_match(out, reference)
    assert client.status == "running" and len(client.nthreads()) == 2  # the cluster is left running

    proc = run_cli(cli, "-i", str(images), "--save_path", str(out), "--scheduler", "tcp://127.0.0.1:1",
                   env={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert proc.returncode == 3 and "error: Dask cluster" in proc.stderr, proc.stderr


def test_cli_batch_usage_errors(cli, images, tmp_path, capsys):
    # Through the executable: --help reaches the Python parser; a bad option is exit code 2; no interpreter is 3.
    assert "--scheduler" in run_cli(cli, "--help").stdout
    proc = run_cli(cli, "-i", str(images), "--save_path", str(tmp_path), "--local_workers", "0")
    assert proc.returncode == 2 and "error" in proc.stderr, proc.stderr
    proc = run_cli(cli, "-i", str(images), "--save_path", str(tmp_path), env={"HPOCR_PYTHON": "/nonexistent/python"})
    assert proc.returncode == 3 and "/nonexistent/python" in proc.stderr

    # The entry point itself (in this process; all fail before a cluster is started).
    for args in (["--save_path", str(tmp_path)],                                   # no input
                 ["-i", str(images), "--save_path", str(tmp_path), "--task_size", "0"],
                 ["-i", str(images), "--save_path", str(tmp_path), "--text_det_thresh", "high"],
                 ["-i", str(images), "--save_path", str(tmp_path), "--use_textline_orientation", "maybe"],
                 ["-i", str(images), "--save_path", str(tmp_path), "--hpi_config", "{backend: nope}"],
                 ["-i", str(images), "--save_path", str(tmp_path), "--scheduler", "tcp://h:1", "--local_workers", "1"]):
        with pytest.raises(SystemExit) as exit_info:
            hd.main(args)
        assert exit_info.value.code == 2, args
    for args, code, message in (
            (["--text_det_thresh", "7"], 2, "text_det_thresh"),
            (["--threads_per_worker", "2", "--scheduler", "tcp://h:1"], 2, "local cluster")):
        assert hd.main(["-i", str(images), "--save_path", str(tmp_path), *args]) == code, args
        assert message in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert hd.main(["-i", str(tmp_path / "empty"), "--save_path", str(tmp_path / "o")]) == 1
    assert "no image files" in capsys.readouterr().err
    (tmp_path / "a_file").write_text("x")
    assert hd.main(["-i", str(images), "--save_path", str(tmp_path / "a_file" / "out")]) == 4  # cannot write
    assert "cannot create" in capsys.readouterr().err


def test_missing_dask_is_reported(tmp_path):
    # A Python without Dask: importing distributed fails.
    script = ("import sys; sys.modules['distributed'] = None\n"
              "from hpocr.distributed import main\n"
              f"sys.exit(main(['-i', {str(tmp_path)!r}, '--save_path', {str(tmp_path / 'out')!r}]))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "apt install python3-dask python3-distributed" in proc.stderr


def test_local_cluster_workers_run_without_the_profiler(client):
    # Dask's profiler samples Python stacks every 10 ms; OCR runs in native code, so it would only cost CPU.
    running = client.run(lambda dask_worker: "profile" in dask_worker.periodic_callbacks)
    assert running and not any(running.values())
