"""The tutorials' programs, on concur's tasks: the Python side of concur.

The five Python tutorials concur retells (download sites with requests and a thread-local
Session in a ThreadPoolExecutor, ProcessPoolExecutor with an initializer, asyncio + aiohttp
gather, primes and sums of squares under threads and processes) in their own style and with
their own APIs, changed only to take their work from concur: the server's URLs and the sizes
arrive as concur's tasks, so the answer every run must add up to has one source of truth, the
Rust workload's plan, which checks what this program returns.

concur starts this program once per model (`--model NAME --workers W`), which builds its pool,
session or event loop (timed by concur as the model's setup) and prints `{"ready": ...}`.
Then, for every line of tasks on stdin (a JSON list of concur `Task`s), it runs them the
model's way and prints one line per task the moment its result is in hand
(`{"task": i, "lane": l, "start": t0, "end": t1, "output": {...}}` or `"error"`), then
`{"done": true}`. Outputs use concur's own encoding (`{"bool": b}`, `{"int": "n"}`,
`{"text": s}`). It exits when stdin closes. Times are `time.perf_counter()`, the system-wide
monotonic clock on Linux, so a worker process's times line up with its parent's.

Adding a kind of task is one kernel function below and one line in KERNELS.
"""

import argparse
import asyncio
import concurrent.futures
import json
import math
import os
import sys
import threading
import time

# requests and aiohttp are imported where a model first needs them (`import requests` in
# get_session, `import aiohttp` in Asyncio), so a CPU-only run does not pay for loading them.


# --- The kernels, as the tutorials write them ----------------------------------------------


def is_prime(n):
    if n < 2:
        return False
    if n == 2:
        return True
    if n % 2 == 0:
        return False
    sqrt_n = int(math.floor(math.sqrt(n)))
    for i in range(3, sqrt_n + 1, 2):
        if n % i == 0:
            return False
    return True


def square_sums(start, end):
    return sum(i * i for i in range(start, end))


def sum_to_num(final_num):
    result = 0
    for i in range(0, final_num + 1):
        result += i
    return result


thread_local = threading.local()
session = None  # a worker process's own, made by its initializer


def get_session():
    """The download-sites tutorial's thread-local requests.Session."""
    if session is not None:
        return session
    if not hasattr(thread_local, "session"):
        import requests

        thread_local.session = requests.Session()
    return thread_local.session


def download_site(task):
    with get_session().get(task["url"], timeout=task["timeout_ms"] / 1000) as response:
        response.raise_for_status()
        return len(response.content)


def ask(task):
    headers = {"content-type": "application/json"}
    with get_session().post(
        task["url"], data=task["body"], headers=headers, timeout=task["timeout_ms"] / 1000
    ) as response:
        response.raise_for_status()
        return response.text


KERNELS = {
    "is-prime": lambda t: {"bool": is_prime(t["n"])},
    "sum-squares": lambda t: {"int": str(square_sums(t["start"], t["end"]))},
    "sum-to": lambda t: {"int": str(sum_to_num(t["n"]))},
    "get": lambda t: {"int": str(download_site(t))},
    "post": lambda t: {"text": ask(t)},
}


def run_task(index, task):
    """Run one task where it is called; its record, times and lane included."""
    start = time.perf_counter()
    try:
        result = {"output": KERNELS[task["kind"]](task)}
    except Exception as e:  # a task's failure is its result, as in concur
        result = {"error": f"{type(e).__name__}: {e}"}
    result.update(task=index, start=start, end=time.perf_counter(), lane=lane(), pid=os.getpid())
    return result


lanes = {}


def lane():
    """A small number for the calling thread (or, in a worker process, the process)."""
    key = (os.getpid(), threading.get_ident())
    return lanes.setdefault(key, len(lanes))


def set_global_session():
    """The ProcessPoolExecutor initializer: one Session per worker process, and the worker
    dies with its parent (Linux), so a killed run leaves no orphan."""
    global session, lanes
    import requests

    session = requests.Session()
    lanes = {}
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except (OSError, AttributeError):
        pass


def started(_):
    """A worker saying it is up (held a moment, so the next call finds another worker)."""
    time.sleep(0.005)
    return os.getpid()


# --- The models -------------------------------------------------------------------------------


def report(record):
    print(json.dumps(record), flush=True)


class Sequential:
    """A plain for loop, one requests.Session (made by its first request, then kept)."""

    def __init__(self, workers):
        pass

    def run(self, tasks):
        for i, task in enumerate(tasks):
            report(run_task(i, task))


class Pool:
    """concurrent.futures: submit every task, take results with as_completed."""

    pids = []  # a worker process's lane is its place in this list

    def run(self, tasks):
        futures = [self.executor.submit(run_task, i, t) for i, t in enumerate(tasks)]
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            if result["pid"] in self.pids:
                result["lane"] = self.pids.index(result["pid"])
            report(result)


class Threads(Pool):
    """ThreadPoolExecutor(max_workers=W), each thread with its own requests.Session."""

    def __init__(self, workers):
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers)


class Processes(Pool):
    """ProcessPoolExecutor(max_workers=W, initializer=set_global_session), its W workers
    started before the first run (setup), tasks and results pickled through its pipes."""

    def __init__(self, workers):
        self.executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=workers, initializer=set_global_session
        )
        pids = set()
        while len(pids) < workers:  # workers start on demand: ask until W have answered
            pids |= set(self.executor.map(started, range(workers * 2)))
        self.pids = sorted(pids)


class Asyncio:
    """One event loop: every task a coroutine, made a task with asyncio.create_task and
    gathered; requests through one aiohttp.ClientSession. CPU kernels run inside their
    coroutine, holding the loop, as CPU work in asyncio does."""

    def __init__(self, workers):
        global aiohttp
        import aiohttp

        self.loop = asyncio.new_event_loop()
        self.session = self.loop.run_until_complete(self.open())

    async def open(self):
        return aiohttp.ClientSession()

    async def download_site(self, task):
        timeout = aiohttp.ClientTimeout(total=task["timeout_ms"] / 1000)
        async with self.session.get(task["url"], timeout=timeout) as response:
            response.raise_for_status()
            return {"int": str(len(await response.read()))}

    async def ask(self, task):
        timeout = aiohttp.ClientTimeout(total=task["timeout_ms"] / 1000)
        headers = {"content-type": "application/json"}
        async with self.session.post(
            task["url"], data=task["body"], headers=headers, timeout=timeout
        ) as response:
            response.raise_for_status()
            return {"text": await response.text()}

    async def one(self, index, task):
        start = time.perf_counter()
        try:
            if task["kind"] == "get":
                result = {"output": await self.download_site(task)}
            elif task["kind"] == "post":
                result = {"output": await self.ask(task)}
            else:
                result = {"output": KERNELS[task["kind"]](task)}
        except Exception as e:
            result = {"error": f"{type(e).__name__}: {e}"}
        result.update(task=index, start=start, end=time.perf_counter(), lane=index)
        report(result)

    async def all(self, tasks):
        await asyncio.gather(*[asyncio.create_task(self.one(i, t)) for i, t in enumerate(tasks)])

    def run(self, tasks):
        self.loop.run_until_complete(self.all(tasks))

    def close(self):
        self.loop.run_until_complete(self.session.close())


MODELS = {
    "sequential": Sequential,
    "threads": Threads,
    "processes": Processes,
    "asyncio": Asyncio,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    model = MODELS[args.model](max(1, args.workers))
    report({"ready": sys.version.split()[0]})
    for line in sys.stdin:
        model.run(json.loads(line))
        report({"done": True})
    if hasattr(model, "close"):
        model.close()


if __name__ == "__main__":
    main()
