"""Worker processes that each hold the store and answer one task at a time, under a deadline.

``coopgraph serve`` keeps a pool of them for its requests; ``coopgraph query --timeout`` starts
a pool of one for its query (``graph.sparql.deadline``). What a worker does is its handler's
business: a module named by its dotted name (``graph.workers.worker`` says what it provides),
so that this module imports nothing above it.

Why processes: a query cannot be stopped from another thread (Oxigraph evaluates in Rust,
rdflib's parser never checks for cancellation), so the only killable unit is a process.
The pool keeps ``size`` workers; a task goes to an idle one; when the deadline passes the
worker is killed (SIGKILL), the request gets ``QueryDeadlineError``, and a warm spare (a
worker that has loaded the data and waits, ``spares`` of them) takes its place at once,
while a fresh spare loads in the background. Without a spare, every kill would leave the
pool one worker short for as long as a load takes (seconds at 10^6 triples), which a
client asking for short deadlines could repeat at will. A worker that dies on its own
(the memory limit, a crash in the engine) is replaced the same way. When every worker is
busy, requests wait in a bounded queue; beyond it, ``PoolBusyError`` at once (the server
answers 503 with Retry-After).

Spawn, not fork: a worker is a fresh ``python -m graph.workers.worker`` that loads the store
itself. Forking the server would copy an asyncio loop, uvicorn's sockets and, once loaded,
Oxigraph's Rust state (its threads are not copied, their locks are), and the store would
then be shared copy-on-write by processes that each believe they own it. Loading per
worker costs 0.25 s of imports plus 0.03 s for our 2.5k triples (about 1 s for 100k,
docs/performance.md), paid at start and, by a spare, after a kill: never per request.

The parent and a worker talk over the worker's stdin and stdout (``graph.workers.protocol``).
An error the handler raises comes back as the same error, raised by ``run``.
"""

from __future__ import annotations

import asyncio
import collections
import os
import pickle
import signal
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import CoopGraphError
from graph.workers.protocol import HEADER, pack, rebuild_error
from graph.workers.sandbox import SandboxState

__all__ = [
    "PoolBusyError",
    "PoolClosedError",
    "QueryDeadlineError",
    "WorkerCrashedError",
    "WorkerPool",
    "WorkerStartError",
]

#: How long a worker may take to import and load the data before the pool gives up on it.
STARTUP_TIMEOUT = 300.0


class PoolBusyError(CoopGraphError):
    """Every worker is busy and the queue is full, or a request waited too long for one."""

    default_hint = "Retry in a moment."


class PoolClosedError(CoopGraphError):
    """The pool is shutting down."""


class QueryDeadlineError(CoopGraphError):
    """The task ran past its deadline; its worker was killed."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        super().__init__(
            f"the query ran for {deadline:g} s, the server's limit, and was stopped",
            hint="Narrow it (a LIMIT, a FILTER, fewer joins), or run it without a limit "
            "on your machine: coopgraph query --sparql '...'",
        )


class WorkerCrashedError(CoopGraphError):
    """The worker died while answering (memory limit, crash)."""


class WorkerStartError(CoopGraphError):
    """A worker could not load the data; carries the worker's own error message."""

    exit_code = 2
    #: The worker's own error, rebuilt (a ``DataSyntaxError`` naming the file, line and
    #: column); None when the worker died or hung before it could say.
    cause: CoopGraphError | None = None


@dataclass
class PoolStats:
    """What the pool has done since it started (for tests and the log)."""

    started: int = 0
    killed: int = 0
    crashed: int = 0
    #: Spares put in the place of a killed or crashed worker.
    promoted: int = 0


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    async def send(self, message: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(pack(message))
        await self.process.stdin.drain()

    async def receive(self) -> Any:
        assert self.process.stdout is not None
        try:
            (size,) = HEADER.unpack(await self.process.stdout.readexactly(HEADER.size))
            return pickle.loads(await self.process.stdout.readexactly(size))
        except (asyncio.IncompleteReadError, ConnectionError):
            code = await self.process.wait()
            raise WorkerCrashedError(_death(code)) from None

    async def call(self, task: Any) -> tuple[str, Any]:
        """``("reply", value)`` or ``("error", described error)``."""
        try:
            await self.send(task)
        except (ConnectionError, BrokenPipeError):
            code = await self.process.wait()
            raise WorkerCrashedError(_death(code)) from None
        kind, payload = await self.receive()
        if kind not in ("reply", "error"):
            raise WorkerCrashedError(f"the worker answered {kind!r} instead of a reply")
        return kind, payload

    async def kill(self) -> None:
        if self.process.returncode is None:
            try:
                self.process.kill()
            except ProcessLookupError:
                pass
        await self.process.wait()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else code
        why = f"killed by {name}"
        if code == -signal.SIGABRT:
            why += " (most likely the worker's memory limit: the query needed more)"
    else:
        why = f"exit status {code}"
    return f"the query's worker process stopped while answering ({why})"


class WorkerPool:
    """``size`` worker processes over the data in ``data_dir`` (None: the shipped data).

    ``handler`` is the dotted name of the module whose ``warm(data_dir, **options)`` each
    worker runs once and whose ``handle(task, data_dir)`` answers each task
    (``graph.workers.worker``). ``data_dir`` reaches the workers as given: they share this
    process's working directory. ``max_queue`` requests may wait for a worker;
    ``memory_limit`` (MiB, 0 for none) caps each worker's address space, so one query cannot
    take the machine's memory; ``spares`` workers stand by, loaded, to replace a killed one
    without a wait.
    """

    def __init__(
        self,
        *,
        handler: str,
        options: Mapping[str, Any] | None = None,
        data_dir: Path | None = None,
        size: int = 2,
        max_queue: int = 32,
        memory_limit: int = 2048,
        spares: int = 1,
    ) -> None:
        if size < 1:
            raise ValueError("a pool needs at least one worker")
        if spares < 0:
            raise ValueError("a pool cannot have fewer than no spares")
        self.handler = handler
        self.options = dict(options or {})
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.size = size
        self.max_queue = max_queue
        self.memory_limit = memory_limit
        self.spares = spares
        self.stats = PoolStats()
        self._idle: collections.deque[_Worker] = collections.deque()
        self._spares: collections.deque[_Worker] = collections.deque()
        self._waiters: collections.deque[asyncio.Future[_Worker]] = collections.deque()
        self._all: set[_Worker] = set()
        self._background: set[asyncio.Task] = set()
        self._started = False
        self._closed = False
        #: What the last worker to start said of its sandbox (``graph.workers.sandbox``).
        self.sandbox: SandboxState | None = None

    @property
    def started(self) -> bool:
        return self._started

    @property
    def idle(self) -> int:
        """How many workers wait for a task."""
        return len(self._idle)

    @property
    def standing_by(self) -> int:
        """How many loaded spares wait to replace a worker."""
        return len(self._spares)

    @property
    def pids(self) -> list[int]:
        """The process ids of the live workers."""
        return sorted(w.pid for w in self._all)

    async def start(self) -> None:
        """Start every worker and wait until each has loaded the data.

        Raises ``WorkerStartError`` with the worker's message (a syntax error in a data
        file names the file, line and column) when the data cannot be loaded.
        """
        if self._started:
            return
        self._started = True
        results = await asyncio.gather(
            *(self._spawn() for _ in range(self.size + self.spares)), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            await self.close()
            raise errors[0]
        for worker in results[: self.size]:
            self._release(worker)
        self._spares.extend(results[self.size :])

    async def run(self, task: Any, deadline: float) -> Any:
        """Answer ``task`` in a worker within ``deadline`` seconds of evaluation.

        Waiting for a free worker is bounded too (by the same number of seconds). An error
        the handler raised is raised here, rebuilt (``graph.workers.protocol``).
        """
        worker = await self._acquire(deadline)
        job = asyncio.create_task(self._execute(worker, task, deadline))
        self._background.add(job)
        job.add_done_callback(self._background.discard)
        # Shielded: if the request goes away, the job still returns or kills its worker.
        return await asyncio.shield(job)

    async def close(self) -> None:
        """Stop every worker; requests still waiting get ``PoolClosedError``."""
        self._closed = True
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_exception(PoolClosedError("the server is shutting down"))
        background = list(self._background)
        for task in background:
            task.cancel()
        # Each cancelled task finishes first: a replacement being started is then killed
        # and waited for, not left to outlive the loop that started it.
        await asyncio.gather(*background, return_exceptions=True)
        for worker in list(self._all):
            await worker.kill()
        self._all.clear()
        self._idle.clear()
        self._spares.clear()

    # --- internals ------------------------------------------------------------------------

    async def _spawn(self) -> _Worker:
        env = dict(os.environ)
        # The worker imports this very package, wherever it was imported from.
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "graph.workers.worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        worker = _Worker(process)
        self._all.add(worker)
        try:
            await worker.send(
                {
                    "handler": self.handler,
                    "options": self.options,
                    "data_dir": self.data_dir,
                    "memory_limit": self.memory_limit,
                    "parent": os.getpid(),
                }
            )
            kind, payload = await asyncio.wait_for(worker.receive(), STARTUP_TIMEOUT)
        except BaseException as error:
            self._all.discard(worker)
            await worker.kill()
            if isinstance(error, (WorkerCrashedError, TimeoutError)):
                raise WorkerStartError(f"a worker process could not start: {error}") from None
            raise
        if kind != "ready":
            self._all.discard(worker)
            await worker.kill()
            error = WorkerStartError(payload["message"], hint=payload.get("hint") or None)
            error.cause = rebuild_error(payload)
            raise error
        self.stats.started += 1
        self.sandbox = payload["sandbox"]
        return worker

    async def _acquire(self, wait: float) -> _Worker:
        if self._closed:
            raise PoolClosedError("the server is shutting down")
        while self._idle:
            worker = self._idle.popleft()
            if worker.process.returncode is None:
                return worker
            self._discard(worker)
        if len(self._waiters) >= self.max_queue:
            raise PoolBusyError(
                f"all {self.size} query workers are busy and {len(self._waiters)} requests "
                "are waiting"
            )
        waiter: asyncio.Future[_Worker] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait({waiter}, timeout=wait)
        except asyncio.CancelledError:
            self._give_back(waiter)
            raise
        if waiter.done():
            return waiter.result()
        self._give_back(waiter)
        raise PoolBusyError(f"no query worker became free within {wait:g} s")

    def _give_back(self, waiter: asyncio.Future[_Worker]) -> None:
        """Withdraw a waiter; a worker handed to it in the meantime goes to the next one."""
        try:
            self._waiters.remove(waiter)
        except ValueError:
            pass
        if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
            self._release(waiter.result())
        else:
            waiter.cancel()

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            self._spawn_in_background(worker.kill())
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self._idle.append(worker)

    def _discard(self, worker: _Worker) -> None:
        """Forget a dead worker: a spare takes its place now, a new one loads meanwhile."""
        self._all.discard(worker)
        while self._spares:
            spare = self._spares.popleft()
            if spare.process.returncode is None:
                self.stats.promoted += 1
                self._release(spare)
                break
            self._all.discard(spare)  # died while standing by: load another one below too
            self._spawn_in_background(self._replace())
        self._spawn_in_background(self._replace())

    async def _execute(self, worker: _Worker, task: Any, deadline: float) -> Any:
        call = asyncio.create_task(worker.call(task))
        try:
            done, _ = await asyncio.wait({call}, timeout=deadline)
        except asyncio.CancelledError:  # the pool is closing
            call.cancel()
            await worker.kill()
            raise
        if call not in done:
            call.cancel()
            await worker.kill()
            self.stats.killed += 1
            self._discard(worker)
            raise QueryDeadlineError(deadline)
        try:
            kind, reply = call.result()
        except WorkerCrashedError:
            self.stats.crashed += 1
            self._discard(worker)
            raise
        if kind == "error":  # the handler raised: the worker itself is fine
            self._release(worker)
            raise rebuild_error(reply)
        if getattr(reply, "restart", False):
            self.stats.crashed += 1
            await worker.kill()
            self._discard(worker)
        else:
            self._release(worker)
        return reply

    async def _replace(self) -> None:
        delay = 0.0
        while not self._closed:
            try:
                worker = await self._spawn()
            except CoopGraphError as error:
                # The data may have been edited into a broken state: say so, try again.
                print(f"coopgraph serve: cannot restart a worker: {error}", file=sys.stderr)
                delay = min(max(delay * 2, 1.0), 30.0)
                await asyncio.sleep(delay)
                continue
            if self._closed:
                await worker.kill()
                self._all.discard(worker)
                return
            serving = len(self._all) - len(self._spares) - 1  # not counting this one
            if serving < self.size:
                self._release(worker)
            else:
                self._spares.append(worker)
            return

    def _spawn_in_background(self, coroutine) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
