#!/usr/bin/python3
"""How long an SMTP client waits for the 250 after the end of DATA (the store's durable write).

  smtp_latency.py PORT USER [PASS] [-n MESSAGES] [-c CLIENTS] [--from ADDR] [--to ADDR]

CLIENTS threads each send MESSAGES/CLIENTS mails of ~1 KB, one per connection (EHLO, AUTH
PLAIN, MAIL, RCPT, DATA, QUIT) to 127.0.0.1:PORT, and time the last step only: from sending the
message text with its final "." to reading the reply.  Prints the rate and the percentiles of
that wait in milliseconds.  Plain sockets and threads, so the figures include the client's own
overhead; compare servers with the same command, not with smtp_load.py's rates.
"""
import argparse
import base64
import socket
import threading
import time


def reply(f):
    while True:
        line = f.readline()
        if not line:
            raise ConnectionError("server closed the connection")
        if len(line) < 4 or line[3:4] != b"-":
            return line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("port", type=int)
    ap.add_argument("user")
    ap.add_argument("password", nargs="?", default="benchpass")
    ap.add_argument("-n", type=int, default=3000)
    ap.add_argument("-c", type=int, default=10)
    ap.add_argument("--from", dest="mail_from", default="bench@sms.example.net")
    ap.add_argument("--to", default="+420777123456@sms.example.net")
    a = ap.parse_args()
    auth = b"AUTH PLAIN " + base64.b64encode(b"\0" + a.user.encode() + b"\0" + a.password.encode()) + b"\r\n"
    body = b"Subject: latency\r\n\r\n" + (b"x" * 76 + b"\r\n") * 13 + b".\r\n"
    waits, lock, failures = [], threading.Lock(), []

    def client(count):
        for _ in range(count):
            with socket.create_connection(("127.0.0.1", a.port)) as s:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                f = s.makefile("rb")
                reply(f)
                refused = None
                for cmd in (b"EHLO latency\r\n", auth, b"MAIL FROM:<" + a.mail_from.encode() + b">\r\n",
                            b"RCPT TO:<" + a.to.encode() + b">\r\n", b"DATA\r\n"):
                    s.sendall(cmd)
                    line = reply(f)
                    if line[:1] not in (b"2", b"3"):
                        refused = line
                        break
                if refused is not None:
                    s.sendall(b"QUIT\r\n")
                    with lock:
                        failures.append(refused)
                    continue
                t0 = time.perf_counter()
                s.sendall(body)
                line = reply(f)
                ms = (time.perf_counter() - t0) * 1e3
                s.sendall(b"QUIT\r\n")
                with lock:
                    (waits if line.startswith(b"250") else failures).append(ms if line.startswith(b"250") else line)

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(a.n // a.c,)) for _ in range(a.c)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    waits.sort()
    pick = lambda q: waits[min(len(waits) - 1, int(len(waits) * q))]
    print(f"{len(waits)} accepted, {len(failures)} refused{(' (first: ' + failures[0].decode().strip() + ')') if failures else ''}")
    if not waits:
        raise SystemExit(1)
    print(f"end of DATA -> 250: p50 {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, p99 {pick(0.99):.1f} ms, "
          f"max {waits[-1]:.1f} ms, over 100 ms: {sum(1 for w in waits if w > 100)}")
    print(f"{len(waits) / elapsed:.0f} msgs/s")


if __name__ == "__main__":
    main()
