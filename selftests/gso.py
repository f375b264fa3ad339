#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""UDP GSO (UDP_SEGMENT), native UDP and altudp side by side.

The IPv4 table of the kernel's tools/testing/selftests/net/udpgso.c (sizes
around the MSS of a 1500 MTU, exact multiples, one over, the largest
datagram, the most segments and one more, gso_size 1, IP_PMTUDISC_DO as
there) sent by both sockets with UDP_SEGMENT as a cmsg, as a socket
option, as a cmsg overriding a different option value, and connected
through a route of mtu 1500 on a device of mtu 1600; then with tx checksum
offload off (EIO on 6.1, segments on 6.12: whatever native UDP does).
Send results, segments received and frames on the wire (segmented by
software GSO: tx-udp-segmentation off on the sender) must be native's,
each segment with its own UDP length and a valid checksum.  Also
GSO with MSG_MORE, SO_NO_CHECK with GSO (EINVAL), and the nft OUTPUT hook
seeing a GSO datagram once.
"""

import re
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ns_exec, require_module, tap_check, tap_end
from txcmp import (IP_MTU_DISCOVER, IP_PMTUDISC_DO, SO_NO_CHECK, SOL_IP, SOL_UDP,
                   UDP_SEGMENT, Peer, compare, ethtool, send, set_mtu, side_by_side)

ETH_MAX_MTU = 0xffff
MSS = 1500 - 28
MAX_SEGS = 128
TABLE = (           # (tlen, gso_len) of udpgso.c's testcases_v4
    (1, 0), (MSS, 0), (MSS + 1, 0), (MSS, MSS), (MSS, MSS + 1), (MSS + 1, MSS + 2),
    (MSS + 1, MSS), (2 * MSS, MSS), (2 * MSS + 1, MSS),
    (ETH_MAX_MTU // MSS * MSS, MSS), (ETH_MAX_MTU - 28, MSS), (ETH_MAX_MTU - 28 + 1, MSS),
    (1, 1), (2, 1), (5, 2), (MAX_SEGS, 1), (MAX_SEGS + 1, 1),
)
PMTU_DO = (SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)


def seg_cmsg(size):
    return [(SOL_UDP, UDP_SEGMENT, struct.pack("H", size))]


def data(n, i):
    return bytes((i * 13 + k) & 0xff for k in range(n))


def run_table(peer, how, connected=False):
    """how: cmsg, sockopt or override (option 700, cmsg the case's)."""
    def scenario(s):
        if connected:
            s.connect(peer.addr)
        addr = None if connected else peer.addr
        res = []
        for i, (tlen, gso) in enumerate(TABLE):
            cmsg = ()
            if how == "sockopt":
                s.setsockopt(SOL_UDP, UDP_SEGMENT, gso)
            elif how == "override":
                s.setsockopt(SOL_UDP, UDP_SEGMENT, 700)
            if how in ("cmsg", "override"):
                cmsg = seg_cmsg(gso)
            res.append(send(s, data(tlen, i), 0, addr, cmsg))
        return res
    return scenario


def check_table(ns, peer, desc, scenario):
    runs = side_by_side(ns, peer, scenario, [PMTU_DO])
    compare(desc, runs)
    a = runs["altudp"]
    sent = b"".join(data(t, i) for i, (t, _) in enumerate(TABLE) if a.results[i] == t)
    tap_check(b"".join(a.payloads) == sent, desc + ": every datagram sent arrived intact")
    bad = [r for r in a.records if r.get("ulen", r["len"] - r["ihl"]) != r["len"] - r["ihl"]]
    tap_check(a.records and not bad, desc + ": each segment has its own UDP length",
              "%r" % bad[:3])


def nft_counter(ns_name):
    out = ns_exec(ns_name, "nft", "list", "chain", "inet", "altudp_gso", "out").stdout
    m = re.search(r"packets (\d+) bytes (\d+)", out)
    return int(m.group(1)), int(m.group(2))


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns)
        ethtool(ns.a, ns.if_a, "tx-udp-segmentation", "off")
        for how in ("cmsg", "sockopt", "override"):
            check_table(ns, peer, "UDP_SEGMENT as %s" % how, run_table(peer, how))

        set_mtu(ns, 1600)
        ns_exec(ns.a, "ip", "route", "add", ns.addr_b + "/32", "dev", ns.if_a, "mtu", "1500")
        check_table(ns, peer, "connected, route mtu 1500", run_table(peer, "cmsg", True))
        ns_exec(ns.a, "ip", "route", "del", ns.addr_b + "/32")
        set_mtu(ns, 1500)

        ethtool(ns.a, ns.if_a, "tx", "off")
        check_table(ns, peer, "tx checksum offload off", run_table(peer, "cmsg"))
        ethtool(ns.a, ns.if_a, "tx", "on")

        runs = side_by_side(ns, peer, lambda s: [
            send(s, data(2500, 1), socket.MSG_MORE, peer.addr, seg_cmsg(1000)),
            send(s, data(1500, 2), 0, peer.addr),
            send(s, data(1000, 3), socket.MSG_MORE, peer.addr),
            send(s, data(3000, 4), 0, peer.addr, seg_cmsg(500))])
        compare("UDP_SEGMENT with MSG_MORE", runs)

        runs = side_by_side(ns, peer, lambda s: [
            s.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1),
            send(s, data(3000, 1), 0, peer.addr, seg_cmsg(1000)),
            send(s, data(300, 2), 0, peer.addr, seg_cmsg(1000))])
        compare("SO_NO_CHECK with UDP_SEGMENT", runs)
        tap_check(runs["altudp"].results[1] == "EINVAL", "SO_NO_CHECK with GSO: EINVAL",
                  "%r" % runs["altudp"].results)

        ns_exec(ns.a, "nft", "add table inet altudp_gso; "
                "add chain inet altudp_gso out { type filter hook output priority 0; }; "
                "add rule inet altudp_gso out udp dport %d counter" % peer.addr[1])
        seen = {}

        def nft_scenario(s):
            before = nft_counter(ns.a)
            res = send(s, data(4000, 1), 0, peer.addr, seg_cmsg(1000))
            after = nft_counter(ns.a)
            seen[s.proto] = (after[0] - before[0], after[1] - before[1])
            return [res]
        runs = side_by_side(ns, peer, nft_scenario)
        compare("nft OUTPUT counter, GSO datagram", runs)
        n, a = seen.values()
        tap_check(n == a and a[0] == 1, "nft OUTPUT sees the GSO datagram once",
                  "native %r altudp %r" % (n, a))
        peer.close()
    tap_end()


main()
