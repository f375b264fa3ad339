#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The route cache of unconnected sends (src/rcache.c) against the kernel's
# lookups: an unconnected socket sends to one peer again and again while
# the routes change between sends (a host route with a locked MTU, a
# second address as its source, a fwmark rule to a table that fragments
# at 1000 bytes, an unreachable route, a cache flush, their removal) and
# the socket's mark changes.  Each change must show at once: the frames,
# sources, send results and counters of an altudp socket must be a
# kernel UDP socket's, and altudp's AltUdpRouteCacheHits must move (the
# cache was used between the changes).  The same with route_cache=0
# counts no hit.  The altudp_route trace event names where each send's
# route came from: "lookup", then "rcache" once the cache holds it.

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Netns, altudp_protocol, ip, module_param, require_module, run_in,
                    tap_check, tap_end, trace_lines)
from txcmp import Peer, compare, same, send, side_by_side

require_module()

SO_MARK = 36
SIZES = (64, 1200, 1472)


def changes(ns):
    """(description, ip arguments run in ns.a) between rounds of sends."""
    host = ns.addr_b + "/32"
    second = ns.addr_a.rsplit(".", 1)[0] + ".5"
    net = ns.addr_a.rsplit(".", 1)[0] + ".0/24"
    return [
        ("host route, mtu lock 1280",
         [["route", "replace", host, "dev", ns.if_a, "mtu", "lock", "1280"]]),
        ("second address as its source",
         [["addr", "add", second + "/24", "dev", ns.if_a],
          ["route", "replace", host, "dev", ns.if_a, "src", second]]),
        ("fwmark 7 to table 100, mtu lock 1000",
         [["route", "replace", net, "dev", ns.if_a, "mtu", "lock", "1000",
           "table", "100"],
          ["rule", "add", "pref", "100", "fwmark", "7", "table", "100"]]),
        ("mark 7", "mark", 7),
        ("route cache flush", [["route", "flush", "cache"]]),
        ("host route unreachable", [["route", "replace", "unreachable", host]]),
        ("host route deleted", [["route", "del", host]]),
        ("mark 0", "mark", 0),
        ("rule deleted", [["rule", "del", "pref", "100"]]),
        ("second address deleted", [["addr", "del", second + "/24", "dev", ns.if_a]]),
    ]


def scenario(ns, peer):
    def run(s):
        out = []
        for change in [("start", [])] + changes(ns):
            if change[1] == "mark":
                s.setsockopt(socket.SOL_SOCKET, SO_MARK, change[2])
            else:
                for args in change[1]:
                    ip("-n", ns.a, *args)
            out.append(change[0])
            for n in SIZES:
                out.append(send(s, b"r" * n, addr=peer.addr))
        return out
    return run


def route_sources(ns, peer, sends):
    """The source word of the altudp_route event of each of sends
    unconnected sends to the peer."""
    s = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM, altudp_protocol())
    trace_lines("altudp_route", True)
    try:
        for _ in range(sends):
            send(s, b"t" * 64, addr=peer.addr)
    finally:
        lines = trace_lines("altudp_route", False)
        s.close()
    words = ("lookup", "cached", "rcache")
    return [next((w for w in words if " %s " % w in ln), ln.strip()) for ln in lines]


def main():
    with Netns() as ns:
        second = ns.addr_a.rsplit(".", 1)[0] + ".5"
        peer = Peer(ns, src=[ns.addr_a, second])
        with module_param("route_cache", 1):
            runs = side_by_side(ns, peer, scenario(ns, peer))
        compare("routes changing between sends", runs)
        same("routes changing between sends: sources",
             *[[f[0][12:16] for f in runs[k].frames]
               for k in ("native", "altudp")])
        hits = runs["altudp"].tx.get("AltUdpRouteCacheHits", 0)
        tap_check(hits > 0, "the route cache was used (%d hits)" % hits,
                  "no hit: the test proves nothing")
        tap_check(runs["native"].tx.get("AltUdpRouteCacheHits", 0) == 0,
                  "a native socket moves no route cache counter")
        # A miss fills the entry when the last miss was to the same
        # destination: the third send is the first hit.
        with module_param("route_cache", 1):
            got = route_sources(ns, peer, 4)
        tap_check(got == ["lookup", "lookup", "rcache", "rcache"],
                  "trace: altudp_route says lookup, lookup, rcache, rcache",
                  "got %r" % got)
        with module_param("route_cache", 0):
            runs = side_by_side(ns, peer, scenario(ns, peer))
        compare("routes changing between sends, route_cache=0", runs)
        tap_check(runs["altudp"].tx.get("AltUdpRouteCacheHits", 0) == 0,
                  "route_cache=0: no hit")
        with module_param("route_cache", 0):
            got = route_sources(ns, peer, 3)
        tap_check(got == ["lookup"] * 3, "route_cache=0: trace: altudp_route says lookup",
                  "got %r" % got)
    tap_end()


main()
