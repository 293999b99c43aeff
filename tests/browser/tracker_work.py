"""Learner work for the tracker's browser test, done the way learners do it: through the learner API of the
running demo (sign in with the access code, take and share the positioning, answer activities, send a
reflection). Nothing is written behind the server's back."""
import json
import random
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def right_choices():
    """Item id -> its right choice, for the single-choice items of the banks (learners who know answer right)."""
    right = {}
    for path in (ROOT / "Assessments" / "items").rglob("*.yaml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("items", []):
            correct = [choice["id"] for choice in item.get("choices", []) if choice.get("correct")]
            if item.get("type") == "qcu" and len(correct) == 1:
                right[item["id"]] = correct[0]
    return right


class Learner:
    def __init__(self, url, code):
        self.url = url
        self.cookie = None
        self.call("POST", "/api/session", {"code": code})

    def call(self, method, path, body=None):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", self.url)  # a state change must come from our own pages
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        with urllib.request.urlopen(request, timeout=30) as response:
            cookie = response.headers.get("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";")[0]
            text = response.read().decode()
            return json.loads(text) if text else {}

    def take_positioning(self, draw, skill, right):
        """Answers the demo positioning, right with probability `skill` (else a choice drawn at random), then shares it."""
        listed = self.call("GET", "/api/assessments")["assessments"][0]
        if listed.get("run"):  # begun earlier (another test): take it up where it is
            view = self.call("GET", f"/api/assessments/{listed['run']}")
        else:
            view = self.call("POST", "/api/assessments", {"assignment": listed["assignment"]})
        run = view["id"]
        for _ in range(400):
            item = view.get("item")
            if not item:
                break
            options = [option["id"] for option in item.get("options", [])]
            if item["type"] == "qcu" and options:
                known = right.get(item["id"])
                answer = {"choice": known if known and draw.random() < skill else draw.choice(options)}
                view = self.call("POST", f"/api/assessments/{run}/answers", {"item": item["id"], "answer": answer})
            else:
                view = self.call("POST", f"/api/assessments/{run}/answers", {"item": item["id"], "skip": True})
        self.call("POST", f"/api/assessments/{run}/share")

    def answer(self, module, activity, answer):
        return self.call("POST", f"/api/modules/{module}/activities/{activity}", {"answer": answer})

    def read(self, module, lesson):
        self.call("POST", f"/api/modules/{module}/lessons/{lesson}", {"completed": True})


def give_work(url, learners):
    """`learners`: (name, code) of the demo. Eight share a positioning; the first fails the same scenario four
    times (needs help); several read lessons and answer; two send a reflection to review."""
    draw = random.Random(14)
    right = right_choices()
    worked = 0
    for index, (_, code) in enumerate(learners):
        try:
            learner = Learner(url, code)
        except urllib.error.HTTPError:  # a code renewed by another test
            continue
        worked += 1
        if index < 8:
            learner.take_positioning(draw, skill=0.35 + 0.09 * index, right=right)
        if index == 0:
            for _ in range(4):
                learner.answer("histoire-acteurs-numerique", "scenario-impots-en-ligne", {"step": "inquietude", "choice": "b"})
        if index % 3 != 2:
            learner.read("histoire-acteurs-numerique", "01-petite-histoire-du-numerique")
            learner.answer("histoire-acteurs-numerique", "web-ou-internet", {"choice": "a" if index % 2 == 0 else "b"})
        if index in (1, 4):
            learner.answer("cultures-usages-numerique", "reflexion-representations",
                           {"text": "Dans mon quartier, beaucoup de personnes âgées ont peur de faire une erreur en ligne."})
    return worked
