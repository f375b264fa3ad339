#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# netfilter rewrites an altudp datagram after LOCAL_OUT as it rewrites
# UDP's: a DSCP set in OUTPUT, SNAT and masquerade in POSTROUTING, a DNAT
# in OUTPUT and a mark set in a route chain (both rerouted by
# ip_route_me_harder(): the DNAT onto the first link from a route by the
# second, the mark through "ip rule fwmark" onto the second link), and a
# destination rewritten by a route chain.  Each case has its own peer port
# that the rules match, flushes the conntrack table before each sender,
# sends unconnected then connected, and compares the send results, the
# frames captured where the rewritten datagram must arrive, the payloads
# received and the Udp/Ip counters with a kernel UDP socket's.

import errno
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, ns_exec, require_module, run_in, tap_check, tap_end
from txcmp import Peer, compare, send, sender, side_by_side
from udpcmp import add_veth

require_module()

MARK = 0x42
SNAT_ADDR, SECOND_ADDR = "10.99.1.50", "10.99.1.60"
ELSEWHERE = "10.55.0.1"          # routed by the second link; rewritten to the peer
PORTS = dict(dscp=5001, dnat=5002, daddr=5003, masq=5004, snat=5005, mark=5006)

NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE = 1, 2
NETLINK_NETFILTER = 12
NLM_F_REQUEST, NLM_F_ACK = 1, 4


def ct_flush(ns_name):
    """Empty the namespace's conntrack table (ctnetlink, a DELETE without
    attributes), so that each sender's first datagram makes a new entry."""
    def flush():
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        try:
            msg = struct.pack("=IHHII", 20, (NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE,
                              NLM_F_REQUEST | NLM_F_ACK, 1, 0) + \
                struct.pack("=BBH", socket.AF_INET, 0, 0)
            s.send(msg)
            s.settimeout(5)
            ack = s.recv(4096)
            return struct.unpack_from("=i", ack, 16)[0]
        finally:
            s.close()
    err = run_in(ns_name, flush)
    if err:
        raise OSError(-err, "conntrack flush: " + errno.errorcode.get(-err, str(err)))


def rules(ns):
    """One rule set for every case, each keyed by its own peer port."""
    return """table ip t {
    chain out_filter {
        type filter hook output priority mangle;
        udp dport %(dscp)d ip dscp set ef
    }
    chain out_nat {
        type nat hook output priority -100;
        ip daddr %(else)s udp dport %(dnat)d dnat to %(b)s
    }
    chain out_route {
        type route hook output priority mangle;
        ip daddr %(else)s udp dport %(daddr)d ip daddr set %(b)s
        udp dport %(mark)d meta mark set 0x%(markv)x
    }
    chain post_nat {
        type nat hook postrouting priority srcnat;
        oifname %(if_a)s ip saddr %(second)s udp dport %(masq)d masquerade
        oifname %(if_a)s udp dport %(snat)d snat to %(snat_addr)s
    }
}
""" % dict(PORTS, b=ns.addr_b, markv=MARK, if_a=ns.if_a, second=SECOND_ADDR,
           snat_addr=SNAT_ADDR, **{"else": ELSEWHERE})


def case(ns, desc, port, dest=None, make=sender, check=None, **peer_kw):
    """The peer on port (and peer_kw's link and source) receives what is
    sent to dest (default the peer): two datagrams unconnected, then two
    after connect()."""
    peer = Peer(ns, port=port, **peer_kw)
    dest = dest or peer.addr

    def scenario(s):
        out = [send(s, b"n" * n, addr=dest) for n in (100, 3000)]
        s.connect(dest)
        return out + [send(s, b"c" * n) for n in (100, 3000)]
    try:
        runs = side_by_side(ns, peer, scenario, make=make, before=lambda _: ct_flush(ns.a))
    finally:
        peer.close()
    compare(desc, runs)
    n = runs["native"]
    tap_check(len(n.frames) == 8, desc + ": native frames captured",
              "%d of 8: the rule did not apply as meant" % len(n.frames))
    if check and n.frames:
        tap_check(all(check(f[0]) for f in n.frames), desc + ": native frames rewritten",
                  "frame %s" % n.frames[0][0][:28].hex())


with Netns() as ns:
    add_veth(ns.a, "veth-a2", "10.98.1.1", ns.b, "veth-b2", "10.98.1.2")
    ip("-n", ns.a, "addr", "add", SECOND_ADDR + "/24", "dev", ns.if_a)
    ip("-n", ns.a, "route", "add", ELSEWHERE + "/32", "via", "10.98.1.2", "dev", "veth-a2")
    ip("-n", ns.a, "route", "add", ns.addr_b, "via", "10.98.1.2", "dev", "veth-a2",
       "table", "100")
    ip("-n", ns.a, "rule", "add", "fwmark", hex(MARK), "table", "100")
    ns_exec(ns.a, "nft", "-f", "-", input=rules(ns))
    case(ns, "DSCP set in OUTPUT", PORTS["dscp"], check=lambda p: p[1] == 0xb8)
    case(ns, "DNAT in OUTPUT, rerouted", PORTS["dnat"], dest=(ELSEWHERE, PORTS["dnat"]),
         check=lambda p: p[16:20] == socket.inet_aton(ns.addr_b))
    case(ns, "daddr set in a route chain, rerouted", PORTS["daddr"],
         dest=(ELSEWHERE, PORTS["daddr"]))
    # Masquerade: a secondary source becomes the link's primary address.
    case(ns, "masquerade in POSTROUTING", PORTS["masq"],
         make=lambda ns, proto, opts: sender(ns, proto, opts, addr=SECOND_ADDR))
    case(ns, "SNAT in POSTROUTING", PORTS["snat"], src=SNAT_ADDR)
    case(ns, "mark set in a route chain, rerouted by fwmark", PORTS["mark"],
         ifname="veth-b2")
tap_end()
