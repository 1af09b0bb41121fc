"""The worker pool: compile jobs in forked processes, beside a process that runs
datamodel-code-generator, with garbage collection tuned for black.

Workers never outlive the build: each asks the kernel for SIGKILL when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG)``) and, everywhere, a thread ends it once its parent
process is gone. They ignore SIGINT and SIGTERM, which a terminal or a supervisor may
send to the whole process group: the build's own process decides what an interruption
does, and kills them. Both signals are blocked while a pool forks, so that none lands
in the middle of a fork, where Python would swallow the exception it raises.
"""

from __future__ import annotations

import gc
import os
import queue
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from codegen.jobs import JobResult, SharedJob, VendorJob, add_models, compile_vendor, render_shared, renderer_for
from codegen.payload_jobs import generate_models, import_models_generator

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from pathlib import Path

    from codegen.render import Renderer

PARALLEL_MIN_SPECS = 2
"""Compile in worker processes from this many changed specs: below it, forking costs more."""
WORKERS = 2
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


@contextmanager
def tuned_collector() -> Iterator[None]:
    """Collect garbage every 10,000 allocations instead of 700 while compiling.

    black makes and drops many small objects; collecting every 700 of them, as Python
    does by default, takes a fifth of its time. Full collections stay frequent, so that
    the trees of formatted files do not pile up in memory.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 1)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def compile_all(
    jobs: list[VendorJob], shared: list[SharedJob], meanwhile: Callable[[list[JobResult]], None]
) -> list[JobResult]:
    """Compile the specs, in worker processes when there are enough of them.

    The workers also render the shared files that need no vendor's summary, beside the
    specs; ``meanwhile`` renders the others once every spec is compiled, while the last
    models are generated. datamodel-code-generator, the slowest import, gets a process
    of its own that takes each vendor's schemas as soon as they are resolved; it starts
    importing the generator at once when a spec has no models to reuse.
    """
    import multiprocessing

    with tuned_collector():
        if len(jobs) < PARALLEL_MIN_SPECS or "fork" not in multiprocessing.get_all_start_methods():
            results = [compile_vendor(job) for job in jobs]
            meanwhile(results)
            for result in results:
                if result.models_job is not None:
                    job = result.models_job
                    add_models(result, lambda: generate_models(job))
            return results
        return _in_pool(jobs, shared, meanwhile)


def _in_pool(
    jobs: list[VendorJob], shared: list[SharedJob], meanwhile: Callable[[list[JobResult]], None]
) -> list[JobResult]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    parent = os.getpid()
    models_pool = ProcessPoolExecutor(1, mp_context=context, initializer=_worker_start, initargs=(parent,))
    pool = ProcessPoolExecutor(WORKERS, mp_context=context, initializer=_worker_start, initargs=(parent,))
    try:
        if any(not job.models_text for job in jobs):  # else it starts if a schema changed
            _submit(models_pool, import_models_generator)  # starts the process and the import
        renderer = _import_compiler(shared[0].templates, shared[0].package)  # before forking, so that the workers share it
        from codegen.render import SHARED_TEMPLATES

        # What is imported stays out of the workers' collections, which would otherwise
        # walk it and copy its memory pages.
        gc.freeze()
        pending: dict[Future[str], JobResult] = {}  # models being generated
        # The largest inputs first (spec or template bytes, a rough measure of the work),
        # so that no worker is left alone with a long job at the end.
        work: list[tuple[int, Callable[[Any], JobResult], VendorJob | SharedJob]]
        work = [(len(job.raw), compile_vendor, job) for job in jobs]
        work += [(len(renderer.source(SHARED_TEMPLATES[job.name])), render_shared, job) for job in shared]
        futures = {job: _submit(pool, run, job) for _, run, job in sorted(work, key=lambda w: -w[0])}
        finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
        for future in futures.values():
            future.add_done_callback(finished.put)
        compiling = len(futures)
        while compiling:
            # The main process, otherwise idle, formats each vendor's models as they
            # come, rather than all of them alone at the end.
            done = finished.get()
            if done in pending:
                add_models(pending.pop(done), done.result)
                continue
            compiling -= 1
            result = done.result()
            if result.models_job is not None:
                models = _submit(models_pool, generate_models, result.models_job)
                pending[models] = result
                models.add_done_callback(finished.put)
        pool.shutdown()
        results = [futures[job].result() for job in shared] + [futures[job].result() for job in jobs]
        meanwhile(results)
        for models, result in pending.items():
            add_models(result, models.result)
        models_pool.shutdown()
        return results
    except BaseException:  # an interruption or a crash: the workers' work is lost anyway
        for executor in (pool, models_pool):
            _stop(executor)
        raise


_INTERRUPTIONS = {signal.SIGINT, signal.SIGTERM}


def _submit(executor: ProcessPoolExecutor, run: Callable[..., Any], *args: Any) -> Future[Any]:
    """``executor.submit``, with SIGINT and SIGTERM held back while it may fork a process."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTIONS)
    try:
        return executor.submit(run, *args)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def _stop(executor: ProcessPoolExecutor) -> None:
    """End a pool's processes now, rather than after the jobs they hold."""
    processes = list((executor._processes or {}).values())  # no public way to reach them
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(5)


def _worker_start(parent: int) -> None:
    """Run in each worker as it starts: die with the parent, leave interruptions to it."""
    for signum in _INTERRUPTIONS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _INTERRUPTIONS)  # blocked by the parent while it forked
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the watchdog below is enough
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    import threading

    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


def _watch_parent(parent: int) -> None:
    """End this worker when its parent is gone, even while it is blocked writing to a pipe."""
    import time

    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def _import_compiler(templates: Path | None, package: str) -> Renderer:
    """Import what every job needs and compile the templates, before forking, so that the workers share them."""
    import black  # noqa: F401

    import codegen.validate  # noqa: F401

    renderer = renderer_for(templates, package)
    renderer.compile_templates()
    return renderer
