#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# IP options from an altudp socket through a router: namespaces a - b - c,
# a sends to c with LSRR or SSRR through b, record route, and timestamps
# (only, with addresses, prespecified), set by IP_OPTIONS or as an
# IP_RETOPTS cmsg.  The frame captured as it reaches b and as b forwards
# it to c must equal a kernel UDP socket's, and c must receive it.

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, ns_exec, require_module, tap_check, tap_end
from udpcmp import IP_RETOPTS, KINDS, Capture, add_veth, hexdiff, mask_ip, new_sock

require_module()

PORT, SPORT = 9000, 9100
ADDR_BC, ADDR_C = "10.97.1.1", "10.97.1.2"


def a4(addr):
    return socket.inet_aton(addr)


def options(ns):
    """(name, IP options) from a to c, through b."""
    return (
        ("LSRR via b", bytes([1, 131, 7, 4]) + a4(ns.addr_b)),
        ("SSRR via b", bytes([1, 137, 7, 4]) + a4(ns.addr_b)),
        ("record route", bytes([7, 39, 4]) + bytes(36)),
        ("timestamps only", bytes([68, 40, 5, 0]) + bytes(36)),
        ("timestamps and addresses", bytes([68, 36, 5, 1]) + bytes(32)),
        ("prespecified timestamps", bytes([68, 28, 5, 3]) + a4(ns.addr_a) + bytes(4) +
         a4(ns.addr_b) + bytes(4) + a4(ADDR_C) + bytes(4)),
        ("LSRR and record route", bytes([1, 131, 7, 4]) + a4(ns.addr_b) +
         bytes([7, 31, 4]) + bytes(28)),
    )


def mask(pkt):
    """mask_ip(), and the timestamps written so far in a timestamp option:
    milliseconds since midnight, which differ between any two sends."""
    pkt = bytearray(mask_ip(pkt))
    i, end = 20, (pkt[0] & 15) * 4
    while i < end and pkt[i] != 0:
        if pkt[i] == 1:
            i += 1
            continue
        olen, ptr = pkt[i + 1], pkt[i + 2]
        if pkt[i] == 68:
            step = 4 if pkt[i + 3] & 15 == 0 else 8
            for ts in range(i + 4 + step - 4, i + ptr - 1, step):
                pkt[ts:ts + 4] = bytes(4)
        i += max(olen, 2)
    return bytes(pkt)


def send_kinds(ns, caps, rx, opt, how):
    runs = []
    for _, proto in KINDS:
        for c in caps:
            c.frames(0, 0)
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, SPORT))
        if how == "IP_OPTIONS":
            s.setsockopt(socket.SOL_IP, socket.IP_OPTIONS, opt)
            n = s.sendto(b"o" * 100, (ADDR_C, PORT))
        else:
            n = s.sendmsg([b"o" * 100], [(socket.SOL_IP, IP_RETOPTS, opt)], 0, (ADDR_C, PORT))
        s.close()
        rx.settimeout(5)
        try:
            got = rx.recv(1000)
        except socket.timeout:
            got = None
        runs.append((n, got, [[mask(f) for f in c.frames(1)] for c in caps]))
    return runs


with Netns() as ns:
    nc = ns.a[:-1] + "c"
    ip("netns", "add", nc)
    try:
        add_veth(ns.b, "veth-bc", ADDR_BC, nc, "veth-c", ADDR_C)
        ip("-n", nc, "link", "set", "lo", "up")
        ip("-n", ns.a, "route", "add", "10.97.1.0/24", "via", ns.addr_b)
        ip("-n", nc, "route", "add", "10.99.1.0/24", "via", ADDR_BC)
        ns_exec(ns.b, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        for n, devs in ((ns.a, (ns.if_a,)), (ns.b, (ns.if_b, "veth-bc")), (nc, ("veth-c",))):
            for dev in ("all",) + devs:
                ns_exec(n, "sysctl", "-qw", "net.ipv4.conf.%s.accept_source_route=1" % dev)
        caps = (Capture(ns.b, ns.if_b), Capture(nc, "veth-c"))
        rx = new_sock(nc, 0)
        rx.bind(("0.0.0.0", PORT))
        for name, opt in options(ns):
            for how in ("IP_OPTIONS", "IP_RETOPTS cmsg"):
                u, a = send_kinds(ns, caps, rx, opt, how)
                desc = "%s by %s" % (name, how)
                why = ""
                if u[0] != a[0] or u[1] != a[1] or u[1] != b"o" * 100:
                    why = "sent/received: udp %s, altudp %s" % (
                        (u[0], u[1] and len(u[1])), (a[0], a[1] and len(a[1])))
                for where, fu, fa in zip(("at b", "at c"), u[2], a[2]):
                    if not fu or len(fu) != len(fa):
                        why += " %s: udp %d frames, altudp %d" % (where, len(fu), len(fa))
                    elif fu != fa:
                        why += " %s: %s" % (where, hexdiff(fu[0], fa[0]))
                tap_check(not why, desc + ": frames at b and at c as UDP's, delivered", why)
        rx.close()
        for c in caps:
            c.close()
    finally:
        ip("netns", "del", nc, check=False)
tap_end()
