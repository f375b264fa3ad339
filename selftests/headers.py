#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# What socket options and control messages do to the datagram on the wire:
# IP_TOS, IP_TTL (option and cmsg), IP_PKTINFO (ipi_spec_dst, ipi_ifindex),
# IP_MTU_DISCOVER, fragmentation, a connected send, with and without
# transmit checksum offload; SO_MARK (option and cmsg) steering through a
# policy route onto a second link; SO_PRIORITY and IP_TOS setting the
# skb priority an nft rule matches.  Frames are captured on the peer and
# must equal a kernel UDP socket's, byte for byte but for the IP ID.

import re
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ip, ns_exec, require_module, run_in, tap_check, tap_end
from udpcmp import IP_MTU_DISCOVER, IP_PKTINFO, IP_PMTUDISC_DO, KINDS, Capture, add_veth, \
    bound_sock, hexdiff, mask_ip, new_sock

require_module()

PORT, SPORT, MARK = 9000, 9200, 7
SO_MARK, SO_PRIORITY = 36, 12
ADDR_A2, ADDR_B2, ADDR_A11 = "10.98.1.1", "10.98.1.2", "10.99.1.11"
# Scenarios run again with the UDP checksum computed in software.
CSUM_OFF = ("plain 100 bytes", "IP_PKTINFO ipi_spec_dst " + ADDR_A11,
            "4000 bytes: three fragments", "connected send")


def i32(v):
    return struct.pack("=i", v)


def csum16(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def udp_csum_ok(pkt):
    """The UDP checksum of an IPv4 packet verifies (fragments pass)."""
    if pkt[6] & 0x3f or pkt[7]:
        return True
    ihl = (pkt[0] & 15) * 4
    udp = pkt[ihl:]
    pseudo = pkt[12:20] + struct.pack("!BBH", 0, 17, len(udp))
    return csum16(pseudo + udp) == 0xffff


def setup_second_link(ns):
    """veth-a2/veth-b2 (10.98.1.0/24) and fwmark MARK routed over it."""
    add_veth(ns.a, "veth-a2", ADDR_A2, ns.b, "veth-b2", ADDR_B2)
    ip("-n", ns.a, "addr", "add", ADDR_A11 + "/24", "dev", ns.if_a)
    ip("-n", ns.a, "rule", "add", "fwmark", str(MARK), "table", "100")
    ip("-n", ns.a, "route", "add", ns.addr_b, "via", ADDR_B2, "dev", "veth-a2", "table", "100")


def send_both(ns, cap, count, setup, send):
    """Frames each kind's datagram produced on the capture, in KINDS order."""
    out = []
    for _, proto in KINDS:
        cap.frames(0, 0)
        s = bound_sock(ns.a, proto, SPORT, setup)
        send(s)
        s.close()
        out.append(cap.frames(count))
    return out


def check(desc, frames, extra=None):
    udp, alt = ([mask_ip(f) for f in fr] for fr in frames)
    if not udp:
        tap_check(False, desc, "the UDP socket's datagram was not captured")
    elif udp != alt:
        why = "%d vs %d frames" % (len(udp), len(alt)) if len(udp) != len(alt) else \
            "; ".join(hexdiff(u, a) for u, a in zip(udp, alt) if u != a)
        tap_check(False, desc, why)
    else:
        tap_check(extra is None or extra(frames[0]), desc, "frames equal but not as expected")


def scenarios(ns, ifindex_a2):
    peer = (ns.addr_b, PORT)
    to_peer = lambda n=100: lambda s: s.sendto(b"h" * n, peer)
    with_cmsg = lambda *c: lambda s: s.sendmsg([b"m" * 100], list(c), 0, peer)
    pktinfo = lambda idx, spec: struct.pack("=i", idx) + socket.inet_aton(spec) + bytes(4)
    src = lambda f: socket.inet_ntoa(f[12:16])
    # (description, capture on the second link?, frames, setup, send, expectation)
    return (
        ("plain 100 bytes", False, 1, (), to_peer(), lambda fr: fr[0][8] == 64),
        ("IP_TOS 0x28 socket option", False, 1, ((socket.SOL_IP, socket.IP_TOS, 0x28),),
         to_peer(), lambda fr: fr[0][1] == 0x28),
        ("IP_TTL 7 socket option", False, 1, ((socket.SOL_IP, socket.IP_TTL, 7),),
         to_peer(), lambda fr: fr[0][8] == 7),
        ("IP_TTL 9 cmsg", False, 1, (),
         with_cmsg((socket.SOL_IP, socket.IP_TTL, i32(9))), lambda fr: fr[0][8] == 9),
        ("IP_TOS 0x10 cmsg (1 byte)", False, 1, (),
         with_cmsg((socket.SOL_IP, socket.IP_TOS, b"\x10")), lambda fr: fr[0][1] == 0x10),
        ("IP_TOS cmsg over the socket option", False, 1, ((socket.SOL_IP, socket.IP_TOS, 0x28),),
         with_cmsg((socket.SOL_IP, socket.IP_TOS, i32(0x60))), lambda fr: fr[0][1] == 0x60),
        ("IP_PKTINFO ipi_spec_dst %s" % ADDR_A11, False, 1, (),
         with_cmsg((socket.SOL_IP, IP_PKTINFO, pktinfo(0, ADDR_A11))),
         lambda fr: src(fr[0]) == ADDR_A11),
        ("IP_PKTINFO ipi_ifindex veth-a2", True, 1, (),
         with_cmsg((socket.SOL_IP, IP_PKTINFO, pktinfo(ifindex_a2, "0.0.0.0"))),
         lambda fr: src(fr[0]) == ADDR_A2),
        ("SO_MARK %d socket option: policy route over veth-a2" % MARK, True, 1,
         ((socket.SOL_SOCKET, SO_MARK, MARK),), to_peer(), None),
        ("SO_MARK %d cmsg: policy route over veth-a2" % MARK, True, 1, (),
         with_cmsg((socket.SOL_SOCKET, SO_MARK, i32(MARK))), None),
        ("IP_PMTUDISC_DO 1400 bytes: DF", False, 1,
         ((socket.SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO),), to_peer(1400),
         lambda fr: fr[0][6] & 0x40),
        ("4000 bytes: three fragments", False, 3, (), to_peer(4000), lambda fr: len(fr) == 3),
        ("connected send", False, 1, (),
         lambda s: (s.connect(peer), s.send(b"c" * 100)), None),
    )


def priorities(ns):
    """skb->priority from SO_PRIORITY and from IP_TOS, as nft sees it; each
    kind sends from its own source port so that one rule set counts both."""
    cases = (("SO_PRIORITY 5", (socket.SOL_SOCKET, SO_PRIORITY, 5), 5),
             ("IP_TOS 0x10 (priority 6)", (socket.SOL_IP, socket.IP_TOS, 0x10), 6))
    sports = (9300, 9301)
    rules = "".join("udp sport %d meta priority 0:%d counter\n" % (sport, prio)
                    for sport in sports for _, _, prio in cases)
    ns_exec(ns.a, "nft", "-f", "-", input="table ip hdr { chain post {\n"
            "type filter hook postrouting priority 0;\n" + rules + "}\n}\n")
    for (_, proto), sport in zip(KINDS, sports):
        for _, opt, _ in cases:
            s = bound_sock(ns.a, proto, sport, [opt])
            s.sendto(b"p" * 100, (ns.addr_b, PORT))
            s.close()
    out = ns_exec(ns.a, "nft", "list", "chain", "ip", "hdr", "post").stdout
    seen = {(int(s), int(p)): (int(n), int(b)) for s, p, n, b in re.findall(
        r"udp sport (\d+) meta priority 0:(\d+) counter packets (\d+) bytes (\d+)", out)}
    for what, _, prio in cases:
        u, a = (seen.get((sport, prio)) for sport in sports)
        tap_check(u == a == (1, 128), "%s: nft meta priority 0:%d counts it, as UDP's" %
                  (what, prio), "udp %s, altudp %s" % (u, a))


with Netns() as ns:
    setup_second_link(ns)
    ifindex_a2 = run_in(ns.a, socket.if_nametoindex, "veth-a2")
    sink = new_sock(ns.b, 0)
    sink.bind(("0.0.0.0", PORT))
    caps = (Capture(ns.b, ns.if_b), Capture(ns.b, "veth-b2"))
    for csum in ("on", "off"):
        if csum == "off":
            ns_exec(ns.a, "ethtool", "-K", ns.if_a, "tx", "off")
            ns_exec(ns.a, "ethtool", "-K", "veth-a2", "tx", "off")
        for desc, second, count, setup, send, expect in scenarios(ns, ifindex_a2):
            if csum == "off" and desc not in CSUM_OFF:
                continue
            frames = send_both(ns, caps[second], count, setup, send)
            csum_ok = (lambda fr: all(map(udp_csum_ok, fr))) if csum == "off" else None
            check("%s, tx checksum offload %s" % (desc, csum), frames,
                  lambda fr: (expect is None or expect(fr)) and (csum_ok is None or csum_ok(fr)))
    priorities(ns)
    sink.close()
    for c in caps:
        c.close()
tap_end()
