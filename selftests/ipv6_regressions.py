#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regression tests of the IPv6 transmit path (__ip6_append_data() and
around), replayed on native UDPv6 and altudp side by side, as
regressions.py does for IPv4.

Each group is named after the upstream fix (or CVE) it mirrors.  A module
that carries the bug shows a send result, payload or frame that differs
from native UDP's, a send buffer (SIOCOUTQ) that does not drain, or a
kernel WARN/BUG (scripts/vm fails the run on it).
"""

import os
import re
import socket
import struct
import threading
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from txcmp import (IPV6_ADDRFORM, IPV6_DSTOPTS, IPV6_HOPLIMIT, IPV6_HOPOPTS, IPV6_MTU,
                   IPV6_RECVERR, IPV6_TCLASS, IPV6_UNICAST_HOPS, MSG_ZEROCOPY, SO_ZEROCOPY,
                   SOL_IPV6, Peer, agree, kinds, send, sender, set_mtu, side_by_side,
                   wait_outq_zero)
from udpcmp import recv_errqueue

from altudp import (TRACING, Netns, ip, require_family, run_in, tap_check, tap_diag, tap_end,
                    tap_skip, trace_lines)

require_family(socket.AF_INET6)

MORE = socket.MSG_MORE
PATTERN = bytes(range(251)) * 263


def payload(n, seed=0):
    start = seed * 31 % 251
    return PATTERN[start:start + n]


def hopopts(size):
    """A hop-by-hop header of size bytes (a multiple of 8): options of
    type 0x1e (skipped by a receiver that does not know them)."""
    body, left = b"", size - 2
    while left:
        n = min(left, 255 + 2)
        if left - n == 1:           # no room for a one-byte remainder
            n -= 2
        body += bytes((0x1e, n - 2)) + bytes(n - 2)
        left -= n
    return bytes((0, size // 8 - 1)) + body


def sequences(peer, seqs):
    """A scenario sending each sequence of (size, flags) appends in turn,
    then reading the error queue."""
    def scenario(s):
        out = []
        for i, seq in enumerate(seqs):
            out.append([send(s, payload(n, i + j), f, peer.addr) for j, (n, f) in enumerate(seq)])
        return out + [recv_errqueue(s)]
    return scenario


def fraggap_copy(ns, peer):
    """CVE-2017-9242 (ipv6: fix out of bound writes in __ip6_append_data()):
    a corked skb filled past maxfraglen, to the MTU, leaves the next
    fragment a fraggap larger than the room maxfraglen gives it; the copy
    comes out negative and must fail with EINVAL, not write past the skb.
    Hop-by-hop headers of 1232 and 1224 bytes under IPV6_MTU 1280 leave 8
    and 16 bytes of room."""
    def scenario(s):
        out = []
        for hdr in (1232, 1224):
            s.setsockopt(SOL_IPV6, IPV6_HOPOPTS, hopopts(hdr))
            room = 1280 - 40 - hdr
            fill = room - 8                 # UDP header + fill = the room
            seqs = [[(fill, MORE), (n, 0)] for n in (1, 8, 100, 3000)] + \
                [[(fill - 1, MORE), (100, 0)], [(0, MORE), (0, MORE), (100, 0)], [(room, 0)]]
            out += sequences(peer, seqs)(s)
        return out
    opts = [(SOL_IPV6, IPV6_MTU, 1280), (SOL_IPV6, IPV6_RECVERR, 1)]
    agree("CVE-2017-9242: 1232- and 1224-byte hop-by-hop headers, IPV6_MTU 1280, "
         "MSG_MORE to the MTU", side_by_side(ns, peer, scenario, opts))


def fraggap_paged(ns, peer):
    """ipv4: account for fraggap on the paged allocation path, as it
    applies to __ip6_append_data(): on an SG device with an MTU above
    SKB_MAX_ALLOC, an skb filled to the MTU whose last bytes the next
    fragment takes over, then a large append: that fragment is paged and
    its linear part must hold the gap.  A short linear part goes unseen on
    the wire (kmalloc's rounding leaves room): the altudp_append_alloc
    trace shows what was allocated, the linear part of every paged skb
    (alloclen) must exceed its headers and gap (fraglen - pagedlen) by the
    same reserve."""
    mtu = 20002
    set_mtu(ns, mtu)
    trace_ok = kinds()[1][1] and os.path.isdir(TRACING + "/events/altudp/altudp_append_alloc")
    try:
        for hdr, opts in ((0, ()), (16, ((SOL_IPV6, IPV6_DSTOPTS, hopopts(16)),))):
            first = mtu - 40 - hdr - 8
            seqs = [[(first, MORE), (17000, 0)], [(first, MORE), (100, 0)],
                    [(first - 3, MORE), (30000, 0)]]

            def arm(kind):
                if trace_ok:
                    trace_lines("altudp_append_alloc", kind == "altudp")
            runs = side_by_side(ns, peer, sequences(peer, seqs), opts, before=arm)
            tag = "paged fraggap: MTU %d, %d bytes of options" % (mtu, hdr)
            agree(tag, runs)
            want = [payload(first, 0) + payload(17000, 1), payload(first, 1) + payload(100, 2),
                    payload(first - 3, 2) + payload(30000, 3)]
            tap_check(runs["altudp"].payloads == want, tag + ": payloads intact",
                      "lengths %r" % [len(p) for p in runs["altudp"].payloads])
            if not trace_ok:
                tap_skip(tag + ": linear part of the paged skbs", "no altudp trace events")
                continue
            paged = [{k: int(v) for k, v in re.findall(r"(\w+)=(-?\d+)", ln)}
                     for ln in trace_lines("altudp_append_alloc", False)]
            paged = [e for e in paged if e.get("pagedlen")]
            reserve = {e["alloclen"] - (e["fraglen"] - e["pagedlen"]) for e in paged}
            tap_check(any(e["fraggap"] for e in paged) and len(reserve) == 1,
                      tag + ": paged skbs with a fraggap, their linear part holds it",
                      "%d paged skbs, %d with a fraggap, reserves %r" % (
                          len(paged), sum(1 for e in paged if e["fraggap"]), sorted(reserve)))
    finally:
        set_mtu(ns, 1500)


def headers_over_mtu(ns, peer):
    """ipv6: fix skb_over_panic in __ip6_append_data: headers that leave no
    room for a fragment's payload under the MTU (mtu <= fragheaderlen)
    fail with EMSGSIZE, as do headers larger than the MTU (RFC 7112: the
    header chain fits the first fragment).  Under IPV6_MTU 1280, hop-by-hop
    headers of 1240 to 2040 bytes (unfragmentable: fragheaderlen), then
    destination options of 1232 to 2040 bytes (fragmentable: only the
    header chain check stops them, fragmentation would follow)."""
    def scenario(s):
        out = []
        for opt, sizes in ((IPV6_HOPOPTS, (1240, 1248, 1272, 1280, 2040)),
                           (IPV6_DSTOPTS, (1232, 1240, 1272, 2040))):
            for hdr in sizes:
                s.setsockopt(SOL_IPV6, opt, hopopts(hdr))
                out += sequences(peer, [[(0, 0)], [(100, 0)], [(0, MORE), (100, 0)]])(s)
            s.setsockopt(SOL_IPV6, opt, b"")
        return out
    opts = [(SOL_IPV6, IPV6_MTU, 1280), (SOL_IPV6, IPV6_RECVERR, 1)]
    agree("skb_over_panic in __ip6_append_data, RFC 7112: hop-by-hop headers of 1240-2040 "
          "bytes, destination options of 1232-2040, IPV6_MTU 1280",
          side_by_side(ns, peer, scenario, opts))


def cork_changes(ns, peer):
    """The cork keeps what the first MSG_MORE append set up (ip6_setup_cork:
    hop limit, traffic class, options, MTU): a setsockopt or cmsg between
    appends does not change the pending datagram."""
    def seq(*steps):
        def scenario(s):
            res = []
            for st in steps:
                if len(st) == 3 and isinstance(st[2], list):
                    res.append(send(s, payload(st[0], len(res)), st[1], peer.addr, st[2]))
                else:
                    res.append(s.setsockopt(*st))
            return res
        return scenario

    def c(t, v):
        return [(SOL_IPV6, t, struct.pack("=i", v))]
    cases = {
        "IPV6_UNICAST_HOPS 5, 1000 MSG_MORE, IPV6_UNICAST_HOPS 9, 3000":
            seq((SOL_IPV6, IPV6_UNICAST_HOPS, 5), (1000, MORE, []),
                (SOL_IPV6, IPV6_UNICAST_HOPS, 9), (3000, 0, [])),
        "IPV6_HOPLIMIT 3 cmsg with MSG_MORE, then 7":
            seq((100, MORE, c(IPV6_HOPLIMIT, 3)), (100, MORE, c(IPV6_HOPLIMIT, 7)), (100, 0, [])),
        "IPV6_TCLASS 0x20, 1000 MSG_MORE, IPV6_TCLASS 0x40, 3000":
            seq((SOL_IPV6, IPV6_TCLASS, 0x20), (1000, MORE, []),
                (SOL_IPV6, IPV6_TCLASS, 0x40), (3000, 0, [])),
        "IPV6_TCLASS cmsg 0x10 with MSG_MORE, then 0x80":
            seq((100, MORE, c(IPV6_TCLASS, 0x10)), (2000, 0, c(IPV6_TCLASS, 0x80))),
        "1000 MSG_MORE, hop-by-hop header set, 3000":
            seq((1000, MORE, []), (SOL_IPV6, IPV6_HOPOPTS, hopopts(64)), (3000, 0, [])),
        "IPV6_MTU 1280, 1000 MSG_MORE, IPV6_MTU 1500, 3000":
            seq((SOL_IPV6, IPV6_MTU, 1280), (1000, MORE, []), (SOL_IPV6, IPV6_MTU, 1500),
                (3000, 0, [])),
    }
    def all_cases(s):
        return [sc(s) for sc in cases.values()]
    tap_diag("cork cases: " + "; ".join(cases))
    agree("cork kept between appends (hop limit, traffic class, options, MTU)",
         side_by_side(ns, peer, all_cases))


def pmtu_below_min(ns, peer):
    """A Packet Too Big below 1280 (ipv6 route: Discard next-hop MTU less
    than minimum link MTU, RFC 8201): the path MTU stays as it was, where
    one of 1280 lowers it; IPV6_MTU below 1280 is refused."""
    def inject(mtu):
        # Packet Too Big from B about a datagram A sent it.
        inner = struct.pack("!IHBB", 6 << 28, 8 + 1400, 17, 64) + \
            socket.inet_pton(socket.AF_INET6, ns.addr6_a) + \
            socket.inet_pton(socket.AF_INET6, ns.addr6_b) + \
            struct.pack("!HHHH", 4000, peer.addr[1], 1408, 0) + bytes(1000)
        s = run_in(ns.b, socket.socket, socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        try:
            s.sendto(struct.pack("!BBHI", 2, 0, 0, mtu) + inner, (ns.addr6_a, 0))
        finally:
            s.close()
        time.sleep(0.05)

    for ptb in (600, 1280):
        # The kernel takes a Packet Too Big only for a socket it finds: each
        # sender gets its own, from a fresh route cache.
        def scenario(s, ptb=ptb):
            ip("-n", ns.a, "-6", "route", "flush", "cache")
            inject(ptb)
            route = ip("-n", ns.a, "-6", "route", "get", ns.addr6_b).stdout.split()
            return [route[route.index("mtu"):][:2] if "mtu" in route else None] + \
                [send(s, payload(n, n), 0, peer.addr) for n in (1200, 1300, 3000)] + \
                [send(s, payload(3000), MORE, peer.addr), send(s, payload(100), 0, peer.addr)]
        runs = side_by_side(ns, peer, scenario)
        desc = "Packet Too Big of %d" % ptb
        agree(desc, runs)
        lens = [r["len"] for r in runs["altudp"].records]
        kept = ptb < 1280
        tap_check(lens and (max(lens) > 1280) == kept,
                  desc + (": path MTU kept" if kept else ": altudp fragments to 1280"),
                  "frame lengths %r" % lens)
    ip("-n", ns.a, "-6", "route", "flush", "cache")

    def minmtu(s):
        out = []
        for v in (1279, 1280, 0, -1):
            try:
                s.setsockopt(SOL_IPV6, IPV6_MTU, v)
                out.append(0)
            except OSError as e:
                out.append(e.errno)
        return out + [send(s, payload(3000), 0, peer.addr)]
    agree("IPV6_MTU below 1280 refused", side_by_side(ns, peer, minmtu))


def zerocopy_more(ns, peer):
    """Zerocopy with MSG_MORE (ipv6 side of "net: zerocopy uarg and
    MSG_MORE" and "ipv4/ipv6: fix uarg refcount with MSG_MORE"): one
    completion range per zerocopy send, as native, nothing left."""
    zc = MSG_ZEROCOPY
    cases = {
        "MSG_ZEROCOPY|MSG_MORE, MSG_ZEROCOPY": [(1000, zc | MORE), (1000, zc)],
        "MSG_MORE, MSG_ZEROCOPY": [(1000, MORE), (1000, zc)],
        "MSG_ZEROCOPY|MSG_MORE, MSG_MORE, MSG_ZEROCOPY, fragmenting":
            [(3000, zc | MORE), (3000, MORE), (3000, zc)],
        "MSG_ZEROCOPY|MSG_MORE past 65527, MSG_ZEROCOPY":
            [(60000, zc | MORE), (6000, zc | MORE), (100, zc)],
    }
    def scenario(s):
        out = []
        for steps in cases.values():
            res = [send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)]
            wait_outq_zero(s)
            time.sleep(0.05)
            out.append(res + [recv_errqueue(s)])
        return out
    tap_diag("zerocopy cases: " + "; ".join(cases))
    agree("zerocopy with MSG_MORE", side_by_side(ns, peer, scenario,
                                                [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)]))


def addrform_race(ns, peer4):
    """CVE-2022-3567 (ipv6: Fix data races around sk->sk_prot): IPV6_ADDRFORM
    turns a connected v4-mapped socket into an IPv4 one while another
    thread sends on it.  Every send succeeds, whichever protocol it ran
    on, every datagram arrives, the send buffer drains, and no WARN or
    oops (scripts/vm fails the run on one)."""
    rounds = 6
    for kind, proto in kinds():
        sent, errors, q = 0, [], 0
        for _ in range(rounds):
            s = sender(ns, proto, addr="::", family=socket.AF_INET6)
            s.connect(("::ffff:" + peer4.addr[0], peer4.addr[1]))
            stop = threading.Event()
            res = []

            def pump():
                while not stop.is_set():
                    res.append(send(s, b"r" * 64))
            t = threading.Thread(target=pump)
            t.start()
            time.sleep(0.005)
            try:
                s.setsockopt(SOL_IPV6, IPV6_ADDRFORM, socket.AF_INET)
            except OSError as e:
                errors.append(e.errno)
            time.sleep(0.005)
            stop.set()
            t.join()
            res.append(send(s, b"r" * 64))
            q = max(q, wait_outq_zero(s))
            s.close()
            sent += sum(1 for r in res if r == 64)
            errors += [r for r in res if r != 64]
        got, _ = peer4.collect(0.2)
        tap_check(not errors and len(got) == sent and q == 0,
                  "CVE-2022-3567: IPV6_ADDRFORM racing sends, %s: %d sends, all arrived"
                  % (kind, sent),
                  "errors %r, %d of %d arrived, SIOCOUTQ %d" % (errors[:5], len(got), sent, q))


with Netns(ipv6=True) as ns:
    set_mtu(ns, 1500)
    peer, peer4 = Peer(ns, family=socket.AF_INET6), Peer(ns, capture=False)
    try:
        for group in (fraggap_copy, fraggap_paged, headers_over_mtu, cork_changes,
                      pmtu_below_min, zerocopy_more):
            start = time.monotonic()
            group(ns, peer)
            tap_diag("%s: %.1f s" % (group.__name__, time.monotonic() - start))
        start = time.monotonic()
        addrform_race(ns, peer4)
        tap_diag("addrform_race: %.1f s" % (time.monotonic() - start))
    finally:
        peer.close()
        peer4.close()
tap_end()
