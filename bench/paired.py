#!/usr/bin/env python3
"""Paired timing of two commands: runs them alternately (A, B, A, B, ...) so that a
shared machine's changing load falls on both alike, and prints the median wall and CPU
(user + system, from wait4) of each and their ratios.

    bench/paired.py [--runs N] [--cwd DIR] -- 'COMMAND A' 'COMMAND B'

Used by bench/run.sh --registry; exit codes of the commands are ignored (ownlint
exits 1 when it finds violations).
"""
import argparse
import os
import shlex
import statistics
import subprocess
import time


def once(argv, cwd):
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--cwd", default=".")
    ap.add_argument("commands", nargs=2)
    args = ap.parse_args()
    cmds = [shlex.split(c) for c in args.commands]
    for _ in range(args.warmup):
        for c in cmds:
            once(c, args.cwd)
    samples = [[], []]
    for _ in range(args.runs):
        for i, c in enumerate(cmds):
            samples[i].append(once(c, args.cwd))
    med = [
        (statistics.median(w for w, _ in s), statistics.median(c for _, c in s))
        for s in samples
    ]
    for label, (w, c) in zip("AB", med):
        print(f"{label}: median wall {w * 1000:.0f} ms, CPU {c * 1000:.0f} ms")
    # Per-pair ratios: each B against the A run just before it.
    cpu_ratios = sorted(b[1] / a[1] for a, b in zip(*samples))
    print(
        f"B/A: {med[1][1] / med[0][1]:.2f}x CPU, {med[1][0] / med[0][0]:.2f}x wall "
        f"(median of medians); paired CPU ratios {cpu_ratios[len(cpu_ratios) // 4]:.2f}x"
        f"..{cpu_ratios[3 * len(cpu_ratios) // 4]:.2f}x (quartiles) over {args.runs} pairs"
    )


if __name__ == "__main__":
    main()
