"""Run one command and print its wall time, CPU time and peak RSS as one JSON line.

``python benchmarks/measure.py LOG CWD COMMAND [ARGS...]`` forks, redirects the
command's output to LOG (appending), execs it in CWD, and reports ``os.wait4``'s
figures. It exists because Linux counts the *forking* process's peak RSS into a
child's ``ru_maxrss`` (the pre-exec memory's high-water mark is kept across exec):
forked from this small process, a command's peak RSS is its own (at least about
10 MiB, this launcher's size), not the benchmark runner's.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    """Fork, exec, wait4, print."""
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    log, cwd, command = argv[0], argv[1], argv[2:]
    sink = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        try:
            os.chdir(cwd)
            os.dup2(sink, 1)
            os.dup2(sink, 2)
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _pid, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    report = {
        "wall": wall,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_kib": usage.ru_maxrss,
        "exit_code": os.waitstatus_to_exitcode(status),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
