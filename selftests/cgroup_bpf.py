#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# cgroup BPF programs act on an altudp socket's sends as on UDP's: a
# BPF_CGROUP_UDP4_SENDMSG program that rewrites the destination (an
# unrouted address to the peer), one that refuses the send, one that
# passes only a SOCK_DGRAM socket of IPPROTO_UDP; BPF_CGROUP_INET_EGRESS
# programs that drop, drop with congestion notification, pass with it,
# and pass.  The test moves itself into a cgroup of its own, attaches one
# program at a time, and compares the send results (unconnected, then
# connected: the sendmsg hook runs for unconnected sends only), frames,
# payloads, Udp/Ip counters and the times the program ran (bpf_stats)
# with a kernel UDP socket's.

import os
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, skip_all, tap_check, tap_end
from bpf import CGROUP_SKB, CGROUP_SOCK_ADDR, EGRESS, EXIT, UDP4_SENDMSG, BpfStats, Cgroup, \
    jne, ldx_w, load, mov, run_cnt, stx_w
from txcmp import Peer, compare, send, side_by_side

require_module()

ELSEWHERE = ("10.55.0.1", 5999)         # no route: only a rewrite delivers it
# struct bpf_sock_addr
USER_IP4, USER_PORT, TYPE, PROTOCOL = 4, 24, 32, 36


def le32(b):
    return struct.unpack("<I", b)[0]


def programs(peer):
    ip4 = le32(socket.inet_aton(peer.addr[0]))
    port = le32(struct.pack("!H", peer.addr[1]) + bytes(2))
    verdict = {n: [mov(0, n), EXIT] for n in range(4)}
    return (
        ("UDP4_SENDMSG rewriting the destination", CGROUP_SOCK_ADDR, UDP4_SENDMSG,
         [mov(2, ip4), stx_w(1, USER_IP4, 2), mov(2, port), stx_w(1, USER_PORT, 2)] + verdict[1],
         ELSEWHERE, lambda n: n.results[:2] == [100, 3000] and len(n.payloads) == 3),
        ("UDP4_SENDMSG refusing", CGROUP_SOCK_ADDR, UDP4_SENDMSG, verdict[0],
         peer.addr, lambda n: n.results[:2] == ["EPERM"] * 2 and len(n.payloads) == 1),
        ("UDP4_SENDMSG passing SOCK_DGRAM, IPPROTO_UDP only", CGROUP_SOCK_ADDR, UDP4_SENDMSG,
         [ldx_w(2, 1, PROTOCOL), jne(2, socket.IPPROTO_UDP, 4),
          ldx_w(2, 1, TYPE), jne(2, socket.SOCK_DGRAM, 2)] + verdict[1] + verdict[0],
         peer.addr, lambda n: n.results[:2] == [100, 3000] and len(n.payloads) == 3),
        ("INET_EGRESS dropping", CGROUP_SKB, EGRESS, verdict[0],
         peer.addr, lambda n: n.results[:2] == ["EPERM"] * 2 and not n.payloads),
        ("INET_EGRESS dropping with congestion", CGROUP_SKB, EGRESS, verdict[2],
         peer.addr, lambda n: not n.payloads),
        ("INET_EGRESS passing with congestion", CGROUP_SKB, EGRESS, verdict[3],
         peer.addr, lambda n: len(n.payloads) == 3),
        ("INET_EGRESS passing", CGROUP_SKB, EGRESS, verdict[1],
         peer.addr, lambda n: len(n.payloads) == 3),
    )


def case(ns, peer, cg, desc, prog_type, attach_type, insns, dest, expect):
    prog = load(prog_type, attach_type, insns)

    def scenario(s):
        out = [send(s, b"u" * n, addr=dest) for n in (100, 3000)]
        s.connect(peer.addr)
        return out + [send(s, b"c" * 100)]
    cnt = []
    cg.attach(prog, attach_type)
    try:
        runs = side_by_side(ns, peer, scenario, before=lambda _: cnt.append(run_cnt(prog)))
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


with Netns() as ns:
    peer = Peer(ns)
    try:
        with BpfStats(), Cgroup() as cg:
            for c in programs(peer):
                try:
                    case(ns, peer, cg, *c)
                except OSError as e:
                    if c[0].startswith("UDP4_SENDMSG rewriting"):
                        skip_all("cannot load or attach a cgroup BPF program: %s" % e)
                    raise
    finally:
        peer.close()
tap_end()
