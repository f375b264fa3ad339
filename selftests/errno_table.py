#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Bad (and borderline) calls, each made on a kernel UDP socket and on an
# altudp socket set up alike: the return value or errno, what IP_RECVERR
# queued, the sender's /proc/net/snmp Ip Out*/Frag* and Udp
# OutDatagrams/SndbufErrors deltas, what the peer received and the value
# an option reads back must all be the same.  One TAP point per case;
# among them buffers that fault part way (EFAULT).
# Then, where the module has IPv6 sockets, the IPv6 cases on an AF_INET6
# socket of each kind: IPV6_RECVERR's queue and the Ip6/Udp6 counters of
# /proc/net/snmp6 too.

import os
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, has_family, ns_exec, require_module, tap_check, tap_end, tap_skip
from udpcmp import IP_MTU_DISCOVER, IP_PKTINFO, IP_PMTUDISC_DO, IP_RECVERR, IP_RETOPTS, \
    KINDS, MSG_CONFIRM, MSG_PROBE, SCM_TXTIME, SO_TXTIME, SO_ZEROCOPY, UDP_CORK, \
    UDP_SEGMENT, cmsg, new_sock, outcome, raw_sendmsg, raw_sendto, recv_errqueue, \
    sender_counter, sender_counter6, sendmsg_fault, snmp, snmp_delta, sockaddr_in, sockaddr_in6
from txcmp import (IPV6_2292PKTINFO, IPV6_DONTFRAG, IPV6_DSTOPTS, IPV6_FLOWINFO,
                   IPV6_FLOWINFO_SEND, IPV6_FLOWLABEL_MGR, IPV6_HOPLIMIT, IPV6_HOPOPTS, IPV6_MTU,
                   IPV6_MTU_DISCOVER, IPV6_MULTICAST_HOPS, IPV6_NEXTHOP, IPV6_PATHMTU,
                   IPV6_PKTINFO, IPV6_RECVERR, IPV6_RTHDR, IPV6_TCLASS, IPV6_UNICAST_HOPS,
                   IPV6_V6ONLY, SOL_IPV6)

require_module()

PORT = 9000
SO_MARK = 36
SO_PRIORITY = 12
SO_NO_CHECK = 11
UDP_GRO = 104
UDP_ENCAP = 100
IP_PROTOCOL = 52
IP_MTU = 14
LSRR = bytes([1, 131, 7, 4]) + socket.inet_aton("10.99.1.2")


def i32(v):
    return struct.pack("=i", v)


def u16(v):
    return struct.pack("=H", v)


def pktinfo(ifindex, spec_dst, addr="0.0.0.0"):
    return struct.pack("=i", ifindex) + socket.inet_aton(spec_dst) + socket.inet_aton(addr)


class Cases(list):
    """(description, setup, action) triples: setup(s) prepares the socket,
    action(s) is the call whose outcome is compared; the actions below send
    to peer, whose sockaddr is name."""

    def __init__(self, peer, name):
        super().__init__()
        self.peer, self.name = peer, name

    def add(self, desc, action, setup=None):
        self.append((desc, setup, action))

    def sendto(self, n, dst=None, flags=0):
        return lambda s: s.sendto(b"e" * n, flags, dst or self.peer)

    def sendcm(self, *cms, n=100, flags=0):
        return lambda s: raw_sendmsg(s, b"c" * n, self.name, b"".join(cms), flags)

    @staticmethod
    def opts(*settings):
        return lambda s: [s.setsockopt(*o) for o in settings]

    def faults(self):
        """Buffers that fault part way: the copy's EFAULT, from the first
        fragment or a later one, corked, segmented; the datagram pending
        before a failed append is dropped."""
        add, name, peer = self.add, self.name, self.peer
        more = socket.MSG_MORE
        add("an unmapped buffer, 100 bytes", lambda s: sendmsg_fault(s, b"", 100, name))
        add("a buffer unmapped after 1000 of 3000 bytes",
            lambda s: sendmsg_fault(s, b"f" * 1000, 2000, name))
        add("a buffer unmapped after 2500 of 3000 bytes",
            lambda s: sendmsg_fault(s, b"f" * 2500, 500, name))
        add("MSG_MORE, then a buffer unmapped after 100 bytes, then a send",
            lambda s: (outcome(sendmsg_fault, s, b"f" * 100, 100, name, more),
                       s.sendto(b"z" * 50, peer)),
            lambda s: s.sendto(b"m" * 100, more, peer))
        add("MSG_MORE, then a buffer unmapped after 3000 bytes",
            lambda s: sendmsg_fault(s, b"f" * 3000, 100, name, more),
            lambda s: s.sendto(b"m" * 1000, more, peer))
        add("GSO 1000, a buffer unmapped after 2500 of 5000 bytes",
            lambda s: sendmsg_fault(s, b"f" * 2500, 2500, name),
            self.opts((socket.SOL_UDP, UDP_SEGMENT, 1000)))


def build_cases(ns):
    """The IPv4 cases."""
    peer = (ns.addr_b, PORT)
    name = sockaddr_in(ns.addr_b, PORT)
    bcast = "10.99.1.255"
    cases = Cases(peer, name)
    add, sendto, sendcm, opts = cases.add, cases.sendto, cases.sendcm, cases.opts

    # Lengths.
    add("sendto 65536 bytes", sendto(65536))
    add("sendto 65508 bytes", sendto(65508))
    add("sendto 65507 bytes", sendto(65507))
    add("sendto 2000 bytes with IP_PMTUDISC_DO", sendto(2000),
        opts((socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)))
    add("sendto 1472 bytes with IP_PMTUDISC_DO", sendto(1472),
        opts((socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO)))
    # Flags.
    add("MSG_OOB", sendto(10, flags=socket.MSG_OOB))
    add("MSG_PROBE, 100 bytes", sendto(100, flags=MSG_PROBE))
    add("MSG_CONFIRM|MSG_PROBE, 0 bytes", sendto(0, flags=MSG_CONFIRM | MSG_PROBE))
    add("MSG_CONFIRM, 10 bytes", sendto(10, flags=MSG_CONFIRM))
    # Addresses.
    add("msg_namelen 8", lambda s: raw_sendmsg(s, b"n", name, namelen=8))
    add("msg_namelen 0 (no address, unconnected)", lambda s: raw_sendmsg(s, b"n", name, namelen=0))
    add("sendto with addrlen 0", lambda s: raw_sendto(s, b"n", name, 0))
    add("sendto with addrlen 15", lambda s: raw_sendto(s, b"n", name, 15))
    add("sin_family AF_INET6, 28 bytes", lambda s: raw_sendmsg(
        s, b"n", struct.pack("=H", socket.AF_INET6) + bytes(range(26))))
    add("sin_family AF_UNIX", lambda s: raw_sendmsg(
        s, b"n", sockaddr_in(ns.addr_b, PORT, socket.AF_UNIX)))
    add("sin_family AF_UNSPEC", lambda s: raw_sendmsg(
        s, b"n", sockaddr_in(ns.addr_b, PORT, socket.AF_UNSPEC)))
    add("port 0", sendto(10, (ns.addr_b, 0)))
    add("send() unconnected", lambda s: s.send(b"x"))
    add("send() after shutdown(SHUT_WR)", lambda s: s.send(b"x"),
        lambda s: (s.connect(peer), s.shutdown(socket.SHUT_WR)))
    add("daddr 0.0.0.0 with an LSRR IP_OPTIONS", sendto(10, ("0.0.0.0", PORT)),
        opts((socket.SOL_IP, socket.IP_OPTIONS, LSRR)))
    add("no route (192.0.2.1)", sendto(10, ("192.0.2.1", PORT)))
    add("SO_BINDTODEVICE lo, to the peer", sendto(10),
        opts((socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")))
    add("broadcast %s without SO_BROADCAST" % bcast, sendto(10, (bcast, PORT)))
    add("255.255.255.255 without SO_BROADCAST", sendto(10, ("255.255.255.255", PORT)))
    add("255.255.255.255 with SO_BROADCAST, no device", sendto(10, ("255.255.255.255", PORT)),
        opts((socket.SOL_SOCKET, socket.SO_BROADCAST, 1)))
    add("multicast 239.9.9.9 without IP_MULTICAST_IF", sendto(10, ("239.9.9.9", PORT)))
    add("multicast 239.9.9.9 with IP_MULTICAST_IF", sendto(10, ("239.9.9.9", PORT)),
        opts((socket.SOL_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ns.addr_a))))
    add("GSO 1000 with SO_NO_CHECK", sendto(5000),
        opts((socket.SOL_UDP, UDP_SEGMENT, 1000), (socket.SOL_SOCKET, SO_NO_CHECK, 1)))
    cases.faults()

    # Control messages, generated: (what, level, type, data[, cmsg_len]).
    lo_index = socket.if_nametoindex("lo")
    for what, level, type_, data, *length in (
            ("IP_TTL 0", socket.SOL_IP, socket.IP_TTL, i32(0)),
            ("IP_TTL 256", socket.SOL_IP, socket.IP_TTL, i32(256)),
            ("IP_TTL -1", socket.SOL_IP, socket.IP_TTL, i32(-1)),
            ("IP_TTL 1 byte", socket.SOL_IP, socket.IP_TTL, b"\x05"),
            ("IP_TTL 33", socket.SOL_IP, socket.IP_TTL, i32(33)),
            ("IP_TOS 256", socket.SOL_IP, socket.IP_TOS, i32(256)),
            ("IP_TOS -1", socket.SOL_IP, socket.IP_TOS, i32(-1)),
            ("IP_TOS 2 bytes", socket.SOL_IP, socket.IP_TOS, b"\x10\x00"),
            ("IP_TOS 1 byte 0x10", socket.SOL_IP, socket.IP_TOS, b"\x10"),
            ("IP_TOS int 0xb8", socket.SOL_IP, socket.IP_TOS, i32(0xb8)),
            ("IP_PKTINFO 8 bytes", socket.SOL_IP, IP_PKTINFO, bytes(8)),
            ("IP_PKTINFO ifindex 999", socket.SOL_IP, IP_PKTINFO, pktinfo(999, "0.0.0.0")),
            ("IP_PKTINFO ifindex lo", socket.SOL_IP, IP_PKTINFO, pktinfo(lo_index, "0.0.0.0")),
            ("IP_PKTINFO foreign spec_dst", socket.SOL_IP, IP_PKTINFO,
             pktinfo(0, "10.99.250.1")),
            ("IP_PKTINFO spec_dst multicast", socket.SOL_IP, IP_PKTINFO, pktinfo(0, "224.0.0.9")),
            ("IP_PKTINFO local spec_dst", socket.SOL_IP, IP_PKTINFO, pktinfo(0, ns.addr_a)),
            ("IP_PROTOCOL 17", socket.SOL_IP, IP_PROTOCOL, i32(17)),
            ("IP_PROTOCOL 6", socket.SOL_IP, IP_PROTOCOL, i32(6)),
            ("SOL_IP type 99", socket.SOL_IP, 99, i32(1)),
            ("IP_RETOPTS unknown option", socket.SOL_IP, IP_RETOPTS, bytes([0x99, 2, 0, 0])),
            ("IP_RETOPTS bad length", socket.SOL_IP, IP_RETOPTS, bytes([7, 40, 4, 0])),
            ("IP_RETOPTS NOPs", socket.SOL_IP, IP_RETOPTS, bytes([1, 1, 1, 0])),
            ("IP_RETOPTS LSRR", socket.SOL_IP, IP_RETOPTS, LSRR),
            ("IP_RETOPTS 44 bytes of RR", socket.SOL_IP, IP_RETOPTS,
             bytes([7, 39, 4]) + bytes(41)),
            ("UDP_SEGMENT 4 bytes", socket.SOL_UDP, UDP_SEGMENT, i32(1000)),
            ("SOL_UDP type 99", socket.SOL_UDP, 99, u16(1000)),
            ("SO_MARK 2 bytes", socket.SOL_SOCKET, SO_MARK, u16(1)),
            ("SO_MARK 7", socket.SOL_SOCKET, SO_MARK, i32(7)),
            ("SCM_TXTIME 4 bytes", socket.SOL_SOCKET, SCM_TXTIME, i32(0)),
            ("SO_PRIORITY cmsg", socket.SOL_SOCKET, SO_PRIORITY, i32(3)),
            ("SCM_RIGHTS (ignored)", socket.SOL_SOCKET, socket.SCM_RIGHTS, i32(0)),
            ("SOL_SOCKET type 99", socket.SOL_SOCKET, 99, i32(0)),
            ("SOL_TCP level (ignored)", socket.SOL_TCP, 1, i32(0)),
            ("cmsg_len 12", socket.SOL_IP, socket.IP_TTL, i32(5), 12),
            ("cmsg_len past msg_controllen", socket.SOL_IP, socket.IP_TTL, i32(5), 64)):
        add("cmsg " + what, sendcm(cmsg(level, type_, data, *length)))
    add("cmsg IP_TTL 5 then IP_TTL 0", sendcm(cmsg(socket.SOL_IP, socket.IP_TTL, i32(5)),
                                            cmsg(socket.SOL_IP, socket.IP_TTL, i32(0))))
    add("cmsg IP_RETOPTS LSRR then IP_TOS 256",
        sendcm(cmsg(socket.SOL_IP, IP_RETOPTS, LSRR), cmsg(socket.SOL_IP, socket.IP_TOS, i32(256))))
    for seg, n in ((1000, 5000), (1000, 1000 * 64 + 1), (1600, 5000), (0, 3000), (1472, 1472)):
        add("cmsg UDP_SEGMENT %d, %d bytes" % (seg, n),
            sendcm(cmsg(socket.SOL_UDP, UDP_SEGMENT, u16(seg)), n=n))

    # setsockopt, then getsockopt of the same option: (what, level, opt, value).
    for what, level, opt, val in (
            ("UDP_SEGMENT 0x10000", socket.SOL_UDP, UDP_SEGMENT, 0x10000),
            ("UDP_SEGMENT -1", socket.SOL_UDP, UDP_SEGMENT, -1),
            ("UDP_SEGMENT 1400", socket.SOL_UDP, UDP_SEGMENT, 1400),
            ("UDP_SEGMENT 2 bytes", socket.SOL_UDP, UDP_SEGMENT, u16(1400)),
            ("UDP_CORK 1", socket.SOL_UDP, UDP_CORK, 1),
            ("UDP_GRO 1", socket.SOL_UDP, UDP_GRO, 1),
            ("UDP_ENCAP 99", socket.SOL_UDP, UDP_ENCAP, 99),
            ("SOL_UDP 999", socket.SOL_UDP, 999, 1),
            ("IP_TTL 0", socket.SOL_IP, socket.IP_TTL, 0),
            ("IP_TTL 256", socket.SOL_IP, socket.IP_TTL, 256),
            ("IP_TTL -1", socket.SOL_IP, socket.IP_TTL, -1),
            ("IP_TTL empty", socket.SOL_IP, socket.IP_TTL, b""),
            ("IP_TOS 0x1ff", socket.SOL_IP, socket.IP_TOS, 0x1ff),
            ("IP_MULTICAST_TTL 256", socket.SOL_IP, socket.IP_MULTICAST_TTL, 256),
            ("IP_MTU_DISCOVER 6", socket.SOL_IP, IP_MTU_DISCOVER, 6),
            ("IP_OPTIONS garbage", socket.SOL_IP, socket.IP_OPTIONS, bytes([0x99, 9, 9, 9])),
            ("IP_OPTIONS 41 bytes", socket.SOL_IP, socket.IP_OPTIONS, bytes(41)),
            ("SO_ZEROCOPY 2", socket.SOL_SOCKET, SO_ZEROCOPY, 2),
            ("SO_ZEROCOPY 1", socket.SOL_SOCKET, SO_ZEROCOPY, 1),
            ("SO_BINDTODEVICE nosuchdev", socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"nosuchdev"),
            ("SO_TXTIME 4 bytes", socket.SOL_SOCKET, SO_TXTIME, 1),
            ("SO_PRIORITY 7", socket.SOL_SOCKET, SO_PRIORITY, 7),
            ("SO_NO_CHECK 1", socket.SOL_SOCKET, SO_NO_CHECK, 1)):
        add("setsockopt %s" % what,
            lambda s, level=level, opt=opt, val=val:
            (outcome(s.setsockopt, level, opt, val), outcome(s.getsockopt, level, opt, 16)))
    add("getsockopt IP_MTU unconnected", lambda s: s.getsockopt(socket.SOL_IP, IP_MTU))
    add("getsockopt IP_MTU connected", lambda s: s.getsockopt(socket.SOL_IP, IP_MTU),
        lambda s: s.connect(peer))
    add("getsockopt UDP_SEGMENT 1 byte", lambda s: s.getsockopt(socket.SOL_UDP, UDP_SEGMENT, 1))
    return cases


def pktinfo6(addr, ifindex=0):
    return socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", ifindex)


def build_cases6(ns):
    """The IPv6 cases."""
    peer = (ns.addr6_b, PORT)
    name = sockaddr_in6(ns.addr6_b, PORT)
    cases = Cases(peer, name)
    add, sendto, sendcm, opts = cases.add, cases.sendto, cases.sendcm, cases.opts

    add("sendto 65528 bytes", sendto(65528))
    add("sendto 65527 bytes", sendto(65527))
    add("sendto 2000 bytes with IPV6_DONTFRAG", sendto(2000), opts((SOL_IPV6, IPV6_DONTFRAG, 1)))
    add("sendto 2000 bytes with IPV6_PMTUDISC_DO", sendto(2000),
        opts((SOL_IPV6, IPV6_MTU_DISCOVER, 2)))
    cases.faults()
    add("MSG_OOB", sendto(10, flags=socket.MSG_OOB))
    add("MSG_PROBE, 100 bytes", sendto(100, flags=MSG_PROBE))
    add("msg_namelen 8", lambda s: raw_sendmsg(s, b"n", name, namelen=8))
    add("msg_namelen 24 (RFC 2133 sockaddr_in6)", lambda s: raw_sendmsg(s, b"n", name, namelen=24))
    add("msg_namelen 23", lambda s: raw_sendmsg(s, b"n", name, namelen=23))
    add("sendto with addrlen 0", lambda s: raw_sendto(s, b"n", name, 0))
    # (IPv4 destinations that deliver are ipv6_cmsg.py's: no IPv4 sink here.)
    add("sin6_family AF_INET, 16 bytes, IPV6_V6ONLY", lambda s: raw_sendmsg(
        s, b"n", sockaddr_in(ns.addr_b, PORT)), opts((SOL_IPV6, IPV6_V6ONLY, 1)))
    add("sin6_family AF_UNIX", lambda s: raw_sendmsg(
        s, b"n", sockaddr_in6(ns.addr6_b, PORT, family=socket.AF_UNIX)))
    add("sin6_family AF_UNSPEC", lambda s: raw_sendmsg(
        s, b"n", sockaddr_in6(ns.addr6_b, PORT, family=socket.AF_UNSPEC)))
    add("port 0", sendto(10, (ns.addr6_b, 0)))
    add("send() unconnected", lambda s: s.send(b"x"))
    add("v4-mapped destination, IPV6_V6ONLY", sendto(10, ("::ffff:" + ns.addr_b, PORT)),
        opts((SOL_IPV6, IPV6_V6ONLY, 1)))
    add("destination :: (loopback)", sendto(10, ("::", PORT)))
    add("no route (2001:db8::1)", sendto(10, ("2001:db8::1", PORT)))
    # The peer's link-local address: its neighbour entry is there, so no
    # neighbour solicitation lands in a later case's counters.
    add("link-local without a scope", sendto(10, (ns.lladdr(ns.b, ns.if_b), PORT)))
    add("link-local, scope 999", sendto(10, ("fe80::1", PORT, 0, 999)))
    add("multicast ff0e::1 without IPV6_MULTICAST_IF", sendto(10, ("ff0e::1", PORT)))
    add("flow label 0x12345 with IPV6_FLOWINFO_SEND, no lease",
        sendto(10, (ns.addr6_b, PORT, 0x12345, 0)), opts((SOL_IPV6, IPV6_FLOWINFO_SEND, 1)))
    add("SO_BINDTODEVICE lo, to the peer", sendto(10),
        opts((socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lo")))
    add("GSO 1000, 5000 bytes with IPV6_DONTFRAG", sendto(5000),
        opts((socket.SOL_UDP, UDP_SEGMENT, 1000), (SOL_IPV6, IPV6_DONTFRAG, 1)))

    lo_index = socket.if_nametoindex("lo")
    for what, level, type_, data, *length in (
            ("IPV6_PKTINFO 8 bytes", SOL_IPV6, IPV6_PKTINFO, bytes(8)),
            ("IPV6_PKTINFO ifindex 999", SOL_IPV6, IPV6_PKTINFO, pktinfo6("::", 999)),
            ("IPV6_PKTINFO ifindex lo", SOL_IPV6, IPV6_PKTINFO, pktinfo6("::", lo_index)),
            ("IPV6_PKTINFO foreign source", SOL_IPV6, IPV6_PKTINFO, pktinfo6("fd00:77::1")),
            ("IPV6_PKTINFO multicast source", SOL_IPV6, IPV6_PKTINFO, pktinfo6("ff02::1")),
            ("IPV6_PKTINFO local source", SOL_IPV6, IPV6_PKTINFO, pktinfo6(ns.addr6_a)),
            ("IPV6_2292PKTINFO local source", SOL_IPV6, IPV6_2292PKTINFO, pktinfo6(ns.addr6_a)),
            ("IPV6_HOPLIMIT 256", SOL_IPV6, IPV6_HOPLIMIT, i32(256)),
            ("IPV6_HOPLIMIT -2", SOL_IPV6, IPV6_HOPLIMIT, i32(-2)),
            ("IPV6_HOPLIMIT 1 byte", SOL_IPV6, IPV6_HOPLIMIT, b"\x05"),
            ("IPV6_TCLASS 256", SOL_IPV6, IPV6_TCLASS, i32(256)),
            ("IPV6_TCLASS -2", SOL_IPV6, IPV6_TCLASS, i32(-2)),
            ("IPV6_TCLASS 1 byte", SOL_IPV6, IPV6_TCLASS, b"\x10"),
            ("IPV6_DONTFRAG 2", SOL_IPV6, IPV6_DONTFRAG, i32(2)),
            ("IPV6_DONTFRAG 2 bytes", SOL_IPV6, IPV6_DONTFRAG, u16(1)),
            ("IPV6_FLOWINFO 0x12345", SOL_IPV6, IPV6_FLOWINFO, struct.pack("!I", 0x12345)),
            ("IPV6_FLOWINFO 2 bytes", SOL_IPV6, IPV6_FLOWINFO, u16(1)),
            ("IPV6_NEXTHOP the peer", SOL_IPV6, IPV6_NEXTHOP, sockaddr_in6(ns.addr6_b, 0)),
            ("IPV6_NEXTHOP AF_INET", SOL_IPV6, IPV6_NEXTHOP, sockaddr_in(ns.addr_b, 0)),
            ("IPV6_HOPOPTS length past the data", SOL_IPV6, IPV6_HOPOPTS, bytes([0, 1]) + bytes(6)),
            ("IPV6_HOPOPTS 4 bytes", SOL_IPV6, IPV6_HOPOPTS, bytes(4)),
            ("IPV6_DSTOPTS PadN", SOL_IPV6, IPV6_DSTOPTS, bytes([0, 0, 1, 4, 0, 0, 0, 0])),
            ("IPV6_RTHDR type 0", SOL_IPV6, IPV6_RTHDR,
             bytes([0, 2, 0, 1, 0, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, ns.addr6_b)),
            ("IPV6_RTHDR type 2, 2 segments left", SOL_IPV6, IPV6_RTHDR,
             bytes([0, 2, 2, 2, 0, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, ns.addr6_b)),
            ("IPV6_RTHDR type 2", SOL_IPV6, IPV6_RTHDR,
             bytes([0, 2, 2, 1, 0, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, ns.addr6_b)),
            ("SOL_IPV6 type 99", SOL_IPV6, 99, i32(1)),
            ("SOL_IP IP_TTL (not IPv6's)", socket.SOL_IP, socket.IP_TTL, i32(5)),
            ("UDP_SEGMENT 4 bytes", socket.SOL_UDP, UDP_SEGMENT, i32(1000)),
            ("SO_MARK 7", socket.SOL_SOCKET, SO_MARK, i32(7)),
            ("cmsg_len 12", SOL_IPV6, IPV6_HOPLIMIT, i32(5), 12),
            ("cmsg_len past msg_controllen", SOL_IPV6, IPV6_HOPLIMIT, i32(5), 64)):
        add("cmsg " + what, sendcm(cmsg(level, type_, data, *length)))
    add("cmsg IPV6_HOPLIMIT 5 then IPV6_TCLASS 256",
        sendcm(cmsg(SOL_IPV6, IPV6_HOPLIMIT, i32(5)), cmsg(SOL_IPV6, IPV6_TCLASS, i32(256))))
    for seg, n in ((1000, 5000), (1000, 1000 * 64 + 1), (1500, 5000), (1452, 1452)):
        add("cmsg UDP_SEGMENT %d, %d bytes" % (seg, n),
            sendcm(cmsg(socket.SOL_UDP, UDP_SEGMENT, u16(seg)), n=n))

    for what, level, opt, val in (
            ("IPV6_UNICAST_HOPS 256", SOL_IPV6, IPV6_UNICAST_HOPS, 256),
            ("IPV6_UNICAST_HOPS -2", SOL_IPV6, IPV6_UNICAST_HOPS, -2),
            ("IPV6_UNICAST_HOPS -1", SOL_IPV6, IPV6_UNICAST_HOPS, -1),
            ("IPV6_MULTICAST_HOPS 256", SOL_IPV6, IPV6_MULTICAST_HOPS, 256),
            ("IPV6_TCLASS 256", SOL_IPV6, IPV6_TCLASS, 256),
            ("IPV6_TCLASS -1", SOL_IPV6, IPV6_TCLASS, -1),
            ("IPV6_MTU 1279", SOL_IPV6, IPV6_MTU, 1279),
            ("IPV6_MTU 1280", SOL_IPV6, IPV6_MTU, 1280),
            ("IPV6_MTU_DISCOVER 6", SOL_IPV6, IPV6_MTU_DISCOVER, 6),
            ("IPV6_DONTFRAG 2", SOL_IPV6, IPV6_DONTFRAG, 2),
            ("IPV6_HOPOPTS 7 bytes", SOL_IPV6, IPV6_HOPOPTS, bytes(7)),
            ("IPV6_HOPOPTS 2048 bytes", SOL_IPV6, IPV6_HOPOPTS, bytes([0, 255]) + bytes(2046)),
            ("IPV6_RTHDR type 0", SOL_IPV6, IPV6_RTHDR, bytes([0, 2, 0, 1]) + bytes(20)),
            ("IPV6_FLOWLABEL_MGR 8 bytes", SOL_IPV6, IPV6_FLOWLABEL_MGR, bytes(8)),
            ("IPV6_ADDRFORM AF_INET, unconnected", SOL_IPV6, 1, socket.AF_INET),
            ("UDP_SEGMENT 1400", socket.SOL_UDP, UDP_SEGMENT, 1400)):
        add("setsockopt %s" % what,
            lambda s, level=level, opt=opt, val=val:
            (outcome(s.setsockopt, level, opt, val), outcome(s.getsockopt, level, opt, 16)))
    add("getsockopt IPV6_MTU unconnected", lambda s: s.getsockopt(SOL_IPV6, IPV6_MTU))
    add("getsockopt IPV6_MTU connected", lambda s: s.getsockopt(SOL_IPV6, IPV6_MTU),
        lambda s: s.connect(peer))
    add("getsockopt IPV6_PATHMTU connected", lambda s: s.getsockopt(SOL_IPV6, IPV6_PATHMTU, 32),
        lambda s: s.connect(peer))
    return cases


def run_case(ns, proto, sink, marker, setup, action, family=socket.AF_INET):
    s = new_sock(ns.a, proto, family=family)
    if family == socket.AF_INET6:
        s.bind(("::", 9001))
        s.setsockopt(SOL_IPV6, IPV6_RECVERR, 1)
    else:
        s.bind((ns.addr_a, 9001))
    s.setsockopt(socket.SOL_IP, IP_RECVERR, 1)
    before = snmp(ns.a)
    res = outcome(setup, s) if setup else None
    res = (res, outcome(action, s))
    after = snmp(ns.a)
    errq = recv_errqueue(s)
    s.close()
    # What the peer received: everything before a marker sent afterwards
    # on the same path (one CPU, so one backlog queue and one order); the
    # marker is empty, which no case delivers.
    marker.send(b"")
    got = []
    while True:
        n = len(sink.recv(70000))
        if n == 0:
            break
        got.append(n)
    pick = sender_counter6 if family == socket.AF_INET6 else sender_counter
    return res, errq, snmp_delta(before, after, pick), got


def table(ns, cases, family, bind_addr, peer_addr):
    """Each case on each kind; the sink in ns.b bound to bind_addr, the
    marker sent to peer_addr."""
    sink = new_sock(ns.b, 0, family=family)
    sink.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    sink.bind((bind_addr, PORT))
    sink.settimeout(5)
    marker = new_sock(ns.a, 0, family=family)
    marker.connect((peer_addr, PORT))
    for desc, setup, action in cases:
        res = [run_case(ns, proto, sink, marker, setup, action, family) for _, proto in KINDS]
        tap_check(res[0] == res[1], "%s: %s" % (desc, res[0][0][1]),
                  "udp %s, altudp %s" % tuple(res))
    sink.close()
    marker.close()


os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
with Netns(ipv6=True) as ns:
    ns_exec(ns.b, "sysctl", "-qw", "net.ipv4.icmp_ratelimit=0")
    ns_exec(ns.b, "sysctl", "-qw", "net.ipv6.icmp.ratelimit=0")
    table(ns, build_cases(ns), socket.AF_INET, "0.0.0.0", ns.addr_b)
    no_ipv6 = has_family(socket.AF_INET6)
    if no_ipv6:
        tap_skip("IPv6 cases", no_ipv6)
    else:
        table(ns, build_cases6(ns), socket.AF_INET6, "::", ns.addr6_b)
tap_end()
