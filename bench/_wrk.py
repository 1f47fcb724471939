"""The load client in C: wrk (Debian package; `apt-get install -y wrk`) sends every prepared
request exactly once through bench/_wrk.lua, instead of Python threads that take a core from
the server they measure on this 2-core machine.

`run()` writes the requests to a file (one a line; each voter's own cookie and body), starts
`wrk -t N -c N` (one connection per wrk thread, each thread taking every N-th request), and
reads the Lua script's lines as they come: START when a thread has read its slice, R <line>
<status> per answer, S <line> when a dropped connection made wrk resend the first unanswered
request on reconnect. wrk runs for a fixed duration, so once every request is answered this
ends it with SIGINT; its done() then prints the latency distribution wrk kept (p50, p95, max,
per request from the write to the last byte of the answer; and every latency, or 1,000
percentiles of them, for runs sent in slices to be merged: _common.Load.merged) and its
socket error counts.

The time is taken here: from the first START to the last answer read. Errors: an answer that is
not the status expected, a request never answered (by the time limit), and each socket error
wrk counted (connect, read, write, timeout) — a dropped connection is an error, as it is for the
threads, even when the resend was answered.
"""

from __future__ import annotations

import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import WRK, Load, Prepared

SCRIPT = Path(__file__).resolve().parent / "_wrk.lua"


def request_line(item: Prepared) -> str:
    fields = [item.method, item.path, item.body or ""] + [f"{k}: {v}" for k, v in item.headers.items()]
    for f in fields:
        if "\t" in f or "\n" in f or "\r" in f:
            raise ValueError(f"a tab or line break in a prepared request: {f[:60]!r}")
    return "\t".join(fields)


def run(base: str, prepared: list[Prepared], *, label: str, connections: int = 8, limit: float = 600) -> Load:
    """Every prepared request sent once by wrk to `base`; give up (and count the rest as
    unanswered) after `limit` seconds."""
    if not prepared:
        raise ValueError("nothing to send")
    cpu = time.process_time(), children_cpu()
    with (
        tempfile.NamedTemporaryFile("w", prefix="rollcall-wrk-", suffix=".txt") as file,
        socket.create_server(("127.0.0.1", 0), backlog=64) as sink,  # never accepted: see _wrk.lua
    ):
        file.write("\n".join(request_line(item) for item in prepared) + "\n")
        file.flush()
        command = [
            WRK,
            "-t",
            str(connections),
            "-c",
            str(connections),
            "-d",
            f"{int(limit) + 60}s",  # longer than the limit: SIGINT ends it
            "--timeout",
            "30s",  # a latency above it is not in wrk's distribution, and counts as a timeout error
            "-s",
            str(SCRIPT),
            base,
            "--",
            file.name,
            str(connections),
            str(sink.getsockname()[1]),
        ]
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, bufsize=1)
        stop = threading.Timer(limit, wrk.send_signal, (signal.SIGINT,))
        stop.start()
        answers: dict[int, tuple[int, str]] = {}
        resent = 0
        started = finished = None
        done = None
        latencies: list[float] = []  # ms
        try:
            for line in wrk.stdout:
                kind, _, rest = line.rstrip("\n").partition(" ")
                if kind == "R":
                    index, status, *text = rest.split(" ", 2)
                    answers[int(index)] = (int(status), text[0] if text else "")
                    if len(answers) == len(prepared):
                        finished = time.perf_counter()
                        wrk.send_signal(signal.SIGINT)
                elif kind == "START" and started is None:
                    started = time.perf_counter()
                elif kind == "S":
                    resent += 1
                elif kind == "LAT":
                    for pair in rest.split():
                        value, count = pair.split(":")
                        latencies.extend([int(value) / 1000] * int(count))
                elif kind == "LATQ":  # percentiles, stretched to one a request
                    spaced = [int(v) / 1000 for v in rest.split()]
                    latencies.extend(spaced[i * len(spaced) // len(prepared)] for i in range(len(prepared)))
                elif kind == "DONE":
                    done = [int(v) for v in rest.split()]
        finally:
            stop.cancel()
            if wrk.poll() is None:
                wrk.send_signal(signal.SIGINT)
            wrk.wait(timeout=60)
    if finished is None:
        finished = time.perf_counter()
    if done is None:
        sys.exit(f"wrk printed no summary (exit {wrk.returncode}): {' '.join(command)}")
    _, p50, p95, longest, *socket_errors = done
    connect, read, write, _, timeout = socket_errors  # the 4th is wrk's own count of statuses > 399
    problems = []
    errors = 0
    for index, item in enumerate(prepared):
        status, text = answers.get(index, (None, ""))
        if status != item.expect:
            errors += 1
            problems.append(f"{label} {status or 'no answer'}: {text}")
    sockets = connect + read + write + timeout
    if sockets or resent:
        problems.insert(
            0,
            f"{label}: wrk socket errors {connect} connect, {read} read, {write} write, "
            f"{timeout} timeout; {resent} requests resent on reconnect",
        )
    return Load(
        label=label,
        client="wrk",
        requests=len(prepared),
        seconds=finished - (started or finished),
        p50_ms=p50 / 1000,
        p95_ms=p95 / 1000,
        max_ms=longest / 1000,
        statuses=Counter(status for status, _ in answers.values()),
        errors=errors + sockets,
        latencies_ms=latencies,
        problems=problems[:5],
        # wrk's (a child reaped here; gunicorn is reaped only when it ends) and the reading here
        client_cpu=children_cpu() - cpu[1] + time.process_time() - cpu[0],
    )


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
