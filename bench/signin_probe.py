"""Whether sign-ins hold other requests: 32 learners sign in at once (5 bursts, from 127.0.0.2) while one client
GETs /api/health in a loop (from 127.0.0.3); prints the health latency during the bursts and the sign-ins'.

    python3 bench/signin_probe.py PORT CREDENTIALS.json   # a server on a copy of `suite.py --keep DIR`'s http.sqlite
"""
import asyncio, json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from load import Client
async def main(port, creds):
    codes = json.load(open(creds))["codes"][:32]
    probe_lat, sign_lat = [], []
    async def sign(code):
        c = Client("127.0.0.1", port, source="127.0.0.2")
        t = time.monotonic(); status, _, _ = await c.request("POST", "/api/session", json.dumps({"code": code})); sign_lat.append(time.monotonic() - t); c.close()
        return status
    async def probe(stop):
        c = Client("127.0.0.1", port, source="127.0.0.3")
        while not stop.is_set():
            t = time.monotonic(); await c.request("GET", "/api/health"); probe_lat.append(time.monotonic() - t)
            await asyncio.sleep(0.002)
        c.close()
    for _ in range(5):
        stop = asyncio.Event(); task = asyncio.create_task(probe(stop))
        await asyncio.sleep(0.05)
        statuses = await asyncio.gather(*(sign(code) for code in codes))
        stop.set(); await task
        assert all(s == 200 for s in statuses), statuses
    q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))] * 1000
    print(json.dumps({"probe_n": len(probe_lat), "probe_p50_ms": round(q(probe_lat, .5), 1), "probe_p99_ms": round(q(probe_lat, .99), 1),
                      "probe_max_ms": round(max(probe_lat) * 1000, 1), "signin_p50_ms": round(q(sign_lat, .5), 1), "signin_p99_ms": round(q(sign_lat, .99), 1)}))
asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
