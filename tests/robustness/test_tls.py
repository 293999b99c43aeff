"""HTTPS for a classroom network (issue 11): `passerelle tls self-signed`, then the demo over HTTPS with
Secure, SameSite=Strict session cookies; a bad key is a clear error, not a crash."""
import http.client
import json
import os
import re
import ssl
import subprocess
import tempfile

from harness import binary, ROOT


def test_https_with_a_self_signed_certificate():
    folder = tempfile.mkdtemp(prefix="passerelle-tls-")
    made = subprocess.run([binary(), "tls", "self-signed", "--out", folder, "--name", "127.0.0.1"],
                          capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stdout + made.stderr
    key, certificate = os.path.join(folder, "passerelle.key"), os.path.join(folder, "passerelle.crt")
    assert oct(os.stat(key).st_mode & 0o777) == "0o600"
    process = subprocess.Popen([binary(), "demo", "--port", "0", "--quiet", "--db", os.path.join(folder, "d.sqlite"),
                                "--root", str(ROOT), "--tls-cert", certificate, "--tls-key", key],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        port = None
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"https://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = int(match.group(1))
                break
        assert port, "".join(lines)
        code = re.findall(r"^  (\S.*?)\s{2,}([A-Z0-9]{5}-[A-Z0-9]{5})$", "".join(lines), re.MULTILINE)[0][1]
        context = ssl.create_default_context(cafile=certificate)  # the certificate itself is the authority
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
        connection.request("GET", "/api/health")
        response = connection.getresponse()
        assert response.status == 200 and json.loads(response.read())["status"] == "ok"
        connection.request("POST", "/api/session", body=json.dumps({"code": code}),
                           headers={"Content-Type": "application/json", "Origin": f"https://127.0.0.1:{port}"})
        response = connection.getresponse()
        response.read()
        cookie = response.getheader("Set-Cookie")
        assert response.status == 200 and "Secure" in cookie and "SameSite=Strict" in cookie and "HttpOnly" in cookie, cookie
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    # A key that does not go with the certificate: a French message and exit status 1.
    other = tempfile.mkdtemp(prefix="passerelle-tls-")
    subprocess.run([binary(), "tls", "self-signed", "--out", other], capture_output=True, timeout=60, check=True)
    refused = subprocess.run([binary(), "demo", "--port", "0", "--db", os.path.join(other, "d.sqlite"), "--root", str(ROOT),
                              "--tls-cert", certificate, "--tls-key", os.path.join(other, "passerelle.key")],
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "HTTPS impossible" in refused.stdout + refused.stderr
