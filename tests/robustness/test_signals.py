"""SIGTERM and SIGINT are never lost (issue 11): sent while the server loads its content, right after it says it
is listening, or while learners' requests arrive, the server stops cleanly within seconds, every time."""
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from harness import binary, request, ROOT

ROUNDS = 12


def _start(database):
    return subprocess.Popen([binary(), "serve", "--port", "0", "--quiet", "--db", database, "--root", str(ROOT)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _hammer(port, stop):
    """Requests in a loop until told to stop or the server goes away (bounded: at most 2,000)."""
    for _ in range(2000):
        if stop.is_set():
            return
        try:
            request(port, "GET", "/api/health", timeout=5)
        except OSError:
            return


def test_termination_signals_are_never_lost():
    folder = tempfile.mkdtemp(prefix="passerelle-signals-")
    database = os.path.join(folder, "s.sqlite")
    made = subprocess.run([binary(), "init", "--db", database, "--root", str(ROOT)], capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    lost = []
    for round_ in range(ROUNDS):
        sent = signal.SIGTERM if round_ % 2 == 0 else signal.SIGINT
        process = _start(database)
        stop = threading.Event()
        workers = []
        output = []
        if round_ % 3 == 0:
            time.sleep(0.3)
            process.send_signal(sent)  # while the content loads: kept until the server waits for it
        else:
            for line in process.stdout:
                output.append(line)
                match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if match:
                    if round_ % 3 == 2:
                        workers = [threading.Thread(target=_hammer, args=(int(match.group(1)), stop)) for _ in range(8)]
                        for worker in workers:
                            worker.start()
                    break
            process.send_signal(sent)
        try:
            rest, _ = process.communicate(timeout=60)
            output.append(rest)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            lost.append(round_)
        stop.set()
        for worker in workers:
            worker.join(timeout=30)
        if round_ % 3 == 0 and process.returncode == -sent:
            continue  # on a loaded machine the signal came before `main` blocked it: stopped at once, as asked
        if round_ not in lost:
            assert process.returncode == 0, f"round {round_}: exit {process.returncode}\n" + "".join(output)
            assert "Serveur arrêté." in "".join(output), f"round {round_}:\n" + "".join(output)
    assert not lost, f"signal not answered within 60 s in rounds {lost}"
