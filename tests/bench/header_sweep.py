#!/usr/bin/env python3
# Which request sizes get no answer from kb-serve (issue #18, 1): sends
# GET /healthz with a query of 0 to 40,000 bytes, and with one header of
# that size, one request per connection, and prints the sizes answered
# by nothing (closed, or silent for 2 s) and the statuses seen.
#
#   bin/kb-serve --index build/kb.sqlite --listen 127.0.0.1:18080 --quiet &
#   python3 tests/bench/header_sweep.py 18080
import socket, sys

def ask(port, data):
    s = socket.socket()
    s.settimeout(2)
    s.connect(("127.0.0.1", port))
    s.sendall(data)
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except socket.timeout:
        return "timeout"
    except ConnectionResetError:
        return "reset"
    finally:
        s.close()
    return out[9:12].decode() if out.startswith(b"HTTP/1.1 ") else "closed"

port = int(sys.argv[1])
sizes = list(range(0, 40000, 211)) + list(range(31000, 33500, 13))
for what in ("query", "header"):
    seen, none = {}, []
    for n in sizes:
        if what == "query":
            req = "GET /healthz?q=%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % ("a" * n)
        else:
            req = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: %s\r\nConnection: close\r\n\r\n" % ("a" * n)
        st = ask(port, req.encode())
        seen[st] = seen.get(st, 0) + 1
        if st in ("timeout", "closed", "reset"):
            none.append((n, st))
    print("%s: %d sizes, answers %s; no answer at %s" % (what, len(sizes), seen,
          ", ".join("%d (%s)" % x for x in none) or "none"))
