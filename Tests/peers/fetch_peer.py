#!/usr/bin/env python3
"""mote --fetch against real HTTP and HTTPS servers on loopback and real files, for any build.

Usage: python3 Tests/peers/fetch_peer.py MOTE_COMMAND...   (e.g. qemu-aarch64 -L ... out/aarch64/mote)

The servers (http.server with a handler of misbehaviours) serve: a file of every byte value
(Range-aware, for resume), one that ignores Range, an endless body without Content-Length, a
Content-Length above the limit, one below what is sent, a body cut short, a trickle below the
low-speed limit, a 404, a 404 page and a redirect body longer than the limit, a 500, redirects
(to the file, to file:///etc/passwd, from https to http). Checks exact stdout bytes, exit codes, the exact error line, the output file's bytes and
the Range requests the server saw. Prints one line per check and "fetch peer: N passed, M failed".
"""
import http.server
import os
import re
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from peer_checks import Checks

MOTE = sys.argv[1:]
checks = Checks("fetch peer")
check = checks.check

FILE = bytes(range(256)) * 11 + bytes(range(184))  # 3000 bytes, every byte value
assert len(FILE) == 3000
STREAM = bytes(i % 251 for i in range(100))  # what the endless body repeats
ranges = []  # the Range headers /file and /norange saw, in order


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the connection's end ends a body without Content-Length
    other_port = 0  # the plain server's port, for the https -> http redirect

    def log_message(self, *args):
        pass

    def head(self, status, length=None, extra=()):
        self.send_response(status)
        if length is not None:
            self.send_header("Content-Length", str(length))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()

    def do_GET(self):
        try:
            self.answer()
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # mote hung up: what the endless and slow bodies are for

    def answer(self):
        path = self.path
        if path in ("/file", "/norange"):
            ranges.append(self.headers.get("Range"))
            wanted = self.headers.get("Range")
            if path == "/file" and wanted and wanted.startswith("bytes=") and wanted.endswith("-"):
                start = int(wanted[6:-1])
                if start >= len(FILE):
                    return self.head(416, 0, [("Content-Range", f"bytes */{len(FILE)}")])
                self.head(206, len(FILE) - start, [("Content-Range", f"bytes {start}-{len(FILE) - 1}/{len(FILE)}")])
                return self.wfile.write(FILE[start:])
            self.head(200, len(FILE))
            return self.wfile.write(FILE)
        if path == "/endless":
            self.head(200)
            while True:
                self.wfile.write(STREAM)
        if path == "/declared-big":  # an honest Content-Length above the limit
            self.head(200, 5000)
            return self.wfile.write(b"x" * 5000)
        if path == "/lies":  # says 100, sends 5000: the declared length ends the body
            self.head(200, 100)
            return self.wfile.write(FILE[:100] + b"y" * 4900)
        if path == "/cut":  # says 3000, the connection drops after 1200
            self.head(200, len(FILE))
            return self.wfile.write(FILE[:1200])
        if path == "/slow":  # a byte every 0.4 s, no end
            self.head(200)
            while True:
                self.wfile.write(b"s")
                self.wfile.flush()
                time.sleep(0.4)
        if path == "/big404":  # an error page longer than the limit is still a 404
            self.head(404, 5000)
            return self.wfile.write(b"n" * 5000)
        if path == "/big-redirect":  # and a redirect's own body is not the body
            self.head(302, 5000, [("Location", "/file")])
            return self.wfile.write(b"r" * 5000)
        if path == "/error":
            self.head(500, 5)
            return self.wfile.write(b"oops\n")
        if path == "/redirect":
            return self.head(302, 0, [("Location", "/file")])
        if path == "/redirect-file":
            return self.head(302, 0, [("Location", "file:///etc/passwd")])
        if path == "/redirect-http":
            return self.head(302, 0, [("Location", f"http://127.0.0.1:{self.other_port}/file")])
        self.head(404, 10)
        self.wfile.write(b"not here\n\n")


def serve(context=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if context:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def mote(*args):
    done = subprocess.run(MOTE + ["--fetch", *args], capture_output=True, timeout=60)
    return done.returncode, done.stdout, done.stderr.decode()


def expect(name, args, status=0, out=b"", err="", err_pattern=None):
    """Runs mote --fetch ARGS: exit status, stdout bytes and stderr exactly (or matching
    err_pattern, a regular expression for the one line, where libcurl's text holds a timing)."""
    rc, stdout, stderr = mote(*args)
    problems = []
    if rc != status:
        problems.append(f"exit {rc}, expected {status}")
    if stdout != out:
        problems.append(f"stdout {stdout[:80]!r}... ({len(stdout)} bytes), expected {len(out)} bytes")
    if err_pattern is not None:
        if not re.fullmatch(err_pattern + "\n", stderr):
            problems.append(f"stderr {stderr!r}, expected {err_pattern!r}")
    elif stderr != (err + "\n" if err else ""):
        problems.append(f"stderr {stderr!r}, expected {err!r}")
    check(name, not problems, "; ".join(problems))


def read(path):
    """The file's bytes; None when there is none (a check that compares then fails, not the peer)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


port = serve()
Handler.other_port = port
base = f"http://127.0.0.1:{port}"
work = tempfile.mkdtemp(prefix="fetch-peer-")

# Memory fetches: the metadata path.
expect("http: a file of every byte value, exactly", [f"{base}/file", "--max-bytes", "3000"], out=FILE)
expect("http: a Content-Length above the limit is refused", [f"{base}/file", "--max-bytes", "2999"], 1,
       err=f"mote: fetch {base}/file: more than 2999 bytes (the limit)")
expect("http: endless data without Content-Length stops at the limit", [f"{base}/endless", "--max-bytes", "1024"], 1,
       err=f"mote: fetch {base}/endless: more than 1024 bytes (the limit)")
expect("http: a declared 5000 bytes against a limit of 1024", [f"{base}/declared-big", "--max-bytes", "1024"], 1,
       err=f"mote: fetch {base}/declared-big: more than 1024 bytes (the limit)")
expect("http: a Content-Length of 100 before 5000 bytes: the 100 declared", [f"{base}/lies", "--max-bytes", "1024"], out=FILE[:100])
expect("http: a body cut short is an error", [f"{base}/cut", "--max-bytes", "3000"], 1,
       err=f"mote: fetch {base}/cut: transfer closed with 1800 bytes remaining to read (curl error 18)")
started = time.monotonic()
expect("http: a trickle below the low-speed limit times out", [f"{base}/slow", "--max-bytes", "1024", "--low-speed", "100",
       "--low-speed-time", "2"], 1, err=f"mote: fetch {base}/slow: timed out")
check("http: the trickle is given up after the low-speed time (2 s), not before", 1.9 < time.monotonic() - started < 20)
expect("http: the overall timeout", [f"{base}/slow", "--max-bytes", "1024", "--low-speed", "0", "--timeout", "1"], 1,
       err=f"mote: fetch {base}/slow: timed out")
expect("http: 404 is not found", [f"{base}/missing", "--max-bytes", "1024"], 1, err=f"mote: fetch {base}/missing: not found")
expect("http: a 404 page longer than the limit is still not found", [f"{base}/big404", "--max-bytes", "1024"], 1,
       err=f"mote: fetch {base}/big404: not found")
expect("http: a redirect with a body longer than the limit is followed", [f"{base}/big-redirect", "--max-bytes", "3000"], out=FILE)
expect("http: 500 is an HTTP status error, its body not printed", [f"{base}/error", "--max-bytes", "1024"], 1,
       err=f"mote: fetch {base}/error: HTTP status 500")
expect("http: a redirect within http is followed", [f"{base}/redirect", "--max-bytes", "3000"], out=FILE)
expect("http: a redirect to file:///etc/passwd is refused", [f"{base}/redirect-file", "--max-bytes", "100000"], 1,
       err=f"mote: fetch {base}/redirect-file: Protocol \"file\" not supported or disabled in libcurl (curl error 1)")
expect("a scheme other than http, https and file is refused", ["ftp://127.0.0.1/x", "--max-bytes", "10"], 1,
       err="mote: fetch ftp://127.0.0.1/x: Protocol \"ftp\" not supported or disabled in libcurl (curl error 1)")
expect("a refused connection names host and port", ["http://127.0.0.1:1/file", "--max-bytes", "10"], 1,
       err_pattern=re.escape("mote: fetch http://127.0.0.1:1/file: Failed to connect to 127.0.0.1 port 1 after ")
       + "[0-9]+" + re.escape(" ms: Couldn't connect to server (curl error 7)"))
expect("--max-bytes is required", [f"{base}/file"], 2,
       err="mote: --fetch needs --max-bytes N\n" + subprocess.run(MOTE + ["--fetch", "--help"], capture_output=True).stdout.decode().rstrip("\n"))

# Into a file: the target path, resumed after an interruption.
out = os.path.join(work, "target")
del ranges[:]
expect("http to a file: interrupted after 1200 of 3000 bytes", [f"{base}/cut", "--max-bytes", "3000", "--output", out], 1,
       err=f"mote: fetch {base}/cut: transfer closed with 1800 bytes remaining to read (curl error 18)")
check("http to a file: the interrupted file holds the 1200 bytes that came", read(out) == FILE[:1200], f"{len(read(out) or b'')} bytes")
expect("http to a file: --resume fetches the 1800 missing", [f"{base}/file", "--max-bytes", "3000", "--output", out, "--resume"],
       out=f"{out}: 3000 bytes (1800 fetched)\n".encode())
check("http to a file: the resumed file is the whole file", read(out) == FILE)
check("http to a file: the server saw one request, for bytes=1200-", ranges == ["bytes=1200-"], repr(ranges))
expect("http to a file: --resume of a complete file fetches nothing", [f"{base}/file", "--max-bytes", "3000", "--output", out, "--resume"],
       out=f"{out}: 3000 bytes (0 fetched)\n".encode())
check("http to a file: ... and asks the server nothing", ranges == ["bytes=1200-"], repr(ranges))
write(out, FILE[:1000])
expect("http to a file: a server that ignores Range cannot resume", [f"{base}/norange", "--max-bytes", "3000", "--output", out, "--resume"], 1,
       err=f"mote: fetch {base}/norange: HTTP server doesn't seem to support byte ranges. Cannot resume. (curl error 33)")
check("http to a file: ... and the partial file is left as it was", read(out) == FILE[:1000])
write(out, FILE + b"z")
expect("http to a file: a partial file longer than expected is refused", [f"{base}/file", "--max-bytes", "3000", "--output", out, "--resume"], 1,
       err=f"mote: fetch {base}/file: more than 3000 bytes (the limit)")
check("http to a file: ... and left as it was", read(out) == FILE + b"z")
expect("http to a file: without --resume the file starts over", [f"{base}/file", "--max-bytes", "3000", "--output", out],
       out=f"{out}: 3000 bytes (3000 fetched)\n".encode())
check("http to a file: ... holding exactly the file", read(out) == FILE)
expect("http to a file: an endless body stops at the expected length", [f"{base}/endless", "--max-bytes", "2000", "--output", out], 1,
       err=f"mote: fetch {base}/endless: more than 2000 bytes (the limit)")
endless = read(out)  # how much of it came before the limit depends on how libcurl's reads fell
check("http to a file: ... never writing more than the expected length",
      endless is not None and len(endless) <= 2000 and endless == (STREAM * 21)[:len(endless)], f"{len(endless or b'')} bytes")
expect("http to a file: an output directory that does not exist", [f"{base}/file", "--max-bytes", "3000", "--output", f"{work}/no/such/file"], 1,
       err=f"mote: {work}/no/such/file: cannot write (ENOENT)")
expect("http to a file: a full disk (/dev/full)", [f"{base}/file", "--max-bytes", "3000", "--output", "/dev/full"], 1,
       err="mote: /dev/full: cannot write (ENOSPC)")

# file:// URLs.
source = os.path.join(work, "source.bin")
write(source, FILE)
expect("file: a file of every byte value, exactly", [f"file://{source}", "--max-bytes", "3000"], out=FILE)
expect("file: a missing file is not found", [f"file://{work}/missing.json", "--max-bytes", "3000"], 1,
       err=f"mote: fetch file://{work}/missing.json: not found")
expect("file: a file above the limit", [f"file://{source}", "--max-bytes", "1024"], 1,
       err=f"mote: fetch file://{source}: more than 1024 bytes (the limit)")
write(out, FILE[:1234])
expect("file: --resume appends the rest", [f"file://{source}", "--max-bytes", "3000", "--output", out, "--resume"],
       out=f"{out}: 3000 bytes (1766 fetched)\n".encode())
check("file: the resumed file is the whole file", read(out) == FILE)
if os.geteuid() != 0:  # root reads anything
    os.chmod(source, 0)
    expect("file: an unreadable file is a transfer error, not 'not found'", [f"file://{source}", "--max-bytes", "3000"], 1,
           err=f"mote: fetch file://{source}: Couldn't open file {source} (curl error 37)")
    os.chmod(source, 0o644)

# HTTPS with a self-signed certificate for 127.0.0.1.
cert, key = os.path.join(work, "cert.pem"), os.path.join(work, "key.pem")
made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], capture_output=True)
check("openssl made a self-signed certificate for 127.0.0.1", made.returncode == 0, made.stderr.decode())
if made.returncode == 0:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure = f"https://127.0.0.1:{serve(context)}"
    expect("https: with --ca-file, the file exactly", [f"{secure}/file", "--max-bytes", "3000", "--ca-file", cert], out=FILE)
    expect("https: without it, the TLS verification error", [f"{secure}/file", "--max-bytes", "3000"], 1,
           err=f"mote: fetch {secure}/file: SSL certificate problem: self-signed certificate (curl error 60)")
    expect("https: the limit holds over TLS", [f"{secure}/endless", "--max-bytes", "1024", "--ca-file", cert], 1,
           err=f"mote: fetch {secure}/endless: more than 1024 bytes (the limit)")
    expect("https: a redirect to plain http is refused", [f"{secure}/redirect-http", "--max-bytes", "3000", "--ca-file", cert], 1,
           err=f"mote: fetch {secure}/redirect-http: Protocol \"http\" not supported or disabled in libcurl (curl error 1)")
    expect("https: a redirect within https is followed", [f"{secure}/redirect", "--max-bytes", "3000", "--ca-file", cert], out=FILE)

checks.finish()
