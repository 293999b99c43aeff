"""Starts `passerelle demo` on a free loopback port over a given database, and talks to its JSON API.

Used by the crash and fuzz tests. Loopback only; every loop is bounded in count and time.
"""
import http.client
import json
import os
import re
import signal
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def binary() -> str:
    path = os.environ.get("PASSERELLE_BIN")
    if path:
        return path
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True)
    return str(Path(out.stdout.strip()) / "passerelle")


class Demo:
    def __init__(self, database: str):
        self.process = subprocess.Popen(
            [binary(), "demo", "--port", "0", "--quiet", "--new-codes", "--no-sample-results", "--db", database, "--root", str(ROOT)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        self.port = None
        for line in self.process.stdout:
            lines.append(line)
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match:
                self.port = int(match.group(1))
                break
        assert self.port, "the demo did not start:\n" + "".join(lines)
        text = "".join(lines)
        self.codes = [code for _, code in re.findall(r"^  (\S.*?)\s{2,}([A-Z0-9]{5}-[A-Z0-9]{5})$", text, re.MULTILINE)]
        trainer = re.search(r"identifiant « (.+?) », mot de passe « (.+?) »", text)
        self.trainer = (trainer.group(1), trainer.group(2)) if trainer else None

    def kill(self):
        """kill -9: no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def alive(self) -> bool:
        try:
            return request(self.port, "GET", "/api/health")[0] == 200
        except OSError:
            return False


def request(port, method, path, body=None, cookie=None, raw=None, timeout=30):
    """One request on a new connection; returns (status, parsed JSON or None, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json", "Sec-Fetch-Site": "same-origin"}
    if cookie:
        headers["Cookie"] = cookie
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = None
        return response.status, parsed, dict(response.getheaders())
    finally:
        connection.close()


def sign_in(port, code):
    status, _, headers = request(port, "POST", "/api/session", {"code": code})
    assert status == 200, f"sign-in {status}"
    return headers["Set-Cookie"].split(";")[0]


def answer_for(item):
    """A well-formed answer of the item's type (right or wrong does not matter here)."""
    kind = item["type"]
    if kind == "qcu":
        return {"choice": item["options"][0]["id"]}
    if kind == "qcm":
        return {"choices": [item["options"][0]["id"]]}
    if kind in ("qroc", "qrocm-ind", "qrocm-dep", "qrocm"):
        return {"fields": {field["id"]: "réponse" for field in item["fields"]}}
    if kind == "ordering":
        return {"order": [option["id"] for option in item["options"]]}
    if kind == "matching":
        rights = [option["id"] for option in item["right"]]
        return {"pairs": {left["id"]: rights[index % len(rights)] for index, left in enumerate(item["left"])}}
    raise AssertionError(f"unknown item type {kind}")
