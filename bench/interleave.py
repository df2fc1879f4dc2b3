#!/usr/bin/env python3
"""Times commands interleaved (A, B, A, B, ...) so that a noisy machine hurts each alike.

  bench/interleave.py [--runs N] [--warmup N] [--expect-exit CODE] [--same-output]
                      LABEL=COMMAND [LABEL=COMMAND ...]

Each COMMAND is split like a shell word list (no shell runs it). The summary gives every
median as a ratio to a baseline: the first command whose label has the same part before an '@'
(status@before for status@after), or the very first command when labels have no '@'. Prints each run's wall and CPU time (user +
sys of the command, from getrusage: much less sensitive to other load than wall time), then per
command the median, min and max. Every run must exit with CODE (default 0). With
--same-output, the warm-up runs' stdout and stderr must be byte-identical across the commands
whose labels share the part before an '@' (e.g. status@before and status@after: a build before
and after a speed change), else it stops.
"""
import argparse
import resource
import shlex
import statistics
import subprocess
import sys
import time


def run(argv, capture):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(argv, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                         stderr=subprocess.PIPE if capture else subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--expect-exit", type=int, default=0)
    p.add_argument("--same-output", action="store_true")
    p.add_argument("commands", nargs="+", metavar="LABEL=COMMAND")
    a = p.parse_args()
    cmds = []
    for c in a.commands:
        label, _, command = c.partition("=")
        cmds.append((label, shlex.split(command)))

    def check(label, out):
        if out.returncode != a.expect_exit:
            sys.exit(f"{label}: exit {out.returncode}, expected {a.expect_exit}")

    outputs = {}
    for _ in range(max(a.warmup, 1 if a.same_output else 0)):
        for label, argv in cmds:
            _, _, out = run(argv, True)
            check(label, out)
            outputs[label] = (out.stdout, out.stderr)
    if a.same_output:
        groups = {}
        for label, _ in cmds:
            groups.setdefault(label.split("@")[0], []).append(label)
        for members in groups.values():
            first = members[0]
            for label in members[1:]:
                for i, stream in enumerate(("stdout", "stderr")):
                    if outputs[label][i] != outputs[first][i]:
                        sys.exit(f"{label}: {stream} differs from {first}'s")
            if len(members) > 1:
                print(f"output: byte-identical across {', '.join(members)} "
                      f"({len(outputs[first][0])} bytes stdout, {len(outputs[first][1])} bytes "
                      "stderr)")

    walls = {label: [] for label, _ in cmds}
    cpus = {label: [] for label, _ in cmds}
    for r in range(1, a.runs + 1):
        line = f"run {r}:"
        for label, argv in cmds:
            wall, cpu, out = run(argv, False)
            check(label, out)
            walls[label].append(wall)
            cpus[label].append(cpu)
            line += f"  {label} {wall * 1000:.0f} ms (cpu {cpu * 1000:.0f})"
        print(line)
    for label, _ in cmds:
        # The ratio is to the group's first command (status@after to status@before), or to
        # the first command of all when labels have no '@'.
        group = label.split("@")[0] if "@" in label else None
        base = next(l for l, _ in cmds if group is None or l.split("@")[0] == group)
        bw, bc = statistics.median(walls[base]), statistics.median(cpus[base])
        w, c = statistics.median(walls[label]), statistics.median(cpus[label])
        print(f"{label:32s} median {w * 1000:7.1f} ms wall ({w / bw:5.2f}x {base}), "
              f"{c * 1000:7.1f} ms cpu ({c / bc:5.2f}x)   "
              f"wall min {min(walls[label]) * 1000:.1f}, max {max(walls[label]) * 1000:.1f}")


if __name__ == "__main__":
    main()
