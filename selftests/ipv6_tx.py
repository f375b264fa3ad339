#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 transmit features past the headers, side by side with the
# kernel's UDPv6: UDP_SEGMENT (sockopt and cmsg), UDP_CORK and MSG_MORE,
# MSG_ZEROCOPY and its notifications, UDP_NO_CHECK6_TX, MSG_CONFIRM,
# SO_TXTIME (sockopt and cmsg) and transmit timestamps (SO_TIMESTAMPING,
# sockopt and cmsg), and a route whose features say "allfrag" (6.1 gives
# every datagram sent by it a fragment header).  Each case compares send
# results, the error queue
# (zerocopy ranges, timestamp keys), payloads received, frames and the
# Udp6/Ip6 counters with a native sender's.

import errno
import os
import socket
import struct
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, require_family, run_in, tap_diag, tap_end, tap_skip
from txcmp import (MSG_ZEROCOPY, SO_ZEROCOPY, SOL_UDP, UDP_CORK, UDP_NO_CHECK6_TX, UDP_SEGMENT,
                   Peer, compare, send, side_by_side)
from udpcmp import MSG_CONFIRM, SCM_TXTIME, SO_TXTIME, recv_errqueue

require_family(socket.AF_INET6)

MORE = socket.MSG_MORE
SO_TIMESTAMPING = 37
SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1
SOF_TIMESTAMPING_SOFTWARE = 1 << 4
SOF_TIMESTAMPING_OPT_ID = 1 << 7
SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11
TS = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID | \
    SOF_TIMESTAMPING_OPT_TSONLY
CLOCK_MONOTONIC = 1
SOF_TXTIME_REPORT_ERRORS = 2


def data(n, seed=0):
    return bytes((i * 7 + seed) & 0xff for i in range(n))


def u16(v):
    return struct.pack("=H", v)


def u32(v):
    return struct.pack("=I", v)


def settled_errqueue(s, wait=0.1):
    """The error queue once the notifications of the sends are in."""
    time.sleep(wait)
    return recv_errqueue(s)


def script(*steps):
    """A scenario of steps: (size, flags, cmsgs) sends to the peer, or a
    callable of the socket (setsockopt between sends, say); then the
    error queue."""
    def scenario(s, dest):
        out = []
        for i, st in enumerate(steps):
            if callable(st):
                out.append(st(s))
            else:
                n, flags, cmsgs = st
                out.append(send(s, data(n, i), flags, dest, cmsgs))
        return out + [settled_errqueue(s)]
    return scenario


def cork(on):
    return lambda s: s.setsockopt(SOL_UDP, UDP_CORK, on)


CASES = (
    ("UDP_SEGMENT sockopt", [(SOL_UDP, UDP_SEGMENT, 1000)],
     script((3500, 0, []), (1000, 0, []), (1000 * 64 + 1, 0, []), (200, 0, []))),
    ("UDP_SEGMENT cmsg", [],
     script((3500, 0, [(SOL_UDP, UDP_SEGMENT, u16(1200))]),
            (3500, 0, [(SOL_UDP, UDP_SEGMENT, u16(1500))]),
            (3500, 0, [(SOL_UDP, UDP_SEGMENT, u32(1200))]),
            (3500, 0, [(SOL_UDP, UDP_SEGMENT, u16(0))]))),
    ("UDP_CORK", [],
     script(cork(1), (100, 0, []), (2000, 0, []), (10, 0, []), cork(0), (50, 0, []))),
    ("MSG_MORE", [],
     script((100, MORE, []), (2000, MORE, []), (10, 0, []), (50, MORE, []), (0, 0, []))),
    ("UDP_CORK with UDP_SEGMENT", [(SOL_UDP, UDP_SEGMENT, 1000)],
     script(cork(1), (1500, 0, []), (2000, 0, []), cork(0))),
    ("MSG_ZEROCOPY", [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)],
     script((3000, MSG_ZEROCOPY, []), (100, MSG_ZEROCOPY, []), (20000, MSG_ZEROCOPY, []),
            (100, 0, []))),
    ("MSG_ZEROCOPY with UDP_SEGMENT", [(socket.SOL_SOCKET, SO_ZEROCOPY, 1),
                                       (SOL_UDP, UDP_SEGMENT, 1200)],
     script((6000, MSG_ZEROCOPY, []), (6000, MSG_ZEROCOPY, []))),
    ("UDP_NO_CHECK6_TX", [(SOL_UDP, UDP_NO_CHECK6_TX, 1)],
     script((100, 0, []), (3000, 0, []))),
    ("MSG_CONFIRM", [], script((100, MSG_CONFIRM, []), (100, MSG_CONFIRM | MORE, []),
                               (100, 0, []))),
    ("SO_TXTIME", [(socket.SOL_SOCKET, SO_TXTIME,
                    struct.pack("=iI", CLOCK_MONOTONIC, SOF_TXTIME_REPORT_ERRORS))],
     script((100, 0, [(socket.SOL_SOCKET, SCM_TXTIME, struct.pack("=Q", 1))]),
            (100, 0, [(socket.SOL_SOCKET, SCM_TXTIME, u32(1))]),
            (100, 0, []))),
    ("SCM_TXTIME without SO_TXTIME", [],
     script((100, 0, [(socket.SOL_SOCKET, SCM_TXTIME, struct.pack("=Q", 1))]))),
    ("SO_TIMESTAMPING", [(socket.SOL_SOCKET, SO_TIMESTAMPING, TS)],
     script((100, 0, []), (3000, 0, []), (100, MORE, []), (100, 0, []))),
    ("SO_TIMESTAMPING cmsg", [(socket.SOL_SOCKET, SO_TIMESTAMPING,
                               SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
                               SOF_TIMESTAMPING_OPT_TSONLY)],
     script((100, 0, [(socket.SOL_SOCKET, SO_TIMESTAMPING, u32(SOF_TIMESTAMPING_TX_SOFTWARE))]),
            (100, 0, []),
            (3000, 0, [(socket.SOL_SOCKET, SO_TIMESTAMPING, u32(SOF_TIMESTAMPING_TX_SOFTWARE))]))),
)

# rtnetlink: a route's RTAX_FEATURES, which ip(8) sets to "ecn" only
RTM_NEWROUTE, RTA_DST, RTA_OIF, RTA_METRICS, RTAX_FEATURES = 24, 1, 4, 8, 12
RTAX_FEATURE_ALLFRAG = 1 << 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_REPLACE, NLM_F_CREATE = 1, 4, 0x100, 0x400
NLMSG_ERROR = 2


def rta(kind, payload):
    n = 4 + len(payload)
    return struct.pack("=HH", n, kind) + payload + bytes(-n % 4)


def route_features(dst, ifindex, features):
    """ip -6 route replace DST/128 dev IFINDEX, with RTAX_FEATURES."""
    rtm = struct.pack("=BBBBBBBBI", socket.AF_INET6, 128, 0, 0, 254, 4, 0, 1, 0)
    attrs = rta(RTA_DST, socket.inet_pton(socket.AF_INET6, dst)) + \
        rta(RTA_OIF, struct.pack("=I", ifindex)) + \
        rta(RTA_METRICS, rta(RTAX_FEATURES, struct.pack("=I", features)))
    body = rtm + attrs
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_REPLACE | NLM_F_CREATE
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE) as nl:
        nl.send(struct.pack("=IHHII", 16 + len(body), RTM_NEWROUTE, flags, 1, 0) + body)
        reply = nl.recv(4096)
    kind = struct.unpack_from("=H", reply, 4)[0]
    err = struct.unpack_from("=i", reply, 16)[0] if kind == NLMSG_ERROR else 0
    if err:
        raise OSError(-err, os.strerror(-err))


def allfrag(ns, peer):
    desc = "a route with the allfrag feature"
    ifindex = run_in(ns.a, socket.if_nametoindex, ns.if_a)
    try:
        run_in(ns.a, route_features, peer.addr[0], ifindex, RTAX_FEATURE_ALLFRAG)
    except OSError as e:
        if e.errno != errno.EINVAL:
            raise
        tap_skip(desc, "this kernel has no allfrag feature")
        return
    try:
        runs = side_by_side(ns, peer, lambda s: script(
            (100, 0, []), (3000, 0, []), (100, MORE, []), (200, 0, []))(s, peer.addr))
        compare(desc, runs)
        recs = runs["native"].records
        tap_diag("%s: %d of %d native frames with a fragment header" % (
            desc, sum(any(e[0] == "frag" for e in r["exts"]) for r in recs), len(recs)))
    finally:
        ip("-n", ns.a, "-6", "route", "del", peer.addr[0] + "/128")


with Netns(ipv6=True) as ns:
    peer = Peer(ns, family=socket.AF_INET6)
    try:
        for desc, opts, scenario in CASES:
            compare(desc, side_by_side(ns, peer, lambda s, sc=scenario: sc(s, peer.addr), opts),
                    check_csum=opts[:1] != [(SOL_UDP, UDP_NO_CHECK6_TX, 1)])
        allfrag(ns, peer)
    finally:
        peer.close()
tap_end()
