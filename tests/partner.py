#!/usr/bin/env python3
"""A partner API for the probe tests, on 127.0.0.1 only.

usage: partner.py DIR [hang|static|405]

Binds 127.0.0.1 on a free port, writes it to DIR/port and its pid to
DIR/pid, and logs every request's method and path (without the query) to
DIR/methods, one "METHOD PATH" line each, so that a test can show that no
POST ever reached it.  Each path behaves like a framework the probe must
tell apart (omniwatch(1), PROBE):

  /                    200 (the base)
  /lumen/missing       404 with Lumen's JSON error body (APP_DEBUG on:
                       NotFoundHttpException, RoutesRequests.php), any method
  /lumen/tickets       POST: 200; other methods: 405 with Allow: POST, as
                       Lumen's MethodNotAllowedHttpException answers
  /express/tickets     POST: 200; OPTIONS: 200 with Allow: POST (Express's
                       router); GET, HEAD: 404 "Cannot GET" (finalhandler)
  /express/missing     404 "Cannot METHOD /express/missing", OPTIONS too
  /cors/missing        404; OPTIONS: 204 without Allow (a CORS handler)
  /down                503
  /auth                401
  /hang                reads the request, never answers
  /stall               200 headers (Content-Length: 100), one byte of the
                       body, then nothing
  /cut                 the same, then closes the connection
With "hang" every request is read and never answered.  With "static" it
is Python's own http.server (SimpleHTTPRequestHandler, serving DIR/www,
where /api/ready.json exists): 404 to GET and HEAD on a missing path, 501
to OPTIONS and POST on every path (issue 13: that 501 was taken for a
route).  With "405" it answers 405 without Allow to every method on every
path but two: / (200) and /api/tickets (POST: 200; other methods: 405
with Allow: POST, as Lumen answers a deployed route).  It stops by
itself after 300 s, so that a test that dies leaves nothing behind.
"""
import json
import os
import sys
import threading
import time
from http.server import (BaseHTTPRequestHandler, SimpleHTTPRequestHandler,
                         ThreadingHTTPServer)

DIR = sys.argv[1]
MODE = sys.argv[2] if len(sys.argv) > 2 else ""
HANG_ALL = MODE == "hang"
LOCK = threading.Lock()

LUMEN_404 = json.dumps({
    "message": "",
    "exception": "Symfony\\Component\\HttpKernel\\Exception\\"
                 "NotFoundHttpException",
    "file": "/var/www/omni/vendor/laravel/lumen-framework/src/Concerns/"
            "RoutesRequests.php",
    "line": 229,
    "trace": [{"file": "/var/www/omni/vendor/laravel/lumen-framework/src/"
                       "Concerns/RoutesRequests.php", "line": 171}],
}).encode()


def express_404(method, path):
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
            "\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>"
            "Cannot %s %s</pre>\n</body>\n</html>\n" % (method, path)
            ).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body=b"", ctype="text/plain", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def take_request(self):
        """Reads the body, logs the request; returns its path."""
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        log_request_line(self.command, self.path)
        return self.path.split("?", 1)[0]

    def stall_or_cut(self, path):
        """/stall and /cut: 200 headers, 1 of 100 body bytes, then a
        stall (until the probe's timeout) or a closed connection."""
        if path not in ("/stall", "/cut"):
            return False
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b"x")
        self.wfile.flush()
        if path == "/stall":
            time.sleep(120)
        self.close_connection = True
        return True

    def handle_any(self):
        path = self.take_request()
        m = self.command
        if HANG_ALL or path == "/hang":
            time.sleep(120)
            self.close_connection = True
            return
        if self.stall_or_cut(path):
            return
        if path == "/":
            self.answer(200, b"ok\n")
        elif path == "/lumen/missing":
            self.answer(404, LUMEN_404, "application/json")
        elif path == "/lumen/tickets":
            if m == "POST":
                self.answer(200, b'{"status":true}', "application/json")
            else:
                self.answer(405, b'{"message":""}', "application/json",
                            [("Allow", "POST")])
        elif path == "/express/tickets":
            if m == "POST":
                self.answer(200, b'{"ok":true}', "application/json")
            elif m == "OPTIONS":
                self.answer(200, b"POST", headers=[("Allow", "POST"),
                                                   ("X-Powered-By",
                                                    "Express")])
            else:
                self.answer(404, express_404(m, self.path),
                            "text/html; charset=utf-8")
        elif path == "/express/missing":
            self.answer(404, express_404(m, self.path),
                        "text/html; charset=utf-8")
        elif path == "/cors/missing":
            if m == "OPTIONS":
                self.answer(204, headers=[("Access-Control-Allow-Methods",
                                           "GET,POST")])
            else:
                self.answer(404, b"not found\n")
        elif path == "/down":
            self.answer(503, b"maintenance\n")
        elif path == "/auth":
            # The one token it knows lets a request through, so that a
            # test can tell the probe sent the headers it was given.
            if self.headers.get("Authorization") == "Bearer fake-partner-token":
                self.answer(200, b'{"ok":true}', "application/json")
            else:
                self.answer(401, b'{"error":"unauthorized"}',
                            "application/json")
        else:
            self.answer(404, b"no such path\n")

    do_GET = do_HEAD = do_POST = do_OPTIONS = do_PUT = do_DELETE = \
        handle_any


def log_request_line(command, rawpath):
    with LOCK:
        with open(os.path.join(DIR, "methods"), "a") as f:
            f.write("%s %s\n" % (command, rawpath.split("?", 1)[0]))


class StaticHandler(SimpleHTTPRequestHandler):
    """Python's http.server as `python3 -m http.server` runs it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=os.path.join(DIR, "www"), **kwargs)

    def log_message(self, fmt, *args):
        pass

    def parse_request(self):
        ok = super().parse_request()
        if ok:
            log_request_line(self.command, self.path)
        return ok


class All405Handler(Handler):
    """405 to every method on every path it does not know."""

    def handle_any(self):
        path = self.take_request()
        if self.stall_or_cut(path):
            return
        if path == "/":
            self.answer(200, b"ok\n")
        elif path == "/api/tickets" and self.command == "POST":
            self.answer(200, b'{"ok":true}', "application/json")
        elif path == "/api/tickets":
            self.answer(405, b"", headers=[("Allow", "POST")])
        else:
            self.answer(405, b"method not allowed\n")

    do_GET = do_HEAD = do_POST = do_OPTIONS = do_PUT = do_DELETE = \
        handle_any


def main():
    os.makedirs(DIR, exist_ok=True)
    handler = Handler
    if MODE == "static":
        os.makedirs(os.path.join(DIR, "www", "api"), exist_ok=True)
        with open(os.path.join(DIR, "www", "api", "ready.json"), "w") as f:
            f.write('{"ready":true}\n')
        handler = StaticHandler
    elif MODE == "405":
        handler = All405Handler
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    with open(os.path.join(DIR, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    with open(os.path.join(DIR, "port.tmp"), "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(os.path.join(DIR, "port.tmp"), os.path.join(DIR, "port"))
    threading.Timer(300, lambda: os._exit(0)).start()
    srv.serve_forever()


main()
