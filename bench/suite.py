#!/usr/bin/env python3
"""Issue 12's measurement suite (make bench): every figure beside its target, one table, one JSON file.

Runs against the release build (`swift build -c release` first), on loopback only, every step bounded in
time. Steps: engine (bench/engine.sh figures), seed (passerelle bench seed), cold start and idle RSS, sign-in
of 32 at once, answers through the API (1, 32, 256 learners) and through the pages (1, 32), the trainer's
tracker (30 and 1,000 learners), wrk on a bare libmicrohttpd server (bench/hello.c) and on three Passerelle
paths, the cohort CSV export (1k, 10k; 50k with BENCH_LARGE=1) with peak RSS.

Usage: bench/suite.py [--quick] [--only STEP,...]     JSON: bench/results/suite-<time>.json
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")


def run(command, timeout, **kwargs):
    return subprocess.run(command, cwd=ROOT, check=True, timeout=timeout, capture_output=True, text=True, **kwargs)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return None


class Server:
    """A release `passerelle serve` on a free loopback port; records the time to its first 200."""

    def __init__(self, binary, db):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        began = time.monotonic()
        self.process = subprocess.Popen([binary, "serve", "--db", db, "--root", ROOT, "--port", str(self.port)],
                                        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.cold_start = None
        while time.monotonic() - began < 30:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as response:
                    if response.status == 200:
                        self.cold_start = time.monotonic() - began
                        break
            except OSError:
                time.sleep(0.005)
        if self.cold_start is None:
            self.stop()
            raise RuntimeError("the server did not answer within 30 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def load(mode, server, credentials, timeout=120, **options):
    command = [sys.executable, os.path.join(ROOT, "bench", "load.py"), mode, "--url", server.url,
               "--credentials", credentials]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    return json.loads(run(command, timeout).stdout)


def wrk(url, seconds, connections, cookie=None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = run(command, seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 1e-3, "ms": 1, "s": 1e3}
    return {"per_second": rate, "non_2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": errors.group(1) if errors else "",
            "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None}


def sign_in_cookie(server, body):
    request = urllib.request.Request(server.url + "/api/session", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers["Set-Cookie"].split(";")[0]


def timed(command, timeout):
    """Runs under /usr/bin/time -v: (seconds, peak RSS in KiB)."""
    out = run(["/usr/bin/time", "-v"] + command, timeout)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)", out.stderr)
    seconds = int(wall.group(1) or 0) * 3600 + int(wall.group(2)) * 60 + float(wall.group(3))
    return seconds, rss


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="shorter loads, no 10k export (a smoke run)")
    parser.add_argument("--only", help="comma-separated steps: engine,http,export")
    parser.add_argument("--keep", help="keep the work folder here (databases, outputs)")
    args = parser.parse_args()
    steps = set((args.only or "engine,http,export").split(","))
    binary = run(["swift", "build", "-c", "release", "--show-bin-path"], 120).stdout.strip() + "/passerelle"
    if not os.access(binary, os.X_OK):
        sys.exit("no release build: run swift build -c release first")
    os.makedirs(RESULTS, exist_ok=True)
    work = args.keep or tempfile.mkdtemp(prefix="passerelle-bench-")
    os.makedirs(work, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    began = time.monotonic()
    figures = {"version": run([binary, "--version"], 30).stdout.strip(), "cores": os.cpu_count(),
               "load_average_start": os.getloadavg()[0], "quick": args.quick, "time": stamp}
    rows = []  # (target, measured, goal, unit, lower_is_better)

    def row(name, measured, goal, unit, lower=True):
        rows.append((name, measured, goal, unit, lower))

    def say(text):
        print(f"[{time.monotonic() - began:6.1f} s] {text}", flush=True)

    try:
        if "engine" in steps:
            say("engine: 755 and 5,285 items")
            path = os.path.join(work, "engine-x7.json")
            run([binary, "bench", "engine", "--root", ROOT, "--framework", "numerique", "--copies", "7",
                 "--builds", "5", "--learners", "30" if args.quick else "100", "--json", path], 600)
            engine = json.load(open(path))
            figures["engine_5k"] = engine
            for mode in engine:
                row(f"next item p99, {mode['items']} items, {mode['algorithm']}", mode["selectionUsP99"] / 1e3, 1, "ms")

        if "http" in steps:
            say("seed: cohorts of 30 and 1,000 learners, 256 learners with codes")
            db, credentials = os.path.join(work, "http.sqlite"), os.path.join(work, "http.json")
            for name in (db, credentials):
                if os.path.exists(name):
                    os.remove(name)
            seeded = time.monotonic()
            seed_out = run([binary, "bench", "seed", "--db", db, "--root", ROOT, "--cohorts", "30,1000",
                            "--load-learners", "256", "--credentials", credentials], 900).stdout.strip()
            figures["seed_http"] = {"seconds": round(time.monotonic() - seeded, 1), "output": seed_out}
            say(seed_out)
            seed = json.load(open(credentials))
            server = Server(binary, db)
            try:
                figures["cold_start_s"] = server.cold_start
                row("cold start to first 200", server.cold_start, 0.3, "s")
                time.sleep(2)
                figures["rss_idle_kib"] = rss_kib(server.process.pid)
                row("RSS idle", figures["rss_idle_kib"] / 1024, 30, "MB")

                say("sign-in, 32 at once")
                signin = load("signin", server, credentials, users=32, duration=60)
                figures["signin_32"] = signin
                row("sign-in 32 at once, p99", signin["p99_ms"], 1000, "ms")

                quick = args.quick
                say("answers through the API: 1 learner")
                one = load("answers", server, credentials, users=1, duration=5 if quick else 10, max_requests=300)
                figures["answers_api_1"] = one
                row("answer (API), 1 learner, p50", one["p50_ms"], 2, "ms")
                say("answers through the API: 32 learners")
                many = load("answers", server, credentials, users=32, duration=8 if quick else 20, max_requests=40000)
                figures["answers_api_32"] = many
                figures["rss_after_answers_32_kib"] = rss_kib(server.process.pid)
                row("answers (API), 32 learners", many["per_second"], 1000, "/s", lower=False)
                row("answer (API), 32 learners, p99", many["p99_ms"], 20, "ms")
                say("answers through the API: 256 learners")
                crowd = load("answers", server, credentials, users=256, duration=8 if quick else 20, max_requests=40000)
                figures["answers_api_256"] = crowd
                figures["rss_after_answers_256_kib"] = rss_kib(server.process.pid)
                row("answers (API), 256 learners: errors", crowd["errors"], 0, "")
                row("answers (API), 256 learners", crowd["per_second"], 1000, "/s", lower=False)
                say("answers through the pages: 1 and 32 learners")
                page_one = load("browser", server, credentials, users=1, duration=5 if quick else 10, max_requests=200)
                figures["answers_browser_1"] = page_one
                row("answer (form, 303, next page), 1 learner, p50", page_one["p50_ms"], 2 * one["p50_ms"], "ms")
                page_many = load("browser", server, credentials, users=32, duration=8 if quick else 15, max_requests=20000)
                figures["answers_browser_32"] = page_many
                row("answers (form, 303, next page), 32 learners", page_many["per_second"], many["per_second"] / 2, "/s",
                    lower=False)
                figures["rss_peak_kib"] = rss_kib(server.process.pid, "VmHWM")
                row("RSS peak under load", figures["rss_peak_kib"] / 1024, 100, "MB")

                say("trainer's tracker, 30 and 1,000 learners")
                for cohort, size, count, goal in ((seed["cohorts"][0], 30, 100, 10), (seed["cohorts"][1], 1000, 20, 50)):
                    tracker = load("get", server, credentials, path=f"/formateur/cohortes/{cohort}/suivi", count=count,
                                   duration=60)
                    figures[f"tracker_{size}"] = tracker
                    row(f"tracker, {size} learners, p50", tracker["p50_ms"], goal, "ms")

                seconds = 3 if quick else 5
                # 32 connections: HTTPServer accepts 32 per address (wrk has only 127.0.0.1); the same for the bare server.
                say(f"wrk: 2 threads, 32 connections, {seconds} s per path, bare libmicrohttpd first")
                hello_binary = os.path.join(work, "hello")
                flags = run(["pkg-config", "--cflags", "--libs", "libmicrohttpd"], 30).stdout.split()
                run(["cc", "-O2", "-o", hello_binary, os.path.join(ROOT, "bench", "hello.c")] + flags, 120)
                hello_port = free_port()
                hello = subprocess.Popen([hello_binary, str(hello_port)], stdout=subprocess.DEVNULL)
                try:
                    time.sleep(0.3)
                    ceiling = wrk(f"http://127.0.0.1:{hello_port}/", seconds, 32)
                finally:
                    hello.terminate()
                    hello.wait(timeout=10)
                figures["wrk_hello"] = ceiling
                cookie = sign_in_cookie(server, {"code": seed["codes"][-1]})
                for name, path, goal, with_cookie in (("static", "/static/css/app.css", 0.5, False),
                                                      ("health", "/api/health", 0.5, False),
                                                      ("lesson", seed["lesson"], 0.2, True)):
                    measured = wrk(server.url + path, seconds, 32, cookie if with_cookie else None)
                    measured["ratio"] = measured["per_second"] / ceiling["per_second"]
                    figures[f"wrk_{name}"] = measured
                    row(f"wrk {path} / bare libmicrohttpd ({ceiling['per_second']:.0f}/s)", measured["ratio"], goal, "",
                        lower=False)
            finally:
                server.stop()

        if "export" in steps:
            sizes = [1000] if args.quick else [1000, 10000] + ([50000] if os.environ.get("BENCH_LARGE") else [])
            for size in sizes:
                db = os.path.join(work, f"export-{size}.sqlite")
                if not os.path.exists(db):
                    say(f"seed: one cohort of {size} learners")
                    seeded = time.monotonic()
                    out = run([binary, "bench", "seed", "--db", db, "--root", ROOT, "--learners", str(size)], 3600).stdout
                    figures[f"seed_{size}"] = {"seconds": round(time.monotonic() - seeded, 1), "output": out.strip()}
                    say(out.strip())
                say(f"export of {size} learners (CSV), 3 runs")
                output = os.path.join(work, f"export-{size}.csv")
                # Three runs, the median reported: the first after seeding often reads the file from disk (this
                # machine's page cache keeps about 1 GB, the 10,000-learner file is 1.3 GB); all three are kept.
                runs = [timed([binary, "export", "cohort", "1", "--db", db, "--root", ROOT, "-o", output], 1800)
                        for _ in range(3)]
                seconds = sorted(run[0] for run in runs)[1]
                rss = max(run[1] for run in runs)
                with open(output, encoding="utf-8") as file:
                    lines = sum(1 for _ in file)
                figures[f"export_{size}"] = {"seconds": seconds, "peak_rss_kib": rss, "lines": lines,
                                             "runs": [{"seconds": run[0], "peak_rss_kib": run[1]} for run in runs]}
                row(f"CSV export, {size} learners", seconds, 2 if size == 10000 else None, "s")
                row(f"CSV export, {size} learners, peak RSS", rss / 1024, 64, "MB")
    finally:
        figures["seconds"] = round(time.monotonic() - began, 1)
        figures["load_average_end"] = os.getloadavg()[0]
        figures["table"] = [{"target": name, "measured": measured, "goal": goal, "unit": unit,
                             "lower_is_better": lower} for name, measured, goal, unit, lower in rows]
        path = os.path.join(RESULTS, f"suite-{stamp}.json")
        with open(path, "w") as file:
            json.dump(figures, file, indent=2, sort_keys=True)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"passerelle {figures['version']}, {figures['cores']} cores, load average {figures['load_average_start']:.1f} "
          f"at the start, {figures['seconds']:.0f} s in all")
    print(f"{'target':64} {'measured':>12} {'goal':>12} {'ratio':>7}  met")
    for name, measured, goal, unit, lower in rows:
        if measured is None or goal is None:
            shown = "—" if measured is None else f"{measured:.3g} {unit}"
            print(f"{name:64} {shown:>12} {'—' if goal is None else ('<= ' if lower else '>= ') + f'{goal:g} {unit}':>12}")
            continue
        ratio = (measured / goal) if goal else (0 if measured == 0 else float("inf"))
        met = measured <= goal if lower else measured >= goal
        print(f"{name:64} {f'{measured:.3g} {unit}':>12} {('<= ' if lower else '>= ') + f'{goal:.3g} {unit}':>12} "
              f"{ratio:7.2f}  {'yes' if met else 'NO'}")
    print(f"\nJSON: {os.path.relpath(path, ROOT)}")


if __name__ == "__main__":
    main()
