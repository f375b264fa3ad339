#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# altudp datagrams pass netfilter's LOCAL_OUT hook as UDP's do: an nft
# OUTPUT counter counts them alike (packets and bytes); a drop rule makes
# the send fail with the same errno and moves the same /proc/net/snmp
# counters (and AltUdpNfDrops for altudp only); a mark set in a route
# chain is seen in POSTROUTING and reroutes the datagram through a policy
# route onto a second link, where its frame equals UDP's.  Each kind
# sends from its own source port, so that one rule set counts both.

import re

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, ns_exec, require_module, tap_check, tap_end
from udpcmp import KINDS, Capture, add_veth, altudp_stats, hexdiff, mask_ip, new_sock, \
    outcome, sender_counter, snmp, snmp_delta

require_module()

COUNT, DROP, MARK = 9000, 9001, 9002
SPORTS = (9100, 9101)           # one per kind, in KINDS order
RULES = """
table ip nf {
    chain out {
        type filter hook output priority 0;
        ip daddr %(b)s udp sport %(s0)d udp dport %(count)d counter
        ip daddr %(b)s udp sport %(s1)d udp dport %(count)d counter
        udp sport %(s0)d udp dport %(drop)d counter drop
        udp sport %(s1)d udp dport %(drop)d counter drop
    }
    chain setmark {
        type route hook output priority -150;
        udp dport %(mark)d meta mark set 0x42
    }
    chain post {
        type filter hook postrouting priority 0;
        meta mark 0x42 udp sport %(s0)d udp dport %(mark)d counter
        meta mark 0x42 udp sport %(s1)d udp dport %(mark)d counter
    }
}
"""


def counters(ns):
    """{(dport, sport): (packets, bytes)} of the rules."""
    out = ns_exec(ns.a, "nft", "list", "table", "ip", "nf").stdout
    return {(int(d), int(s)): (int(p), int(b)) for s, d, p, b in re.findall(
        r"udp sport (\d+) udp dport (\d+) counter packets (\d+) bytes (\d+)", out)}


def per_kind(ns, send):
    """For each kind: outcome of send(s), sender snmp deltas, AltUdpNfDrops
    delta."""
    res = []
    for (_, proto), sport in zip(KINDS, SPORTS):
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, sport))
        s0, a0 = snmp(ns.a), altudp_stats(ns.a)
        out = send(s)
        s1, a1 = snmp(ns.a), altudp_stats(ns.a)
        s.close()
        res.append((out, snmp_delta(s0, s1, sender_counter),
                    a1["AltUdpNfDrops"] - a0["AltUdpNfDrops"]))
    return res


with Netns() as ns:
    add_veth(ns.a, "veth-a2", "10.98.1.1", ns.b, "veth-b2", "10.98.1.2")
    ip("-n", ns.a, "rule", "add", "fwmark", "0x42", "table", "100")
    ip("-n", ns.a, "route", "add", ns.addr_b, "via", "10.98.1.2", "dev", "veth-a2",
       "table", "100")
    ns_exec(ns.a, "nft", "-f", "-", input=RULES % {
        "b": ns.addr_b, "count": COUNT, "drop": DROP, "mark": MARK,
        "s0": SPORTS[0], "s1": SPORTS[1]})
    sink = new_sock(ns.b, 0)
    sink.bind(("0.0.0.0", COUNT))
    cap = Capture(ns.b, "veth-b2")

    sizes = (0, 1, 100, 1472, 4000, 65507)
    counted = per_kind(ns, lambda s: [s.sendto(b"n" * n, (ns.addr_b, COUNT)) for n in sizes])
    dropped = per_kind(ns, lambda s: [outcome(s.sendto, b"d" * n, (ns.addr_b, DROP))
                                      for n in (10, 4000)])
    frames = []

    def marked(s):
        """One datagram counted by source port, then one from a common
        port whose frame is compared."""
        n = s.sendto(b"m" * 100, (ns.addr_b, MARK))
        cap.frames(1)
        t = new_sock(ns.a, s.proto)
        t.bind((ns.addr_a, 9102))
        t.sendto(b"m" * 100, (ns.addr_b, MARK))
        t.close()
        frames.append([mask_ip(f) for f in cap.frames(1)])
        return n
    per_kind(ns, marked)
    nft = counters(ns)

    def check(desc, port, want):
        u, a = (nft.get((port, sport)) for sport in SPORTS)
        tap_check(u == a == want, desc, "udp %s, altudp %s, expected %s" % (u, a, want))

    u, a = counted
    check("OUTPUT counter: %d datagrams, as UDP's" % len(sizes), COUNT,
          (len(sizes), sum(n + 28 for n in sizes)))
    tap_check(u[1] == a[1], "counted sends: snmp deltas as UDP's",
              "udp %s, altudp %s" % (u[1], a[1]))

    u, a = dropped
    tap_check(u[0] == a[0] and u[0][0] == ("err", "EPERM"),
              "drop rule: sendto fails with %s as UDP's" % (u[0],),
              "udp %s, altudp %s" % (u[0], a[0]))
    check("drop rule counter as UDP's", DROP, (2, 4066))
    tap_check(u[1] == a[1], "drop rule: snmp deltas %s as UDP's" % (u[1],),
              "udp %s, altudp %s" % (u[1], a[1]))
    tap_check(u[2] == 0 and a[2] == 2, "AltUdpNfDrops +2 for altudp, +0 for UDP",
              "udp +%d, altudp +%d" % (u[2], a[2]))

    check("meta mark set in OUTPUT: POSTROUTING sees the mark, as UDP's", MARK, (1, 128))
    fu, fa = frames
    tap_check(len(fu) == 1 and fu == fa,
              "meta mark set in OUTPUT: rerouted over veth-a2, frame as UDP's",
              "udp %d frames, altudp %d%s" % (len(fu), len(fa),
                                              ": " + hexdiff(fu[0], fa[0]) if fu and fa else ""))
    cap.close()
    sink.close()
tap_end()
