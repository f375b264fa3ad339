#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The AF_INET6 altudp socket side by side with the kernel's UDPv6: plain
# sends, connected and not, MSG_MORE (with MSG_PROBE too), UDP_CORK,
# sendfile() and splice(), a datagram over the MTU (fragments), MSG_MORE,
# fragments and an append that faults without scatter-gather,
# UDP_SEGMENT, UDP_NO_CHECK6_TX, the errnos of bad addresses (short
# sockaddr_in6, an AF_INET one, port 0, scope ids), v4-mapped destinations
# (IPv4 frames from the module's IPv4 path: AltUdp counters move,
# udp_sendmsg is not called), IPV6_V6ONLY with a v4-mapped destination,
# IPV6_ADDRFORM then sends (the module's IPv4 path still), and closing
# sockets with corked data pending (the module's references come back).
# Frames, payloads, results and the Udp/Udp6/Ip/Ip6 counters are compared
# with a native sender's.

import errno
import os
import socket
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Kprobes, Netns, kprobes_writable, module_refcnt, require_family, run_in,
                    tap_check, tap_diag, tap_end, tap_skip)
from txcmp import (MSG_PROBE, SO_SNDBUFFORCE, SOL_UDP, SPORT, UDP_CORK, UDP_SEGMENT, Peer,
                   compare, ethtool, same, send, side_by_side, zero_csum_payload)
from udpcmp import (altudp_stats, outcome, raw_sendto, sendmsg_fault, sockaddr_in, sockaddr_in6,
                    splice_sends)

require_family(socket.AF_INET6)

MORE = socket.MSG_MORE
UDP_NO_CHECK6_TX = 101
IPV6_ADDRFORM = 1
V6 = socket.IPPROTO_IPV6


def data(n, seed=0):
    return bytes((i * 7 + seed) & 0xff for i in range(n))


def rsend(s, name, namelen, payload=b"x" * 10):
    """sendto() with a raw address: the byte count or the errno's name."""
    try:
        return raw_sendto(s, payload, name, namelen)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def sockopt(s, level, name, value):
    """setsockopt(): "ok" or the errno's name."""
    try:
        s.setsockopt(level, name, value)
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def dual(ns, proto, opts):
    """An AF_INET6 sender in ns.a bound to the wildcard: it can send to
    v4-mapped destinations."""
    s = run_in(ns.a, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM, proto)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 32 << 20)
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    s.bind(("::", SPORT))
    return s


class Watch:
    """Kprobe hits and AltUdp counters of each run of a side_by_side():
    pass .before, then .delta(name) gives {function or counter: moved}."""

    def __init__(self, ns, kp):
        self.ns, self.kp, self.marks = ns, kp, {}

    def snap(self):
        snap = dict(self.kp.hits()) if self.kp else {}
        snap.update(altudp_stats(self.ns.a))
        return snap

    def before(self, name):
        self.marks[name] = self.snap()

    def deltas(self):
        end = self.snap()
        n, a = self.marks["native"], self.marks["altudp"]
        return ({k: a[k] - n[k] for k in n}, {k: end[k] - a[k] for k in a})


def not_delegated(desc, watch, funcs=("udp_sendmsg",)):
    """altudp's run called none of funcs, native's each; AltUdpOutDatagrams
    moved for altudp's run only."""
    native, alt = watch.deltas()
    for f in funcs:
        if f not in native:
            tap_skip("%s: %s not called" % (desc, f), "no kprobe on %s" % f)
            continue
        tap_check(alt[f] == 0 and native[f] > 0,
                  "%s: %s not called (%d hits from altudp, %d from UDP)" % (desc, f, alt[f],
                                                                            native[f]),
                  "altudp's datagrams went through the kernel's %s" % f)
    key = "AltUdpOutDatagrams"
    tap_check(alt[key] > 0 and native[key] == 0,
              "%s: %s +%d (+%d during UDP's)" % (desc, key, alt[key], native[key]),
              "the module's path did not send them")


def main():
    kp = Kprobes(["udp_sendmsg", "udpv6_sendmsg"]) if kprobes_writable() else None
    with Netns(ipv6=True) as ns:
        peer = Peer(ns, family=socket.AF_INET6)
        peer4 = Peer(ns, family=socket.AF_INET, capture=True)
        watch = Watch(ns, kp)
        try:
            cases(ns, peer, peer4, watch)
        finally:
            peer.close()
            peer4.close()
    if kp:
        kp.close()
    tap_end()


def cases(ns, peer, peer4, watch):
    to = peer.addr

    def plain(s):
        return [send(s, data(100), addr=to), send(s, b"", addr=to), send(s, data(1000, 1), addr=to)]
    runs = side_by_side(ns, peer, plain, before=watch.before)
    compare("unconnected", runs)
    native, alt = watch.deltas()
    if "udpv6_sendmsg" in alt:
        tap_check(alt["udpv6_sendmsg"] == 0 and native["udpv6_sendmsg"] > 0,
                  "unconnected: udpv6_sendmsg not called (%d hits from altudp, %d from UDP)" % (
                      alt["udpv6_sendmsg"], native["udpv6_sendmsg"]))

    def connected(s):
        s.connect(to)
        return [send(s, data(200)), send(s, data(300, 2)), send(s, data(10, 3), addr=to)]
    # a connected socket's flow label is its random txhash's
    compare("connected", side_by_side(ns, peer, connected, flowlabel=False))

    def more(s):
        return [send(s, data(100), MORE, addr=to), send(s, data(200, 1), MORE, addr=to),
                send(s, data(50, 2), addr=to)]
    compare("MSG_MORE", side_by_side(ns, peer, more))

    # checksummed in software, a sum of 0 sent as 0xffff (CSUM_MANGLED_0)
    zero = zero_csum_payload(ns.addr6_a, to[0], SPORT, to[1], 300)
    runs = side_by_side(ns, peer, lambda s: [send(s, zero[:100], MORE, addr=to),
                                             send(s, zero[100:], addr=to)])
    compare("MSG_MORE, checksum summing to 0", runs)
    tap_check([r.get("ucheck") for r in runs["altudp"].records] == [0xffff],
              "MSG_MORE, checksum summing to 0: sent as 0xffff", "%r" % runs["altudp"].records)

    # Appends that never coalesce: another socket of the task takes from
    # the task's page frag in between, so each append needs a frag of its
    # own; past MAX_SKB_FRAGS (17) the append fails with EMSGSIZE.
    def scattered(s):
        # made in the sender's namespace, used from this task
        with run_in(ns.a, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM) as other:
            r = [send(s, data(100), MORE, addr=to)]
            for i in range(20):
                r.append(send(other, data(10), MORE, addr=to))
                r.append(send(s, data(10, i), MORE, addr=to))
        return r + [send(s, data(10, 99), addr=to)]
    runs = side_by_side(ns, peer, scattered)
    compare("MSG_MORE, 20 appends in frags of their own", runs)
    tap_check("EMSGSIZE" in runs["native"].results,
              "MSG_MORE, 20 appends in frags of their own: native fails one (MAX_SKB_FRAGS)",
              "%r" % runs["native"].results)

    # MSG_PROBE appends nothing: a corked send of it leaves nothing pending
    compare("MSG_PROBE|MSG_MORE, then normal sends", side_by_side(ns, peer, lambda s: [
        send(s, data(100, 1), MSG_PROBE | MORE, addr=to), send(s, data(100, 2), addr=to),
        send(s, data(50, 3), MORE, addr=to), send(s, data(100, 4), MSG_PROBE | MORE, addr=to),
        send(s, data(100, 5), addr=to)]))

    def cork(s):
        s.setsockopt(SOL_UDP, UDP_CORK, 1)
        r = [send(s, data(700), addr=to), send(s, data(900, 1)), send(s, data(10, 2))]
        s.setsockopt(SOL_UDP, UDP_CORK, 0)
        return r
    compare("UDP_CORK", side_by_side(ns, peer, cork))

    def spliced(s):
        # the end of each splice pushes the datagram (altudp6_splice_eof())
        s.connect(to)
        return splice_sends(s, data(20000))
    compare("sendfile and splice, connected", side_by_side(ns, peer, spliced, flowlabel=False))

    def frag(s):
        return [send(s, data(4000), addr=to), send(s, data(1500, 1), addr=to),
                send(s, data(3000, 2), MORE, addr=to), send(s, data(3000, 3), addr=to)]
    compare("fragmented (MTU 1500)", side_by_side(ns, peer, frag))

    # without scatter-gather a corked datagram is built in linear skbs
    # of the MTU's size, appended to while they have room
    feats = ethtool(ns.a, ns.if_a, "sg", "off")
    try:
        compare("MSG_MORE and fragmented, scatter-gather off (%s)" % feats.get("scatter-gather"),
                side_by_side(ns, peer, lambda s: more(s) + frag(s)))
        name = sockaddr_in6(*to[:2])

        def faulting(s):
            # a copy into the tailroom that faults drops the datagram
            return [send(s, data(100), MORE, addr=to),
                    outcome(sendmsg_fault, s, data(200, 1), 100, name, MORE),
                    send(s, data(50, 2), addr=to)]
        runs = side_by_side(ns, peer, faulting)
        compare("MSG_MORE, an append that faults, scatter-gather off", runs)
        tap_check(runs["altudp"].payloads == [data(50, 2)],
                  "MSG_MORE, an append that faults, scatter-gather off: the datagram dropped",
                  "%r" % [len(p) for p in runs["altudp"].payloads])
        # spliced pages need scatter-gather: without it they are copied
        compare("sendfile and splice, connected, scatter-gather off",
                side_by_side(ns, peer, spliced, flowlabel=False))
    finally:
        ethtool(ns.a, ns.if_a, "sg", "on")

    def gso(s):
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 1000)
        return [send(s, data(5000), addr=to), send(s, data(800, 1), addr=to)]
    compare("UDP_SEGMENT", side_by_side(ns, peer, gso))

    def nocheck(s):
        s.setsockopt(SOL_UDP, UDP_NO_CHECK6_TX, 1)
        r = [send(s, data(100), addr=to), send(s, data(3000, 1), addr=to)]
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 1000)
        r.append(send(s, data(3000, 2), addr=to))
        return r
    compare("UDP_NO_CHECK6_TX", side_by_side(ns, peer, nocheck), check_csum=False)

    ifindex = run_in(ns.a, socket.if_nametoindex, ns.if_a)
    ll = ns.lladdr(ns.b, ns.if_b)

    def bad(s):
        a6 = sockaddr_in6(to[0], to[1])
        return [rsend(s, a6, 1), rsend(s, a6, 23), rsend(s, a6[:24], 24),
                rsend(s, sockaddr_in6(to[0], 0), 28),
                rsend(s, sockaddr_in(ns.addr_b, to[1]), 16),
                rsend(s, sockaddr_in6(to[0], to[1], family=socket.AF_UNIX), 28),
                rsend(s, sockaddr_in6(to[0], to[1], family=socket.AF_UNSPEC), 28),
                rsend(s, sockaddr_in6(ll, to[1]), 28),
                rsend(s, sockaddr_in6(ll, to[1], scope_id=ifindex), 28),
                rsend(s, sockaddr_in6(ll, to[1], scope_id=ifindex + 1000), 28),
                rsend(s, sockaddr_in6(to[0], to[1], scope_id=ifindex + 1000), 28),
                send(s, data(70000), addr=to)]
    runs = side_by_side(ns, peer, bad)
    tap_diag("bad addresses: %r" % (runs["altudp"].results,))
    same("bad addresses, scope ids: errnos", runs["native"].results, runs["altudp"].results)
    same("bad addresses, scope ids: payloads received", runs["native"].payloads,
         runs["altudp"].payloads)

    to4 = ("::ffff:" + ns.addr_b, peer4.addr[1])

    def mapped(s):
        r = [send(s, data(100), addr=to4), send(s, data(2000, 1), addr=to4),
             send(s, data(100, 2), MORE, addr=to4), send(s, data(100, 3), addr=to4)]
        s.setsockopt(SOL_UDP, UDP_CORK, 1)
        r += [send(s, data(300, 4), addr=to4), send(s, data(30, 5))]
        s.setsockopt(SOL_UDP, UDP_CORK, 0)
        s.connect(to4)
        r.append(send(s, data(40, 6)))
        return r
    runs = side_by_side(ns, peer4, mapped, make=dual, before=watch.before)
    compare("v4-mapped destinations", runs)
    not_delegated("v4-mapped destinations", watch)

    def v6only(s):
        return [send(s, data(10), addr=to4), send(s, data(10, 1), addr=to),
                rsend(s, sockaddr_in(ns.addr_b, to[1]), 16)]
    runs = side_by_side(ns, peer, v6only, make=dual, opts=[(V6, socket.IPV6_V6ONLY, 1)])
    same("IPV6_V6ONLY: errnos of v4-mapped and AF_INET destinations",
         runs["native"].results, runs["altudp"].results)

    def addrform(s):
        # not connected: ENOTCONN; not PF_INET: EINVAL
        r = [sockopt(s, V6, IPV6_ADDRFORM, socket.AF_INET), sockopt(s, V6, IPV6_ADDRFORM, 99)]
        s.connect(to4)
        s.setsockopt(V6, IPV6_ADDRFORM, socket.AF_INET)
        r.append(s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN))
        r += [send(s, data(100)), send(s, data(2500, 1)), send(s, data(100, 2), MORE),
              send(s, data(100, 3))]
        s.setsockopt(SOL_UDP, UDP_CORK, 1)
        r.append(send(s, data(50, 4)))
        s.setsockopt(SOL_UDP, UDP_CORK, 0)
        return r
    runs = side_by_side(ns, peer4, addrform, make=dual, before=watch.before)
    compare("IPV6_ADDRFORM, then sends", runs)
    not_delegated("IPV6_ADDRFORM, then sends", watch)

    def addrform_refused(s):
        # connected to an IPv6 peer: EADDRNOTAVAIL; an IPv6 datagram
        # pending: EBUSY
        s.connect(to)
        r = [sockopt(s, V6, IPV6_ADDRFORM, socket.AF_INET),
             sockopt(s, V6, IPV6_ADDRFORM, socket.AF_INET6)]
        s.setsockopt(SOL_UDP, UDP_CORK, 1)
        r += [send(s, data(10)), sockopt(s, V6, IPV6_ADDRFORM, socket.AF_INET)]
        return r
    runs = side_by_side(ns, peer, addrform_refused, make=dual)
    same("IPV6_ADDRFORM refused: errnos", runs["native"].results, runs["altudp"].results)

    # The sockets of the scenarios above are freed after an RCU grace
    # period: the count is taken once it has stopped falling, and a
    # later free of one of them cannot fail the check below.
    refs, end = module_refcnt(), time.monotonic() + 5
    while time.monotonic() < end:
        time.sleep(0.3)
        if module_refcnt() == refs:
            break
        refs = module_refcnt()

    # closed in the scenario, with the datagram pending
    def pending(s):
        s.setsockopt(SOL_UDP, UDP_CORK, 1)
        r = [send(s, data(3000), addr=to), send(s, data(100, 1))]
        s.close()
        return r

    def pending4(s):
        r = [send(s, data(3000), MORE, addr=to4)]
        s.close()
        return r
    compare("closed with an IPv6 datagram pending", side_by_side(ns, peer, pending))
    compare("closed with a v4-mapped datagram pending",
            side_by_side(ns, peer4, pending4, make=dual))
    end = time.monotonic() + 5
    while module_refcnt() > refs and time.monotonic() < end:
        time.sleep(0.05)
    tap_check(module_refcnt() <= refs,
              "closed with data pending: module references back to %d" % refs,
              "%d now" % module_refcnt())


main()
