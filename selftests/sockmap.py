#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""BPF socket maps: a bound UDP socket can be put into a SOCKMAP or a
SOCKHASH with bpf(2) alone, no program, and the insert swaps its proto
for one whose receive side is the psock's.  An altudp socket must keep
the module's transmit path there: its sends, UDP_CORK push, splice,
sendfile and close with a corked datagram pending never reach the kernel's
udp_sendmsg, udp_push_pending_frames, udp_sendpage, udp_splice_eof or
ip_flush_pending_frames (kprobes, 0 hits; a UDP socket doing the same
hits each, and one it never hits is a skip), AltUdpOutDatagrams moves
with Udp OutDatagrams, and its reads go through the psock's
udp_bpf_recvmsg as UDP's do.

Native UDP and altudp side by side: the same sequence, the same errnos
(EOPNOTSUPP for an unbound socket), and the sockets' counts, sockstat's
"UDP: inuse" and /proc/net/protocols' ALTUDP line, back where they were
after a disconnect while in the map and close: the psock's proto must
count in the socket's own protocol.  An AF_INET6 altudp socket is refused
(EOPNOTSUPP) where a UDPv6 one goes in.
"""

import errno
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
                    snmp, sock_counts)

PORT = 9000
# udp_sendpage is 6.1's, udp_splice_eof later kernels'; the last one is
# the receive side the map gives the socket.
SEND_FUNCS = ("udp_sendmsg", "udp_push_pending_frames", "udp_sendpage",
              "udp_splice_eof", "ip_flush_pending_frames")
RECV_FUNC = "udp_bpf_recvmsg"

def scenario(ns, proto):
    """In ns.a: inserts, sends, a read, deletes, and a close in the map;
    returns what each step returned."""
    res = {}
    peer = (ns.addr_b, PORT)
    maps = [map_create(MAP_SOCKMAP), map_create(MAP_SOCKHASH)]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
    try:
        res["insert unbound"] = outcome(map_update, maps[0], 0, s)
        s.bind((ns.addr_a, 0))
        s.connect(peer)
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
        res["disconnect"] = outcome(raw_connect, s, struct.pack("=H14x", socket.AF_UNSPEC))
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        res["corked sendto"] = outcome(s.sendto, b"k" * 100, peer)
    finally:
        s.close()
        for fd in maps:
            os.close(fd)
    return res


def main():
    require_module()
    if not kprobes_writable():
        skip_all("no writable kprobe_events")
    with Netns() as ns, Kprobes(SEND_FUNCS + (RECV_FUNC,)) as kp:
        for f in kp.missing:
            tap_skip("%s not probed" % f, "no symbol in this kernel")
        hits, out, res, counts = {}, {}, {}, {}
        for name, proto in KINDS:
            counts[name] = [sock_counts(ns.a)]
            h0, s0, a0 = kp.hits(), snmp(ns.a), altudp_stats(ns.a)
            # The peer answers the socket's first datagram from an altudp
            # socket: a UDP one would hit udp_sendmsg itself.
            sink = run_in(ns.b, socket.socket, socket.AF_INET,
                          socket.SOCK_DGRAM, KINDS[1][1])
            sink.bind((ns.addr_b, PORT))
            sink.settimeout(30)
            box = {}

            def body(proto=proto, box=box):
                try:
                    box["res"] = run_in(ns.a, scenario, ns, proto)
                except Exception as e:      # reported below
                    box["error"] = e
            t = threading.Thread(target=body)
            t.start()
            # The datagram the socket reads: the peer answers its first.
            try:
                sink.sendto(b"r" * 10, sink.recvfrom(2000)[1])
            except OSError as e:
                tap_diag("peer: %s" % e)
            t.join()
            sink.close()
            res[name] = box.get("res")
            if "error" in box:
                tap_diag("%s: %r" % (name, box["error"]))
            h1, s1, a1 = kp.hits(), snmp(ns.a), altudp_stats(ns.a)
            counts[name].append(sock_counts(ns.a))
            hits[name] = {f: h1.get(f, 0) - h0.get(f, 0) for f in kp.funcs}
            out[name] = (s1["Udp"]["OutDatagrams"] - s0["Udp"]["OutDatagrams"],
                         a1.get("AltUdpOutDatagrams", 0) - a0.get("AltUdpOutDatagrams", 0))

        udp, alt = res["udp"], res["altudp"]
        if udp is None or alt is None:
            tap_fail("the sequence ran", "udp: %r, altudp: %r" % (udp, alt))
            tap_end()
        for step in udp:
            tap_check(udp[step] == alt[step], "%s: altudp %s, udp %s" %
                      (step, alt[step], udp[step]))
        tap_check(udp["insert sockmap"] == ("ok", 0), "UDP socket inserted",
                  repr(udp["insert sockmap"]))
        for f in SEND_FUNCS:
            if f not in kp.funcs:
                continue
            desc = "%s: %d hits from altudp, %d from UDP" % (
                f, hits["altudp"][f], hits["udp"][f])
            if hits["altudp"][f]:
                tap_fail(desc, "the kernel's transmit path ran for altudp")
            elif not hits["udp"][f]:
                tap_skip(desc, "UDP's sequence does not reach it on this kernel")
            else:
                tap_check(True, desc)
        if RECV_FUNC in kp.funcs:
            tap_check(hits["udp"][RECV_FUNC] > 0 and hits["altudp"][RECV_FUNC] > 0,
                      "%s: %d hits from altudp's read, %d from UDP's" % (
                          RECV_FUNC, hits["altudp"][RECV_FUNC], hits["udp"][RECV_FUNC]))
        sent = out["udp"][0]
        tap_check(sent > 0 and out["udp"][1] == 0,
                  "UDP: Udp OutDatagrams +%d, AltUdpOutDatagrams +%d" % out["udp"])
        tap_check(out["altudp"] == (sent, sent),
                  "altudp: Udp OutDatagrams +%d, AltUdpOutDatagrams +%d" % out["altudp"],
                  "want +%d for both" % sent)
        for name, _ in KINDS:
            before, after = counts[name]
            tap_check(before == after, "%s: socket counts back after close: %s" %
                      (name, after), "before: %s" % before)
        tap_diag("hits: %s" % hits)
        if has_family(socket.AF_INET6) is None:
            ipv6_insert(ns)
    tap_end()


def ipv6_insert(ns):
    """An AF_INET6 altudp socket is refused (EOPNOTSUPP) where a UDPv6 one
    goes in: the kernel's insert would give it the kernel's UDPv6 proto for
    maps, whose sends are udpv6_sendmsg()'s."""
    res = {}
    sockmap = map_create(MAP_SOCKMAP)
    try:
        for name, proto in KINDS:
            s = run_in(ns.a, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM, proto)
            s.bind(("::1", 0))
            res[name] = outcome(map_update, sockmap, 0, s)
            outcome(map_delete, sockmap, 0)
            s.close()
    finally:
        os.close(sockmap)
    tap_check(res["udp"] == ("ok", 0) and res["altudp"] == ("err", errno.errorcode[errno.EOPNOTSUPP]),
              "AF_INET6: altudp socket refused (%s), UDPv6 one inserted (%s)" % (
                  res["altudp"], res["udp"]))


main()
