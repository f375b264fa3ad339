#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# An altudp socket in a VRF takes its routes from the VRF's table, as a
# UDP socket does.  The sender's link (10.99.1.1 on veth-a) is enslaved
# to a VRF device whose table 10 routes to the peer over that link, while
# the main table routes the peer over a second link: a datagram reaches
# the captured first link only through the VRF.  A socket bound to the
# VRF device (SO_BINDTODEVICE), one sending with an IP_PKTINFO of the
# VRF's ifindex, a VRF-bound socket with IP_UNICAST_IF of the enslaved
# link sending to the limited broadcast (and sockets bound to that link
# and to the second one), a VRF-bound socket sending to a multicast group
# with IP_MULTICAST_IF of the enslaved link, a socket made under "ip vrf
# exec", and one outside the VRF, unconnected and connected: send
# results, frames, payloads and Udp/Ip counters equal a kernel UDP
# socket's in the same namespaces.

import json
import socket
import struct
import subprocess
import sys

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, ns_exec, require_module, skip_all, tap_check, tap_end
from txcmp import SPORT, Peer, compare, send, sender, side_by_side
from udpcmp import IP_PKTINFO, add_veth

require_module()

VRF, TABLE = "vrf-blue", 10
IP_UNICAST_IF = 50
SO_BINDTODEVICE = 25

# Run under "ip vrf exec": a socket of protocol argv[1] sends to argv[2]
# port argv[3], unconnected then connected; prints the results.
VRF_EXEC = """
import errno, json, socket, sys
def send(f):
    try:
        return f()
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, int(sys.argv[1]))
s.bind(("0.0.0.0", %d))
dst = (sys.argv[2], int(sys.argv[3]))
out = [send(lambda: s.sendto(b"v" * n, dst)) for n in (100, 3000)]
s.connect(dst)
out += [send(lambda: s.send(b"w" * n)) for n in (100, 3000)]
print(json.dumps(out))
""" % SPORT


def took_vrf(desc, runs, want=True):
    compare(desc, runs)
    n = len(runs["native"].frames)
    tap_check(bool(n) == want, desc + ": native frames %s the VRF's link" %
              ("on" if want else "not on"), "%d captured" % n)


def both(addr, cmsg=()):
    """Two datagrams unconnected, then two after connect()."""
    def scenario(s):
        out = [send(s, b"u" * n, addr=addr, cmsg=cmsg) for n in (100, 3000)]
        s.connect(addr)
        return out + [send(s, b"c" * n, cmsg=cmsg) for n in (100, 3000)]
    return scenario


def unbound(ns, proto, opts):
    # 10.99.1.1 is in the VRF's local table: only a VRF-bound socket
    # can bind to it.
    return sender(ns, proto, opts, addr="0.0.0.0")


def cases(ns, peer, vrf_index, veth_index):
    bind_vrf = [(socket.SOL_SOCKET, SO_BINDTODEVICE, VRF.encode())]
    took_vrf("SO_BINDTODEVICE to the VRF", side_by_side(ns, peer, both(peer.addr), bind_vrf))
    took_vrf("no VRF: the main table's route", side_by_side(
        ns, peer, both(peer.addr), make=unbound), want=False)
    info = (socket.SOL_IP, IP_PKTINFO, struct.pack("=i4s4s", vrf_index, bytes(4), bytes(4)))
    took_vrf("IP_PKTINFO with the VRF's ifindex", side_by_side(
        ns, peer, lambda s: [send(s, b"p" * n, addr=peer.addr, cmsg=[info])
                             for n in (100, 3000)], make=unbound))
    # A connected socket (main table) sending with the VRF's ifindex.
    took_vrf("IP_PKTINFO with the VRF's ifindex, connected", side_by_side(
        ns, peer, lambda s: [s.connect(peer.addr), send(s, b"q" * 100, cmsg=[info])],
        make=unbound))
    # udp_sendmsg lets uc_index override a VRF oif for the limited broadcast.
    bcast_uc = [(socket.SOL_SOCKET, socket.SO_BROADCAST, 1),
                (socket.SOL_IP, IP_UNICAST_IF, socket.htonl(veth_index))]
    bcast = bind_vrf + bcast_uc
    took_vrf("limited broadcast, VRF-bound with IP_UNICAST_IF", side_by_side(
        ns, peer, both(("255.255.255.255", peer.addr[1])), bcast))
    # ... but not when the oif is uc_index itself, nor when it is not the
    # L3 master of uc_index (the second link is outside the VRF).  A bound
    # socket takes only an IP_UNICAST_IF under its device: bind after.
    bcast_if = bcast_uc + [(socket.SOL_SOCKET, SO_BINDTODEVICE, ns.if_a.encode())]
    took_vrf("limited broadcast, bound to the IP_UNICAST_IF link", side_by_side(
        ns, peer, both(("255.255.255.255", peer.addr[1])), bcast_if))
    bcast_out = bcast_uc + [(socket.SOL_SOCKET, SO_BINDTODEVICE, b"veth-a2")]
    took_vrf("limited broadcast, bound outside the IP_UNICAST_IF link's VRF", side_by_side(
        ns, peer, both(("255.255.255.255", peer.addr[1])), bcast_out, make=unbound),
        want=False)
    # A multicast oif that is an L3 master gives way to IP_MULTICAST_IF's.
    mcast = bind_vrf + [(socket.SOL_IP, socket.IP_MULTICAST_IF,
                         struct.pack("=4s4si", bytes(4), bytes(4), veth_index))]
    took_vrf("multicast, VRF-bound with IP_MULTICAST_IF", side_by_side(
        ns, peer, both(("224.0.0.251", peer.addr[1])), mcast))

    def vrf_exec(s):
        proto = s.proto
        s.close()
        r = ns_exec(ns.a, "ip", "vrf", "exec", VRF, sys.executable, "-I", "-S", "-c", VRF_EXEC,
                    str(proto), *map(str, peer.addr), check=False, timeout=60)
        if r.returncode:
            return ["exit %d: %s" % (r.returncode, r.stderr.strip()[-300:])]
        return json.loads(r.stdout)
    runs = side_by_side(ns, peer, vrf_exec, make=unbound)
    if isinstance(runs["native"].results[0], str) and runs["native"].results[0].startswith("exit"):
        tap_check(False, "ip vrf exec", runs["native"].results[0])
    else:
        took_vrf("ip vrf exec", runs)


def ifindex(ns, dev):
    return json.loads(ip("-n", ns, "-j", "link", "show", dev).stdout)[0]["ifindex"]


if subprocess.run(("modprobe", "vrf"), capture_output=True).returncode:
    skip_all("no vrf module")
with Netns() as ns:
    add_veth(ns.a, "veth-a2", "10.98.1.1", ns.b, "veth-b2", "10.98.1.2")
    ip("-n", ns.a, "route", "add", ns.addr_b, "via", "10.98.1.2", "dev", "veth-a2")
    ip("-n", ns.a, "link", "add", VRF, "type", "vrf", "table", str(TABLE))
    ip("-n", ns.a, "link", "set", VRF, "up")
    ip("-n", ns.a, "link", "set", ns.if_a, "master", VRF)
    peer = Peer(ns)
    try:
        cases(ns, peer, ifindex(ns.a, VRF), ifindex(ns.a, ns.if_a))
    finally:
        peer.close()
tap_end()
