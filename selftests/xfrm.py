#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# IPsec ESP in transport mode between the two namespaces (AES-CBC and
# HMAC-SHA256, "ip xfrm state" and "policy" for UDP from a to b): altudp datagrams are
# encrypted, fragmented and decrypted as UDP's.  Sizes around the largest
# datagram that fits the 1500-byte MTU after ESP's overhead and beyond,
# with IP_PMTUDISC_DO (EMSGSIZE past it), with the default (fragmented)
# and connected; the send results, the ESP frames captured (lengths,
# flags, fragment offsets), the decrypted datagrams received, IP_MTU, the
# Udp/Ip counters and /proc/net/xfrm_stat of both namespaces must equal a
# kernel UDP socket's in the same namespaces.

import socket
import subprocess

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, require_module, skip_all, tap_check, tap_end
from txcmp import IP_MTU_DISCOVER, IP_PMTUDISC_DO, Peer, compare, same, send, side_by_side
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


def xfrm(ns, peer_dir, a, b):
    ip("-n", ns, "xfrm", "state", "add", "src", a, "dst", b, "proto", "esp", "spi", SPI,
       "mode", "transport", "enc", "cbc(aes)", ENC_KEY,
       "auth-trunc", "hmac(sha256)", AUTH_KEY, "128")
    ip("-n", ns, "xfrm", "policy", "add", "src", a + "/32", "dst", b + "/32", "proto", "udp",
       "dir", peer_dir, "tmpl", "src", a, "dst", b, "proto", "esp", "mode", "transport")


def case(ns, peer, desc, scenario, opts=()):
    stats = []

    def snap(_=None):
        stats.append((net_counters(ns.a, "xfrm_stat"), net_counters(ns.b, "xfrm_stat")))
    runs = side_by_side(ns, peer, scenario, opts, before=snap)
    snap()
    compare(desc, runs)
    moved = [tuple({k: v - s0[i][k] for k, v in s1[i].items() if v != s0[i][k]}
                   for i in range(2)) for s0, s1 in zip(stats, stats[1:])]
    same(desc + ": xfrm_stat (sender, receiver)", moved[0], moved[1])
    n = runs["native"]
    tap_check(n.records and all(r["proto"] == 50 for r in n.records),
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


for mod in ("esp4", "xfrm_user"):
    if subprocess.run(("modprobe", mod), capture_output=True).returncode:
        skip_all("no %s module" % mod)
with Netns() as ns:
    xfrm(ns.a, "out", ns.addr_a, ns.addr_b)
    xfrm(ns.b, "in", ns.addr_a, ns.addr_b)
    peer = Peer(ns)
    try:
        cases(ns, peer)
    finally:
        peer.close()
tap_end()
