"""Crash test (issue 11): 32 learners answer at once, the server is killed with SIGKILL at a random moment and
restarted on the same database. Every answer the server acknowledged must be there, the file must pass
`PRAGMA integrity_check`, and every unfinished run must resume at an item not yet answered.

`make test` runs 2 rounds; `make test-crash` runs 20 (CRASH_ROUNDS).
"""
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

from harness import Demo, answer_for, binary, request, sign_in

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "2"))
LEARNERS = 32


def demo_with_learners(database, count):
    """The demo's database with `count` learners in its cohort (the demo has 12; the rest are imported
    with the CLI, as an institution would)."""
    Demo(database).stop()
    with sqlite3.connect(database) as db:
        (cohort,) = db.execute("SELECT id FROM cohorts ORDER BY id LIMIT 1").fetchone()
        (present,) = db.execute("SELECT COUNT(*) FROM learners WHERE cohort_id = ?", (cohort,)).fetchone()
    if present < count:
        listing = os.path.join(os.path.dirname(database), "import.csv")
        with open(listing, "w", encoding="utf-8") as file:
            file.write("Nom;Prénom\n" + "".join(f"Essai{n};Personne{n}\n" for n in range(count - present)))
        subprocess.run([binary(), "learner", "import", "--db", database, str(cohort), listing],
                       check=True, capture_output=True, timeout=300)


def learner_loop(port, code, acknowledged, stop, errors):
    try:
        cookie = sign_in(port, code)
        status, listing, _ = request(port, "GET", "/api/assessments", cookie=cookie)
        assignment = listing["assessments"][0]["assignment"]
        status, view, _ = request(port, "POST", "/api/assessments", {"assignment": assignment}, cookie=cookie)
        run = view["id"]
        while not stop.is_set() and view and view.get("item"):
            item = view["item"]
            status, view, _ = request(port, "POST", f"/api/assessments/{run}/answers",
                                      {"item": item["id"], "answer": answer_for(item), "timeSpentMs": 800}, cookie=cookie)
            if status == 200:
                acknowledged.append((run, item["id"]))
            elif status == 409:  # an answer already recorded (a retry after a restart): read the current view
                status, view, _ = request(port, "GET", f"/api/assessments/{run}", cookie=cookie)
            else:
                errors.append(f"answer → {status}")
                return
    except (OSError, ConnectionError, KeyError, TypeError):
        return  # the server was killed under us: expected


def test_acknowledged_answers_survive_kill_9():
    folder = tempfile.mkdtemp(prefix="passerelle-crash-")
    database = os.path.join(folder, "crash.sqlite")
    rng = random.Random(int(os.environ.get("CRASH_SEED", "11")))
    acknowledged = []
    demo_with_learners(database, LEARNERS)
    for round_number in range(ROUNDS):
        demo = Demo(database)
        assert len(demo.codes) >= LEARNERS, f"{len(demo.codes)} codes printed"
        stop = threading.Event()
        errors = []
        threads = [threading.Thread(target=learner_loop, args=(demo.port, code, acknowledged, stop, errors), daemon=True)
                   for code in demo.codes]
        before = len(acknowledged)
        for thread in threads:
            thread.start()
        # Sign-ins (argon2id) take a few seconds first: kill at a random moment once answers flow.
        deadline = time.monotonic() + 120
        while len(acknowledged) == before and time.monotonic() < deadline and not errors:
            time.sleep(0.1)
        time.sleep(rng.uniform(0.2, 3.0))
        demo.kill()
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        # Restart on the same file: every acknowledged answer is there, and the file is sound.
        demo = Demo(database)
        assert demo.alive()
        demo.stop()
        with sqlite3.connect(database) as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = set(db.execute("SELECT assessment_id, item_id FROM assessment_answers").fetchall())
            missing = [pair for pair in acknowledged if pair not in stored]
            assert not missing, f"round {round_number}: {len(missing)} acknowledged answer(s) lost: {missing[:5]}"
            for run, current in db.execute("SELECT id, current_item_id FROM assessments WHERE state = 'started'"):
                answered = {item for (item,) in db.execute("SELECT item_id FROM assessment_answers WHERE assessment_id = ?", (run,))}
                assert current is None or current not in answered, f"run {run} would ask {current} again"
    assert acknowledged, "no answer was acknowledged at all: the test did not exercise anything"
    shutil.rmtree(folder, ignore_errors=True)  # kept when the test fails, to look at
