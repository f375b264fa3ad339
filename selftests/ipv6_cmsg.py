#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 control plane of a send, side by side with the kernel's UDPv6:
# hop limits, traffic class, packet info, don't-fragment and path MTU
# discovery, flow labels (automatic, sent with IPV6_FLOWINFO_SEND, leased
# with IPV6_FLOWLABEL_MGR), extension headers as sticky options (a segment
# routing header too) and as control messages, multicast and link-local
# scopes, v4-mapped destinations.  Each case sends from a native then an
# altudp socket with the same options and compares send results, payloads
# received, the frames' IPv6 headers and extension headers, error queues
# and the Udp6/Ip6 counters of /proc/net/snmp6.

import errno
import socket
import struct
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_family, run_in, tap_end, tap_skip
from txcmp import (IPV6_AUTOFLOWLABEL, IPV6_DONTFRAG, IPV6_DSTOPTS, IPV6_FLOWINFO,
                   IPV6_FLOWINFO_SEND, IPV6_FLOWLABEL_MGR, IPV6_HOPLIMIT, IPV6_HOPOPTS, IPV6_MTU,
                   IPV6_MTU_DISCOVER, IPV6_MULTICAST_HOPS, IPV6_MULTICAST_IF, IPV6_MULTICAST_LOOP,
                   IPV6_PKTINFO, IPV6_RECVERR, IPV6_RECVPATHMTU, IPV6_RTHDR, IPV6_RTHDRDSTOPTS,
                   IPV6_TCLASS, IPV6_UNICAST_HOPS, IPV6_V6ONLY, SOL_IPV6, Peer, compare, send,
                   sender, set_mtu, side_by_side)
from udpcmp import recv_errqueue

require_family(socket.AF_INET6)

IPV6_PMTUDISC_DONT, IPV6_PMTUDISC_WANT, IPV6_PMTUDISC_DO, IPV6_PMTUDISC_PROBE = range(4)
IPV6_FL_A_GET, IPV6_FL_F_CREATE, IPV6_FL_S_PROCESS, IPV6_FL_S_ANY = 0, 1, 2, 255

# Extension headers (the kernel fills in the next header byte): a
# hop-by-hop header with a router alert, destination options with an
# option to be skipped when unknown, and a type 2 routing header.
HOP_RA = b"\x00\x00\x05\x02\x00\x00\x01\x00"
DST_OPT = b"\x00\x00\x1e\x04abcd"
DST_BIG = b"\x00\x03\x1e\x1c" + bytes(range(28))


def rthdr2(addr):
    return b"\x00\x02\x02\x01" + bytes(4) + socket.inet_pton(socket.AF_INET6, addr)


def srh(addr, tlv=b""):
    """A segment routing header (type 4) of one segment, addr, segments
    left 0, and TLVs after it."""
    return bytes([0, (24 + len(tlv)) // 8 - 1, 4, 0, 0, 0, 0, 0]) + \
        socket.inet_pton(socket.AF_INET6, addr) + tlv


def rthdr_refused(ns, opts):
    """The errno name when a kernel UDPv6 socket refuses the sticky
    routing header of opts (type 2 needs CONFIG_IPV6_MIP6, which Debian's
    kernels have), else None."""
    def check():
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as s:
            for level, name, value in opts:
                if (level, name) != (SOL_IPV6, IPV6_RTHDR):
                    continue
                try:
                    s.setsockopt(level, name, value)
                except OSError as e:
                    return errno.errorcode.get(e.errno, str(e.errno))
        return None
    return run_in(ns.a, check)


def i32(v):
    return struct.pack("=i", v)


def pktinfo(addr, ifindex=0):
    return socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", ifindex)


def flowlabel_req(dst, label, share=IPV6_FL_S_ANY):
    """struct in6_flowlabel_req asking for a lease on label, shared with
    anyone by default."""
    return socket.inet_pton(socket.AF_INET6, dst) + struct.pack(
        "!I", label) + struct.pack("=BBHHHI", IPV6_FL_A_GET, share,
                                   IPV6_FL_F_CREATE, 0, 0, 0)


def sends(dest, items):
    """A scenario: each item (data size, cmsgs, flags) sent to dest, then
    the error queue."""
    def scenario(s):
        out = [send(s, bytes(range(256)) * (n // 256) + bytes(n % 256), flags,
                    dest, cmsgs) for n, cmsgs, flags in items]
        return out + [recv_errqueue(s)]
    return scenario


def mapped_cases(ns, peer4):
    """Sends to v4-mapped addresses, seen by an IPv4 peer."""
    mapped = ("::ffff:" + peer4.addr[0], peer4.addr[1])
    one, big = [(100, [], 0)], [(3000, [], 0)]
    return (
        ("v4-mapped destination", [], sends(mapped, one + big)),
        ("v4-mapped destination, IPv4 cmsg", [],
         sends(mapped, [(100, [(socket.SOL_IP, socket.IP_TOS, i32(8))], 0),
                        (100, [(SOL_IPV6, IPV6_TCLASS, i32(8))], 0)])),
        ("v4-mapped destination, IPV6_V6ONLY", [(SOL_IPV6, IPV6_V6ONLY, 1)],
         sends(mapped, one)),
        ("v4-mapped, connected", [], lambda s: [s.connect(mapped)] + sends(None, one + big)(s)),
    )


def any_sender(ns, proto, opts):
    """An IPv6 sender bound to (::, SPORT): it may send to IPv4 too."""
    return sender(ns, proto, opts, addr="::", family=socket.AF_INET6)


def cases(ns, peer):
    d = peer.addr
    ifindex = run_in(ns.a, socket.if_nametoindex, ns.if_a)
    ll_b = ns.lladdr(ns.b, ns.if_b)
    one = [(100, [], 0)]
    big = [(3000, [], 0)]
    recverr = [(SOL_IPV6, IPV6_RECVERR, 1)]
    return (
        ("plain, small and fragmented", [], sends(d, one + big + [(0, [], 0)])),
        ("IPV6_UNICAST_HOPS", [(SOL_IPV6, IPV6_UNICAST_HOPS, 7)], sends(d, one + big)),
        ("IPV6_HOPLIMIT cmsg", [], sends(d, [(100, [(SOL_IPV6, IPV6_HOPLIMIT, i32(9))], 0),
                                            (100, [(SOL_IPV6, IPV6_HOPLIMIT, i32(-1))], 0),
                                            (100, [(SOL_IPV6, IPV6_HOPLIMIT, i32(256))], 0)])),
        ("IPV6_TCLASS", [(SOL_IPV6, IPV6_TCLASS, 0x28)], sends(d, one + big)),
        ("IPV6_TCLASS cmsg", [], sends(d, [(100, [(SOL_IPV6, IPV6_TCLASS, i32(0x48))], 0),
                                          (100, [(SOL_IPV6, IPV6_TCLASS, i32(-1))], 0),
                                          (100, [(SOL_IPV6, IPV6_TCLASS, i32(300))], 0)])),
        ("IPV6_PKTINFO cmsg", [], sends(d, [
            (100, [(SOL_IPV6, IPV6_PKTINFO, pktinfo(ns.addr6_a))], 0),
            (100, [(SOL_IPV6, IPV6_PKTINFO, pktinfo("::", ifindex))], 0),
            (100, [(SOL_IPV6, IPV6_PKTINFO, pktinfo("fd00:77::1"))], 0),
            (100, [(SOL_IPV6, IPV6_PKTINFO, pktinfo("::", 999))], 0)])),
        ("IPV6_PKTINFO sticky", [(SOL_IPV6, IPV6_PKTINFO, pktinfo(ns.addr6_a))],
         sends(d, one)),
        ("IPV6_DONTFRAG", recverr + [(SOL_IPV6, IPV6_DONTFRAG, 1),
                                     (SOL_IPV6, IPV6_RECVPATHMTU, 1)], sends(d, one + big)),
        ("IPV6_DONTFRAG cmsg", recverr, sends(d, [
            (3000, [(SOL_IPV6, IPV6_DONTFRAG, i32(1))], 0),
            (3000, [(SOL_IPV6, IPV6_DONTFRAG, i32(0))], 0),
            (3000, [(SOL_IPV6, IPV6_DONTFRAG, i32(2))], 0)])),
        ("IPV6_MTU_DISCOVER DO", recverr + [(SOL_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)],
         sends(d, one + big)),
        ("IPV6_MTU_DISCOVER PROBE", [(SOL_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE)],
         sends(d, one + big)),
        ("IPV6_MTU 1280", [(SOL_IPV6, IPV6_MTU, 1280)], sends(d, one + big)),
        ("IPV6_AUTOFLOWLABEL on", [(SOL_IPV6, IPV6_AUTOFLOWLABEL, 1)], sends(d, one + big)),
        ("IPV6_AUTOFLOWLABEL off", [(SOL_IPV6, IPV6_AUTOFLOWLABEL, 0)], sends(d, one)),
        ("flow label without a lease", [(SOL_IPV6, IPV6_FLOWINFO_SEND, 1)],
         sends(d[:2] + (0x12345, 0), one)),
        ("IPV6_FLOWLABEL_MGR lease", [(SOL_IPV6, IPV6_FLOWLABEL_MGR,
                                       flowlabel_req(ns.addr6_b, 0x12345)),
                                      (SOL_IPV6, IPV6_FLOWINFO_SEND, 1)],
         sends(d[:2] + (0x12345, 0), one + big)),
        ("flow info ignored without IPV6_FLOWINFO_SEND", [],
         sends(d[:2] + (0xabcde, 0), one)),
        ("sticky hop-by-hop, destination options, routing header",
         [(SOL_IPV6, IPV6_HOPOPTS, HOP_RA), (SOL_IPV6, IPV6_DSTOPTS, DST_OPT),
          (SOL_IPV6, IPV6_RTHDRDSTOPTS, DST_OPT), (SOL_IPV6, IPV6_RTHDR, rthdr2(d[0]))],
         sends(d, one + big)),
        # the receiver drops them: no seg6_enabled on its link
        ("sticky segment routing header", [(SOL_IPV6, IPV6_RTHDR, srh(d[0]))],
         sends(d, one + big)),
        ("sticky segment routing header with a PadN TLV",
         [(SOL_IPV6, IPV6_RTHDR, srh(d[0], bytes([4, 6]) + bytes(6)))], sends(d, one)),
        ("extension header cmsgs", [], sends(d, [
            (100, [(SOL_IPV6, IPV6_HOPOPTS, HOP_RA)], 0),
            (3000, [(SOL_IPV6, IPV6_DSTOPTS, DST_BIG), (SOL_IPV6, IPV6_HOPOPTS, HOP_RA)], 0),
            (100, [(SOL_IPV6, IPV6_RTHDR, rthdr2(d[0])),
                   (SOL_IPV6, IPV6_RTHDRDSTOPTS, DST_OPT)], 0),
            (100, [(SOL_IPV6, IPV6_HOPOPTS, HOP_RA[:4])], 0),
            (100, [(SOL_IPV6, IPV6_HOPOPTS, HOP_RA), (SOL_IPV6, IPV6_HOPOPTS, HOP_RA)], 0),
            (100, [(SOL_IPV6, IPV6_RTHDR, b"\x00\x02\x00\x01" + bytes(20))], 0)])),
        ("cmsg of another level, short cmsg", [], sends(d, [
            (100, [(socket.SOL_IP, socket.IP_TOS, i32(4))], 0),
            (100, [(SOL_IPV6, IPV6_TCLASS, b"\x01")], 0),
            (100, [(SOL_IPV6, 12345, i32(1))], 0)])),
        ("multicast to ff02::1", [(SOL_IPV6, IPV6_MULTICAST_HOPS, 3),
                                  (SOL_IPV6, IPV6_MULTICAST_LOOP, 0)],
         lambda s: sends(("ff02::1", d[1], 0, ifindex), one)(s) +
         sends(("ff02::1", d[1]), one)(s) +
         [s.setsockopt(SOL_IPV6, IPV6_MULTICAST_IF, ifindex)] +
         sends(("ff02::1", d[1]), one + big)(s)),
        ("link-local destination", [],
         lambda s: sends((ll_b, d[1], 0, ifindex), one)(s) + sends((ll_b, d[1]), one)(s)),
        ("connected", [], lambda s: [s.connect(d)] + sends(None, one + big)(s)),
        ("ICMPv6 port unreachable", recverr,
         lambda s: sends((d[0], d[1] + 1), one)(s) + [time.sleep(0.1), recv_errqueue(s)]),
        # Last: a lease of this process's own makes the namespace look a
        # sent flow label up for good (flowlabel_has_excl), and a label
        # without a lease is refused then (EINVAL), from the destination
        # or from an IPV6_FLOWINFO cmsg; the leased one is sent with the
        # lease's options.
        ("IPV6_FLOWLABEL_MGR lease of this process",
         [(SOL_IPV6, IPV6_FLOWLABEL_MGR, flowlabel_req(ns.addr6_b, 0x23456, IPV6_FL_S_PROCESS)),
          (SOL_IPV6, IPV6_FLOWINFO_SEND, 1)],
         lambda s: sends(d[:2] + (0x23456, 0), one + big)(s) +
         sends(d[:2] + (0x54321, 0), one)(s) +
         sends(d, [(100, [(SOL_IPV6, IPV6_FLOWINFO, struct.pack("!I", 0x54321))], 0)])(s)),
    )


with Netns(ipv6=True) as ns:
    set_mtu(ns, 1500)
    peer, peer4 = Peer(ns, family=socket.AF_INET6), Peer(ns)
    try:
        for desc, opts, scenario in cases(ns, peer):
            why = rthdr_refused(ns, opts)
            if why:
                tap_skip(desc, "the kernel's UDPv6 refuses its options: " + why)
                continue
            # A connected socket's automatic flow label hashes its random txhash.
            compare(desc, side_by_side(ns, peer, scenario, opts,
                                       flowlabel=not desc.startswith("connected")))
        for desc, opts, scenario in mapped_cases(ns, peer4):
            compare(desc, side_by_side(ns, peer4, scenario, opts, make=any_sender))
    finally:
        peer.close()
        peer4.close()
tap_end()
