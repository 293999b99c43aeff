#!/usr/bin/env python3
"""Cold start of one or more `passerelle` binaries: wall time and CPU time to the first 200 of /api/health,
and RSS then, over N starts each, alternating binaries so that both see the same machine.

CPU time (user + system, read from /proc when the first 200 arrives) moves less than wall time when other
work shares the cores; wall time is what `make bench` reports against the 0.3 s target.

Usage: bench/coldstart.py [--runs N] [--db FILE] BINARY [BINARY ...]
"""
import argparse
import os
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(binary, db):
    port = free_port()
    began = time.monotonic()
    process = subprocess.Popen([binary, "serve", "--db", db, "--root", ROOT, "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - began < 60:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.005)
        else:
            raise RuntimeError(f"{binary} did not answer within 60 s")
        wall = time.monotonic() - began
        with open(f"/proc/{process.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        with open(f"/proc/{process.pid}/status") as status:
            rss = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        return wall, cpu, rss
    finally:
        process.terminate()
        process.wait(timeout=15)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        db = options.db or os.path.join(work, "coldstart.sqlite")
        start(options.binaries[0], db)  # creates and migrates the database once
        results = {binary: [] for binary in options.binaries}
        for _ in range(options.runs):
            for binary in options.binaries:
                results[binary].append(start(binary, db))
    with open("/proc/loadavg") as load:
        print("load average:", " ".join(load.read().split()[:3]))
    for binary, runs in results.items():
        walls, cpus, rsss = zip(*runs)
        print(f"{binary}: wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
              f"CPU median {statistics.median(cpus):.2f} s, RSS median {statistics.median(rsss) / 1024:.1f} MB")


if __name__ == "__main__":
    main()
