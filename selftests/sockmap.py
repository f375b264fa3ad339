#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""BPF socket maps: a bound UDP socket can be put into a SOCKMAP or a
SOCKHASH with bpf(2) alone, no program, and the insert swaps its proto
for one whose receive side is the psock's.  An altudp socket must keep
the module's transmit path there: its sends, UDP_CORK push, splice,
sendfile and close with a corked datagram pending never reach the kernel's
transmit functions (kprobes, 0 hits; a UDP socket doing the same hits
each, and one it never hits is a skip), AltUdpOutDatagrams moves with
the UDP counter of the socket's sends, and its reads go through the
psock's udp_bpf_recvmsg as UDP's do.

Three runs, each native UDP and altudp side by side: an AF_INET socket,
an AF_INET6 one to an IPv6 peer (udpv6_sendmsg, ip6_append_data,
ip6_make_skb, ...: Udp6 OutDatagrams), and an AF_INET6 one bound to the
wildcard sending to a v4-mapped peer (udpv6_sendmsg and the IPv4 ones
it hands to), which IPV6_ADDRFORM makes an IPv4 socket while it is in
the map: the kernel's then has udp_prot and a psock still, its close no
longer sock_map_close(), where altudp's gets the module's IPv4 proto for
maps, its psock the module's IPv4 proto to restore.  The same sequence gives the same results and errnos
(EOPNOTSUPP for an unbound socket), and the sockets' counts (sockstat's
"UDP: inuse", "UDP6: inuse", /proc/net/protocols' ALTUDP and ALTUDPv6
lines) are the same after a disconnect in the map, and back where they
were after close: the psock's proto must count in the socket's own
protocol.
"""

import os
import socket
import struct
import tempfile
import threading

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Kprobes, Netns, has_family, kprobes_writable, require_module, run_in,
                    skip_all, tap_check, tap_diag, tap_end, tap_fail,
                    tap_skip)
from bpf import MAP_SOCKHASH, MAP_SOCKMAP, map_create, map_delete, map_update
from udpcmp import (KINDS, UDP_CORK, altudp_stats, outcome, raw_connect,
                    raw_sendto, snmp, sock_counts, sockaddr_in)

PORT = 9000
IPV6_ADDRFORM = 1
# udp_sendpage is 6.1's, udp_splice_eof later kernels'.
SEND_FUNCS = ("udp_sendmsg", "udp_push_pending_frames", "udp_sendpage",
              "udp_splice_eof", "ip_flush_pending_frames")
# udp_v6_push_pending_frames may be inlined; udpv6_splice_eof is 6.5+, and
# inet6_dgram_ops has no splice_eof to call it (6.12, 7.2): a skip.
SEND6_FUNCS = ("udpv6_sendmsg", "ip6_append_data", "ip6_make_skb",
               "udp_v6_push_pending_frames", "udpv6_splice_eof",
               "ip6_flush_pending_frames")
# The receive side the map gives the socket, and its close.
RECV_FUNC = "udp_bpf_recvmsg"
CLOSE_FUNC = "sock_map_close"


class Run:
    """One run: the socket's family, its bind and peer addresses, the
    peer's (an altudp socket answering the first datagram), the kernel
    functions the native socket's sends reach and the counter they move."""

    def __init__(self, name, family, bind, peer, sink_family, sink, funcs, counter):
        self.name, self.family, self.bind, self.peer = name, family, bind, peer
        self.sink_family, self.sink, self.funcs, self.counter = sink_family, sink, funcs, counter
        self.mapped = family == socket.AF_INET6 and peer[0].startswith("::ffff:")


def scenario(ns, proto, run):
    """In ns.a: inserts, sends, a read, deletes, and a close in the map;
    returns what each step returned."""
    res = {}
    ipv6 = run.family == socket.AF_INET6
    maps = [map_create(MAP_SOCKMAP), map_create(MAP_SOCKHASH)]
    counts = sock_counts(ns.a, ipv6)
    s = socket.socket(run.family, socket.SOCK_DGRAM, proto)
    try:
        res["insert unbound"] = outcome(map_update, maps[0], 0, s)
        s.bind(run.bind)
        s.connect(run.peer)
        res["insert sockmap"] = outcome(map_update, maps[0], 0, s)
        res["insert sockhash"] = outcome(map_update, maps[1], 0, s)
        res["send"] = outcome(s.send, b"p" * 100)
        s.send(b"m" * 100, socket.MSG_MORE)
        res["MSG_MORE"] = outcome(s.send, b"m" * 100)
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        s.send(b"c" * 100)
        s.send(b"c" * 100)
        res["UDP_CORK push"] = outcome(s.setsockopt, socket.SOL_UDP, UDP_CORK, 0)
        r, w = os.pipe()
        os.write(w, b"s" * 1000)
        res["splice"] = outcome(os.splice, r, s.fileno(), 1000)
        os.close(r)
        os.close(w)
        with tempfile.TemporaryFile() as f:
            f.write(b"f" * 1000)
            f.flush()
            # More than the file holds: the end of the file ends the
            # splice, whose splice_eof pushes the datagram (6.5+).
            res["sendfile"] = outcome(os.sendfile, s.fileno(), f.fileno(), 0, 2000)
        s.settimeout(10)
        res["recv"] = outcome(lambda: len(s.recv(2000)))
        s.settimeout(None)
        res["delete sockmap"] = outcome(map_delete, maps[0], 0)
        res["send, in the sockhash only"] = outcome(s.send, b"h" * 100)
        res["delete sockhash"] = outcome(map_delete, maps[1], 0)
        res["send, in no map"] = outcome(s.send, b"n" * 100)
        res["insert again"] = outcome(map_update, maps[0], 1, s)
        if run.mapped:
            # The kernel's socket keeps its psock but gets udp_prot.
            res["IPV6_ADDRFORM in the map"] = outcome(
                s.setsockopt, socket.IPPROTO_IPV6, IPV6_ADDRFORM, socket.AF_INET)
            res["family"] = s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)
            res["send after IPV6_ADDRFORM"] = outcome(s.send, b"a" * 100)
            s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
            s.send(b"b" * 100)
            res["UDP_CORK push after IPV6_ADDRFORM"] = outcome(
                s.setsockopt, socket.SOL_UDP, UDP_CORK, 0)
        res["disconnect"] = outcome(raw_connect, s, struct.pack("=H14x", socket.AF_UNSPEC))
        moved = sock_counts(ns.a, ipv6)
        res["socket counts moved, disconnected in the map"] = {
            k: moved[k] - counts[k] for k in counts if counts[k] is not None}
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        if run.mapped:
            res["corked sendto"] = outcome(raw_sendto, s, b"k" * 100,
                                           sockaddr_in(run.peer[0][7:], PORT), 16)
        else:
            res["corked sendto"] = outcome(s.sendto, b"k" * 100, run.peer)
    finally:
        s.close()
        for fd in maps:
            os.close(fd)
    return res


def one(ns, kp, run):
    """The run's sequence for native UDP then altudp; what each returned,
    the kprobe hits, the counters moved and the socket counts."""
    ipv6 = run.family == socket.AF_INET6
    hits, out, res, counts = {}, {}, {}, {}
    for name, proto in KINDS:
        counts[name] = [sock_counts(ns.a, ipv6)]
        h0, s0, a0 = kp.hits(), snmp(ns.a), altudp_stats(ns.a)
        # The peer answers the socket's first datagram from an altudp
        # socket: a UDP one would hit the kernel's send functions itself.
        sink = run_in(ns.b, socket.socket, run.sink_family,
                      socket.SOCK_DGRAM, KINDS[1][1])
        sink.bind(run.sink)
        sink.settimeout(30)
        box = {}

        def body(proto=proto, box=box):
            try:
                box["res"] = run_in(ns.a, scenario, ns, proto, run)
            except Exception as e:      # reported below
                box["error"] = e
        t = threading.Thread(target=body)
        t.start()
        # The datagram the socket reads: the peer answers its first.
        try:
            sink.sendto(b"r" * 10, sink.recvfrom(2000)[1])
        except OSError as e:
            tap_diag("%s peer: %s" % (run.name, e))
        t.join()
        sink.close()
        res[name] = box.get("res")
        if "error" in box:
            tap_diag("%s %s: %r" % (run.name, name, box["error"]))
        h1, s1, a1 = kp.hits(), snmp(ns.a), altudp_stats(ns.a)
        counts[name].append(sock_counts(ns.a, ipv6))
        hits[name] = {f: h1.get(f, 0) - h0.get(f, 0) for f in kp.funcs}
        proto_, key = run.counter
        out[name] = (s1[proto_][key] - s0[proto_][key],
                     a1.get("AltUdpOutDatagrams", 0) - a0.get("AltUdpOutDatagrams", 0))
    return hits, out, res, counts


def report(kp, run, hits, out, res, counts):
    udp, alt = res["udp"], res["altudp"]
    if udp is None or alt is None:
        tap_fail("%s: the sequence ran" % run.name, "udp: %r, altudp: %r" % (udp, alt))
        return
    for step in udp:
        tap_check(udp[step] == alt.get(step), "%s: %s: altudp %s, udp %s" %
                  (run.name, step, alt.get(step), udp[step]))
    tap_check(udp["insert sockmap"] == ("ok", 0), "%s: UDP socket inserted" % run.name,
              repr(udp["insert sockmap"]))
    for f in run.funcs:
        if f not in kp.funcs:
            continue
        desc = "%s: %s: %d hits from altudp, %d from UDP" % (
            run.name, f, hits["altudp"][f], hits["udp"][f])
        if hits["altudp"][f]:
            tap_fail(desc, "the kernel's transmit path ran for altudp")
        elif not hits["udp"][f]:
            tap_skip(desc, "UDP's sequence does not reach it on this kernel")
        else:
            tap_check(True, desc)
    if RECV_FUNC in kp.funcs:
        tap_check(hits["udp"][RECV_FUNC] > 0 and hits["altudp"][RECV_FUNC] > 0,
                  "%s: %s: %d hits from altudp's read, %d from UDP's" % (
                      run.name, RECV_FUNC, hits["altudp"][RECV_FUNC], hits["udp"][RECV_FUNC]))
    if CLOSE_FUNC in kp.funcs:
        # The kernel's IPV6_ADDRFORM leaves the UDP socket udp_prot, whose
        # close is not the map's; altudp's keeps the map's proto.
        alt, udp_ = hits["altudp"][CLOSE_FUNC], hits["udp"][CLOSE_FUNC]
        tap_check(alt == 1 and (run.mapped or udp_ == 1),
                  "%s: %s: %d hits from altudp's close in the map, %d from UDP's" % (
                      run.name, CLOSE_FUNC, alt, udp_))
    counter = "%s %s" % run.counter
    sent = out["udp"][0]
    tap_check(sent > 0 and out["udp"][1] == 0,
              "%s: UDP: %s +%d, AltUdpOutDatagrams +%d" % ((run.name, counter) + out["udp"]))
    tap_check(out["altudp"] == (sent, sent),
              "%s: altudp: %s +%d, AltUdpOutDatagrams +%d" % ((run.name, counter) + out["altudp"]),
              "want +%d for both" % sent)
    for name, _ in KINDS:
        before, after = counts[name]
        tap_check(before == after, "%s: %s: socket counts back after close: %s" %
                  (run.name, name, after), "before: %s" % before)
    tap_diag("%s hits: %s" % (run.name, hits))


def main():
    require_module()
    if not kprobes_writable():
        skip_all("no writable kprobe_events")
    ipv6 = has_family(socket.AF_INET6) is None
    with Netns(ipv6=ipv6) as ns:
        runs = [Run("AF_INET", socket.AF_INET, (ns.addr_a, 0), (ns.addr_b, PORT),
                    socket.AF_INET, (ns.addr_b, PORT), SEND_FUNCS, ("Udp", "OutDatagrams"))]
        if ipv6:
            runs += [
                Run("AF_INET6", socket.AF_INET6, (ns.addr6_a, 0), (ns.addr6_b, PORT),
                    socket.AF_INET6, (ns.addr6_b, PORT), SEND6_FUNCS,
                    ("Udp6", "OutDatagrams")),
                Run("v4-mapped", socket.AF_INET6, ("::", 0), ("::ffff:" + ns.addr_b, PORT),
                    socket.AF_INET, (ns.addr_b, PORT), SEND6_FUNCS[:1] + SEND_FUNCS,
                    ("Udp", "OutDatagrams"))]
        else:
            tap_diag("no AF_INET6 altudp socket: IPv4 only")
        funcs = SEND_FUNCS + SEND6_FUNCS + (RECV_FUNC, CLOSE_FUNC)
        with Kprobes(funcs) as kp:
            for f in kp.missing:
                tap_skip("%s not probed" % f, "no symbol in this kernel")
            for run in runs:
                report(kp, run, *one(ns, kp, run))
    tap_end()


main()
