#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send buffer exhaustion, native UDP and altudp side by side.

A tbf qdisc on the sender's veth holds packets, so their memory stays
charged to the socket.  A non-blocking socket blasting 1000-byte
datagrams then meets
  - a small SO_SNDBUF: EAGAIN;
  - a big SO_SNDBUF and a qdisc queue too short: drops, which are ENOBUFS
    with IP_RECVERR and a silent success (Udp SndbufErrors) without.
The kinds of results (not their counts, which depend on timing) and which
Udp counters moved must be the same as native; afterwards both sockets'
send buffers drain to 0 (SIOCOUTQ).
"""

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ns_exec, require_module, tap_check, tap_end
from txcmp import (IP_RECVERR, SO_SNDBUFFORCE, SOL_IP, Peer, counters, delta, same,
                   send, sender, kinds, wait_outq_zero)

CASES = (
    ("small SO_SNDBUF", "limit 200000", 4096, 0),
    ("short qdisc queue, IP_RECVERR", "limit 3000", 1 << 20, 1),
    ("short qdisc queue", "limit 3000", 1 << 20, 0),
)


def blast(ns, peer, proto, sndbuf, recverr):
    before = counters(ns.a)
    s = sender(ns, proto, [(socket.SOL_SOCKET, SO_SNDBUFFORCE, sndbuf),
                           (SOL_IP, IP_RECVERR, recverr)])
    s.setblocking(False)
    results = [send(s, bytes(1000), addr=peer.addr) for _ in range(300)]
    q = wait_outq_zero(s)
    s.close()
    peer.collect(0.05)
    moved = {k: v > 0 for k, v in delta(before, counters(ns.a), "Udp.").items()}
    return set(results), moved, q


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns, capture=False)
        for desc, limit, sndbuf, recverr in CASES:
            # 1 Mbit/s, 8 ms a datagram: slower than any sender, even in a
            # debug kernel under emulation.
            ns_exec(ns.a, "tc", "qdisc", "replace", "dev", ns.if_a, "root", "tbf",
                    "rate", "1mbit", "burst", "4000", *limit.split())
            got = {name: blast(ns, peer, proto, sndbuf, recverr) for name, proto in kinds()}
            n, a = got["native"], got["altudp"]
            same(desc + ": kinds of send results", sorted(map(str, n[0])),
                 sorted(map(str, a[0])))
            tap_check(len(a[0]) > 1 or a[1].get("Udp.SndbufErrors"),
                      desc + ": the buffer ran out", "%r %r" % (a[0], a[1]))
            same(desc + ": Udp counters that moved", n[1], a[1])
            tap_check(n[2] == 0 and a[2] == 0, desc + ": send buffers drained",
                      "SIOCOUTQ native %d altudp %d" % (n[2], a[2]))
        peer.close()
    tap_end()


main()
