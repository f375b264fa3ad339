#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""MSG_ZEROCOPY, native UDP and altudp side by side.

With SO_ZEROCOPY set, MSG_ZEROCOPY sends (plain, a MSG_MORE chain, a
datagram that fragments, a UDP_SEGMENT one) on a veth with scatter-gather
and checksum offload and on one without: the completion notifications on
the error queue (SO_EE_ORIGIN_ZEROCOPY, the ee_info..ee_data ranges, the
SO_EE_CODE_ZEROCOPY_COPIED flag), payloads and frames must be those of
native UDP, and AltUdpZerocopySends / AltUdpZerocopyCopied move only for
the sends that went zerocopy or fell back to copying (corked and
fragmenting datagrams, no offload).
"""

import select
import socket
import struct
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, tap_check, tap_end
from txcmp import (MSG_ZEROCOPY, SO_EE_ORIGIN_ZEROCOPY, SO_ZEROCOPY, SOL_UDP, UDP_SEGMENT,
                   Peer, compare, ethtool, send, side_by_side,
                   wait_outq_zero)
from udpcmp import recv_errqueue

ZC, MORE = MSG_ZEROCOPY, socket.MSG_MORE
GSO = [(SOL_UDP, UDP_SEGMENT, struct.pack("H", 1000))]

SCENARIOS = {
    "plain": [(1000, ZC, ()), (1000, ZC, ()), (1, ZC, ())],
    "MSG_MORE chain": [(1000, ZC | MORE, ()), (1000, ZC | MORE, ()), (500, ZC, ())],
    "fragmenting": [(4000, ZC, ()), (20000, ZC, ())],
    "UDP_SEGMENT": [(4000, ZC, GSO), (1000, ZC, GSO)],
}


def notifications(s, sends):
    """Completions until the last of sends zerocopy sends is covered.
    Read only once the send buffer is empty, all datagrams freed, so that
    how consecutive completions merge does not depend on timing."""
    wait_outq_zero(s)
    got = []
    end = time.monotonic() + 2
    while time.monotonic() < end:
        got += [(e[0], e[1], e[3], e[4], e[5]) for e in recv_errqueue(s)]
        if any(e[4] >= sends - 1 for e in got):
            break
        select.select([], [], [s], 0.05)
    return got


def scenario(peer, steps):
    def run(s):
        res = [send(s, bytes(n), f, peer.addr, c) for n, f, c in steps]
        res.append(notifications(s, sum(1 for n, f, _ in steps if n)))
        return res
    return run


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns)
        for feats in (("tx", "on", "sg", "on"), ("tx", "off", "sg", "off")):
            active = ethtool(ns.a, ns.if_a, *feats)
            offload = active.get("scatter-gather") == "on"
            tag = "sg and csum offload" if offload else "no sg, no csum offload"
            for name, steps in SCENARIOS.items():
                runs = side_by_side(ns, peer, scenario(peer, steps),
                                    [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)])
                desc = "%s, %s" % (name, tag)
                compare(desc, runs)
                notes = runs["altudp"].results[-1]
                tap_check(notes and all(e[1] == SO_EE_ORIGIN_ZEROCOPY for e in notes),
                          desc + ": zerocopy completions", "%r" % notes)
                tx = runs["altudp"].tx
                sends, copied = tx.get("AltUdpZerocopySends", 0), tx.get("AltUdpZerocopyCopied", 0)
                # Only a datagram built in one piece with CHECKSUM_PARTIAL
                # on an SG device goes zerocopy; the rest is copied.
                zc = offload and name in ("plain", "UDP_SEGMENT")
                tap_check((sends > 0) == zc and (copied > 0) == (not zc),
                          desc + ": ZerocopySends/ZerocopyCopied moved as expected",
                          "sends %d copied %d" % (sends, copied))
        peer.close()
    tap_end()


main()
