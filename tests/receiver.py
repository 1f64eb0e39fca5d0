#!/usr/bin/env python3
"""A webhook receiver for the alert tests, on 127.0.0.1 only.

usage: receiver.py DIR [PORT]

Binds 127.0.0.1:PORT (0: any free port), writes the port to DIR/port and
its pid to DIR/pid, then records every request as one JSON line in
DIR/posts.jsonl: {"t": seconds, "path", "headers", "body", "code"}, where
code is what it answered (0: it never answered).  How it answers is read
from DIR/mode at each request, so a test switches it without a restart:

  ok        200
  500       500, with a body
  429:N     429 with Retry-After: N
  400       400 with a one-line reason, then a second line
  hang      reads the request, records it, never answers (until the mode
            changes, or 120 s)

It stops by itself after 300 s, so that a test that dies leaves nothing.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 0
LOCK = threading.Lock()


def mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            return f.read().strip() or "ok"
    except OSError:
        return "ok"


def record(handler, body, code):
    line = json.dumps({
        "t": time.time(),
        "path": handler.path,
        "headers": {k.lower(): v for k, v in handler.headers.items()},
        "body": body.decode("utf-8", "replace"),
        "code": code,
    })
    with LOCK:
        with open(os.path.join(DIR, "posts.jsonl"), "a") as f:
            f.write(line + "\n")
            f.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        m = mode()
        if m == "hang":
            record(self, body, 0)
            t0 = time.time()
            while mode() == "hang" and time.time() - t0 < 120:
                time.sleep(0.05)
            self.close_connection = True
            return
        if m == "500":
            record(self, body, 500)
            self.answer(500, b"upstream broken\nsecond line\n")
        elif m.startswith("429:"):
            record(self, body, 429)
            self.answer(429, b"slow down\n", [("Retry-After", m[4:])])
        elif m == "400":
            record(self, body, 400)
            self.answer(400, b"bad payload: no such field\nsecond line\n")
        else:
            record(self, body, 200)
            self.answer(200, b"{}")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    srv = Server(("127.0.0.1", PORT), Handler)
    with open(os.path.join(DIR, "pid"), "w") as f:
        f.write(str(os.getpid()))
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(tmp, os.path.join(DIR, "port"))
    threading.Timer(300, lambda: os._exit(0)).start()
    srv.serve_forever()


main()
