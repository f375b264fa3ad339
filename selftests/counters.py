#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""/proc/net/altudp: each counter moves by exactly what a send does.

Targeted sends, each from a fresh thread (so that the task's page frag
starts empty) on a fresh socket, first native UDP then altudp: plain
datagrams, MSG_MORE chains with scatter-gather on and off, a datagram
that fragments, a fraggap chain, UDP_SEGMENT, MSG_ZEROCOPY sent and
copied, checksums in hardware, in software (tx offload off) and none
(SO_NO_CHECK), an nft drop and sendmsg() errors; the route cache's
misses and hits of these unconnected sends, with the cache turned on
(the third to one destination hits).  For altudp the whole
set of counters that moved must be the one listed; for native UDP none
may move; both must return the same and move Udp OutDatagrams, Ip
FragCreates and Ip OutDiscards of /proc/net/snmp alike.  A second
namespace's /proc/net/altudp, and the initial namespace's, stay still.
Then several processes send at once, native and altudp: the counters
must add up to every send.  AF_INET6 sockets, to IPv6 and v4-mapped
destinations, move them as AF_INET ones do.
"""

import errno
import os
import socket
import subprocess
import sys

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Netns, altudp_protocol, has_family, ip, module_param, ns_exec, require_module,
                    run_in, tap_check, tap_end, tap_skip)

SO_NO_CHECK, SO_ZEROCOPY, MSG_ZEROCOPY = 11, 60, 0x4000000
SOL_UDP, UDP_SEGMENT = 17, 103
DPORT, DROP_PORT = 9000, 9001
SNMP_KEYS = ("UdpOutDatagrams", "IpFragCreates", "IpOutDiscards")


def read_counters():
    """(altudp counters without their "AltUdp" prefix, snmp "ProtoName"
    counters) of the calling thread's namespace."""
    with open("/proc/thread-self/net/altudp") as f:
        alt = {k[len("AltUdp"):]: int(v) for k, v in (line.split() for line in f)}
    with open("/proc/thread-self/net/snmp") as f:
        lines = f.read().splitlines()
    snmp = {}
    for head, vals in zip(lines[0::2], lines[1::2]):
        proto = head.split(":")[0]
        for k, v in zip(head.split()[1:], vals.split()[1:]):
            snmp[proto + k] = int(v)
    return alt, snmp


def delta(before, after):
    return {k: after[k] - before[k] for k in after if after[k] != before[k]}


def send(s, size, flags=0, addr=None):
    try:
        if addr is None:
            return s.send(b"c" * size, flags)
        return s.sendto(b"c" * size, flags, addr)
    except OSError as e:
        return errno.errorcode[e.errno]


def main():
    require_module()
    proto_alt = altudp_protocol()
    other = "altudp-counters-%d-other" % os.getpid()
    ip("netns", "add", other)
    # the route cache on (its default; set in case a load turned it off), for its counters
    with module_param("route_cache", 1):
        try:
            with Netns() as ns:
                cases(ns, other, proto_alt)
        finally:
            ip("netns", "del", other, check=False)
        why = has_family(socket.AF_INET6)
        if why:
            tap_skip("AF_INET6 sockets", why)
        else:
            with Netns(ipv6=True) as ns:
                ipv6_cases(ns, proto_alt)
    tap_end()


SNMP6_KEYS = ("Udp6OutDatagrams", "Ip6FragCreates", "Ip6OutDiscards")


def ipv6_cases(ns, proto_alt):
    """The counters move for AF_INET6 sockets as for AF_INET ones, a
    v4-mapped destination's datagram counted as any IPv4 one."""
    dst6 = (ns.addr6_b, DPORT)
    mapped = ("::ffff:" + ns.addr_b, DPORT)
    rcv = run_in(ns.b, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM)
    rcv.bind(("::", DPORT))
    rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)

    def snmp6():
        with open("/proc/thread-self/net/snmp6") as f:
            return {k: int(v) for k, v in (line.split() for line in f) if k in SNMP6_KEYS}

    def case(desc, fn, want):
        runs = []
        for proto in (0, proto_alt):
            def body():
                s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, proto)
                s.bind(("::", 0))
                before = read_counters(), snmp6()
                res = fn(s)
                after = read_counters(), snmp6()
                s.close()
                return (res, delta(before[0][0], after[0][0]),
                        {k: v for k, v in delta(before[0][1], after[0][1]).items()
                         if k in SNMP_KEYS}, delta(before[1], after[1]))
            runs.append(run_in(ns.a, body))
        (nres, nalt, nsnmp, nsnmp6), (ares, aalt, asnmp, asnmp6) = runs
        tap_check(aalt == want, "AF_INET6, %s: %s" % (desc, " ".join(
            "%s+%d" % kv for kv in want.items())), "moved: %s" % aalt)
        tap_check(nalt == {} and nres == ares and nsnmp == asnmp and nsnmp6 == asnmp6,
                  "AF_INET6, %s: as native UDP, whose sends leave the counters alone" % desc,
                  "native %s %s %s %s, altudp %s %s %s %s" % (
                      nres, nalt, nsnmp, nsnmp6, ares, aalt, asnmp, asnmp6))

    case("three datagrams", lambda s: [send(s, n, addr=dst6) for n in (100, 200, 300)],
         {"OutDatagrams": 3, "OutBytes": 600, "Fragments": 3, "CsumHw": 3})
    case("MSG_MORE chain", lambda s: [send(s, 1000, socket.MSG_MORE, dst6),
                                      send(s, 100, addr=dst6)],
         {"OutDatagrams": 1, "OutBytes": 1100, "CorkedSends": 2, "Fragments": 1,
          "SgPageFrags": 1, "CsumSw": 1})
    case("4000 B on MTU 1500", lambda s: send(s, 4000, addr=dst6),
         {"OutDatagrams": 1, "OutBytes": 4000, "Fragments": 3, "CsumSw": 1})
    case("v4-mapped, three datagrams",
         lambda s: [send(s, n, addr=mapped) for n in (100, 200, 300)],
         {"OutDatagrams": 3, "OutBytes": 600, "Fragments": 3, "CsumHw": 3,
          "RouteCacheMisses": 2, "RouteCacheHits": 1})
    case("errors", lambda s: [send(s, 10, addr=(ns.addr6_b, 0)),
                              send(s, 70000, addr=dst6)],
         {"ErrEINVAL": 1, "ErrEMSGSIZE": 1})
    rcv.close()


def cases(ns, other, proto_alt):
    dst = (ns.addr_b, DPORT)
    rcv = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
    rcv.bind(("0.0.0.0", DPORT))
    rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    ns_exec(ns.a, "nft", "add table ip t; add chain ip t o { type filter hook output "
            "priority 0; }; add rule ip t o udp dport %d drop" % DROP_PORT)
    other_before = run_in(other, read_counters)[0]
    init_before = read_counters()[0]

    def ethtool(*feat):
        ns_exec(ns.a, "ethtool", "-K", ns.if_a, *feat)

    def case(desc, fn, want, opts=()):
        """fn(sock) with a native socket, then an altudp one; want: the
        altudp counters that must move, by how much."""
        runs = []
        for proto in (0, proto_alt):
            def body():
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
                s.bind((ns.addr_a, 0))
                for opt in opts:
                    s.setsockopt(*opt)
                before = read_counters()
                res = fn(s)
                after = read_counters()
                s.close()
                return (res, delta(before[0], after[0]),
                        {k: v for k, v in delta(before[1], after[1]).items()
                         if k in SNMP_KEYS})
            runs.append(run_in(ns.a, body))
        (nres, nalt, nsnmp), (ares, aalt, asnmp) = runs
        tap_check(aalt == want, "%s: %s" % (desc, " ".join(
            "%s+%d" % kv for kv in want.items())), "moved: %s" % aalt)
        tap_check(nalt == {} and nres == ares and nsnmp == asnmp,
                  "%s: as native UDP, whose sends leave the counters alone" % desc,
                  "native %s %s %s, altudp %s %s" % (nres, nalt, nsnmp, ares, asnmp))

    case("three datagrams", lambda s: [send(s, n, addr=dst) for n in (100, 200, 300)],
         {"OutDatagrams": 3, "OutBytes": 600, "Fragments": 3, "CsumHw": 3,
          "RouteCacheMisses": 2, "RouteCacheHits": 1})
    def chain(s):
        return [send(s, 1000, socket.MSG_MORE, dst), send(s, 100, addr=dst)]
    case("MSG_MORE chain", chain,
         {"OutDatagrams": 1, "OutBytes": 1100, "CorkedSends": 2, "Fragments": 1,
          "SgPageFrags": 1, "CsumSw": 1, "RouteCacheMisses": 1})
    ethtool("sg", "off")
    case("MSG_MORE chain, SG off", chain,
         {"OutDatagrams": 1, "OutBytes": 1100, "CorkedSends": 2, "Fragments": 1,
          "LinearCopies": 1, "CsumSw": 1, "RouteCacheMisses": 1})
    ethtool("sg", "on")
    case("4000 B on MTU 1500", lambda s: send(s, 4000, addr=dst),
         {"OutDatagrams": 1, "OutBytes": 4000, "Fragments": 3, "CsumSw": 1,
          "RouteCacheMisses": 1})

    # Route MTU 1006, maxfraglen 1004: the 8 B fill the first skb to
    # 1006, the next append moves the 2 B past maxfraglen to a new skb.
    ip("-n", ns.a, "route", "add", ns.addr_b, "dev", ns.if_a, "mtu", "1006")
    case("fraggap chain",
         lambda s: [send(s, 970, socket.MSG_MORE, dst), send(s, 8, socket.MSG_MORE, dst),
                    send(s, 100, addr=dst)],
         {"OutDatagrams": 1, "OutBytes": 1078, "CorkedSends": 3, "Fragments": 2,
          "FraggapCopies": 1, "SgPageFrags": 1, "CsumSw": 1, "RouteCacheMisses": 1})
    ip("-n", ns.a, "route", "del", ns.addr_b, "dev", ns.if_a)

    case("UDP_SEGMENT 1000, 3000 B", lambda s: send(s, 3000, addr=dst),
         {"OutDatagrams": 1, "OutBytes": 3000, "Fragments": 1, "SgPageFrags": 1,
          "GsoSends": 1, "GsoSegments": 3, "CsumHw": 1, "RouteCacheMisses": 1},
         [(SOL_UDP, UDP_SEGMENT, 1000)])
    zc = [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)]
    case("MSG_ZEROCOPY", lambda s: send(s, 1000, MSG_ZEROCOPY, dst),
         {"OutDatagrams": 1, "OutBytes": 1000, "Fragments": 1, "ZerocopySends": 1,
          "CsumHw": 1, "RouteCacheMisses": 1}, zc)
    case("MSG_ZEROCOPY, fragmenting: copied", lambda s: send(s, 4000, MSG_ZEROCOPY, dst),
         {"OutDatagrams": 1, "OutBytes": 4000, "Fragments": 3, "ZerocopyCopied": 1,
          "CsumSw": 1, "RouteCacheMisses": 1}, zc)
    ethtool("tx", "off")
    case("tx checksum offload off", lambda s: send(s, 100, addr=dst),
         {"OutDatagrams": 1, "OutBytes": 100, "Fragments": 1, "CsumSw": 1,
          "RouteCacheMisses": 1})
    ethtool("tx", "on")
    case("SO_NO_CHECK", lambda s: send(s, 100, addr=dst),
         {"OutDatagrams": 1, "OutBytes": 100, "Fragments": 1, "CsumNone": 1,
          "RouteCacheMisses": 1},
         [(socket.SOL_SOCKET, SO_NO_CHECK, 1)])
    case("nft drop", lambda s: send(s, 100, addr=(ns.addr_b, DROP_PORT)),
         {"Fragments": 1, "CsumHw": 1, "NfDrops": 1, "ErrEPERM": 1,
          "RouteCacheMisses": 1})
    case("70000 B", lambda s: send(s, 70000, addr=dst), {"ErrEMSGSIZE": 1})
    case("port 0", lambda s: send(s, 10, addr=(ns.addr_b, 0)), {"ErrEINVAL": 1})
    case("no destination", lambda s: send(s, 10), {"ErrEDESTADDRREQ": 1})

    concurrent(ns, proto_alt)

    other_after = run_in(other, read_counters)[0]
    tap_check(other_before == other_after,
              "another namespace's /proc/net/altudp did not move",
              str(delta(other_before, other_after)))
    init_after = read_counters()[0]
    tap_check(init_before == init_after, "the initial namespace's did not move",
              str(delta(init_before, init_after)))


# One sender of concurrent(): plain sends (the lockless path) and MSG_MORE
# pairs (the corked one, under the socket lock) on a socket of its own.
SENDER = """
import socket, sys
proto, addr, port, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
for i in range(n):
    s.sendto(b"c" * 100, (addr, port))
    s.sendto(b"c" * 1000, socket.MSG_MORE, (addr, port))
    s.sendto(b"c" * 100, (addr, port))
"""


def concurrent(ns, proto_alt, procs=4, n=200):
    """procs processes at once on the guest's CPUs, preempted and migrated
    between the counters of one send (PREEMPT_RT preempts in what other
    kernels run with BH off): each send is counted once, in whichever
    CPU's slot, and native UDP's Udp OutDatagrams moves by as much."""
    before = run_in(ns.a, read_counters)
    rcs = []
    for proto in (0, proto_alt):
        ps = [subprocess.Popen(("ip", "netns", "exec", ns.a, sys.executable, "-c",
                                SENDER, str(proto), ns.addr_b, str(DPORT), str(n)))
              for _ in range(procs)]
        rcs += [p.wait() for p in ps]
    after = run_in(ns.a, read_counters)
    alt = delta(before[0], after[0])
    want = {"OutDatagrams": 2 * procs * n, "OutBytes": 1200 * procs * n,
            "CorkedSends": 2 * procs * n}
    tap_check(rcs == [0] * 2 * procs and
              {k: alt.get(k, 0) for k in want} == want and
              not any(k.startswith("Err") for k in alt),
              "%d concurrent senders: %s" % (procs, " ".join(
                  "%s+%d" % kv for kv in want.items())),
              "exit %s, moved: %s" % (rcs, alt))
    udp = after[1]["UdpOutDatagrams"] - before[1]["UdpOutDatagrams"]
    tap_check(udp == 2 * 2 * procs * n,
              "and Udp OutDatagrams moved by native's and altudp's sends",
              "Udp OutDatagrams +%d, want +%d" % (udp, 2 * 2 * procs * n))


if __name__ == "__main__":
    main()
