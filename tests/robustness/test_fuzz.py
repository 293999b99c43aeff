"""Malformed requests (issue 11): every JSON route gets a corpus of broken bodies through the real server.
Each must get a 4xx (never a 5xx), and the server must still answer afterwards. Loopback only, bounded.

`make test` runs the corpus once; `make test-fuzz` adds FUZZ_RANDOM random mutations per route.
"""
import json
import os
import random
import tempfile

from harness import Demo, request, sign_in

CORPUS = [
    b"", b"null", b"false", b"true", b"0", b"-1", b"1e309", b'"a"', b"[]", b"[[[[[[[[]]]]]]]]", b"{", b"}", b"{}",
    b'{"item": null}', b'{"item": "x", "answer": false}', b'{"item": "x", "answer": "a"}', b'{"item": "x", "answer": 1}',
    b'{"item": "x", "answer": null}', b'{"item": ["x"], "answer": {"choice": "a"}}', b'{"item": "x", "answer": {"choice": 1}}',
    b'{"item": "x", "answer": {"choice": "a", "choices": ["a"]}}', b'{"item": "x", "answer": {"fields": []}}',
    b'{"item": "x", "answer": {"pairs": {"a": 1}}}', b'{"item": "x", "answer": {"choice": "a"}, "timeSpentMs": 1e400}',
    b'{"item": "x", "answer": {"choice": "a"}, "timeSpentMs": "9223372036854775808"}',
    b'{"assignment": "1"}', b'{"assignment": 1e300}', b'{"assignment": -9223372036854775809}', b'{"assignment": null}',
    b'{"code": 12}', b'{"code": null}', b'{"username": 1, "password": []}', b'{"completed": "oui"}',
    b'{"answer": {"choice": "a"}, "timeSpentMs": 1e300}', b'{"answer": {"values": {"s": 1e300}}, "timeSpentMs": -1e300}',
    b'{"answer": {"values": {"s": "1e300"}}}', b'{"answer": {"text": 5}}', b'{"answer": {"answers": [1, 2]}}',
    b'{"step": {}, "choice": []}', "{\"item\": \"\u0000\"}".encode(), b"\xff\xfe\xfd", b'{"a":' * 200 + b"1" + b"}" * 200,
    json.dumps({"item": "x" * 100_000, "answer": {"choice": "a"}}).encode(),
]


def routes(port, cookie):
    """The JSON routes a learner can post to, with real ids."""
    status, listing, _ = request(port, "GET", "/api/assessments", cookie=cookie)
    assignment = listing["assessments"][0]["assignment"]
    status, view, _ = request(port, "POST", "/api/assessments", {"assignment": assignment}, cookie=cookie)
    run = view["id"]
    status, modules, _ = request(port, "GET", "/api/modules", cookie=cookie)
    module = modules["modules"][0]["id"] if modules and modules.get("modules") else "postures-accompagnement"
    return [("POST", "/api/session"), ("POST", "/api/assessments"), ("POST", f"/api/assessments/{run}/answers"),
            ("POST", f"/api/assessments/{run}/share"), ("POST", f"/api/modules/{module}/lessons/x"),
            ("POST", f"/api/modules/{module}/activities/x"), ("PUT", f"/api/modules/{module}/drafts/x")]


def mutate(rng, data):
    data = bytearray(data or b"{}")
    for _ in range(rng.randint(1, 4)):
        position = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.4 and data:
            del data[position % len(data)]
        elif choice < 0.8:
            data.insert(position, rng.randrange(256))
        else:
            data[position:position] = rng.choice([b"null", b"1e999", b"[", b"{", b'"', b"-", b"\\u0000"])
    return bytes(data)


def test_malformed_bodies_get_4xx_and_the_server_lives():
    folder = tempfile.mkdtemp(prefix="passerelle-fuzz-")
    demo = Demo(os.path.join(folder, "fuzz.sqlite"))
    rng = random.Random(int(os.environ.get("FUZZ_SEED", "11")))
    extra = int(os.environ.get("FUZZ_RANDOM", "0"))
    try:
        cookie = sign_in(demo.port, demo.codes[0])
        failures = []
        for method, path in routes(demo.port, cookie):
            bodies = CORPUS + [mutate(rng, rng.choice(CORPUS)) for _ in range(extra)]
            for body in bodies:
                status, _, _ = request(demo.port, method, path, raw=body, cookie=cookie)
                if status >= 500 or status < 400 and path.endswith("/answers"):
                    failures.append((method, path, body[:80], status))
                if not demo.alive():
                    raise AssertionError(f"the server stopped after {method} {path} {body[:80]!r}")
        # Many query parameters are answered, not left hanging.
        status, _, _ = request(demo.port, "GET", "/connexion?" + "&".join(f"p{i}=1" for i in range(1000)), timeout=10)
        assert status < 500
        assert not failures, failures[:10]
    finally:
        demo.stop()
