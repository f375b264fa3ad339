#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Close with a corked MSG_ZEROCOPY datagram pending: udp_destroy_sock()
marks the socket dead before it frees the pending frames, so the
zerocopy notification their release completes is not queued on the
closing socket (__msg_zerocopy_callback() skips a dead one) and nobody
is woken for it.  A kprobe on sk_error_report counts the notifications
queued: a push (UDP_CORK=0) on a live socket queues one, a close none,
native UDP and altudp alike.
"""

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Kprobes, Netns, kprobes_writable, require_module, run_in,
                    skip_all, tap_check, tap_end, tap_fail)
from udpcmp import KINDS, SO_ZEROCOPY, UDP_CORK

MSG_ZEROCOPY = 0x4000000
PORT = 9000


def pending(ns, proto, end):
    """A corked zerocopy datagram, then end(s): a push or a close."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
    try:
        s.connect((ns.addr_b, PORT))
        s.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        s.send(b"z" * 1000, MSG_ZEROCOPY)
        end(s)
    finally:
        s.close()


def main():
    require_module()
    if not kprobes_writable():
        skip_all("no writable kprobe_events")
    with Netns() as ns, Kprobes(("sk_error_report",)) as kp:
        if not kp.funcs:
            tap_fail("kprobe on sk_error_report")
            tap_end()
        sink = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
        sink.bind((ns.addr_b, PORT))
        ends = (("push", 1, lambda s: s.setsockopt(socket.SOL_UDP, UDP_CORK, 0)),
                ("close", 0, lambda s: None))
        for what, want, end in ends:
            got = {}
            for name, proto in KINDS:
                h0 = kp.hits()["sk_error_report"]
                run_in(ns.a, pending, ns, proto, end)
                got[name] = kp.hits()["sk_error_report"] - h0
            tap_check(got["udp"] == want and got["altudp"] == want,
                      "%s: %d notifications queued by altudp, %d by UDP" %
                      (what, got["altudp"], got["udp"]), "want %d" % want)
        sink.close()
    tap_end()


main()
