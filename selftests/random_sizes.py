#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Seeded random send sequences, native UDP and altudp side by side.

A sequence of (size, flags) steps, flags one of 0, MSG_MORE, MSG_DONTWAIT
and MSG_PROBE, sizes from 0 to past 65507, is sent by a native UDP socket
and then by an altudp socket: the results (byte counts and errnos), the
stream of datagrams received, the Udp/Ip counter deltas of both
namespaces must be equal, and the send buffer back to empty (SIOCOUTQ).
2000 steps; ALTUDP_LONG=1 makes it 10000, ALTUDP_STEPS=N sets N, and
ALTUDP_SEED=S replays a seed (printed first).
"""

import os
import random
import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, tap_check, tap_diag, tap_end
from txcmp import MSG_PROBE, Peer, compare, send, side_by_side

FLAGS = (0, socket.MSG_MORE, socket.MSG_DONTWAIT, MSG_PROBE)


def steps(seed, n):
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.6:
            size = rnd.randint(0, 1600)
        elif r < 0.85:
            size = rnd.randint(1600, 9000)
        elif r < 0.95:
            size = rnd.randint(9000, 65000)
        else:
            size = rnd.randint(65400, 65600)
        out.append((size, rnd.choice(FLAGS)))
    return out + [(0, 0)]             # push what MSG_MORE left pending


def main():
    require_module()
    seed = int(os.environ.get("ALTUDP_SEED") or random.SystemRandom().randrange(1 << 32))
    n = int(os.environ.get("ALTUDP_STEPS") or (10000 if os.environ.get("ALTUDP_LONG") else 2000))
    tap_diag("seed %d, %d steps" % (seed, n))
    seq = steps(seed, n)
    blob = bytes(random.Random(seed).getrandbits(8) for _ in range(65600))
    with Netns() as ns:
        peer = Peer(ns, capture=False)
        received = {}

        def scenario(s):
            res, got = [], []
            for i, (size, flags) in enumerate(seq):
                res.append(send(s, blob[i % 97:i % 97 + size], flags, peer.addr))
                if i % 100 == 99:
                    got += peer.collect(0.02)[0]
            received[s.proto] = got
            return res

        runs = side_by_side(ns, peer, scenario, idle=0.1)
        for proto, run in zip(sorted(received), (runs["native"], runs["altudp"])):
            run.payloads = received[proto] + run.payloads
        ok = compare("%d random steps" % n, runs, wire=False)
        errs = sorted({r for r in runs["altudp"].results if isinstance(r, str)})
        tap_diag("errnos seen: %s, datagrams received: %d" % (
            " ".join(errs) or "none", len(runs["altudp"].payloads)))
        tap_check(runs["altudp"].payloads, "datagrams were received")
        if not ok:
            tap_diag("replay: ALTUDP_SEED=%d ALTUDP_STEPS=%d selftests/run random_sizes"
                     % (seed, n))
        peer.close()
    tap_end()


main()
