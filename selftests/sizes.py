#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Datagram sizes across the fragmentation boundaries.

Payloads of 0, 1, 7-9 bytes, around the MTU, around multiples of the
fragment payload ((mtu - 20) & ~7), 65507 and 65508 (EMSGSIZE), on veth
MTUs of 576, 1500 and 9000: a native UDP socket and an altudp socket send
the same list; send results, payloads received, the fragment trains on
the wire (lengths, offsets, MF/DF, TTL/TOS, UDP length and checksum) and
the Udp/Ip counters must be the same.
"""

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, tap_check, tap_end
from txcmp import Peer, compare, send, set_mtu, side_by_side


def sizes(mtu):
    frag = (mtu - 20) & ~7
    out = {0, 1, 7, 8, 9, mtu - 29, mtu - 28, mtu - 27, 65507, 65508}
    for k in (1, 2, 3):
        for d in (-1, 0, 1):
            out.add(k * frag - 8 + d)       # UDP header in the first fragment
    return sorted(s for s in out if s >= 0)


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns)
        for mtu in (576, 1500, 9000):
            set_mtu(ns, mtu)
            lens = sizes(mtu)
            data = [bytes((i + n) & 0xff for i in range(n)) for n in lens]

            def scenario(s):
                return [send(s, d, addr=peer.addr) for d in data]

            runs = side_by_side(ns, peer, scenario)
            compare("mtu %d, %d sizes" % (mtu, len(lens)), runs)
            want = [d for d in data if len(d) <= 65507]
            for name in ("native", "altudp"):
                tap_check(runs[name].payloads == want,
                          "mtu %d: %s payloads intact" % (mtu, name))
            tap_check(runs["altudp"].results[-1] == "EMSGSIZE",
                      "mtu %d: 65508 bytes is EMSGSIZE" % mtu)
            trains = sum(1 for r in runs["altudp"].records if r["mf"])
            tap_check(trains > 0, "mtu %d: fragments seen on the wire" % mtu)
        peer.close()
    tap_end()


main()
