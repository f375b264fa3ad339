#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""MSG_ZEROCOPY datagrams longer than the MTU they were built for, sent
whole with their frag_list: looped back to the sender's own socket
(broadcast, multicast), or with a TX timestamp after the MTU grew under
the cork; the socket then closed unread.

Such a datagram is copied, but each of its skbs holds the zerocopy uarg,
and the copies made for the loopback receive and for the timestamp
(skb_orphan_frags_rx()) release the first skb's reference only.  With
6.1's and 6.12's UDP the skbs of the frag_list keep theirs from the
socket's own receive or error queue, which is purged only when the
socket is freed: it never is.  __altudp_make_skb() drops them for a
datagram that leaves whole.  IPv6 loops multicast back after
ip6_fragment(), one fragment at a time, so there only a datagram that
leaves whole (the MTU grew under the cork) holds its frag_list;
__altudp_ip6_make_skb() drops those references.  The check: every
altudp socket freed (the module's refcount back where it was) within
60 s of the last close.
Native UDP, which leaks there, is not run that way.

With the datagram read before close, both kinds must deliver it intact
and complete its zerocopy id, with the same code.  The test runs on one
CPU: 7.2's UDP frees a datagram read on another CPU than the one that
built it later, from that CPU (skb_attempt_defer_free()), and with it the
zerocopy references of the kernel's frag_list, so native UDP's
completion would come at a random time.
"""

import os
import socket
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from txcmp import (MSG_ZEROCOPY, SO_EE_ORIGIN_ZEROCOPY, SO_ZEROCOPY, kinds, send)
from udpcmp import recv_errqueue

from altudp import (Netns, altudp_protocol, has_family, ip, module_refcnt, require_module,
                    run_in, tap_check, tap_end, tap_skip)

PORT = 5400
SOCKETS = 20
SO_TIMESTAMPING = 37
IP_MULTICAST_IF = 32
IPV6_MULTICAST_IF = 17
# TX_SCHED | TX_SOFTWARE | SOFTWARE | OPT_ID
TSFLAGS = (1 << 8) | (1 << 1) | (1 << 4) | (1 << 7)
PATTERN = bytes(range(251)) * 263


def mtu(ns, value):
    """A step that sets the MTU of both ends of the veth instead of
    sending."""
    def step():
        ip("-n", ns.b, "link", "set", ns.if_b, "mtu", str(value))
        ip("-n", ns.a, "link", "set", ns.if_a, "mtu", str(value))
    return step


def scenarios(ns):
    """(description, family, destination, steps, setsockopts).  A step is
    (bytes, flags) to send, or a call.  Every datagram is longer than the
    MTU it was built for, so not CHECKSUM_PARTIAL: copied, each of its
    skbs holding the uarg."""
    bcast = ns.addr_a.rsplit(".", 1)[0] + ".255"
    mcast_if = ((socket.SOL_IP, IP_MULTICAST_IF, socket.inet_aton(ns.addr_a)),)
    ifindex = run_in(ns.a, socket.if_nametoindex, ns.if_a)
    mcast6_if = ((socket.IPPROTO_IPV6, IPV6_MULTICAST_IF, ifindex),)
    zc = [(10000, MSG_ZEROCOPY)]
    corked = [(1000, socket.MSG_MORE), (9000, MSG_ZEROCOPY)]
    ts = ((socket.SOL_SOCKET, SO_TIMESTAMPING, TSFLAGS),)
    # Built for 1500 bytes, sent whole with its frag_list once the MTU
    # is 9000.
    grown = [mtu(ns, 1500), (3000, MSG_ZEROCOPY | socket.MSG_MORE), mtu(ns, 9000), (10, 0)]
    v4, v6 = socket.AF_INET, socket.AF_INET6
    return (
        ("broadcast, 10000 bytes", v4, (bcast, PORT), zc, ()),
        ("multicast 224.0.0.1, 10000 bytes", v4, ("224.0.0.1", PORT), zc, mcast_if),
        ("broadcast, corked: 1000 bytes, then 9000 zerocopy, TX timestamps",
         v4, (bcast, PORT), corked, ts),
        # The TX timestamp's clone, on the error queue, holds the
        # frag_list.
        ("to the peer, corked: 3000 bytes zerocopy, MTU 1500 -> 9000, 10 bytes, "
         "TX timestamps", v4, (ns.addr_b, PORT), grown, ts),
        # IPv6 loops multicast back after ip6_fragment(), one fragment at
        # a time: only a datagram that leaves whole holds its frag_list
        # from the sender's own receive queue.
        ("IPv6 multicast ff02::1, 10000 bytes", v6, ("ff02::1", PORT, 0, ifindex), zc,
         mcast6_if),
        ("IPv6 multicast ff02::1, corked: 3000 bytes zerocopy, MTU 1500 -> 9000, 10 bytes",
         v6, ("ff02::1", PORT, 0, ifindex), grown, mcast6_if),
        ("IPv6 to the peer, corked: 3000 bytes zerocopy, MTU 1500 -> 9000, 10 bytes, "
         "TX timestamps", v6, (ns.addr6_b, PORT), grown, ts),
    )


def sends(steps):
    return [step for step in steps if not callable(step)]


def open_sock(ns, family, proto, opts):
    s = run_in(ns.a, socket.socket, family, socket.SOCK_DGRAM, proto)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    s.bind(("0.0.0.0" if family == socket.AF_INET else "::", PORT))
    return s


def completions(s, timeout=2.0):
    """Zerocopy notifications, as (first id, last id, code), until the
    first one or timeout."""
    out, end = [], time.monotonic() + timeout
    while not out and time.monotonic() < end:
        out = [(e[4], e[5], e[3]) for e in recv_errqueue(s) if e[1] == SO_EE_ORIGIN_ZEROCOPY]
        time.sleep(0.02)
    return out


def send_steps(s, dst, steps):
    res = []
    for step in steps:
        if callable(step):
            step()
        else:
            res.append(send(s, PATTERN[:step[0]], step[1], dst))
    return res


def sent_data(steps):
    return b"".join(PATTERN[:size] for size, _ in sends(steps))


def read_back(ns, family, proto, dst, steps, opts):
    s = open_sock(ns, family, proto, opts)
    rx = s
    if dst[0] in (ns.addr_b, ns.addr6_b):
        rx = run_in(ns.b, socket.socket, family, socket.SOCK_DGRAM)
        rx.bind(dst)
    data = sent_data(steps)
    r = send_steps(s, dst, steps)
    rx.settimeout(2.0)
    try:
        got = rx.recv(70000)
    except OSError:
        got = None
    rx.settimeout(None)
    res = (r, got == data, completions(s))
    s.close()
    if rx is not s:
        rx.close()
    return res


def closed_unread(ns, family, proto, dst, steps, opts, count):
    res = set()
    for _ in range(count):
        s = open_sock(ns, family, proto, opts)
        res.add(tuple(send_steps(s, dst, steps)))
        time.sleep(0.01)
        s.close()
    return sorted(res, key=str)


def wait_refcnt(base, timeout=60.0):
    """Closed sockets drop their module reference after an RCU grace
    period, late in a debug kernel."""
    end = time.monotonic() + timeout
    while module_refcnt() > base and time.monotonic() < end:
        time.sleep(0.2)
    return module_refcnt()


def main():
    require_module()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    no6 = has_family(socket.AF_INET6)
    with Netns(ipv6=True) as ns:
        mtu(ns, 1500)()
        for desc, family, dst, steps, opts in scenarios(ns):
            if family == socket.AF_INET6 and no6:
                tap_skip("%s: read back, closed unread" % desc, no6)
                continue
            back = {kind: read_back(ns, family, proto, dst, steps, opts)
                    for kind, proto in kinds()}
            tap_check(back["native"] == back["altudp"] and back["altudp"][1]
                      and back["altudp"][2],
                      "%s, read back: delivered intact and completed as native" % desc,
                      "(sent, intact, completions): native %r, altudp %r"
                      % (back["native"], back["altudp"]))

            base = wait_refcnt(0, 10.0)     # the read-back socket's
            # Fewer where each socket changes the MTU twice (four ip(8)
            # runs): one socket left over fails it.
            count = SOCKETS if steps == sends(steps) else SOCKETS // 4
            res = closed_unread(ns, family, altudp_protocol(), dst, steps, opts, count)
            left = wait_refcnt(base)
            tap_check(left <= base and res == [tuple(size for size, _ in sends(steps))],
                      "%s, closed unread: all %d sockets freed" % (desc, count),
                      "sends %r; module refcount %d -> %d" % (res, base, left))
    tap_end()


main()
