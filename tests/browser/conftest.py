"""Starts `passerelle demo` on a free port for the browser tests, and a headless Debian chromium."""
import os
import re
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def binary() -> str:
    path = os.environ.get("PASSERELLE_BIN")
    if path:
        return path
    out = subprocess.run(["swift", "build", "--show-bin-path"], cwd=ROOT, capture_output=True, text=True, check=True)
    return str(Path(out.stdout.strip()) / "passerelle")


class Demo:
    """What `passerelle demo` printed: the address, the trainer's sign-in and the learners' codes."""

    def __init__(self, url, trainer, password, learners):
        self.url = url
        self.trainer = trainer
        self.password = password
        self.learners = learners  # list of (name, code)


def start_demo(sample_results=False):
    """Starts a demo server on a database of its own, without the demo's sample results unless asked;
    returns (Demo, process)."""
    folder = tempfile.mkdtemp(prefix="passerelle-browser-")
    samples = [] if sample_results else ["--no-sample-results"]
    process = subprocess.Popen(
        [binary(), "demo", "--port", "0", "--quiet", "--new-codes", *samples, "--db", os.path.join(folder, "demo.sqlite"), "--root", str(ROOT)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    url = None
    for line in process.stdout:
        lines.append(line)
        match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
        if match:
            url = match.group(1)
            break
    assert url, "the demo server did not print its address:\n" + "".join(lines)
    text = "".join(lines)
    trainer = re.search(r"identifiant « (.+?) », mot de passe « (.+?) »", text)
    learners = re.findall(r"^  (\S.*?)\s{2,}([A-Z0-9]{5}-[A-Z0-9]{5})$", text, re.MULTILINE)
    assert trainer and len(learners) == 12, text
    return Demo(url, trainer.group(1), trainer.group(2), learners), process


def stop_demo(process):
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 0


@pytest.fixture(scope="session")
def demo():
    """The demo most tests share; each test signs in as its own learners (see the tests' indices)."""
    running, process = start_demo()
    yield running
    stop_demo(process)


@pytest.fixture(scope="module")
def own_demo():
    """A demo of the test module's own, for tests that fill a cohort with results through the API (they use
    every learner, which would take the shared demo's positionings away from the other tests)."""
    running, process = start_demo()
    yield running
    stop_demo(process)


@pytest.fixture(scope="module")
def sample_demo():
    """A demo as `make demo` starts it the first time: the demo cohort holds its sample results."""
    running, process = start_demo(sample_results=True)
    yield running
    stop_demo(process)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.requested_urls = requests
    yield page
    context.close()
