#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Multicast and broadcast from an altudp socket next to a UDP one.
# Multicast to a group joined in the peer namespace: IP_MULTICAST_IF (by
# address and by ifindex), IP_MULTICAST_TTL and IP_MULTICAST_LOOP are
# honoured: the peer member receives the datagram, the local member gets
# the looped copy only with LOOP on, and the captured frame (Ethernet
# header included) equals UDP's.  Broadcast is refused without
# SO_BROADCAST (EACCES) and delivered with it to the subnet broadcast and
# to 255.255.255.255 with SO_BINDTODEVICE, frames again equal.

import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, run_in, tap_check, tap_end
from udpcmp import KINDS, Capture, bound_sock, hexdiff, new_sock, outcome

require_module()

GROUP, PORT, SPORT = "239.1.1.1", 9000, 9100


def mreqn(group, ifindex):
    return socket.inet_aton(group) + bytes(4) + struct.pack("=i", ifindex)


def member(ns, ifname):
    s = new_sock(ns, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", PORT))
    idx = run_in(ns, socket.if_nametoindex, ifname)
    s.setsockopt(socket.SOL_IP, socket.IP_ADD_MEMBERSHIP, mreqn(GROUP, idx))
    return s


def received(s, wait):
    """Payloads queued on s, waiting up to wait seconds for the first."""
    got = []
    s.settimeout(wait)
    while True:
        try:
            got.append(s.recv(70000))
        except (socket.timeout, BlockingIOError):
            return got
        s.setblocking(False)


def mask_frame(f):
    """The Ethernet frame with the IP ID and header checksum zeroed: the
    ID is the one field the kernel picks per datagram."""
    f = bytearray(f)
    f[18:20] = f[24:26] = b"\0\0"
    return bytes(f)


def compare(desc, runs, expect):
    u, a = runs
    uf, af = [mask_frame(f) for f in u[-1]], [mask_frame(f) for f in a[-1]]
    if uf != af:
        why = "%d vs %d frames" % (len(uf), len(af)) if len(uf) != len(af) else \
            hexdiff(uf[0], af[0])
        tap_check(False, desc + ": frames as UDP's", why)
    else:
        tap_check(u[:-1] == a[:-1] and expect(u), desc,
                  "udp %s, altudp %s" % (u[:-1], a[:-1]))


def run_kinds(ns, cap, receivers, setup, dst, payload=b"x" * 200):
    """For each kind: the send's outcome, what each receiver got, frames."""
    runs = []
    for _, proto in KINDS:
        cap.frames(0, 0)
        s = bound_sock(ns.a, proto, SPORT, setup)
        res = outcome(s.sendto, payload, dst)
        s.close()
        got = [received(r, wait if res[0] == "ok" else 0.01) for r, wait in receivers]
        runs.append((res, got, cap.frames(1 if res[0] == "ok" else 0, 0.5, eth=True)))
    return runs


with Netns() as ns:
    idx_a = run_in(ns.a, socket.if_nametoindex, ns.if_a)
    cap = Capture(ns.b, ns.if_b)
    far, near = member(ns.b, ns.if_b), member(ns.a, ns.if_a)
    for how, ifopt in (("by address", socket.inet_aton(ns.addr_a)),
                       ("by ifindex", mreqn("0.0.0.0", idx_a))):
        for loop in (1, 0):
            setup = ((socket.SOL_IP, socket.IP_MULTICAST_IF, ifopt),
                     (socket.SOL_IP, socket.IP_MULTICAST_TTL, 3),
                     (socket.SOL_IP, socket.IP_MULTICAST_LOOP, loop))
            # Looped copy: waited for when expected, briefly looked for if not.
            runs = run_kinds(ns, cap, ((far, 5), (near, 2 if loop else 0.3)), setup,
                             (GROUP, PORT))
            compare("multicast IP_MULTICAST_IF %s, TTL 3, LOOP %d" % (how, loop), runs,
                    lambda r: r[0] == ("ok", 200) and len(r[1][0]) == 1 and
                    len(r[1][1]) == loop and r[2][0][22] == 3 and
                    r[2][0][:6] == bytes.fromhex("01005e010101"))
    far.close()
    near.close()

    rx = new_sock(ns.b, 0)
    rx.bind(("0.0.0.0", PORT))
    bcast = ns.addr_a.rsplit(".", 1)[0] + ".255"
    for dst in (bcast, "255.255.255.255"):
        dev = (socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ns.if_a.encode())
        runs = run_kinds(ns, cap, ((rx, 0.3),), (dev,), (dst, PORT))
        compare("broadcast to %s, SO_BINDTODEVICE, no SO_BROADCAST: refused" % dst, runs,
                lambda r: r[0] == ("err", "EACCES") and r[1] == [[]])
        runs = run_kinds(ns, cap, ((rx, 5),),
                         (dev, (socket.SOL_SOCKET, socket.SO_BROADCAST, 1)), (dst, PORT))
        compare("broadcast to %s, SO_BINDTODEVICE and SO_BROADCAST: delivered" % dst, runs,
                lambda r: r[0] == ("ok", 200) and len(r[1][0]) == 1 and
                r[2][0][:6] == b"\xff" * 6)
    rx.close()
    cap.close()
tap_end()
