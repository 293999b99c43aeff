"""Backup under load (issue 11): while the demo's learners answer, `passerelle backup FILE` copies the
database (SQLite's online backup). The copy passes `PRAGMA integrity_check`, holds every answer the server
had acknowledged before the backup began, and `passerelle restore` brings those answers back."""
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time

from harness import Demo, binary
from test_crash import learner_loop


def test_a_backup_taken_while_learners_answer_is_whole():
    folder = tempfile.mkdtemp(prefix="passerelle-backup-")
    database = os.path.join(folder, "live.sqlite")
    copy = os.path.join(folder, "copie.sqlite")
    demo = Demo(database)
    stop = threading.Event()
    acknowledged, errors = [], []
    threads = [threading.Thread(target=learner_loop, args=(demo.port, code, acknowledged, stop, errors), daemon=True)
               for code in demo.codes]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 20 and time.monotonic() < deadline and not errors:
            time.sleep(0.1)
        before = list(acknowledged)  # acknowledged before the backup began
        assert before, "no answer was acknowledged: the test did not exercise anything"
        result = subprocess.run([binary(), "backup", "--db", database, copy], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        time.sleep(0.5)  # answers go on after the backup
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        demo.stop()
    assert not errors, errors
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = set(db.execute("SELECT assessment_id, item_id FROM assessment_answers").fetchall())
    missing = [pair for pair in before if pair not in stored]
    assert not missing, f"{len(missing)} acknowledged answer(s) missing from the backup: {missing[:5]}"
    # Restore into the live file (server stopped): the answers of the backup are back.
    result = subprocess.run([binary(), "restore", "--db", database, copy], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(database) as db:
        restored = set(db.execute("SELECT assessment_id, item_id FROM assessment_answers").fetchall())
    assert restored == stored
    shutil.rmtree(folder, ignore_errors=True)
