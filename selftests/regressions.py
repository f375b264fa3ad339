#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Regression tests: the known bugs of the kernel's UDP transmit path,
which the module copies, replayed on native UDP and altudp side by side.

Each group is named after the upstream fix (or CVE) it mirrors.  A module
that carries the bug shows a send result, payload or frame that differs
from native UDP's, a send buffer (SIOCOUTQ) that does not drain, unfreed
kernel memory (SUnreclaim of /proc/meminfo grows more than native's),
a kernel WARN/BUG (scripts/vm fails the run on it), or a module that
cannot be removed once all its sockets are closed (the last point).

ALTUDP_LONG=1 repeats the leak loops 100000 times instead of 10000 and
runs the threaded races longer.
"""

import errno
import os
import select
import socket
import struct
import subprocess
import threading
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from txcmp import (DPORT, IP_MTU_DISCOVER, MSG_PROBE, MSG_ZEROCOPY, SO_NO_CHECK, SO_ZEROCOPY,
                   SOL_UDP, UDP_CORK, UDP_SEGMENT, Peer, agree, kinds, send, sender, set_mtu,
                   side_by_side, wait_outq_zero)
from udpcmp import recv_errqueue

from altudp import (Netns, ip, kasan_enabled, module_file, module_refcnt, require_module, run_in,
                    tap_check, tap_diag, tap_end, tap_ok, tap_skip, trace_lines)

LONG = os.environ.get("ALTUDP_LONG") == "1"
LEAK_LOOPS = 100000 if LONG else 10000
RACE_SECONDS = 10.0 if LONG else 1.5
# SUnreclaim may grow by this much more for altudp than for native UDP
# over a leak loop: per-cpu slab caches and the page allocator's batching
# move it by some 100 kB in either direction; a 64-byte leak per send
# would be 640 kB over 10000 sends.
SLAB_TOLERANCE_KB = 256

SO_TIMESTAMPING = 37
MORE = socket.MSG_MORE
IP_OPTIONS = 4
IP_RETOPTS = 7
IP_PMTUDISC_DONT, IP_PMTUDISC_DO = 0, 2
SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1
SOF_TIMESTAMPING_SOFTWARE = 1 << 4
SOF_TIMESTAMPING_OPT_ID = 1 << 7
NOP4 = b"\x01\x01\x01\x00"              # NOP NOP NOP EOL: a 24-byte IP header
RR8 = b"\x07\x07\x04\x00\x00\x00\x00\x00"   # record route, one slot
KINDS = kinds()
PATTERN = bytes(range(251)) * 263      # 251 is prime: seeds shift it


def payload(n, seed=0):
    start = seed * 31 % 251
    return PATTERN[start:start + n]


def result(fn, *args):
    """fn's return value, or the name of the errno it raised."""
    try:
        return fn(*args)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def errqueue(s):
    """(origin, code, info, data) of each sock_extended_err queued."""
    return [(e[1], e[3], e[4], e[5]) for e in recv_errqueue(s)]


def wire(run):
    """The frames' header records (txcmp.frame_records()) with the bytes
    of their IP options."""
    return [dict(r, opts=pkt[20:r["ihl"]]) for r, (pkt, _) in zip(run.records, run.frames)]


def same(desc, runs):
    """One point: the runs agree on send results, payloads and frames with
    their IP options, and both send buffers drained."""
    return agree(desc, runs, wire)


def fraggap_paged(ns, peer):
    """ipv4: account for fraggap on the paged allocation path.  On an SG
    device with an MTU above SKB_MAX_ALLOC, an skb filled to the MTU, whose
    last (mtu - hdr) % 8 bytes the next fragment takes over, followed by a
    large append: that fragment is paged and its linear part must hold the
    gap.  The trace shows the branch taken (pagedlen and fraggap > 0)."""
    desc = "ipv4: account for fraggap on the paged allocation path"
    mtu = 20002
    set_mtu(ns, mtu)
    trace_ok = os.path.isdir("/sys/kernel/tracing/events/altudp/altudp_append_alloc")
    for opts, hdr in (((), 20), (((socket.SOL_IP, IP_OPTIONS, NOP4),), 24)):
        first = mtu - hdr - 8           # the first skb ends at the MTU
        for second in (17000, 100):
            steps = [(first, MORE), (second, 0)]
            seen = []

            def arm(kind):
                if trace_ok:
                    trace_lines("altudp_append_alloc", kind == "altudp")

            def scenario(s):
                return [send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)]
            runs = side_by_side(ns, peer, scenario, opts, before=arm)
            if trace_ok:
                seen = trace_lines("altudp_append_alloc", False)
            tag = "%s, header %d, MTU %d, %d + %d bytes" % (desc, hdr, mtu, first, second)
            same(tag, runs)
            want = payload(first, 0) + payload(second, 1)
            tap_check(runs["altudp"].payloads == [want], tag + ": payload intact")
            if second < 16000:
                continue
            if not trace_ok:
                tap_skip(tag + ": paged fragment with a fraggap", "no altudp trace events")
                continue
            hit = [ln for ln in seen if " fraggap=0 " not in ln and " pagedlen=0 " not in ln]
            tap_check(hit, tag + ": paged fragment with a fraggap built",
                      "no such altudp_append_alloc event")
    set_mtu(ns, 1500)


def cork_option_changes(ns, peer):
    """CVE-2017-1000112: options changed between two MSG_MORE appends.  The
    datagram keeps the cork set up by the first append."""
    desc = "CVE-2017-1000112"
    so, ipl = socket.SOL_SOCKET, socket.SOL_IP

    def seq(*steps):
        def scenario(s):
            res = []
            for st in steps:
                if isinstance(st[0], int) and len(st) == 2:
                    res.append(send(s, payload(st[0], len(res)), st[1], peer.addr))
                else:
                    res.append(result(s.setsockopt, *st))
            return res
        return scenario

    cases = {
        "LTP setsockopt05: 4000 MSG_MORE, SO_NO_CHECK, 1":
            seq((4000, MORE), (so, SO_NO_CHECK, 1), (1, 0)),
        "1000 MSG_MORE, SO_NO_CHECK, 3000":
            seq((1000, MORE), (so, SO_NO_CHECK, 1), (3000, 0)),
        "SO_NO_CHECK, 1000 MSG_MORE, SO_NO_CHECK off, 3000":
            seq((so, SO_NO_CHECK, 1), (1000, MORE), (so, SO_NO_CHECK, 0), (3000, 0)),
        "1000 MSG_MORE, UDP_SEGMENT 500, 2000":
            seq((1000, MORE), (SOL_UDP, UDP_SEGMENT, 500), (2000, 0)),
        "UDP_SEGMENT 500, 1000 MSG_MORE, UDP_SEGMENT 0, 3000":
            seq((SOL_UDP, UDP_SEGMENT, 500), (1000, MORE), (SOL_UDP, UDP_SEGMENT, 0), (3000, 0)),
        "UDP_SEGMENT 1000, 1400 MSG_MORE, UDP_SEGMENT 100, 30000":
            seq((SOL_UDP, UDP_SEGMENT, 1000), (1400, MORE), (SOL_UDP, UDP_SEGMENT, 100),
                (30000, 0)),
        "1000 MSG_MORE, IP_PMTUDISC_DO, 3000":
            seq((1000, MORE), (ipl, IP_MTU_DISCOVER, IP_PMTUDISC_DO), (3000, 0)),
        "IP_PMTUDISC_DO, 1000 MSG_MORE, IP_PMTUDISC_DONT, 3000":
            seq((ipl, IP_MTU_DISCOVER, IP_PMTUDISC_DO), (1000, MORE),
                (ipl, IP_MTU_DISCOVER, IP_PMTUDISC_DONT), (3000, 0)),
        "1000 MSG_MORE, IP_OPTIONS, 3000":
            seq((1000, MORE), (ipl, IP_OPTIONS, RR8), (3000, 0)),
        "IP_OPTIONS, 1000 MSG_MORE, IP_OPTIONS cleared, 3000":
            seq((ipl, IP_OPTIONS, RR8), (1000, MORE), (ipl, IP_OPTIONS, b""), (3000, 0)),
        "IP_OPTIONS 4 bytes, 1000 MSG_MORE, IP_OPTIONS 8 bytes, 3000":
            seq((ipl, IP_OPTIONS, NOP4), (1000, MORE), (ipl, IP_OPTIONS, RR8), (3000, 0)),
    }
    for name, scenario in cases.items():
        same("%s: %s" % (desc, name), side_by_side(ns, peer, scenario))


def probe_more(ns, peer):
    """CVE-2009-2698: MSG_PROBE|MSG_MORE leaves no pending datagram behind."""
    def scenario(s):
        return [send(s, payload(100), MSG_PROBE | MORE, peer.addr),
                send(s, payload(200, 1), 0, peer.addr),
                send(s, payload(0), MSG_PROBE | MORE, peer.addr),
                result(s.setsockopt, SOL_UDP, UDP_CORK, 0),
                send(s, payload(10, 2)),
                send(s, payload(300, 3), MORE, peer.addr),
                send(s, payload(100, 4), MSG_PROBE | MORE, peer.addr),
                send(s, payload(50, 5), 0, peer.addr)]
    same("CVE-2009-2698: MSG_PROBE|MSG_MORE, then normal sends", side_by_side(ns, peer, scenario))

    def connected(s):
        s.connect(peer.addr)
        return [send(s, payload(100), MSG_PROBE | MORE), send(s, payload(20, 1))]
    same("CVE-2009-2698: connected, MSG_PROBE|MSG_MORE then send()",
         side_by_side(ns, peer, connected))


def transhdrlen(ns, peer):
    """ipv4: fix handling of transhdrlen in __ip_append_data(): the UDP
    header is counted once, whatever the appends' sizes."""
    desc = "transhdrlen counted once"
    cases = {
        "0 MSG_MORE, 100": [(0, MORE), (100, 0)],
        "100 MSG_MORE, 0 MSG_MORE, 200": [(100, MORE), (0, MORE), (200, 0)],
        "0 MSG_MORE, 0": [(0, MORE), (0, 0)],
        "0 MSG_MORE, 3000": [(0, MORE), (3000, 0)],
        "1472 MSG_MORE, 1": [(1472, MORE), (1, 0)],
        "1 MSG_MORE x 100, 1": [(1, MORE)] * 100 + [(1, 0)],
    }
    for name, steps in cases.items():
        runs = side_by_side(ns, peer, lambda s: [
            send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)])
        same("%s: %s" % (desc, name), runs)
        want = b"".join(payload(n, i) for i, (n, _) in enumerate(steps))
        tap_check(runs["altudp"].payloads == [want],
                  "%s: %s: one datagram, length %d" % (desc, name, len(want)),
                  "got lengths %r" % [len(p) for p in runs["altudp"].payloads])


def zerocopy_more(ns, peer):
    """Zerocopy refcount fixes with MSG_MORE (ipv4: fix uarg refcount with
    MSG_MORE, net: zerocopy uarg and MSG_MORE): one completion range per
    zerocopy send, as native, nothing left in the send buffer."""
    ZC = MSG_ZEROCOPY
    cases = {
        "MSG_ZEROCOPY|MSG_MORE, MSG_ZEROCOPY": [(1000, ZC | MORE), (1000, ZC)],
        "MSG_MORE, MSG_ZEROCOPY": [(1000, MORE), (1000, ZC)],
        "MSG_ZEROCOPY|MSG_MORE x 3, MSG_ZEROCOPY": [(1000, ZC | MORE)] * 3 + [(1000, ZC)],
        "MSG_ZEROCOPY|MSG_MORE, MSG_MORE, MSG_ZEROCOPY, fragmenting":
            [(3000, ZC | MORE), (3000, MORE), (3000, ZC)],
        "MSG_ZEROCOPY|MSG_MORE past 65507, MSG_ZEROCOPY":
            [(60000, ZC | MORE), (6000, ZC | MORE), (100, ZC)],
    }
    for name, steps in cases.items():
        def scenario(s):
            res = [send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)]
            wait_outq_zero(s)
            notes = []
            end = time.monotonic() + 1
            while time.monotonic() < end:
                notes += errqueue(s)
                zc_sends = sum(1 for n, f in steps if f & ZC)
                if any(d >= zc_sends - 1 for _, _, _, d in notes):
                    break
                time.sleep(0.05)
            return res + [notes]
        runs = side_by_side(ns, peer, scenario, [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)])
        same("zerocopy with MSG_MORE: %s" % name, runs)


def gso_checks(ns, peer):
    """UDP GSO's checks in udp_send_skb() and udp_cmsg_send()."""
    def gso(size):
        return [(SOL_UDP, UDP_SEGMENT, struct.pack("H", size))]

    cases = {
        "one segment or less goes as a plain datagram":
            lambda s: [send(s, payload(n), 0, peer.addr, gso(1000)) for n in (1, 999, 1000)],
        "segment count from the payload: 2500 bytes in 1000-byte segments":
            lambda s: [send(s, payload(2500), 0, peer.addr, gso(1000))],
        "gso_size above the MTU: EMSGSIZE":
            lambda s: [send(s, payload(3000), 0, peer.addr, gso(1473)),
                       send(s, payload(1000), 0, peer.addr, gso(1473))],
        "128 segments pass":
            lambda s: [send(s, payload(12800), 0, peer.addr, gso(100))],
        "129 segments: EINVAL":
            lambda s: [send(s, payload(12801), 0, peer.addr, gso(100)),
                       send(s, payload(12900), 0, peer.addr, gso(100))],
        "SO_NO_CHECK with UDP_SEGMENT: EINVAL":
            lambda s: [s.setsockopt(socket.SOL_SOCKET, SO_NO_CHECK, 1),
                       send(s, payload(3000), 0, peer.addr, gso(1000)),
                       send(s, payload(500), 0, peer.addr, gso(1000))],
    }
    for name, scenario in cases.items():
        same("GSO: " + name, side_by_side(ns, peer, scenario))

    # A route MTU lowered under a connected socket with UDP_SEGMENT.
    def pmtu_drop(s):
        s.setsockopt(SOL_UDP, UDP_SEGMENT, 1400)
        s.connect(peer.addr)
        res = [send(s, payload(4200))]
        ip("-n", ns.a, "route", "add", ns.addr_b + "/32", "dev", ns.if_a, "mtu", "1000")
        try:
            res += [send(s, payload(4200)), send(s, payload(900)),
                    send(s, payload(2700), 0, None, gso(900))]
        finally:
            ip("-n", ns.a, "route", "del", ns.addr_b + "/32")
        return res
    same("GSO: route MTU lowered under a connected socket: EMSGSIZE",
         side_by_side(ns, peer, pmtu_drop))


def unreclaimable_kb():
    """SUnreclaim of /proc/meminfo, per-cpu counter deltas folded first."""
    with open("/proc/sys/vm/stat_refresh", "w") as f:
        f.write("1")
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("SUnreclaim:"):
                return int(line.split()[1])
    return 0


def slab_loop(ns, desc, body, opts=()):
    """body(sock) LEAK_LOOPS times on each kind: the same results, and
    altudp's SUnreclaim growth within SLAB_TOLERANCE_KB of native's."""
    growth, res = {}, {}
    for kind, proto in KINDS:
        s = sender(ns, proto, opts)
        for _ in range(500):            # warm the caches first
            body(s)
        kb = unreclaimable_kb()
        seen = set()
        for _ in range(LEAK_LOOPS):
            seen.add(body(s))
        growth[kind] = unreclaimable_kb() - kb
        res[kind] = sorted(seen)
        s.close()
    tap_check(res["native"] == res["altudp"], desc + ": results as native",
              "native %r, altudp %r" % (res["native"], res["altudp"]))
    grew = "SUnreclaim grew %d kB, native %d kB" % (growth["altudp"], growth["native"])
    if kasan_enabled():
        # kmemleak, in the same debug kernel, is the leak check there.
        tap_skip("%s: no leak over %d sends" % (desc, LEAK_LOOPS),
                 "KASAN's quarantine holds freed objects (%s)" % grew)
    else:
        tap_check(growth["altudp"] <= growth["native"] + SLAB_TOLERANCE_KB,
                  "%s: no leak over %d sends" % (desc, LEAK_LOOPS), grew)
    tap_diag("%s: results %r; SUnreclaim growth native %d kB, altudp %d kB" %
             (desc, res["altudp"], growth["native"], growth["altudp"]))


def setup_cork_leak(ns, peer):
    """ipv4: fix memory leak in ip_setup_cork(): a route MTU below 68 fails
    the send with ENETUNREACH after the options were copied into the cork.
    Options from IP_OPTIONS and from an IP_RETOPTS cmsg, sends uncorked
    and with MSG_MORE in turn."""
    ip("-n", ns.a, "route", "add", ns.addr_b + "/32", "dev", ns.if_a, "mtu", "lock", "67")
    data = payload(100)
    variants = ((0, ()), (MORE, ()), (0, [(socket.SOL_IP, IP_RETOPTS, RR8)]),
                (MORE, [(socket.SOL_IP, IP_RETOPTS, RR8)]))
    state = [0]

    def body(s):
        state[0] += 1
        flags, anc = variants[state[0] % 4]
        return send(s, data, flags, peer.addr, anc)
    try:
        slab_loop(ns, "ip_setup_cork: IP options and a route MTU of 67", body,
                  [(socket.SOL_IP, IP_OPTIONS, NOP4)])
    finally:
        ip("-n", ns.a, "route", "del", ns.addr_b + "/32")


def cmsg_leak(ns, peer):
    """ipv4: fix the ip_cmsg_send() callers' leak: an IP_RETOPTS cmsg that
    allocated options, then an invalid cmsg (an unknown type, a short
    IP_TTL), uncorked and with MSG_MORE in turn."""
    data = payload(100)
    variants = ((0, [(socket.SOL_IP, IP_RETOPTS, NOP4), (socket.SOL_IP, 0x7fff, b"")]),
                (MORE, [(socket.SOL_IP, IP_RETOPTS, RR8), (socket.SOL_IP, socket.IP_TTL, b"\0")]))
    state = [0]

    def body(s):
        state[0] += 1
        flags, anc = variants[state[0] % 2]
        return send(s, data, flags, peer.addr, anc)
    slab_loop(ns, "ip_cmsg_send: IP_RETOPTS then an invalid cmsg", body)


def options_race(ns, peer):
    """CVE-2012-3552: IP_OPTIONS replaced while another thread sends (the
    options are read under RCU into a private copy)."""
    for kind, proto in KINDS:
        s = sender(ns, proto)
        stop = threading.Event()

        def flip():
            opts = (NOP4, RR8, b"", b"\x44\x0c\x05\x00" + bytes(8), NOP4 * 10)
            i = 0
            while not stop.is_set():
                result(s.setsockopt, socket.SOL_IP, IP_OPTIONS, opts[i % len(opts)])
                i += 1
        t = threading.Thread(target=flip)
        t.start()
        sent, errs, i = [], set(), 0
        end = time.monotonic() + RACE_SECONDS
        while time.monotonic() < end:
            parts = [payload(1 + i % 3000, i)]
            if i % 3 == 0:              # every third datagram in two appends
                parts.append(payload(1 + i * 7 % 1500, i + 1))
            rs = [send(s, p, MORE if k < len(parts) - 1 else 0, peer.addr)
                  for k, p in enumerate(parts)]
            errs |= {r for r in rs if not isinstance(r, int)}
            if all(isinstance(r, int) for r in rs):
                sent.append(b"".join(parts))
            i += 1
        stop.set()
        t.join()
        got, _ = peer.collect()
        q = wait_outq_zero(s)
        s.close()
        lost = len(sent) - len(got)
        bad = [p for p in got if p not in set(sent)]
        tap_check(not errs and not bad and q == 0 and sorted(got) == sorted(sent),
                  "CVE-2012-3552: %s: IP_OPTIONS flipped during %d sends, payloads intact"
                  % (kind, len(sent)),
                  "errors %r, %d corrupted, %d lost, SIOCOUTQ %d" % (errs, len(bad), lost, q))


def errqueue_at_close(ns, peer):
    """Zerocopy completions and TX timestamps left on the error queue at
    close(): freed with the socket (checked by the module's removal at the
    end)."""
    ts = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID
    queued = {}
    for kind, proto in KINDS:
        s = sender(ns, proto, [(socket.SOL_SOCKET, SO_ZEROCOPY, 1),
                               (socket.SOL_SOCKET, SO_TIMESTAMPING, ts)])
        for i in range(20):
            send(s, payload(1000, i), MSG_ZEROCOPY if i % 2 else 0, peer.addr)
        send(s, payload(500), MSG_ZEROCOPY | MORE, peer.addr)   # left pending
        p = select.poll()
        p.register(s, select.POLLERR)
        queued[kind] = bool(p.poll(1000))
        s.close()
    peer.collect()
    tap_check(queued["native"] and queued["altudp"],
              "zerocopy and timestamps queued on the error queue, then close()",
              "POLLERR: %r" % queued)


def more_past_max(ns, peer):
    """MSG_MORE appends summing past 65507: EMSGSIZE, pending data dropped."""
    cases = {
        "60000 + 5508 + 10": [(60000, MORE), (5508, MORE), (10, 0)],
        "65507 + 1 + 10": [(65507, MORE), (1, MORE), (10, 0)],
        "30000 x 3, 100": [(30000, MORE), (30000, MORE), (30000, 0), (100, 0)],
        "65507 + 0, 65508": [(65507, MORE), (0, 0), (65508, 0)],
    }
    for name, steps in cases.items():
        same("MSG_MORE past 65507 bytes: " + name, side_by_side(ns, peer, lambda s: [
            send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)]))


def make_veth(ns):
    """The veth pair of ns again, after a deletion."""
    ip("link", "add", ns.if_a, "netns", ns.a, "type", "veth",
       "peer", "name", ns.if_b, "netns", ns.b)
    for n, dev, addr in ((ns.a, ns.if_a, ns.addr_a), (ns.b, ns.if_b, ns.addr_b)):
        ip("-n", n, "addr", "add", addr + "/24", "dev", dev)
        ip("-n", n, "link", "set", dev, "up")


def device_removal(ns, peer):
    """Sends while the egress veth is deleted under them: no crash, the
    errors native UDP gives.  The veth is made again for the second run."""
    seen, last = {}, {}
    dst = (ns.addr_b, DPORT)
    for kind, proto in KINDS:
        if kind != KINDS[0][0]:
            make_veth(ns)
        s = sender(ns, proto)
        c = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM, proto)
        c.connect(dst)
        stop = threading.Event()
        res = []

        def blast():
            i = 0
            while not stop.is_set():
                res.append(send(s, payload(1 + i % 4000), MORE if i % 5 == 0 else 0, dst))
                res.append(send(c, payload(1 + i % 2000)))
                i += 1
        t = threading.Thread(target=blast)
        t.start()
        time.sleep(0.2)
        ip("-n", ns.a, "link", "del", ns.if_a)
        time.sleep(0.2)
        stop.set()
        t.join()
        after = [send(s, payload(10), 0, dst), send(c, payload(10))]
        q = (wait_outq_zero(s), wait_outq_zero(c))
        s.close()
        c.close()
        seen[kind] = {r for r in res if not isinstance(r, int)}
        last[kind] = (after, q)
    tap_check(last["native"] == last["altudp"],
              "egress device deleted under traffic: later sends fail as native",
              "native %r, altudp %r" % (last["native"], last["altudp"]))
    # Which transient errors a send meets during the deletion depends on
    # timing; those that native UDP can return there are acceptable.
    # EINVAL among them: a route lookup that finds the device without its
    # in_device (__mkroute_output()) or a neighbour created on its dead
    # parms (___neigh_create(), via ip_finish_output2()).
    transient = {"ENETUNREACH", "ENODEV", "ENXIO", "ENETDOWN", "ENOBUFS", "EAGAIN",
                 "EINVAL"}
    odd = seen["altudp"] - seen["native"] - transient
    tap_check(not odd, "egress device deleted under traffic: errors of native's kinds",
              "native %r, altudp %r" % (seen["native"], seen["altudp"]))


def module_removal():
    """With every altudp socket closed (some in flight a moment ago, some
    with an error queue), the module goes and comes back."""
    ko = module_file()
    if not ko:
        tap_skip("all sockets freed: rmmod, insmod", "ALTUDP_KO not set, no altudp module installed")
        return
    # Up to 60 s: closed sockets drop their module reference after an RCU
    # grace period (SOCK_RCU_FREE), late in a debug kernel (lib.sh's
    # rmmod_altudp).
    out = ""
    end = time.monotonic() + 60
    while True:
        r = subprocess.run(("rmmod", "altudp"), capture_output=True, text=True)
        if r.returncode == 0:
            break
        out = r.stderr.strip()
        if time.monotonic() > end:
            break
        time.sleep(0.2)
    if r.returncode:
        out += "; refcnt %d" % module_refcnt()
        tap_check(False, "all sockets freed: rmmod altudp", out)
        return
    tap_ok("all sockets freed: rmmod altudp")
    r = subprocess.run(("insmod", ko), capture_output=True, text=True)
    tap_check(r.returncode == 0, "insmod altudp again", r.stderr.strip())


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns)
        fraggap_paged(ns, peer)
        cork_option_changes(ns, peer)
        probe_more(ns, peer)
        transhdrlen(ns, peer)
        zerocopy_more(ns, peer)
        gso_checks(ns, peer)
        more_past_max(ns, peer)
        setup_cork_leak(ns, peer)
        cmsg_leak(ns, peer)
        options_race(ns, peer)
        errqueue_at_close(ns, peer)
        device_removal(ns, peer)        # last: it deletes the veth
        peer.close()
    module_removal()
    tap_end()


main()
