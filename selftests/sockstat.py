#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where altudp sockets are counted: /proc/net/sockstat's "UDP: inuse"
counts the sockets of udp_prot only, so bound UDP sockets move it and
altudp sockets do not; they are counted on the ALTUDP line of
/proc/net/protocols (the module's registered proto), which UDP sockets
do not move.  Both back where they were once the sockets are closed.
"""

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, run_in, tap_check, tap_end
from udpcmp import KINDS, sock_counts

N = 3


def main():
    require_module()
    with Netns() as ns:
        for name, proto in KINDS:
            before = sock_counts(ns.a)
            socks = [run_in(ns.a, socket.socket, socket.AF_INET,
                            socket.SOCK_DGRAM, proto) for _ in range(N)]
            for s in socks:
                run_in(ns.a, s.bind, (ns.addr_a, 0))
            during = sock_counts(ns.a)
            for s in socks:
                s.close()
            after = sock_counts(ns.a)
            moved = {k: during[k] - before[k] for k in before}
            want = {"UDP inuse": N if name == "udp" else 0,
                    "ALTUDP sockets": N if name == "altudp" else 0}
            tap_check(moved == want, "%d bound %s sockets move %s" % (N, name, moved),
                      "want %s" % want)
            tap_check(after == before, "%s: back to %s after close" % (name, after),
                      "before: %s" % before)
    tap_end()


main()
