#!/usr/bin/env python3
"""Load generator for Passerelle on loopback (standard library only, asyncio, keep-alive connections).

Modes (each prints one JSON object on stdout):
  answers  --users N   learners answer through the JSON API: sign in with a code, list their assessments, start a
                       run, then POST /api/assessments/{run}/answers (check, record durably, next item) until the run
                       ends, then the next assignment, then the next code. Latency: one answer request.
  browser  --users N   the same through the pages: POST the answer form (303), then GET the next question page.
                       Latency: the POST and the GET together.
  signin   --users N   N learners sign in at once (POST /api/session), once each.
  get      --path P    one signed-in trainer (or learner with --as-learner) GETs P sequentially --count times.

Every loop is bounded by --duration seconds and --max-requests; the script never runs past them.
Codes, trainer and password come from the file written by `passerelle bench seed --credentials FILE`.
"""
import argparse
import asyncio
import html
import json
import re
import sys
import time
import urllib.parse


class ConnectionClosed(OSError):
    """The server closed the connection before answering; says where and when, to find out why."""


class Client:
    """One keep-alive HTTP/1.1 connection with its cookie."""

    def __init__(self, host, port, source=None):
        self.host, self.port, self.source = host, port, source
        self.reader = self.writer = None
        self.cookie = None
        self.opened = self.answered = 0.0
        self.requests = 0

    async def request(self, method, path, body=None, content_type=None, headers=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, local_addr=(self.source, 0) if self.source else None)
            self.opened = self.answered = time.monotonic()
            self.requests = 0
        self.requests += 1
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Sec-Fetch-Site: same-origin"]
        if self.cookie:
            lines.append(f"Cookie: {self.cookie}")
        payload = b""
        if body is not None:
            payload = body if isinstance(body, bytes) else body.encode()
            lines.append(f"Content-Type: {content_type or 'application/json'}")
            lines.append(f"Content-Length: {len(payload)}")
        for name, value in (headers or {}).items():
            lines.append(f"{name}: {value}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        try:
            head = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            now = time.monotonic()
            raise ConnectionClosed(
                f"{method} {path.split('?')[0]} from {self.source or 'default'}: closed after {len(error.partial)} bytes, "
                f"request {self.requests} of a connection {now - self.opened:.3f} s old, "
                f"{now - self.answered:.3f} s after its previous answer") from error
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ")[1])
        length, location, close = 0, None, False
        for line in header_lines:
            if not line:
                continue
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie" and value.startswith("passerelle_session="):
                self.cookie = value.split(";")[0]
            elif name == "location":
                location = value
            elif name == "connection" and value.lower() == "close":
                close = True
            elif name == "transfer-encoding":
                raise RuntimeError("chunked responses are not expected")
        data = await self.reader.readexactly(length) if length else b""
        self.answered = time.monotonic()
        if close:
            self.close()
        return status, data, location

    def close(self):
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def summary(latencies, errors, elapsed, **extra):
    result = {
        "count": len(latencies), "errors": errors, "seconds": round(elapsed, 3),
        "per_second": round(len(latencies) / elapsed, 1) if elapsed > 0 else None,
        "p50_ms": round(percentile(latencies, 0.5) * 1e3, 2) if latencies else None,
        "p99_ms": round(percentile(latencies, 0.99) * 1e3, 2) if latencies else None,
        "max_ms": round(max(latencies) * 1e3, 2) if latencies else None,
    }
    result.update(extra)
    return result


def api_answer(item):
    """Some well-formed answer to an item as the API shows it (right or wrong does not matter)."""
    kind = item["type"]
    if kind == "qcu":
        return {"choice": item["options"][0]["id"]}
    if kind == "qcm":
        return {"choices": [item["options"][0]["id"]]}
    if kind in ("qroc", "qrocm-ind", "qrocm-dep"):
        return {"fields": {field["id"]: "réponse" for field in item["fields"]}}
    if kind == "ordering":
        return {"order": [option["id"] for option in item["options"]]}
    if kind == "matching":
        return {"pairs": {left["id"]: right["id"] for left, right in zip(item["left"], item["right"])}}
    raise ValueError(kind)


INPUT = re.compile(r"<(input|select|option)\b([^>]*)>", re.I)
ATTRIBUTE = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')


def form_answer(page):
    """The fields a person would send for the question page's form (first choice, first option, some text)."""
    fields, select = [], None
    seen_radio = set()
    for tag, raw in INPUT.findall(page):
        attributes = {k.lower(): html.unescape(v) for k, v in ATTRIBUTE.findall(raw)}
        tag = tag.lower()
        name = attributes.get("name")
        if tag == "select":
            select = name
            continue
        if tag == "option":
            if select and attributes.get("value"):
                fields.append((select, attributes["value"]))
                select = None
            continue
        kind = attributes.get("type", "text").lower()
        if not name or kind in ("submit", "button"):
            continue
        if kind == "hidden":
            fields.append((name, attributes.get("value", "")))
        elif kind in ("radio", "checkbox"):
            if name not in seen_radio:
                seen_radio.add(name)
                fields.append((name, attributes.get("value", "")))
        elif name.startswith("position_"):
            fields.append((name, None))
        elif name.startswith("champ_"):
            fields.append((name, "réponse"))
    positions = [i for i, (name, value) in enumerate(fields) if name.startswith("position_")]
    for rank, i in enumerate(positions, start=1):
        fields[i] = (fields[i][0], str(rank))
    return fields


class Pool:
    """The learners' codes, handed out one at a time."""

    def __init__(self, codes):
        self.codes = list(codes)
        self.next = 0

    def take(self):
        if self.next >= len(self.codes):
            return None
        self.next += 1
        return self.codes[self.next - 1]


def source_address(args, number):
    """Learner `number`'s loopback source address: the server allows 32 connections per address, and a
    classroom's learners come from several devices (Linux routes all of 127.0.0.0/8 to loopback)."""
    if args.host != "127.0.0.1" or args.addresses <= 0:
        return None
    return f"127.0.0.{2 + number // args.addresses}"


class Phase:
    """Learners sign in first (at most 8 at a time: sign-in is measured on its own), then all answer together
    from the same instant until `stop`."""

    def __init__(self, args):
        self.args = args
        self.gate = asyncio.Semaphore(8)
        self.waiting = args.users
        self.go = asyncio.Event()
        self.began = self.stop = None
        self.signin_deadline = time.monotonic() + 120

    def arrived(self):
        self.waiting -= 1
        if self.waiting == 0:
            self.began = time.monotonic()
            self.stop = self.began + self.args.duration
            self.go.set()

    def running(self, counters):
        return time.monotonic() < self.stop and counters["answers"] < self.args.max_requests


async def sign_in(client, code, browser):
    client.close()
    client.cookie = None
    if browser:
        status, _, _ = await client.request("POST", "/connexion/apprenant", urllib.parse.urlencode({"code": code}),
                                            "application/x-www-form-urlencoded")
        return status == 303
    status, _, _ = await client.request("POST", "/api/session", json.dumps({"code": code}))
    return status == 200


async def learner(args, number, pool, phase, latencies, counters, browser):
    client = Client(args.host, args.port, source_address(args, number))
    signed_in = False
    try:
        code = pool.take()
        async with phase.gate:
            if code is not None and time.monotonic() < phase.signin_deadline:
                signed_in = await sign_in(client, code, browser)
                if not signed_in:
                    counters["signin_errors"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        counters["signin_errors"] += 1
        counters["last_exception"] = repr(error)
    phase.arrived()
    await phase.go.wait()
    try:
        while signed_in and phase.running(counters):
            await (answer_pages(client, phase, latencies, counters) if browser
                   else answer_api(client, phase, latencies, counters))
            if not phase.running(counters):
                break
            code = pool.take()  # every assignment of this learner is done: the next learner
            if code is None:
                counters["out_of_codes"] += 1
                break
            signed_in = await sign_in(client, code, browser)
            if not signed_in:
                counters["signin_errors"] += 1
    except (OSError, asyncio.IncompleteReadError, ValueError) as error:
        counters["errors"] += 1
        counters["exceptions"] = counters.get("exceptions", 0) + 1
        counters["last_exception"] = repr(error)
    finally:
        client.close()


def count_status(counters, status):
    counters["errors"] += 1
    counters[f"status_{status}"] = counters.get(f"status_{status}", 0) + 1


async def answer_api(client, phase, latencies, counters):
    """Answers every open assessment of the signed-in learner through the JSON API."""
    status, data, _ = await client.request("GET", "/api/assessments")
    if status != 200:
        return count_status(counters, status)
    for entry in json.loads(data)["assessments"]:
        if entry["state"] == "completed":
            continue
        status, data, _ = await client.request("POST", "/api/assessments", json.dumps({"assignment": entry["assignment"]}))
        if status != 200:
            count_status(counters, status)
            continue
        view = json.loads(data)
        while view.get("state") == "started" and "item" in view:
            if not phase.running(counters):
                return
            body = json.dumps({"item": view["item"]["id"], "answer": api_answer(view["item"]), "timeSpentMs": 12000})
            began = time.monotonic()
            status, data, _ = await client.request("POST", f"/api/assessments/{view['id']}/answers", body)
            latencies.append(time.monotonic() - began)
            counters["answers"] += 1
            if status != 200:
                count_status(counters, status)
                break
            view = json.loads(data)
        if view.get("state") == "completed":
            counters["runs_completed"] += 1


async def answer_pages(client, phase, latencies, counters):
    """The same through the pages: POST the answer form (303), GET the next question page."""
    form = "application/x-www-form-urlencoded"
    status, data, _ = await client.request("GET", "/api/assessments")
    if status != 200:
        return count_status(counters, status)
    for entry in json.loads(data)["assessments"]:
        if entry["state"] == "completed":
            continue
        status, _, location = await client.request("POST", f"/positionnements/{entry['assignment']}/commencer", "", form)
        if status != 303 or not location:
            count_status(counters, status)
            continue
        path = urllib.parse.urlsplit(location).path
        status, data, _ = await client.request("GET", path)
        while status == 200 and b'name="item"' in data:
            if not phase.running(counters):
                return
            body = urllib.parse.urlencode(form_answer(data.decode()))
            began = time.monotonic()
            status, _, location = await client.request("POST", f"{path}/reponse", body, form)
            if status != 303:
                if phase.args.debug:
                    print(f"form {body!r} -> {status}", file=sys.stderr)
                latencies.append(time.monotonic() - began)
                counters["answers"] += 1
                count_status(counters, status)
                break
            status, data, _ = await client.request("GET", urllib.parse.urlsplit(location).path)
            latencies.append(time.monotonic() - began)
            counters["answers"] += 1
        if "/resultat" in (location or ""):
            counters["runs_completed"] += 1


async def run_flow(args, credentials, browser):
    pool = Pool(credentials["codes"])
    latencies, counters = [], {"answers": 0, "errors": 0, "signin_errors": 0, "runs_completed": 0, "out_of_codes": 0}
    phase = Phase(args)
    signin_began = time.monotonic()
    await asyncio.wait_for(
        asyncio.gather(*(learner(args, number, pool, phase, latencies, counters, browser) for number in range(args.users))),
        timeout=args.duration + 180)
    elapsed = time.monotonic() - phase.began
    errors = counters.pop("errors")
    return summary(latencies, errors, elapsed, users=args.users, codes_used=pool.next,
                   signin_seconds=round(phase.began - signin_began, 2), **counters)


async def run_signin(args, credentials):
    codes = credentials["codes"][: args.users]
    latencies, errors = [], 0

    async def one(number, code):
        nonlocal errors
        client = Client(args.host, args.port, source_address(args, number))
        try:
            began = time.monotonic()
            status, _, _ = await asyncio.wait_for(
                client.request("POST", "/api/session", json.dumps({"code": code})), timeout=args.duration)
            latencies.append(time.monotonic() - began)
            if status != 200:
                errors += 1
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            errors += 1
        finally:
            client.close()

    began = time.monotonic()
    await asyncio.gather(*(one(number, code) for number, code in enumerate(codes)))
    return summary(latencies, errors, time.monotonic() - began, users=len(codes))


async def run_get(args, credentials):
    client = Client(args.host, args.port)
    if args.as_learner:
        status, _, _ = await client.request("POST", "/api/session", json.dumps({"code": credentials["codes"][0]}))
    else:
        status, _, _ = await client.request(
            "POST", "/api/session", json.dumps({"username": credentials["trainer"], "password": credentials["password"]}))
    if status != 200:
        return {"errors": 1, "signin_status": status}
    latencies, errors, size = [], 0, 0
    began = time.monotonic()
    stop = began + args.duration
    for _ in range(args.count):
        if time.monotonic() >= stop:
            break
        start = time.monotonic()
        status, data, _ = await client.request("GET", args.path)
        latencies.append(time.monotonic() - start)
        size = len(data)
        if status != 200:
            errors += 1
    client.close()
    return summary(latencies, errors, time.monotonic() - began, path=args.path, bytes=size)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["answers", "browser", "signin", "get"])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--credentials", required=True)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--duration", type=float, default=15.0, help="upper bound in seconds")
    parser.add_argument("--max-requests", type=int, default=100_000, help="upper bound on answers")
    parser.add_argument("--path")
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--as-learner", action="store_true")
    parser.add_argument("--debug", action="store_true", help="print refused forms on stderr")
    parser.add_argument("--addresses", type=int, default=16,
                        help="learners share loopback source addresses 127.0.0.2… by this many (a classroom's devices)")
    args = parser.parse_args()
    parts = urllib.parse.urlsplit(args.url)
    args.host, args.port = parts.hostname, parts.port or 80
    with open(args.credentials) as file:
        credentials = json.load(file)
    if args.mode == "answers":
        result = asyncio.run(run_flow(args, credentials, browser=False))
    elif args.mode == "browser":
        result = asyncio.run(run_flow(args, credentials, browser=True))
    elif args.mode == "signin":
        result = asyncio.run(run_signin(args, credentials))
    else:
        if not args.path:
            parser.error("get needs --path")
        result = asyncio.run(run_get(args, credentials))
    result["mode"] = args.mode
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
