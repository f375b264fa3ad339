#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The altudp socket as an application sees it, next to a kernel UDP socket:
# socket(), bind/connect/getsockname, datagrams between two namespaces in
# every direction (connected send, sendto, sendmsg) arriving byte-identical,
# recvmsg, poll, SO_REUSEADDR/SO_REUSEPORT sharing a port with a UDP
# socket, ss listing, IP_RECVERR with an ICMP port unreachable, and
# /proc/net/altudp counting altudp's sends and only those.

import os
import select
import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ns_exec, require_module, tap_check, tap_end
from udpcmp import IP_PKTINFO, IP_RECVERR, IP_RECVTTL, KINDS, altudp_stats, new_sock, outcome, raw_connect, \
    raw_sendmsg, recv_errqueue, sender_counter, snmp, snmp_delta, sockaddr_in

require_module()
UDP, ALT = KINDS[0][1], KINDS[1][1]
NAME = dict((p, n) for n, p in KINDS)


def sock_identity(ns):
    out = {}
    for name, proto in KINDS:
        s = new_sock(ns.a, proto)
        out[name] = tuple(s.getsockopt(socket.SOL_SOCKET, o)
                          for o in (socket.SO_DOMAIN, socket.SO_TYPE, socket.SO_PROTOCOL))
        s.close()
    tap_check(out["udp"] == out["altudp"],
              "socket(AF_INET, SOCK_DGRAM, %d): SO_DOMAIN/TYPE/PROTOCOL as UDP's" % ALT,
              "udp %s, altudp %s" % (out["udp"], out["altudp"]))


def names(ns):
    """bind, getsockname, connect, getpeername, connect(AF_UNSPEC), a
    bind to a port in use and to a foreign address."""
    def walk(proto):
        s, steps = new_sock(ns.a, proto), []
        steps.append(s.getsockname())
        s.bind((ns.addr_a, 0))
        steps.append(s.getsockname()[1] != 0)
        s.close()
        s = new_sock(ns.a, proto)
        s.connect((ns.addr_b, 7000))
        steps += [s.getsockname()[0], s.getpeername()]
        steps.append(outcome(raw_connect, s, sockaddr_in("0.0.0.0", 0, socket.AF_UNSPEC)))
        steps.append(outcome(s.getpeername))
        s.close()
        s, t = new_sock(ns.a, proto), new_sock(ns.a, proto)
        s.bind((ns.addr_a, 7001))
        steps.append(outcome(t.bind, (ns.addr_a, 7001)))
        steps.append(outcome(t.bind, ("10.99.250.1", 7002)))
        s.close()
        t.close()
        return steps
    u, a = walk(UDP), walk(ALT)
    tap_check(u == a, "bind/getsockname/connect/getpeername as UDP's",
              "udp %s, altudp %s" % (u, a))


def directions(ns):
    """Each sender kind to each receiver kind, three ways of sending."""
    payloads = [os.urandom(n) for n in (0, 1, 100, 1472, 1473, 9000, 65507)]
    for tx in (UDP, ALT):
        for rx in (UDP, ALT):
            for how in ("send", "sendto", "sendmsg"):
                r = new_sock(ns.b, rx)
                r.bind((ns.addr_b, 0))
                r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 21)
                r.settimeout(5)
                dst = (ns.addr_b, r.getsockname()[1])
                s = new_sock(ns.a, tx)
                if how == "send":
                    s.connect(dst)
                bad = []
                for p in payloads:
                    if how == "send":
                        n = s.send(p)
                    elif how == "sendto":
                        n = s.sendto(p, dst)
                    else:
                        n = s.sendmsg([p[:7], p[7:]], [], 0, dst)
                    try:
                        data, peer = r.recvfrom(70000)
                    except socket.timeout:
                        data, peer = None, None
                    if n != len(p) or data != p or peer != (ns.addr_a, s.getsockname()[1]):
                        bad.append(len(p))
                s.close()
                r.close()
                tap_check(not bad, "%s -> %s by %s: payloads of %s bytes arrive intact" %
                          (NAME[tx], NAME[rx], how, ",".join(str(len(p)) for p in payloads)),
                          "bad sizes %s" % bad)


def recvmsg_ancillary(ns):
    """recvmsg with IP_PKTINFO and IP_RECVTTL on a receiver of each kind."""
    out = {}
    for name, proto in KINDS:
        r = new_sock(ns.b, proto)
        r.bind(("0.0.0.0", 7010))
        r.setsockopt(socket.SOL_IP, IP_PKTINFO, 1)
        r.setsockopt(socket.SOL_IP, IP_RECVTTL, 1)
        r.settimeout(5)
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, 7011))
        s.sendto(b"recvmsg", (ns.addr_b, 7010))
        out[name] = r.recvmsg(100, 256)
        s.close()
        r.close()
    tap_check(out["udp"] == out["altudp"] and out["udp"][0] == b"recvmsg",
              "recvmsg data, IP_PKTINFO/IP_TTL cmsgs, flags, address as UDP's",
              "udp %s, altudp %s" % (out["udp"], out["altudp"]))


def poll_masks(ns):
    def masks(proto):
        r, s = new_sock(ns.b, proto), new_sock(ns.a, proto)
        r.bind((ns.addr_b, 7020))
        p = select.poll()
        p.register(r, select.POLLIN | select.POLLOUT | select.POLLERR)
        before = [m for _, m in p.poll(0)]
        s.sendto(b"x", (ns.addr_b, 7020))
        # POLLOUT is always ready: wait for POLLIN alone, then take the mask.
        pin = select.poll()
        pin.register(r, select.POLLIN)
        pin.poll(5000)
        after = [m for _, m in p.poll(0)]
        ps = select.poll()
        ps.register(s, select.POLLIN | select.POLLOUT)
        sender = [m for _, m in ps.poll(0)]
        r.close()
        s.close()
        return before, after, sender
    u, a = masks(UDP), masks(ALT)
    tap_check(u == a and u[1][0] & select.POLLIN,
              "poll: POLLOUT when idle, POLLIN when a datagram waits, as UDP's",
              "udp %s, altudp %s" % (u, a))


def port_sharing(ns):
    """Two sockets on one port: the outcome of the second bind and where
    datagrams go, for every pair of kinds, matches two UDP sockets."""
    for opt in (None, socket.SO_REUSEADDR, socket.SO_REUSEPORT):
        ref = None
        for first in (UDP, ALT):
            for second in (UDP, ALT):
                socks = [new_sock(ns.b, k) for k in (first, second)]
                for s in socks:
                    if opt:
                        s.setsockopt(socket.SOL_SOCKET, opt, 1)
                res = [outcome(s.bind, (ns.addr_b, 7030)) for s in socks]
                got = 0
                if all(r[0] == "ok" for r in res):
                    tx = new_sock(ns.a, UDP)
                    for i in range(16):
                        tx.sendto(b"%d" % i, (ns.addr_b, 7030))
                    while got < 16:
                        ready = select.select(socks, [], [], 5)[0]
                        if not ready:
                            break
                        for s in ready:
                            s.recv(10)
                            got += 1
                    tx.close()
                for s in socks:
                    s.close()
                seen = (res, got)
                if ref is None:
                    ref = seen
                    continue
                tap_check(seen == ref, "%s: %s then %s on one port as two UDP sockets" %
                          ({None: "no option", socket.SO_REUSEADDR: "SO_REUSEADDR",
                            socket.SO_REUSEPORT: "SO_REUSEPORT"}[opt], NAME[first], NAME[second]),
                          "udp+udp %s, this %s" % (ref, seen))


def ss_lists(ns):
    found = {}
    for name, proto in KINDS:
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, 7040))
        out = ns_exec(ns.a, "ss", "-u", "-a", "-n").stdout
        found[name] = [line.split()[:5] for line in out.splitlines() if ":7040" in line]
        s.close()
    tap_check(found["altudp"] and found["udp"] == found["altudp"],
              "ss -u -a lists the altudp socket as it lists a UDP one",
              "udp %s, altudp %s" % (found["udp"], found["altudp"]))


def icmp_errors(ns):
    """A datagram to a closed port: the ICMP port unreachable comes back as
    an IP_RECVERR error queue entry, and as ECONNREFUSED on a connected
    socket."""
    ns_exec(ns.b, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0")
    out = {}
    for name, proto in KINDS:
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, 7050))
        s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
        s.sendto(b"closed", (ns.addr_b, 7051))
        p = select.poll()
        p.register(s, select.POLLERR)
        p.poll(5000)
        err = recv_errqueue(s)
        s.close()
        c = new_sock(ns.a, proto)
        c.bind((ns.addr_a, 7052))
        c.connect((ns.addr_b, 7051))
        c.send(b"closed")
        c.settimeout(5)
        out[name] = (err, outcome(c.recv, 10))
        c.close()
    tap_check(out["udp"] == out["altudp"] and out["udp"][0] and out["udp"][0][0][0] != 0,
              "ICMP port unreachable: error queue (errno/origin/type/code/offender) "
              "and ECONNREFUSED as UDP's", "udp %s, altudp %s" % (out["udp"], out["altudp"]))


def counters(ns):
    """Sends of each kind move Udp OutDatagrams alike; AltUdpOutDatagrams
    moves for altudp's only."""
    r = new_sock(ns.b, UDP)
    r.bind((ns.addr_b, 7060))
    r.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    res = {}
    for name, proto in KINDS:
        s = new_sock(ns.a, proto)
        s.bind((ns.addr_a, 7061))
        before, abefore = snmp(ns.a), altudp_stats(ns.a)
        for i in range(5):
            s.sendto(b"count %d" % i, (ns.addr_b, 7060))
        raw_sendmsg(s, b"count raw", sockaddr_in(ns.addr_b, 7060))
        s.connect((ns.addr_b, 7060))
        s.send(b"count connected")
        res[name] = (snmp_delta(before, snmp(ns.a), sender_counter),
                     altudp_stats(ns.a).get("AltUdpOutDatagrams", 0) -
                     abefore.get("AltUdpOutDatagrams", 0))
        s.close()
    r.close()
    tap_check(res["udp"][0] == res["altudp"][0] and res["udp"][0].get("Udp.OutDatagrams") == 7,
              "/proc/net/snmp sender counters move alike for 7 sends",
              "udp %s, altudp %s" % (res["udp"][0], res["altudp"][0]))
    tap_check(res["altudp"][1] == 7 and res["udp"][1] == 0,
              "AltUdpOutDatagrams +7 for altudp's sends, +0 for UDP's",
              "altudp +%d, udp +%d" % (res["altudp"][1], res["udp"][1]))


with Netns() as ns:
    sock_identity(ns)
    names(ns)
    directions(ns)
    recvmsg_ancillary(ns)
    poll_masks(ns)
    port_sharing(ns)
    ss_lists(ns)
    icmp_errors(ns)
    counters(ns)
tap_end()
