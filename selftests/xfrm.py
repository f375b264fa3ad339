#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# IPsec ESP in transport mode between the two namespaces (AES-CBC and
# HMAC-SHA256, "ip xfrm state" and "policy" for UDP from a to b): altudp
# datagrams are encrypted, fragmented and decrypted as UDP's.  Sizes
# around the largest datagram that fits the 1500-byte MTU after ESP's
# overhead and beyond, with IP_PMTUDISC_DO (EMSGSIZE past it), with the
# default (fragmented) and connected; the send results, the ESP frames
# captured (lengths, flags, fragment offsets), the decrypted datagrams
# received, IP_MTU, the Udp/Ip counters and /proc/net/xfrm_stat of both
# namespaces must equal a kernel UDP socket's in the same namespaces; and
# UDP_SEGMENT, which cannot go through xfrm (EIO).
# Then IPv6 in tunnel mode, whose route (DST_XFRM_TUNNEL) gives the cork
# its MTU from the xfrm route rather than from the path: the same sizes
# with IPV6_DONTFRAG, fragmented, connected, UDP_SEGMENT and corked.  Each
# family skips where its ESP module is missing.

import socket
import subprocess

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, has_family, ip, require_module, tap_check, tap_diag, tap_end, tap_skip
from txcmp import (IP_MTU_DISCOVER, IP_PMTUDISC_DO, IPV6_DONTFRAG, IPV6_MTU, SOL_IPV6, SOL_UDP,
                   UDP_SEGMENT, Peer, compare, same, send, side_by_side)
from udpcmp import net_counters

require_module()

IP_MTU = 14
ENC_KEY, AUTH_KEY = "0x" + "42" * 16, "0x" + "24" * 32
SPI = "0x1000"
# Around 1430 bytes, the largest UDP payload in one ESP frame of 1500:
# 20 (IP) + 8 (ESP) + 16 (IV) + payload + 8 (UDP) + 2, padded to 16,
# + 16 (ICV).
FITS = 1430
SIZES = (1, 1000, 1414, 1415, 1429, 1430, 1431, 1446, 1447, 1472, 1473, 3000, 9000)
# IPv6 in tunnel mode: the outer header, ESP's and the inner header come
# off the MTU; the largest payload lies in the steps from 1000 to 1440.
SIZES6 = (1, 1000) + tuple(range(1024, 1441, 32)) + (1453, 3000, 9000)


def xfrm(ns, peer_dir, a, b, mode="transport"):
    plen = "/128" if ":" in a else "/32"
    ip("-n", ns, "xfrm", "state", "add", "src", a, "dst", b, "proto", "esp", "spi", SPI,
       "mode", mode, "enc", "cbc(aes)", ENC_KEY,
       "auth-trunc", "hmac(sha256)", AUTH_KEY, "128")
    ip("-n", ns, "xfrm", "policy", "add", "src", a + plen, "dst", b + plen, "proto", "udp",
       "dir", peer_dir, "tmpl", "src", a, "dst", b, "proto", "esp", "mode", mode)


def case(ns, peer, desc, scenario, opts=(), tunnel=False, flowlabel=True, sent=True):
    """In tunnel mode the receiver's capture also sees the inner packets
    it decapsulated, which come in again on its device: when, among the
    ESP frames, depends on the receiving softirq, so they are compared
    after them, in an order of their own.  sent=False: the scenario's
    sends all fail."""
    stats = []

    def snap(_=None):
        stats.append((net_counters(ns.a, "xfrm_stat"), net_counters(ns.b, "xfrm_stat")))
    runs = side_by_side(ns, peer, scenario, opts, before=snap, flowlabel=flowlabel)
    snap()
    if tunnel:
        for r in runs.values():
            r.records = [x for x in r.records if x["proto"] == 50] + \
                sorted((x for x in r.records if x["proto"] != 50), key=repr)
    compare(desc, runs)
    moved = [tuple({k: v - s0[i][k] for k, v in s1[i].items() if v != s0[i][k]}
                   for i in range(2)) for s0, s1 in zip(stats, stats[1:])]
    same(desc + ": xfrm_stat (sender, receiver)", moved[0], moved[1])
    n = runs["native"]
    if not sent:
        tap_check(not n.records and all(isinstance(r, str) for r in n.results[1:]),
                  desc + ": native sends nothing", "%s" % (n.results,))
        return runs
    tap_check(n.records and n.records[0]["proto"] == 50 and
              all(r["proto"] in ((50, 17) if tunnel else (50,)) for r in n.records),
              desc + ": native frames are ESP", "protocols %s" %
              sorted({r["proto"] for r in n.records}))
    return runs


def mtu(s):
    try:
        return s.getsockopt(socket.SOL_IP, IP_MTU)
    except OSError as e:
        return e.errno


def cases(ns, peer):
    do = [(socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)]
    runs = case(ns, peer, "IP_PMTUDISC_DO, sizes around the MTU", lambda s: [
        send(s, b"d" * n, addr=peer.addr) for n in SIZES], do)
    res = runs["native"].results
    tap_check("EMSGSIZE" in res and FITS in res and res[SIZES.index(FITS) + 1] == "EMSGSIZE",
              "native: EMSGSIZE past the MTU less ESP's overhead", "%s" % (res,))
    case(ns, peer, "default PMTU discovery, sizes around the MTU (fragmented)",
         lambda s: [send(s, b"f" * n, addr=peer.addr) for n in SIZES])
    case(ns, peer, "connected, IP_PMTUDISC_DO", lambda s: [
        s.connect(peer.addr), mtu(s)] + [send(s, b"c" * n) for n in (FITS, FITS + 1, 3000)], do)
    case(ns, peer, "connected, fragmented", lambda s: [
        s.connect(peer.addr), mtu(s)] + [send(s, b"g" * n) for n in (FITS, FITS + 1, 3000)])
    # GSO cannot go through xfrm: udp_send_skb() refuses it (EIO)
    case(ns, peer, "UDP_SEGMENT", lambda s: [
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 1000), send(s, b"s" * 3000, addr=peer.addr),
        send(s, b"t" * 800, addr=peer.addr)], sent=False)


def cases6(ns, peer):
    dontfrag = [(SOL_IPV6, IPV6_DONTFRAG, 1)]
    runs = case(ns, peer, "IPv6 tunnel, IPV6_DONTFRAG, sizes around the MTU", lambda s: [
        send(s, b"d" * n, addr=peer.addr) for n in SIZES6], dontfrag, tunnel=True)
    tap_diag("IPv6 tunnel, IPV6_DONTFRAG: native %s" % (runs["native"].results,))
    tap_check("EMSGSIZE" in runs["native"].results,
              "IPv6 tunnel, native: EMSGSIZE past the MTU less the tunnel's overhead")
    case(ns, peer, "IPv6 tunnel, sizes around the MTU (fragmented)",
         lambda s: [send(s, b"f" * n, addr=peer.addr) for n in SIZES6], tunnel=True)
    # a connected socket's flow label is its random txhash's
    case(ns, peer, "IPv6 tunnel, connected", lambda s: [
        s.connect(peer.addr), mtu6(s)] + [send(s, b"c" * n) for n in (1000, 1400, 3000)],
        tunnel=True, flowlabel=False)
    case(ns, peer, "IPv6 tunnel, UDP_SEGMENT", lambda s: [
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 1000), send(s, b"s" * 3000, addr=peer.addr),
        send(s, b"t" * 800, addr=peer.addr)], sent=False)
    case(ns, peer, "IPv6 tunnel, MSG_MORE", lambda s: [
        send(s, b"m" * 1000, socket.MSG_MORE, peer.addr),
        send(s, b"n" * 1000, socket.MSG_MORE, peer.addr), send(s, b"o" * 10, addr=peer.addr)],
        tunnel=True)


def mtu6(s):
    try:
        return s.getsockopt(SOL_IPV6, IPV6_MTU)
    except OSError as e:
        return e.errno


def have(*mods):
    return all(subprocess.run(("modprobe", m), capture_output=True).returncode == 0
               for m in mods)


with Netns(ipv6=True) as ns:
    if have("esp4", "xfrm_user"):
        xfrm(ns.a, "out", ns.addr_a, ns.addr_b)
        xfrm(ns.b, "in", ns.addr_a, ns.addr_b)
        peer = Peer(ns)
        try:
            cases(ns, peer)
        finally:
            peer.close()
    else:
        tap_skip("IPv4 in ESP transport mode", "no esp4 or xfrm_user module")
    no_ipv6 = has_family(socket.AF_INET6)
    if no_ipv6:
        tap_skip("IPv6 in ESP tunnel mode", no_ipv6)
    elif have("esp6", "xfrm_user"):
        xfrm(ns.a, "out", ns.addr6_a, ns.addr6_b, "tunnel")
        xfrm(ns.b, "in", ns.addr6_a, ns.addr6_b, "tunnel")
        peer6 = Peer(ns, family=socket.AF_INET6)
        try:
            cases6(ns, peer6)
        finally:
            peer6.close()
    else:
        tap_skip("IPv6 in ESP tunnel mode", "no esp6 or xfrm_user module")
tap_end()
