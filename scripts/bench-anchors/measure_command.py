"""Helper of rankscope-bench: wall time and peak resident memory of a command.

usage: measure_command.py RUNS COMMAND [ARGUMENT...]
Runs COMMAND RUNS times (after one untimed warm-up run when RUNS > 1), its output discarded, each
a child forked from this small process and reaped with os.wait4, and prints
{"seconds": [...], "peak_bytes": largest ru_maxrss, "peak_anonymous_bytes": largest RssAnon
seen by polling /proc/PID/status every 20 ms (memory the command allocated, without the pages of
files it mapped, which ru_maxrss counts too), "status": last exit status}.

Why a separate process: ru_maxrss survives execve, and a child spawned straight from the bench
(a vfork sharing the bench's memory) would report the bench's own peak. A child forked from this
interpreter starts from its few megabytes instead, and os.wait4 reports that child alone.
"""
import json
import os
import sys
import time


def run_once(command):
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            os.execv(command[0], command)
        finally:
            os._exit(127)
    anonymous = 0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            break
        anonymous = max(anonymous, anonymous_resident_bytes(pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    return seconds, usage.ru_maxrss * 1024, anonymous, os.waitstatus_to_exitcode(status)  # Linux: kilobytes


def anonymous_resident_bytes(pid):
    """RssAnon of /proc/PID/status: resident memory not backed by a file (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def main():
    runs, command = int(sys.argv[1]), sys.argv[2:]
    if runs > 1:
        run_once(command)
    seconds, peak, peak_anonymous, status = [], 0, 0, 0
    for _ in range(runs):
        elapsed, resident, anonymous, status = run_once(command)
        seconds.append(elapsed)
        peak = max(peak, resident)
        peak_anonymous = max(peak_anonymous, anonymous)
        if status != 0:
            break
    print(json.dumps({"seconds": seconds, "peak_bytes": peak, "peak_anonymous_bytes": peak_anonymous, "status": status}))


if __name__ == "__main__":
    main()
