"""Batch OCR of large collections on a Dask cluster (``hpocr batch``; docs/distributed.md).

::

    from hpocr.distributed import run_batch
    summary = run_batch("scans/", "results/", local_workers=2)        # or scheduler="tcp://host:8786"
    print(summary.ok, summary.failed, summary.images_per_second)

Each Dask worker process loads one :class:`~hpocr.PaddleOCR` when it starts (:class:`PipelinePlugin`, a worker
plugin) and shares it between its threads; inputs go out in tasks of ``task_size`` paths. Every input ends as
``<save_path>/<stem>_res.json`` (the JSON ``OCRResult.save_to_json`` and ``hpocr ocr --save_path`` write),
written to a temporary file and renamed, so a task re-run after a worker died rewrites the same file instead of
adding one; a bad input becomes one line of ``<save_path>/errors.jsonl`` and the run goes on; a re-run skips
inputs whose result exists (``resume``). :func:`iter_batch` streams the per-input records on a client you own.

Needs ``dask`` and ``distributed`` (Debian: python3-dask python3-distributed); ``import hpocr`` does not.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional, cast

from . import _hpocr
from ._inputs import expand_paths, looks_like_pdf
from .errors import HpocrError, InvalidArgumentError, InvalidInputError, OutputError
from .pipeline import _NATIVE_PARAMS, _PARAMS, PaddleOCR
from .results import IMAGE_SUFFIX, make_dir, result_file_name, write_atomically

try:
    import dask
    import distributed
    from distributed.diagnostics.plugin import WorkerPlugin
    from distributed.scheduler import KilledWorker
except ImportError as _err:  # reported by require_dask() / main(), so that the module itself always imports
    distributed = None  # type: ignore[assignment]
    WorkerPlugin = object  # type: ignore[misc,assignment]
    KilledWorker = ()  # type: ignore[misc,assignment]
    _DASK_IMPORT_ERROR: Optional[ImportError] = _err
else:
    _DASK_IMPORT_ERROR = None

__all__ = ["run_batch", "iter_batch", "expand_inputs", "result_file_name", "PipelinePlugin", "BatchSummary",
           "local_cluster", "main"]

#: Name of the per-run error log in ``save_path`` (one JSON object per line: input_path, error, category).
ERRORS_FILE = "errors.jsonl"

#: Largest automatic task size: enough images to amortise the per-task overhead (milliseconds) against
#: inference (a few hundred ms per page), small enough that a lost task costs little and the load spreads evenly.
_MAX_AUTO_TASK_SIZE = 32


def require_dask() -> None:
    """ImportError with the install command when dask/distributed are missing."""
    if _DASK_IMPORT_ERROR is not None:
        raise ImportError(f"hpocr.distributed needs Dask ({_DASK_IMPORT_ERROR}): apt install python3-dask "
                          "python3-distributed (or pip install 'dask[distributed]')")


# ---------------------------------------------------------------------------------------------------------------
# Inputs and output names


def expand_inputs(inputs: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    """Absolute paths of the images to process, in order, duplicates dropped: directories (their image files,
    sorted, as ``hpocr ocr`` takes them), glob patterns, ``.txt`` lists of paths and image paths, as
    ``hpocr._inputs.expand_paths`` reads them. A missing file is not an error here (it gets an error record)."""
    return expand_paths(inputs)


def _check_unique_names(paths: list[str]) -> None:
    """InvalidArgumentError when two inputs would write the same result file (same stem, other folder or
    extension): one would silently overwrite the other."""
    owner: dict[str, str] = {}
    clashes = []
    for path in paths:
        name = result_file_name(path)
        if owner.setdefault(name, path) != path:
            clashes.append(f"{owner[name]} and {path} -> {name}")
    if clashes:
        more = f" (and {len(clashes) - 3} more)" if len(clashes) > 3 else ""
        raise InvalidArgumentError("inputs with the same file stem would overwrite each other's results: "
                                   + "; ".join(clashes[:3]) + more + ". Rename them or run them separately.")


# ---------------------------------------------------------------------------------------------------------------
# Worker side


class PipelinePlugin(WorkerPlugin):
    """Dask worker plugin holding one :class:`~hpocr.PaddleOCR` per worker process, loaded once when the plugin
    is registered or the worker (re)starts, and shared by the worker's threads (the pipeline is thread-safe).

    ``options`` are PaddleOCR keyword arguments. A load failure is re-raised by registration (so the client
    sees ModelFormatError etc.) and by every task that asks for the pipeline.
    """

    def __init__(self, options: dict, log_level: Optional[str] = None):
        self.options = dict(options)
        self.log_level = log_level
        self.loads = 0  # pipelines this process loaded (tests check it stays 1)
        self._ocr: Optional[PaddleOCR] = None
        self._error: Optional[BaseException] = None

    def __getstate__(self) -> dict:  # only the options travel; the pipeline is built on the worker
        return {"options": self.options, "log_level": self.log_level}

    def __setstate__(self, state: dict) -> None:
        PipelinePlugin.__init__(self, state["options"], state["log_level"])

    async def setup(self, worker: Any) -> None:
        if self.log_level:
            _hpocr.set_log_level(self.log_level)
        # Loading takes a second or more: off the worker's event loop, so heartbeats go on meanwhile.
        try:
            self._ocr = await asyncio.get_running_loop().run_in_executor(None, lambda: PaddleOCR(**self.options))
            self.loads += 1
        except Exception as err:
            self._error = err
            raise

    def teardown(self, worker: Any) -> None:
        self._ocr = None

    def pipeline(self) -> PaddleOCR:
        """The loaded pipeline, or the load error."""
        if self._ocr is None:
            raise self._error or RuntimeError("hpocr pipeline plugin was not set up on this worker")
        return self._ocr


def local_cluster(workers: int, threads_per_worker: int) -> Any:
    """The LocalCluster ``hpocr batch`` starts without a scheduler: worker processes without Dask's statistical
    profiler, which samples every thread's Python stack every 10 ms; OCR tasks run in native code, so it only
    costs CPU (a worker's CPU per image 270 -> 233 ms on the benchmark set, docs/performance.md). On your own
    cluster, set DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED=False for the workers to the same effect."""
    require_dask()
    # In every nanny's spec, so that workers restarted after a crash get it too. A nanny merges only the top
    # level of this into its configuration: hence the whole configuration, with the one key changed.
    config = dask.config.merge(dask.config.config, {"distributed": {"worker": {"profile": {"enabled": False}}}})
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                                    dashboard_address=":0", silence_logs=40, config=config)


def plugin_name(options: dict) -> str:
    """One plugin per distinct set of pipeline options, so runs with other options get their own pipeline."""
    digest = hashlib.sha1(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:12]
    return f"hpocr-pipeline-{digest}"


def _ocr_task(name: str, paths: list[str], save_path: Optional[str], save_img: bool, resume: bool) -> list[dict]:
    """One task: OCR of ``paths`` with this worker's pipeline. Returns one record per path. Per-input failures
    are records; failures to write results (OutputError) and missing pipelines end the task."""
    worker = distributed.get_worker()
    plugin = cast(Optional[PipelinePlugin], worker.plugins.get(name))
    if plugin is None:
        raise RuntimeError(f"worker {worker.address} has no hpocr pipeline plugin {name}")
    ocr = plugin.pipeline()
    records = []
    for path in paths:
        record: dict[str, Any] = {"input_path": path, "worker": worker.address, "pid": os.getpid()}
        final = os.path.join(save_path, result_file_name(path)) if save_path else None
        if final and resume and os.path.exists(final):
            # Written by an earlier attempt of this task, whose worker died after it.
            records.append({**record, "status": "ok", "output": final, "reused": True})
            continue
        start = time.perf_counter()
        try:
            if looks_like_pdf(path):  # one result file per input here; `hpocr ocr` and predict() read PDFs page by page
                raise InvalidInputError(f"{path}: PDF input is not supported by batch runs yet; use hpocr ocr or "
                                        "PaddleOCR.predict")
            res = ocr.predict(path)[0]
        except HpocrError as err:
            records.append({**record, "status": "error", "error": str(err), "category": err.category})
            continue
        record["seconds"] = time.perf_counter() - start
        if final is None:
            records.append({**record, "status": "ok", "result": res.json["res"]})
            continue
        if save_img and save_path:  # before the JSON: the JSON's presence marks the input as done
            write_atomically(os.path.join(save_path, result_file_name(path, IMAGE_SUFFIX)), res.save_to_img)
        write_atomically(final, res.save_to_json)
        records.append({**record, "status": "ok", "output": final})
    return records


def _has_plugin(name: str, dask_worker: Any = None) -> bool:
    plugin = dask_worker.plugins.get(name)
    return plugin is not None and plugin._ocr is not None


def register_pipeline(client: Any, options: dict, log_level: Optional[str] = None) -> str:
    """Registers the :class:`PipelinePlugin` for ``options`` on ``client``'s cluster (current and future
    workers) unless every worker already holds it loaded; returns its name. Raises the workers' load error."""
    require_dask()
    name = plugin_name(options)
    loaded = client.run(_has_plugin, name)
    if not loaded or not all(loaded.values()):
        try:
            client.register_worker_plugin(PipelinePlugin(options, log_level), name=name)
        except Exception:
            # Otherwise the scheduler keeps it and every worker that joins later fails to load it again.
            client.unregister_worker_plugin(name)
            raise
    return name


# ---------------------------------------------------------------------------------------------------------------
# Client side


def input_cost(path: str) -> int:
    """An input's relative OCR cost, for task sizing: its file size (a page of text is a far larger file than
    one text line, and takes far longer). Unreadable inputs count as tiny: they fail fast."""
    try:
        return max(1, os.path.getsize(path))
    except OSError:
        return 1


def auto_task_size(costs: Iterable[int], remaining_cost: int, total_threads: int) -> int:
    """Guided self-scheduling by cost: the next task takes inputs (``costs``, in queue order) while it holds at
    most a quarter of each worker thread's share of the cost still to submit; at least one input, at most
    _MAX_AUTO_TASK_SIZE. Tasks shrink towards the end of a run, and a large input (a page among text lines)
    gets a task of its own, so no worker is left with a long task while the others are idle."""
    target = remaining_cost / (4 * max(1, total_threads))
    size, cost = 0, 0
    for c in costs:
        if size == _MAX_AUTO_TASK_SIZE or (size and cost + c > target):
            break
        size, cost = size + 1, cost + c
    return max(1, size)


def iter_batch(
    inputs: Any,
    *,
    client: Any,
    save_path: Optional[str | os.PathLike] = None,
    pipeline_options: Optional[dict] = None,
    task_size: Optional[int] = None,
    save_img: bool = False,
    resume: bool = True,
    log_level: Optional[str] = None,
    no_workers_timeout: float = 300.0,
) -> Iterator[dict]:
    """OCR of ``inputs`` (see :func:`expand_inputs`) on the cluster of ``client`` (a ``distributed.Client``);
    yields one record per input as results come back, in completion order.

    A record has ``input_path``, ``status`` ("ok", "skipped": the result existed before the run, or "error")
    and, when ok, ``output`` (the result file; with ``save_path``) or ``result`` (the JSON fields; without),
    ``worker``, ``seconds`` (``reused`` instead when an earlier attempt of the task wrote it); errors have ``error`` (the message) and ``category``. With ``save_path`` results are written as
    ``<stem>_res.json`` (+ ``<stem>_ocr_res_img.png`` with ``save_img``), atomically; ``resume`` skips inputs
    whose result file exists. ``pipeline_options`` are PaddleOCR keyword arguments (paths should be absolute
    and visible to the workers). Tasks lost with a worker are re-run by Dask; a task that kills its workers
    repeatedly (Dask's allowed-failures) is split into single inputs, and an input that still kills them is
    reported as an error. Other task failures (pipeline load, writing results) are raised after cancelling the
    rest, and so is TimeoutError when the cluster has no workers for ``no_workers_timeout`` seconds.
    """
    require_dask()
    return _iter_paths(expand_inputs(inputs), client, save_path, pipeline_options, task_size, save_img, resume,
                       log_level, no_workers_timeout)


def _iter_paths(paths: list[str], client: Any, save_path: Optional[str | os.PathLike], pipeline_options: Optional[dict],
                task_size: Optional[int], save_img: bool, resume: bool, log_level: Optional[str],
                no_workers_timeout: float = 300.0, on_ready: Any = None) -> Iterator[dict]:
    if task_size is not None and task_size < 1:
        raise InvalidArgumentError(f"task_size={task_size}: must be at least 1")
    save_dir = None
    if save_path is not None:
        save_dir = os.path.abspath(os.fspath(save_path))
        _check_unique_names(paths)
        make_dir(save_dir)
        try:
            existing = set(os.listdir(save_dir)) if resume else set()
        except OSError as err:
            raise OutputError(f"cannot list {save_dir}: {err.strerror or err}") from None
        todo = []
        for path in paths:
            if result_file_name(path) in existing:
                yield {"input_path": path, "status": "skipped", "output": os.path.join(save_dir, result_file_name(path))}
            else:
                todo.append(path)
        paths = todo
    if not paths:
        return

    name = register_pipeline(client, pipeline_options or {}, log_level)
    if on_ready is not None:
        on_ready()
    threads = sum(client.nthreads().values())
    queue = deque((path, input_cost(path)) for path in paths)
    queue_cost = sum(cost for _, cost in queue)
    singles: deque = deque()  # inputs of tasks that killed their workers, to be run one per task
    # Single inputs whose task killed its worker too. A task that merely shared the worker with the culprit dies
    # the same way, so these run once more alone on the cluster, after everything else: only then is a death
    # the input's own.
    quarantine: deque = deque()
    alone = False  # a quarantined input is running, nothing else is
    running: dict[Any, list[str]] = {}
    run_id = uuid.uuid4().hex[:8]
    counter = 0
    checked = time.monotonic()

    def submit(batch: list[str]) -> None:
        nonlocal counter
        counter += 1
        future = client.submit(_ocr_task, name, batch, save_dir, save_img, resume,
                               key=f"hpocr-ocr-{run_id}-{counter}", pure=False)
        running[future] = batch

    def submit_more() -> None:
        nonlocal threads, checked, alone, queue_cost
        if time.monotonic() - checked > 1.0:  # workers may come and go (one scheduler call a second at most)
            threads = sum(client.nthreads().values()) or threads
            checked = time.monotonic()
        # A bounded window keeps the scheduler small for millions of inputs; two tasks per thread keep every
        # thread busy while results travel back.
        while (queue or singles) and len(running) < max(4, 2 * threads):
            if singles:
                batch = [singles.popleft()]
            else:
                size = task_size or auto_task_size((cost for _, cost in queue), queue_cost, threads)
                batch = []
                for _ in range(min(size, len(queue))):
                    path, cost = queue.popleft()
                    batch.append(path)
                    queue_cost -= cost
            submit(batch)
        alone = not running and bool(quarantine)
        if alone:
            submit([quarantine.popleft()])

    poll = min(5.0, no_workers_timeout)
    workerless_since = None
    try:
        submit_more()
        while running:
            try:
                with client.as_current():
                    distributed.wait(list(running), timeout=poll, return_when="FIRST_COMPLETED")
            except (TimeoutError, asyncio.TimeoutError):
                # Dask waits for workers forever; a cluster that lost them all must not hang the run.
                if client.nthreads():
                    workerless_since = None
                elif workerless_since is None:
                    workerless_since = time.monotonic()
                elif time.monotonic() - workerless_since >= no_workers_timeout:
                    raise TimeoutError(f"the cluster has had no workers for {no_workers_timeout:g} s; "
                                       f"{len(running)} tasks were waiting") from None
                continue
            for future in [f for f in running if f.done()]:
                yield from _records_of(future, running.pop(future), singles, None if alone else quarantine)
            submit_more()
    finally:
        if running:
            client.cancel(list(running))


def _records_of(future: Any, batch: list[str], singles: deque, quarantine: Optional[deque]) -> list[dict]:
    """The records of a finished task. A task whose workers kept dying is split: its inputs go to ``singles``
    (run one per task); a single input whose worker died goes to ``quarantine`` (run alone), and one that kills
    its worker while running alone (``quarantine`` is None) is an error record."""
    try:
        return future.result()
    except KilledWorker as err:
        if len(batch) > 1:
            singles.extend(batch)
            return []
        if quarantine is not None:
            quarantine.extend(batch)
            return []
        return [{"input_path": batch[0], "status": "error", "category": "worker_died",
                 "error": f"the worker process died each time it processed this input, alone on the cluster "
                          f"({err}); it may crash the pipeline or exhaust the worker's memory"}]


@dataclass
class BatchSummary:
    """What :func:`run_batch` did: counts, the error records, wall time."""

    total: int = 0
    ok: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list = field(default_factory=list)
    seconds: float = 0.0
    startup_seconds: float = 0.0
    workers: int = 0
    threads: int = 0

    @property
    def images_per_second(self) -> float:
        """Inputs processed in this run (not skipped ones) per second, from the moment every worker had its
        pipeline loaded (cluster start and model loading are ``startup_seconds``)."""
        busy = self.seconds - self.startup_seconds
        return (self.ok + self.failed) / busy if busy > 0 else 0.0


class _Progress:
    """A one-line progress bar on stderr (only on a terminal, like the CLI's)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.enabled = total, enabled and total > 0
        self.start = time.perf_counter()
        self.last = 0.0

    def update(self, summary: BatchSummary, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.enabled or (not force and now - self.last < 0.2):
            return
        self.last = now
        done = summary.ok + summary.skipped + summary.failed
        rate = (summary.ok + summary.failed) / max(now - self.start, 1e-9)
        width = 30
        filled = width * done // self.total
        eta = f"  eta {int((self.total - done) / rate)}s" if rate > 0 and done < self.total else ""
        failed = f"  {summary.failed} failed" if summary.failed else ""
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}  {rate:.1f} img/s"
                         f"{failed}{eta}\033[K")
        sys.stderr.flush()

    def finish(self, summary: BatchSummary) -> None:
        if self.enabled:
            self.update(summary, force=True)
            sys.stderr.write("\n")


def default_layout(local_workers: Optional[int], threads_per_worker: Optional[int],
                   cores: Optional[int] = None) -> tuple[int, int, int]:
    """(workers, threads per worker, cpu_threads) for a local cluster: by default one single-threaded worker
    process per core, and the cores shared out so that workers x threads x cpu_threads ~ cores."""
    cores = cores or len(os.sched_getaffinity(0))
    threads = threads_per_worker or 1
    workers = local_workers or max(1, cores // threads)
    return workers, threads, max(1, cores // (workers * threads))


def run_batch(
    inputs: Any,
    save_path: str | os.PathLike,
    *,
    client: Any = None,
    scheduler: Optional[str] = None,
    local_workers: Optional[int] = None,
    threads_per_worker: Optional[int] = None,
    task_size: Optional[int] = None,
    save_img: bool = False,
    resume: bool = True,
    progress: Optional[bool] = None,
    on_record: Optional[Any] = None,
    log_level: Optional[str] = None,
    no_workers_timeout: float = 300.0,
    **pipeline_options: Any,
) -> BatchSummary:
    """OCR of ``inputs`` into ``save_path`` on a Dask cluster; returns a :class:`BatchSummary`.

    ``client`` (a ``distributed.Client``, left open) or ``scheduler`` (``tcp://host:8786``) name a running
    cluster; without them a ``LocalCluster`` of ``local_workers`` processes x ``threads_per_worker`` threads
    is started (default: one single-threaded worker per core) and closed at the end. ``pipeline_options`` are PaddleOCR keyword arguments;
    ``cpu_threads`` defaults to the cores left per worker thread (local) or 1 (remote cluster: see
    docs/distributed.md). Failed inputs are listed in ``<save_path>/errors.jsonl`` (removed when none failed).
    ``progress`` shows a bar on stderr (default: when it is a terminal); ``on_record(record)`` sees every
    record; ``log_level`` is the workers' core log level; the run fails (TimeoutError) when the cluster has
    no workers for ``no_workers_timeout`` seconds. See :func:`iter_batch` for the rest.
    """
    require_dask()
    for name, value in (("local_workers", local_workers), ("threads_per_worker", threads_per_worker)):
        if value is not None and value < 1:
            raise InvalidArgumentError(f"{name}={value}: must be at least 1")
    remote = client is not None or scheduler
    if remote and (local_workers or threads_per_worker):
        raise InvalidArgumentError("local_workers / threads_per_worker size a local cluster; with a scheduler the "
                                   "workers' own --nworkers/--nthreads apply")
    options = {k: v for k, v in pipeline_options.items() if v is not None}
    for key in ("paddlex_config", *(name for name, kind in _NATIVE_PARAMS.items() if kind == "path")):
        if isinstance(options.get(key), (str, os.PathLike)):  # workers may run elsewhere
            options[key] = os.path.abspath(options[key])
    save_dir = os.path.abspath(os.fspath(save_path))
    errors_path = os.path.join(save_dir, ERRORS_FILE)

    paths = expand_inputs(inputs)
    make_dir(save_dir)  # before starting anything
    cluster = None
    summary = BatchSummary(total=len(paths))
    start = time.perf_counter()
    workers, threads, cpu_threads = default_layout(local_workers, threads_per_worker)
    options.setdefault("cpu_threads", 1 if remote else cpu_threads)
    # Validated here first: a bad value should not cost a cluster start.
    _hpocr.resolve_options(options.get("paddlex_config", ""), {k: v for k, v in options.items() if k in _NATIVE_PARAMS})
    own_client = client is None
    if own_client and scheduler:
        client = distributed.Client(scheduler)  # connect timeout: distributed.comm.timeouts.connect (30 s)
    elif own_client:
        cluster = local_cluster(workers, threads)
        client = distributed.Client(cluster)
    try:
        client.wait_for_workers(1, timeout=no_workers_timeout)
        info = client.nthreads()
        summary.workers, summary.threads = len(info), sum(info.values())
        bar = _Progress(len(paths), sys.stderr.isatty() if progress is None else progress)
        errors_file = None
        try:
            def ready() -> None:
                summary.startup_seconds = time.perf_counter() - start
                bar.start = time.perf_counter()

            for record in _iter_paths(paths, client, save_dir, options, task_size, save_img, resume, log_level,
                                      no_workers_timeout, ready):
                status = record["status"]
                if status == "error":
                    summary.failed += 1
                    summary.errors.append(record)
                    try:
                        if errors_file is None:
                            errors_file = open(errors_path, "w", encoding="utf-8")
                        errors_file.write(json.dumps({k: record.get(k) for k in ("input_path", "error", "category")},
                                                     ensure_ascii=False) + "\n")
                        errors_file.flush()
                    except OSError as err:
                        raise OutputError(f"cannot write {errors_path}: {err.strerror or err}") from None
                elif status == "skipped":
                    summary.skipped += 1
                else:
                    summary.ok += 1
                if on_record is not None:
                    on_record(record)
                bar.update(summary)
        finally:
            if errors_file is not None:
                errors_file.close()
        bar.finish(summary)
        if errors_file is None and os.path.exists(errors_path):
            os.unlink(errors_path)  # a previous run's errors were all retried successfully
    finally:
        summary.seconds = time.perf_counter() - start
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return summary


# ---------------------------------------------------------------------------------------------------------------
# Command line: hpocr batch (apps/cli.cpp execs this) or python3 -m hpocr.distributed


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return True
    if value in ("false", "0", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"'{text}' is not a boolean (use True or False)")


def _parse_hpi_config(text: str) -> dict:
    try:
        return json.loads(_hpocr.parse_hpi_config(text))
    except InvalidArgumentError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive integer")
    return value


_ARG_TYPES: dict[str, Callable[[str], Any]] = {"bool": _parse_bool, "int": int, "float": float, "str": str, "path": str, "dict": _parse_hpi_config}

#: The pipeline options of ``hpocr ocr`` (every parameter of the table but the module-level ones), in its order.
_CLI_PARAMS = [spec for spec in _PARAMS if spec["scope"] != "module"]


def build_parser() -> argparse.ArgumentParser:
    """``hpocr batch``'s options: the batch/cluster ones and the pipeline options of ``hpocr ocr``."""
    p = argparse.ArgumentParser(
        prog="hpocr batch", description="OCR of many images on a Dask cluster; writes <save_path>/<name>_res.json "
        "per input and <save_path>/errors.jsonl for failed ones. Exit code 1 when an input failed.")
    p.add_argument("-i", "--input", required=True, action="append",
                   help="image directory, glob pattern (quote it; ** recurses), .txt list of paths or an image "
                        "(repeatable)")
    p.add_argument("--save_path", required=True, help="directory for the results (shared by all workers)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", help="address of a running Dask scheduler (tcp://host:8786)")
    where.add_argument("--local_workers", type=_positive,
                       help="worker processes of the local cluster (default: cores / threads_per_worker)")
    p.add_argument("--threads_per_worker", type=_positive, help="threads per local worker process (default 1)")
    p.add_argument("--task_size", type=_positive, help="images per task (default: shrinking from at most "
                                                       f"{_MAX_AUTO_TASK_SIZE} to 1 towards the end of the run)")
    p.add_argument("--no_workers_timeout", type=float, default=300.0, metavar="SECONDS",
                   help="give up when the cluster has had no workers this long (default 300)")
    p.add_argument("--resume", type=_parse_bool, default=True, metavar="BOOL",
                   help="skip inputs whose result file exists (True/False, default True)")
    p.add_argument("--save_img", type=_parse_bool, default=False, metavar="BOOL",
                   help="also write <name>_ocr_res_img.png (True/False, default False)")
    p.add_argument("--progress", type=_parse_bool, metavar="BOOL", help="progress bar (default: on a terminal)")
    g = p.add_argument_group("pipeline options (as hpocr ocr; docs/parameters.md)")
    g.add_argument("--paddlex_config", help="PaddleX-style pipeline YAML; the other options override it")
    for spec in _CLI_PARAMS:
        kind = spec["type"]
        g.add_argument(f"--{spec['name']}", type=_ARG_TYPES[kind], metavar=kind.upper() if kind != "dict" else "CONFIG",
                       help=spec["help"].replace("%", "%%") + (" as JSON/YAML or a file" if kind == "dict" else ""))
    g.add_argument("--log_level", help="core log level: trace, debug, info, warning, error, off")
    g.add_argument("-v", "--verbose", action="store_true", help="same as --log_level info")
    return p


#: Exit codes of the hpocr CLI, per error category.
_EXIT_CODES = {"invalid_input": 1, "invalid_argument": 2, "io": 4}


def main(argv: Optional[list[str]] = None) -> int:
    """``hpocr batch``: 0 when every input succeeded, 1 when one failed, 2 for bad options, 3 when the pipeline
    or Dask cannot be loaded, 4 when results cannot be written."""
    args = build_parser().parse_args(argv)  # exits 2 on bad options, as the CLI does
    try:
        require_dask()
    except ImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    pipeline = {name: getattr(args, name) for name in ("paddlex_config", *(spec["name"] for spec in _CLI_PARAMS))}
    level = args.log_level or ("info" if args.verbose else None)
    try:
        if level:
            _hpocr.set_log_level(level)
        summary = run_batch(args.input, args.save_path, scheduler=args.scheduler, local_workers=args.local_workers,
                            threads_per_worker=args.threads_per_worker, task_size=args.task_size,
                            save_img=args.save_img, resume=args.resume, progress=args.progress,
                            on_record=_print_error, log_level=level, no_workers_timeout=args.no_workers_timeout,
                            **pipeline)
    except HpocrError as err:
        print(f"error: {err}", file=sys.stderr)
        return _EXIT_CODES.get(err.category, 3)
    except (OSError, TimeoutError) as err:  # scheduler unreachable, no workers
        print(f"error: Dask cluster: {err}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("interrupted; run again to resume", file=sys.stderr)
        return 130
    done = summary.ok + summary.skipped
    workers, threads = summary.workers, summary.threads // max(1, summary.workers)
    print(f"{summary.total} inputs: {summary.ok} processed, {summary.skipped} already done, {summary.failed} failed "
          f"({summary.images_per_second:.2f} images/s on {workers} worker{'s' * (workers != 1)} x {threads} "
          f"thread{'s' * (threads != 1)}, after {summary.startup_seconds:.1f} s of cluster "
          f"start and model loading); results in {os.path.abspath(args.save_path)}"
          + (f", errors in {os.path.join(os.path.abspath(args.save_path), ERRORS_FILE)}" if summary.failed else ""))
    return 1 if summary.failed or done < summary.total else 0


def _print_error(record: dict) -> None:
    if record["status"] == "error":
        print(f"\rerror: {record['error']}\033[K" if sys.stderr.isatty() else f"error: {record['error']}",
              file=sys.stderr)


if __name__ == "__main__":
    # Run through the importable module, so that Dask pickles its functions by reference, not by value.
    from hpocr.distributed import main as _main

    sys.exit(_main())
