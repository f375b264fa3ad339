#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cgroup BPF programs act on an altudp socket's sends as on UDP's: a
# BPF_CGROUP_UDP4_SENDMSG program that rewrites the destination (an
# unrouted address to the peer), one that refuses the send, one that sets
# port 0 (EINVAL), one that passes only a SOCK_DGRAM socket of
# IPPROTO_UDP; BPF_CGROUP_INET_EGRESS programs that drop, drop with
# congestion notification, pass with it, and pass.  Where the module has
# IPv6 sockets, the same BPF_CGROUP_UDP6_SENDMSG programs, one that writes
# an IPv4-mapped address (ENOTSUPP), and INET_EGRESS ones that drop, and
# drop or pass with congestion, act on an IPv6 altudp socket as on
# UDPv6's; and a rewriting program run for a connected socket's send with
# a control message, which has no address to rewrite.  The test moves
# itself into a cgroup of its own, attaches one
# program at a time, and compares the send results (unconnected, then
# connected: the sendmsg hook runs for unconnected sends only), frames,
# payloads, Udp/Ip counters and the times the program ran (bpf_stats)
# with a kernel UDP socket's.

import os
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, has_family, require_module, skip_all, tap_check, tap_end, tap_skip
from bpf import CGROUP_SKB, CGROUP_SOCK_ADDR, EGRESS, EXIT, UDP4_SENDMSG, UDP6_SENDMSG, \
    BpfStats, Cgroup, jne, ldx_w, load, mov, run_cnt, stx_w
from txcmp import Peer, compare, send, side_by_side

require_module()

# No route: only a rewrite delivers it.
ELSEWHERE = {socket.AF_INET: ("10.55.0.1", 5999), socket.AF_INET6: ("fd00:55::1", 5999)}
# struct bpf_sock_addr
USER_IP4, USER_IP6, USER_PORT, TYPE, PROTOCOL = 4, 8, 24, 32, 36


def le32(b):
    return struct.unpack("<I", b)[0]


def store_addr(addr, v6):
    insns = []
    for i in range(0, len(addr), 4):
        insns += [mov(2, le32(addr[i:i + 4])), stx_w(1, (USER_IP6 if v6 else USER_IP4) + i, 2)]
    return insns


def programs(peer):
    v6 = peer.family == socket.AF_INET6
    sendmsg, name = (UDP6_SENDMSG, "UDP6_SENDMSG") if v6 else (UDP4_SENDMSG, "UDP4_SENDMSG")
    addr = socket.inet_pton(peer.family, peer.addr[0])
    rewrite = store_addr(addr, v6)
    port = le32(struct.pack("!H", peer.addr[1]) + bytes(2))
    verdict = {n: [mov(0, n), EXIT] for n in range(4)}
    progs = (
        (name + " rewriting the destination", CGROUP_SOCK_ADDR, sendmsg,
         rewrite + [mov(2, port), stx_w(1, USER_PORT, 2)] + verdict[1],
         ELSEWHERE[peer.family], lambda n: n.results[:2] == [100, 3000] and len(n.payloads) == 3),
        (name + " refusing", CGROUP_SOCK_ADDR, sendmsg, verdict[0],
         peer.addr, lambda n: n.results[:2] == ["EPERM"] * 2 and len(n.payloads) == 1),
        (name + " setting port 0", CGROUP_SOCK_ADDR, sendmsg,
         [mov(2, 0), stx_w(1, USER_PORT, 2)] + verdict[1],
         peer.addr, lambda n: n.results[:2] == ["EINVAL"] * 2 and len(n.payloads) == 1),
        (name + " passing SOCK_DGRAM, IPPROTO_UDP only", CGROUP_SOCK_ADDR, sendmsg,
         [ldx_w(2, 1, PROTOCOL), jne(2, socket.IPPROTO_UDP, 4),
          ldx_w(2, 1, TYPE), jne(2, socket.SOCK_DGRAM, 2)] + verdict[1] + verdict[0],
         peer.addr, lambda n: n.results[:2] == [100, 3000] and len(n.payloads) == 3),
        ("INET_EGRESS dropping" + (" IPv6" if v6 else ""), CGROUP_SKB, EGRESS, verdict[0],
         peer.addr, lambda n: n.results[:2] == ["EPERM"] * 2 and not n.payloads),
        ("INET_EGRESS dropping with congestion" + (" IPv6" if v6 else ""), CGROUP_SKB, EGRESS,
         verdict[2], peer.addr, lambda n: not n.payloads),
        ("INET_EGRESS passing with congestion" + (" IPv6" if v6 else ""), CGROUP_SKB, EGRESS,
         verdict[3], peer.addr, lambda n: len(n.payloads) == 3),
        ("INET_EGRESS passing", CGROUP_SKB, EGRESS, verdict[1],
         peer.addr, lambda n: len(n.payloads) == 3),
    )
    if not v6:
        return progs
    mapped = socket.inet_pton(socket.AF_INET6, "::ffff:" + ELSEWHERE[socket.AF_INET][0])
    # udpv6_sendmsg(): "BPF program rewrote IPv6-only by IPv4-mapped IPv6".
    # the sendmsg programs, and INET_EGRESS dropping, and passing, with
    # congestion notification (NET_XMIT_CN from the push)
    return progs[:7] + (
        (name + " writing an IPv4-mapped address", CGROUP_SOCK_ADDR, sendmsg,
         store_addr(mapped, True) + verdict[1],
         peer.addr, lambda n: n.results[:2] == ["524"] * 2 and len(n.payloads) == 1),
    )


def case(ns, peer, cg, desc, prog_type, attach_type, insns, dest, expect, scenario=None):
    prog = load(prog_type, attach_type, insns)

    def unconnected_connected(s):
        out = [send(s, b"u" * n, addr=dest) for n in (100, 3000)]
        s.connect(peer.addr)
        return out + [send(s, b"c" * 100)]
    scenario = scenario or unconnected_connected
    cnt = []
    cg.attach(prog, attach_type)
    try:
        # A connected IPv6 socket's automatic flow label hashes its random txhash.
        runs = side_by_side(ns, peer, scenario, before=lambda _: cnt.append(run_cnt(prog)),
                            flowlabel=peer.family != socket.AF_INET6)
        cnt.append(run_cnt(prog))
    finally:
        cg.detach(prog, attach_type)
        os.close(prog)
    compare(desc, runs)
    ran = (cnt[1] - cnt[0], cnt[2] - cnt[1])
    tap_check(ran[0] == ran[1] and ran[0] > 0, desc + ": program ran as often (%d)" % ran[0],
              "native %d, altudp %d" % ran)
    n = runs["native"]
    tap_check(expect(n), desc + ": native sends as the program means",
              "results %s, %d payloads" % (n.results, len(n.payloads)))


def connected_cmsg(ns, peer, cg):
    """A control message makes a connected send run the sendmsg hook
    (udp_sendmsg() clears "connected"), without an address: what the
    rewriting program writes is not used."""
    desc, prog_type, attach_type, insns = programs(peer)[0][:4]
    tclass = (socket.IPPROTO_IPV6, socket.IPV6_TCLASS, struct.pack("=i", 0x20)) \
        if peer.family == socket.AF_INET6 else (socket.IPPROTO_IP, socket.IP_TOS, b"\x20")

    def scenario(s):
        s.connect(peer.addr)
        return [send(s, b"t" * 100, cmsg=[tclass]), send(s, b"c" * 200)]
    case(ns, peer, cg, desc + ", connected, a send with a control message", prog_type,
         attach_type, insns, peer.addr, lambda n: n.results == [100, 200] and
         len(n.payloads) == 2, scenario)


with Netns(ipv6=True) as ns:
    peer, peer6 = Peer(ns), Peer(ns, family=socket.AF_INET6)
    try:
        with BpfStats(), Cgroup() as cg:
            for c in programs(peer):
                try:
                    case(ns, peer, cg, *c)
                except OSError as e:
                    if c[0].startswith("UDP4_SENDMSG rewriting"):
                        skip_all("cannot load or attach a cgroup BPF program: %s" % e)
                    raise
            connected_cmsg(ns, peer, cg)
            no_ipv6 = has_family(socket.AF_INET6)
            for c in () if no_ipv6 else programs(peer6):
                case(ns, peer6, cg, *c)
            if not no_ipv6:
                connected_cmsg(ns, peer6, cg)
            if no_ipv6:
                tap_skip("UDP6_SENDMSG and INET_EGRESS on IPv6", no_ipv6)
    finally:
        peer.close()
        peer6.close()
tap_end()
