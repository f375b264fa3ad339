#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""sendfile() and splice() into a connected socket, native UDP and altudp
side by side: the same return values and the same frames on the wire.

6.1 reaches the module through ->sendpage and copies the pages; from 6.5
the kernel passes MSG_SPLICE_PAGES to sendmsg and __ip_append_data()
attaches the pages instead.  On such a kernel the altudp_append_copy
trace event must show the splice branch: the module has the 6.12 path,
not only its result.
"""

import os
import platform
import tempfile

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Netns, require_module, run_in, tap_check, tap_diag,
                    tap_end, tap_skip)
from udpcmp import KINDS, Capture, hexdiff, mask_ip, new_sock

SIZES = (1, 1000, 4000, 20000, 65000)
TRACING = "/sys/kernel/tracing"


def splice_pages_kernel():
    major, minor = (int(x) for x in platform.release().split(".")[:2])
    return (major, minor) >= (6, 5)


class Trace:
    """A private ftrace instance with altudp_append_copy enabled."""

    def __init__(self):
        self.dir = "%s/instances/altudp-splice-%d" % (TRACING, os.getpid())
        os.mkdir(self.dir)
        with open(self.dir + "/events/altudp/altudp_append_copy/enable", "w") as f:
            f.write("1")

    def text(self):
        with open(self.dir + "/trace") as f:
            return f.read()

    def close(self):
        with open(self.dir + "/events/altudp/altudp_append_copy/enable", "w") as f:
            f.write("0")
        os.rmdir(self.dir)


def run(ns, proto, path):
    rx = new_sock(ns.b, 0)
    rx.bind((ns.addr_b, 40001))     # the same ports for both sockets
    tx = new_sock(ns.a, proto)
    tx.bind((ns.addr_a, 40000))
    tx.connect(rx.getsockname())
    cap = Capture(ns.b, ns.if_b)
    calls = []

    def body():
        with open(path, "rb") as f:
            for n in SIZES:
                try:
                    calls.append(("sendfile", n, os.sendfile(tx.fileno(), f.fileno(), 0, n)))
                except OSError as e:
                    calls.append(("sendfile", n, -e.errno))
            r, w = os.pipe()
            try:
                for n in (3000, 9000):
                    os.write(w, os.pread(f.fileno(), n, 0))
                    try:
                        calls.append(("splice", n, os.splice(r, tx.fileno(), n)))
                    except OSError as e:
                        calls.append(("splice", n, -e.errno))
            finally:
                os.close(r)
                os.close(w)

    run_in(ns.a, body)
    frames = [mask_ip(p) for p in cap.frames(count=1, timeout=3.0)]
    cap.close()
    tx.close()
    rx.close()
    return calls, frames


def main():
    require_module()
    with tempfile.NamedTemporaryFile(dir="/tmp") as tmp:
        tmp.write(os.urandom(max(SIZES)))
        tmp.flush()
        trace = Trace()
        try:
            results = {}
            for name, proto in KINDS:
                with Netns() as ns:
                    if name == "altudp":
                        trace.text()    # any earlier lines are not ours
                    results[name] = run(ns, proto, tmp.name)
            events = trace.text()
        finally:
            trace.close()

    (ncalls, nframes), (acalls, aframes) = results["udp"], results["altudp"]
    tap_check(ncalls == acalls, "sendfile/splice return values as UDP",
              "udp %s altudp %s" % (ncalls, acalls))
    same = len(nframes) == len(aframes) and all(a == b for a, b in zip(nframes, aframes))
    if not same:
        tap_diag("udp %d frames, altudp %d" % (len(nframes), len(aframes)))
        for a, b in zip(nframes, aframes):
            if a != b:
                tap_diag(hexdiff(a, b))
                break
    tap_check(same and len(nframes) > 0, "frames on the wire as UDP (%d)" % len(nframes))

    if splice_pages_kernel():
        tap_check(" splice copy=" in events,
                  "MSG_SPLICE_PAGES: __ip_append_data() attached the pages")
    else:
        tap_skip("MSG_SPLICE_PAGES: __ip_append_data() attached the pages",
                 "%s: its UDP copies spliced data (->sendpage)" % platform.release())
    tap_end()


if __name__ == "__main__":
    main()
