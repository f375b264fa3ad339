#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Policy routing chooses an altudp datagram's route as it chooses UDP's:
# a mark (SO_MARK, or an SO_MARK cmsg) matched by "ip rule fwmark", and a
# socket's uid matched by "ip rule uidrange", send through table 100,
# whose route to the peer takes a second link; IP_TRANSPARENT lets a
# socket send from an address that is not local (bound, or an IP_PKTINFO
# source), and without it the send fails with UDP's errno.  The frames
# are captured on the second link (or on the first, for a non-local
# source) and compared with a kernel UDP socket's in the same namespaces,
# with the send results, the payloads received and the Udp/Ip counters.

import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, require_module, tap_check, tap_end
from txcmp import Peer, compare, send, sender, side_by_side
from udpcmp import IP_PKTINFO, add_veth

require_module()

SO_MARK = 36
IP_TRANSPARENT = 19
MARK, UID = 0x42, 4242
NONLOCAL = "10.99.1.77"


def pktinfo(ifindex=0, spec_dst="0.0.0.0"):
    return (socket.SOL_IP, IP_PKTINFO,
            struct.pack("=i4s4s", ifindex, socket.inet_aton(spec_dst), bytes(4)))


def rerouted(desc, runs):
    """compare(), and the kernel's own datagrams did reach the captured
    link (else the case would prove nothing)."""
    compare(desc, runs)
    tap_check(runs["native"].frames, desc + ": native frames captured",
              "none: the route or source was not the one meant")


def mark_cases(ns, peer):
    size = (100, 3000)

    def unconnected(s):
        return [send(s, b"m" * n, addr=peer.addr) for n in size]

    def connected(s):
        s.connect(peer.addr)
        return [send(s, b"c" * n) for n in size]

    mark = [(socket.SOL_SOCKET, SO_MARK, MARK)]
    cmark = (socket.SOL_SOCKET, SO_MARK, struct.pack("=I", MARK))
    rerouted("SO_MARK, unconnected", side_by_side(ns, peer, unconnected, mark))
    rerouted("SO_MARK, connected", side_by_side(ns, peer, connected, mark))
    rerouted("SO_MARK cmsg, unconnected", side_by_side(ns, peer, lambda s: [
        send(s, b"k" * n, addr=peer.addr, cmsg=[cmark]) for n in size]))
    # A connected socket's cached route was looked up without the mark.
    compare("SO_MARK cmsg, connected", side_by_side(ns, peer, lambda s: [
        s.connect(peer.addr), send(s, b"k" * 100, cmsg=[cmark])]))
    compare("SO_MARK cmsg of a bad length", side_by_side(ns, peer, lambda s: [
        send(s, b"k", addr=peer.addr, cmsg=[(socket.SOL_SOCKET, SO_MARK, b"\x42")])]))
    # No mark: the main table's route, nothing on the second link.
    compare("no mark", side_by_side(ns, peer, unconnected))

    rerouted("uidrange, unconnected", side_by_side(
        ns, peer, unconnected, make=lambda ns, proto, opts: sender(ns, proto, opts, fsuid=UID)))
    rerouted("uidrange, connected", side_by_side(
        ns, peer, connected, make=lambda ns, proto, opts: sender(ns, proto, opts, fsuid=UID)))


def transparent_cases(ns, peer):
    tp = [(socket.SOL_IP, IP_TRANSPARENT, 1)]
    spec = [pktinfo(spec_dst=NONLOCAL)]
    compare("non-local IP_PKTINFO source without IP_TRANSPARENT",
            side_by_side(ns, peer, lambda s: [send(s, b"t" * 100, addr=peer.addr, cmsg=spec)]))
    rerouted("non-local IP_PKTINFO source with IP_TRANSPARENT",
             side_by_side(ns, peer, lambda s: [
                 send(s, b"t" * n, addr=peer.addr, cmsg=spec) for n in (100, 3000)], tp))

    def bound(ns, proto, opts):
        return sender(ns, proto, opts, addr=NONLOCAL)
    rerouted("bound to a non-local address with IP_TRANSPARENT",
             side_by_side(ns, peer, lambda s: [
                 send(s, b"b" * n, addr=peer.addr) for n in (100, 3000)], tp, make=bound))
    rerouted("bound to a non-local address, connected",
             side_by_side(ns, peer, lambda s: [
                 s.connect(peer.addr), send(s, b"b" * 100)], tp, make=bound))


with Netns() as ns:
    add_veth(ns.a, "veth-a2", "10.98.1.1", ns.b, "veth-b2", "10.98.1.2")
    ip("-n", ns.a, "route", "add", ns.addr_b, "via", "10.98.1.2", "dev", "veth-a2",
       "table", "100")
    ip("-n", ns.a, "rule", "add", "fwmark", hex(MARK), "table", "100")
    ip("-n", ns.a, "rule", "add", "uidrange", "%d-%d" % (UID, UID), "table", "100")
    peer = Peer(ns, ifname="veth-b2")
    try:
        mark_cases(ns, peer)
    finally:
        peer.close()
    # A non-local source leaves by the first link.
    peer = Peer(ns, port=5001, src=NONLOCAL)
    try:
        transparent_cases(ns, peer)
    finally:
        peer.close()
tap_end()
