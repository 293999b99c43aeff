"""Whether sign-ins hold other requests: 32 learners sign in at once (5 bursts, from 127.0.0.2) while one client
GETs /api/health in a loop (from 127.0.0.3); prints the health latency during the bursts and the sign-ins'.

    python3 bench/signin_probe.py PORT CREDENTIALS.json   # a server on a copy of `suite.py --keep DIR`'s http.sqlite
"""
import asyncio
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import Client  # noqa: E402


def quantile_ms(values, fraction):
    return round(sorted(values)[min(len(values) - 1, int(fraction * len(values)))] * 1000, 1)


async def main(port, credentials):
    codes = json.load(open(credentials))["codes"][:32]
    health, signins = [], []

    async def sign_in(code):
        client = Client("127.0.0.1", port, source="127.0.0.2")
        started = time.monotonic()
        status, _, _ = await client.request("POST", "/api/session", json.dumps({"code": code}))
        signins.append(time.monotonic() - started)
        client.close()
        return status

    async def probe(stop):
        client = Client("127.0.0.1", port, source="127.0.0.3")
        while not stop.is_set():
            started = time.monotonic()
            await client.request("GET", "/api/health")
            health.append(time.monotonic() - started)
            await asyncio.sleep(0.002)
        client.close()

    for _ in range(5):
        stop = asyncio.Event()
        task = asyncio.create_task(probe(stop))
        await asyncio.sleep(0.05)
        statuses = await asyncio.gather(*(sign_in(code) for code in codes))
        stop.set()
        await task
        assert all(status == 200 for status in statuses), statuses
    print(json.dumps({"probe_n": len(health), "probe_p50_ms": quantile_ms(health, .5), "probe_p99_ms": quantile_ms(health, .99),
                      "probe_max_ms": round(max(health) * 1000, 1), "signin_p50_ms": quantile_ms(signins, .5),
                      "signin_p99_ms": quantile_ms(signins, .99)}))


asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
