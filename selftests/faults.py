#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fault injection: failed allocations and user copies in the sending
task only, on native UDP and altudp in the same boot.

Needs a kernel with CONFIG_FAULT_INJECTION and its failslab,
fail_page_alloc and fail_usercopy attrs in debugfs (the debug kernel of
make check-debug); skipped elsewhere.  Four parts, on IPv4 sockets then
on IPv6 ones (to the peer's fd00:99:1::2):

- nth failure, as syzkaller injects it: for each call of each scenario
  (plain, fragmenting, MSG_MORE and UDP_CORK chains, UDP_SEGMENT,
  MSG_ZEROCOPY plain and corked, IP options or IPv6 extension headers,
  timestamp keys; IPv6 fragments at its minimum MTU, 1280), the call is
  made with its Nth fault point failed (/proc/thread-self/fail-nth), for
  N = 1, 2, ... until the call runs without reaching an Nth point,
  each time on a new socket that first replays the calls before it, then
  makes the calls after it and a probe send.  For each call, every errno
  altudp returns must be one native UDP returned for the same call, and
  what followed a failure with that errno (the later calls' results, the
  datagrams received, the zerocopy ids completed, the timestamp keys
  reported, the send buffer drained) must be something native UDP showed
  after the same errno; a success must be followed as native's was
  (native's sweep is made up to ten times while altudp shows an
  outcome it has not: the points a call reaches depend on state outside
  the socket).  So
  a failed corked append must leave the pending datagram as the kernel
  leaves its own, and the probe must go through.
- memory pressure at the push of a corked MSG_ZEROCOPY datagram built for
  a smaller MTU (its frag_list leaves whole): every page allocation of
  the push fails.  The kernel sends the datagram; so must altudp, with
  AltUdpZerocopyKept counting the skbs that kept their references.
- random failures: a batch of cork, zerocopy and GSO sends with a
  fraction of the task's fault points failing (make-it-fail,
  probability); altudp's errnos must be among native's, and the socket
  must work after.
- the fuzzer (altudp_fuzz --fail) on altudp sockets with the same
  injection, when build/altudp_fuzz is there (make check builds it): once,
  its sequences on IPv4 and IPv6 sockets alike, IPv6 ones to the peer.

The failures injected are counted per attr and family and printed.
Leaks are kmemleak's to find and the kernel log's WARNs scripts/vm's; the
module must come out once the sockets are closed (the last point).
ALTUDP_LONG=1 runs the random batch and the fuzzer longer;
ALTUDP_FAULTS_PARTS names the parts to run (default "nth push random
fuzz"), ALTUDP_FAULTS_FAMILIES the families (default "4 6").
"""

import collections
import errno
import fcntl
import os
import random
import re
import socket
import struct
import subprocess
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from faults import FailNth, FaultAttrs, available, make_it_fail
from txcmp import (IPV6_DSTOPTS, IPV6_HOPOPTS, IPV6_RECVERR, IPV6_RTHDR, IPV6_RTHDRDSTOPTS,
                   MSG_ZEROCOPY, SO_EE_ORIGIN_ZEROCOPY, SO_ZEROCOPY, SOL_IPV6, SOL_UDP,
                   UDP_CORK, UDP_SEGMENT, counters, kinds, sender, wait_outq_zero)
from udpcmp import recv_errqueue

from altudp import (ROOT, Netns, has_family, module_refcnt, require_module, run_in,
                    skip_all, tap_check, tap_diag, tap_end, tap_skip)

LONG = os.environ.get("ALTUDP_LONG") == "1"
MAX_NTH = 300
# Whether a run reaches some points is not the socket's to decide: in the
# 7.2 debug kernel, one native sweep of the IPv6 fragmenting step reached
# ip6_fraglist_init()'s kmemdup() (ENOMEM, at N = 23 and 24) and the next
# did not; in another run three native sweeps did not and altudp's did.
# Ten sweeps make a missed outcome unlikely; they are made only while
# altudp shows one.
NATIVE_SWEEPS = 10
RANDOM_SENDS = 3000 if LONG else 600
RANDOM_PCT = 10
FUZZ_COUNT = 2000 if LONG else 200
PARTS = os.environ.get("ALTUDP_FAULTS_PARTS", "nth push random fuzz").split()
FAMILIES = os.environ.get("ALTUDP_FAULTS_FAMILIES", "4 6").split()

MORE, ZC = socket.MSG_MORE, MSG_ZEROCOPY
SO_TIMESTAMPING = 37
SO_EE_ORIGIN_TIMESTAMPING = 4
IP_RECVERR, IP_RETOPTS = 11, 7
# TX_SCHED | TX_SOFTWARE | SOFTWARE | OPT_ID
TSFLAGS = (1 << 8) | (1 << 1) | (1 << 4) | (1 << 7)
NOP4 = b"\x01\x01\x01\x00"
# IPv6 extension headers as ipv6_cmsg.py sends them: hop-by-hop with a
# router alert, destination options (one big enough to need its own
# allocation), a type 2 routing header.
HOP_RA = b"\x00\x00\x05\x02\x00\x00\x01\x00"
DST_OPT = b"\x00\x00\x1e\x04abcd"
DST_BIG = b"\x00\x03\x1e\x1c" + bytes(range(28))
PATTERN = bytes(range(251)) * 263
PROBE = b"probe"
MARK = b"mark"


def payload(n, seed=0):
    start = seed * 31 % 251
    return PATTERN[start:start + n]


def errname(v):
    if isinstance(v, OSError):
        return errno.errorcode.get(v.errno, str(v.errno))
    return v


class Family:
    """What differs between the IPv4 and the IPv6 runs: the peer's
    address, the error queue option, the options sent as control
    messages, the largest payload of an unfragmented datagram."""

    def __init__(self, ns, v6):
        self.v6 = v6
        self.family = socket.AF_INET6 if v6 else socket.AF_INET
        self.name = "IPv6" if v6 else "IPv4"
        # IPv4's test points keep their names; IPv6's are prefixed.
        self.tag = "IPv6: " if v6 else ""
        self.dst = ns.addr6_b if v6 else ns.addr_b
        self.recverr = (SOL_IPV6, IPV6_RECVERR, 1) if v6 else (socket.SOL_IP, IP_RECVERR, 1)
        self.unfrag = 1452 if v6 else 1472
        if v6:
            rthdr = b"\x00\x02\x02\x01" + bytes(4) + socket.inet_pton(socket.AF_INET6, self.dst)
            self.opts = [(SOL_IPV6, IPV6_HOPOPTS, HOP_RA)]
            self.opts_big = [(SOL_IPV6, IPV6_DSTOPTS, DST_BIG), (SOL_IPV6, IPV6_HOPOPTS, HOP_RA)]
            self.opts_rt = [(SOL_IPV6, IPV6_RTHDR, rthdr), (SOL_IPV6, IPV6_RTHDRDSTOPTS, DST_OPT)]
        else:
            self.opts = self.opts_big = [(socket.SOL_IP, IP_RETOPTS, NOP4)]
            self.opts_rt = None

    def socket(self, ns, proto, opts=()):
        return sender(ns, proto, [self.recverr] + list(opts), family=self.family)


class Send:
    """A sendmsg() step; its value is the byte count or the errno name."""

    def __init__(self, n, flags=0, cmsg=(), seed=0):
        self.n, self.flags, self.cmsg, self.seed = n, flags, list(cmsg), seed
        self.desc = "send %d%s%s" % (n, "".join(
            " " + name for bit, name in ((MORE, "MORE"), (ZC, "ZEROCOPY")) if flags & bit),
            " +cmsg" if cmsg else "")

    def run(self, s, dst, nth=None, n=0):
        data = payload(self.n, self.seed)
        if nth:
            return nth.call(n, s.sendmsg, [data], self.cmsg, self.flags, dst)
        try:
            return s.sendmsg([data], self.cmsg, self.flags, dst), False
        except OSError as e:
            return e, False


class Opt:
    """A setsockopt() step (UDP_CORK 0 pushes the pending datagram)."""

    def __init__(self, level, name, value, desc):
        self.args, self.desc = (level, name, value), desc

    def run(self, s, dst, nth=None, n=0):
        if nth:
            return nth.call(n, s.setsockopt, *self.args)
        try:
            return s.setsockopt(*self.args), False
        except OSError as e:
            return e, False


SIOCSIFMTU = 0x8922
_ctl = {}


def set_mtu(ns, mtu):
    """Both ends of the veth to mtu, by ioctl on a socket of each
    namespace: quicker than ip(8), which a sweep would run thousands of
    times."""
    for name, dev in ((ns.b, ns.if_b), (ns.a, ns.if_a)):
        if name not in _ctl:
            _ctl[name] = run_in(name, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
        fcntl.ioctl(_ctl[name], SIOCSIFMTU, struct.pack("16si20x", dev.encode(), mtu))


class Mtu:
    """Both ends of the veth to an MTU: a step that is not swept."""

    def __init__(self, ns, mtu):
        self.ns, self.mtu, self.desc = ns, mtu, "MTU %d" % mtu

    def run(self, s, dst, nth=None, n=0):
        set_mtu(self.ns, self.mtu)
        return None, False


def scenarios(ns, fam):
    """(name, socket options, steps); every datagram goes to the peer."""
    gso = [(SOL_UDP, UDP_SEGMENT, struct.pack("H", 1000))]
    zc = [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)]
    ts = [(socket.SOL_SOCKET, SO_TIMESTAMPING, TSFLAGS)]
    cork = Opt(SOL_UDP, UDP_CORK, 1, "UDP_CORK 1")
    uncork = Opt(SOL_UDP, UDP_CORK, 0, "UDP_CORK 0")
    if fam.v6:
        # The minimum MTU of IPv6, then back to the veth's default.
        frag = ("fragmenting, MTU 1280", [], [Mtu(ns, 1280), Send(4000), Mtu(ns, 1500)])
        opts = ("extension headers", [],
                [Send(100, cmsg=fam.opts), Send(3000, MORE, fam.opts_big, 1), Send(10, seed=2),
                 Send(100, cmsg=fam.opts_rt, seed=3)])
    else:
        frag = ("fragmenting", [], [Send(4000)])
        opts = ("IP options", [],
                [Send(100, cmsg=fam.opts), Send(3000, MORE, fam.opts, 1), Send(10, seed=2)])
    return (
        ("plain", [], [Send(1000)]),
        frag,
        ("MSG_MORE chain", [], [Send(1000, MORE), Send(3000, MORE, seed=1), Send(100, seed=2)]),
        ("UDP_CORK", [], [cork, Send(700), Send(700, seed=1), uncork]),
        ("UDP_SEGMENT", [], [Send(4000, cmsg=gso)]),
        opts,
        ("MSG_ZEROCOPY", zc, [Send(1000, ZC), Send(4000, ZC, gso, 1)]),
        ("MSG_ZEROCOPY corked", zc, [Send(1000, ZC | MORE), Send(9000, ZC | MORE, seed=1),
                                     Send(100, seed=2)]),
        ("timestamp keys, corked", ts, [Send(1000, MORE), Send(500, seed=1), Send(200, seed=2)]),
        # The frag_list of a datagram built for 1500 bytes leaves whole
        # at 9000: __altudp_make_skb() (__altudp_ip6_make_skb()) copies
        # its zerocopy frags.
        ("MSG_ZEROCOPY corked, MTU grows, UDP_CORK push", zc + ts,
         [Mtu(ns, 1500), cork, Send(3000, ZC), Send(10, seed=1), Mtu(ns, 9000), uncork]),
        ("MSG_ZEROCOPY corked, MTU grows, push by send", zc,
         [Mtu(ns, 1500), Send(3000, ZC | MORE), Send(10, MORE, seed=1), Mtu(ns, 9000),
          Send(0)]),
    )


class Peer:
    """The receiver in ns.b, and a native socket in ns.a whose marker
    datagram, read back, ends what a run sent (one CPU: in order)."""

    def __init__(self, ns, fam, port=5000):
        self.fam, self.addr = fam, (fam.dst, port)
        self.rx = run_in(ns.b, socket.socket, fam.family, socket.SOCK_DGRAM)
        self.rx.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)    # SO_RCVBUFFORCE
        self.rx.bind(self.addr)
        self.mk = run_in(ns.a, socket.socket, fam.family, socket.SOCK_DGRAM)

    def drain(self):
        """The datagrams received up to the marker."""
        self.mk.sendto(MARK, self.addr)
        got = []
        self.rx.settimeout(5.0)
        try:
            while True:
                d = self.rx.recv(70000)
                if d == MARK:
                    return got
                got.append(d)
        except socket.timeout:
            return got + ["no marker"]

    def close(self):
        self.rx.close()
        self.mk.close()


def errqueue(s):
    """The zerocopy ids completed, as a sorted tuple (how completions
    merge depends on timing), and the timestamp keys reported with the
    number of timestamps: which of a datagram's timestamps (sched, sent)
    a failed clone loses depends on where the Nth point falls."""
    zc, keys, n = set(), set(), 0
    for e in recv_errqueue(s):
        if e[1] == SO_EE_ORIGIN_ZEROCOPY:
            zc.update(range(e[4], e[5] + 1))
        elif e[1] == SO_EE_ORIGIN_TIMESTAMPING:
            keys.add(e[5])
            n += 1
    return tuple(sorted(zc)), (tuple(sorted(keys)), n)


def one_run(ns, peer, proto, opts, steps, target, nth, n):
    """A new socket through all steps, step target with its nth fault
    point failed (n 0: none).  Returns (target's result, reached, what
    followed)."""
    s = peer.fam.socket(ns, proto, opts)
    try:
        results = []
        for i, step in enumerate(steps):
            v, hit = step.run(s, peer.addr, nth if i == target else None, n)
            if i == target:
                value, reached = errname(v), hit
            else:
                results.append(errname(v))
        results.append(errname(Send(len(PROBE)).run(s, peer.addr)[0]))
        got = peer.drain()
        left = wait_outq_zero(s, 2.0)
        time.sleep(0.01)
        eq = errqueue(s)
    finally:
        s.close()
    after = (tuple(results), tuple(got), left, eq)
    return value, reached, after


def sweep(ns, peer, proto, opts, steps, target, nth):
    """{outcome: count} over N = 1, 2, ... for one step, and the number
    of failures injected."""
    outcomes = collections.Counter()
    hits = 0
    for n in range(1, MAX_NTH + 1):
        value, reached, after = one_run(ns, peer, proto, opts, steps, target, nth, n)
        outcomes[(value, after)] += 1
        if not reached:
            break
        hits += 1
    return outcomes, hits


def short(after):
    results, got, left, eq = after
    return "later %r, received %r, outq %d, zc ids %r, ts keys %r" % (
        list(results), [len(d) for d in got], left, eq[0], eq[1])


def unseen(nat, alt):
    """altudp's outcomes of a sweep that native's sweeps never showed: an
    errno native did not return, or what followed a result as it never
    followed the same result natively."""
    seen = {}
    for v, after in nat:
        seen.setdefault(v if isinstance(v, str) else "ok", set()).add(after)
    return [(v, after) for v, after in alt
            if after not in seen.get(v if isinstance(v, str) else "ok", ())]


def check_sweeps(ns, peer, nth):
    """Part one; returns {kind: failures injected} and the errnos native
    UDP returned."""
    injected = collections.Counter()
    errs = set()
    for name, opts, steps in scenarios(ns, peer.fam):
        for target, step in enumerate(steps):
            if isinstance(step, Mtu):
                continue
            got = {}
            for kind, proto in kinds():
                got[kind], hits = sweep(ns, peer, proto, opts, steps, target, nth)
                injected[kind] += hits
            desc = "%s%s, %s (step %d)" % (peer.fam.tag, name, step.desc, target + 1)
            nat, alt = got["native"], got["altudp"]
            # The fault points a call reaches depend on state outside the
            # socket (a sweep of native's has reached 26 points in one run
            # and 28, one of them failing with ENOMEM, in another): native
            # sweeps again, up to NATIVE_SWEEPS in all, while altudp shows
            # what it has not.
            for i in range(1, NATIVE_SWEEPS):
                if not unseen(nat, alt):
                    break
                more, hits = sweep(ns, peer, dict(kinds())["native"], opts, steps,
                                   target, nth)
                injected["native"] += hits
                tap_diag("%s: native swept again (%d)" % (desc, i + 1))
                nat = nat + more
            nat_errs = {v for v, _ in nat if isinstance(v, str)}
            alt_errs = {v for v, _ in alt if isinstance(v, str)}
            errs |= nat_errs
            tap_diag("%s: native %d runs %s, altudp %d runs %s" % (
                desc, sum(nat.values()), sorted(nat_errs), sum(alt.values()), sorted(alt_errs)))
            tap_check(alt_errs <= nat_errs, desc + ": errnos among native's",
                      "altudp %s, native %s" % (sorted(alt_errs), sorted(nat_errs)))
            odd = unseen(nat, alt)
            for v, after in odd[:3]:
                tap_diag("%s: altudp %r then %s" % (desc, v, short(after)))
            if odd:
                for v, after in list(nat)[:6]:
                    tap_diag("%s: native %r then %s" % (desc, v, short(after)))
            tap_check(not odd, desc + ": what follows each result as native",
                      "%d outcomes native UDP never showed" % len(odd))
    return injected, errs


def check_push_pressure(ns, peer, fa):
    """Part two: every page allocation of the push fails."""
    zc = [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)]
    cork = Opt(SOL_UDP, UDP_CORK, 1, "UDP_CORK 1")
    pushes = (
        ("UDP_CORK 0", [Mtu(ns, 1500), cork, Send(3000, ZC), Send(10, seed=1), Mtu(ns, 9000)],
         Opt(SOL_UDP, UDP_CORK, 0, "UDP_CORK 0")),
        ("an empty send", [Mtu(ns, 1500), Send(3000, ZC | MORE), Send(10, MORE, seed=1),
                           Mtu(ns, 9000)], Send(0)),
    )
    want = payload(3000) + payload(10, 1)
    for how, steps, push in pushes:
        out = {}
        for kind, proto in kinds():
            s = sender(ns, proto, zc, family=peer.fam.family)
            try:
                for step in steps:
                    step.run(s, peer.addr)
                before = counters(ns.a)
                fa.probability(100, ("fail_page_alloc",))
                with make_it_fail():
                    v = errname(push.run(s, peer.addr)[0])
                fa.probability(0)
                kept = counters(ns.a).get("AltUdpZerocopyKept", 0) - \
                    before.get("AltUdpZerocopyKept", 0)
                got = peer.drain()
                wait_outq_zero(s, 2.0)
                time.sleep(0.05)
                out[kind] = (v, got == [want], errqueue(s)[0], kept)
            finally:
                fa.probability(0)
                s.close()
        set_mtu(ns, 1500)
        n, a = out["native"], out["altudp"]
        tag = peer.fam.tag
        tap_diag("%spush by %s with no pages: native %r, altudp %r "
                 "(result, delivered, zerocopy ids, AltUdpZerocopyKept)" % (tag, how, n, a))
        tap_check(n[1] and a[:3] == n[:3],
                  "%sMSG_ZEROCOPY corked, MTU grown, push by %s with no pages: "
                  "sent as native UDP sends it" % (tag, how),
                  "native %r, altudp %r" % (n[:3], a[:3]))
        tap_check(a[3] > 0, "%spush by %s with no pages: AltUdpZerocopyKept moved" % (tag, how),
                  "%d" % a[3])


def random_batch(ns, peer, proto, fa, seed):
    """Part three for one kind: errnos seen and whether the probe went
    through after."""
    rnd = random.Random(seed)
    fam = peer.fam
    gso = [(SOL_UDP, UDP_SEGMENT, struct.pack("H", 1000))]
    s = sender(ns, proto, [(socket.SOL_SOCKET, SO_ZEROCOPY, 1)], family=fam.family)
    errs = collections.Counter()
    try:
        fa.probability(RANDOM_PCT)
        for i in range(RANDOM_SENDS):
            n = rnd.choice((0, 1, 100, 1000, fam.unfrag, fam.unfrag + 1, 3000, 9000, 20000))
            flags = rnd.choice((0, 0, MORE, ZC, ZC | MORE))
            cmsg = rnd.choice(([], [], gso, fam.opts_big))
            data = payload(n, i)
            with make_it_fail():
                try:
                    s.sendmsg([data], cmsg, flags, peer.addr)
                except OSError as e:
                    errs[errno.errorcode.get(e.errno, str(e.errno))] += 1
            if i % 50 == 49:
                peer.drain()
                errqueue(s)
        fa.probability(0)
        Send(1).run(s, peer.addr)               # ends any pending datagram
        peer.drain()
        probe = errname(Send(len(PROBE)).run(s, peer.addr)[0])
        got = peer.drain()
        left = wait_outq_zero(s, 5.0)
        errqueue(s)
    finally:
        fa.probability(0)
        s.close()
    return errs, probe == len(PROBE) and got == [payload(len(PROBE))], left


def check_random(ns, peer, fa, nat_errs):
    """Part three: altudp's errnos must be among those native UDP returned
    in the same batch or in the nth sweeps."""
    res = {}
    for kind, proto in kinds():
        before = sum(fa.injected().values())
        res[kind] = random_batch(ns, peer, proto, fa, 1234)
        tap_diag("%srandom: %s: %d sends, %d failures injected, errnos %r" % (
            peer.fam.tag, kind, RANDOM_SENDS, sum(fa.injected().values()) - before,
            dict(res[kind][0])))
    n, a = res["native"], res["altudp"]
    tap_check(set(a[0]) <= set(n[0]) | nat_errs,
              "%srandom failures (%d %%): errnos among native's" % (peer.fam.tag, RANDOM_PCT),
              "altudp %r, native %r" % (dict(a[0]), dict(n[0])))
    tap_check(a[1] and a[2] == 0,
              "%srandom failures: the socket works after, send buffer drained" % peer.fam.tag,
              "probe delivered %r, SIOCOUTQ %d" % (a[1], a[2]))


def check_fuzz(ns, fa, v6):
    """Part four, once: the fuzzer's sequences open IPv4 and IPv6 sockets
    alike; v6, the IPv6 ones must have run."""
    fuzz = os.path.join(ROOT, "build", "altudp_fuzz")
    if not os.access(fuzz, os.X_OK):
        tap_skip("altudp_fuzz --fail", "build/altudp_fuzz not built (make fuzz)")
        return
    fa.probability(RANDOM_PCT)
    try:
        r = subprocess.run(("ip", "netns", "exec", ns.a, fuzz, "--fail", "--count",
                            str(FUZZ_COUNT), "--seed", "1", "--dst", ns.addr_b,
                            "--src", ns.addr_a, "--dst6", ns.addr6_b, "--src6", ns.addr6_a),
                           capture_output=True, text=True, timeout=1800)
    finally:
        fa.probability(0)
    tap_diag(r.stdout.strip())
    tap_check(r.returncode == 0, "altudp_fuzz --fail, %d sequences" % FUZZ_COUNT,
              "status %d: %s" % (r.returncode, r.stdout.strip().splitlines()[-1:]))
    if v6:
        m = re.search(r"^sequences \d+ \(IPv6 (\d+)\)", r.stdout, re.M)
        n6 = int(m.group(1)) if m else 0
        tap_check(n6 > 0, "altudp_fuzz --fail: IPv6 sequences among them (%d)" % n6,
                  "none ran, and the module has IPv6 sockets")


def run_family(ns, fa, fam):
    """Parts one to three on sockets of one family; returns the errnos
    native UDP returned in the nth sweeps."""
    peer = Peer(ns, fam)
    # Routes and the neighbour resolved before anything is failed.
    peer.mk.sendto(b"warm", peer.addr)
    peer.drain()
    start, t_start = fa.injected(), time.monotonic()
    nat_errs = set()
    if "nth" in PARTS:
        nth = FailNth()
        t0 = time.monotonic()
        per_kind, nat_errs = check_sweeps(ns, peer, nth)
        nth.close()
        tap_diag("%s nth failure: %s failures injected in %.0f s" % (
            fam.name, dict(per_kind), time.monotonic() - t0))
    for part, check in (("push", lambda: check_push_pressure(ns, peer, fa)),
                        ("random", lambda: check_random(ns, peer, fa, nat_errs))):
        if part in PARTS:
            t0 = time.monotonic()
            check()
            tap_diag("%s %s: %.0f s" % (fam.name, part, time.monotonic() - t0))
    peer.close()
    end = fa.injected()
    got = {a: end[a] - start[a] for a in end}
    tap_diag("%s: failures injected: %s, %d in all, in %.0f s" % (
        fam.name, got, sum(got.values()), time.monotonic() - t_start))


def main():
    require_module()
    why = available()
    if why:
        skip_all(why)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    base = module_refcnt()
    v6 = "6" in FAMILIES
    if v6 and has_family(socket.AF_INET6):
        tap_skip("IPv6 parts", has_family(socket.AF_INET6))
        v6 = False
    with Netns(ipv6=True) as ns, FaultAttrs() as fa:
        for fam in (Family(ns, False), Family(ns, True)):
            if fam.name[-1] in FAMILIES and (v6 or not fam.v6):
                run_family(ns, fa, fam)
        if "fuzz" in PARTS:
            t0 = time.monotonic()
            before = fa.injected()
            check_fuzz(ns, fa, v6)
            got = {a: n - before[a] for a, n in fa.injected().items()}
            tap_diag("fuzz: %s failures injected in %.0f s" % (got, time.monotonic() - t0))
        for c in _ctl.values():
            c.close()
        total = fa.injected()
        tap_diag("failures injected: %s, %d in all" % (total, sum(total.values())))
    end = time.monotonic() + 30
    while module_refcnt() > base and time.monotonic() < end:
        time.sleep(0.2)
    tap_check(module_refcnt() <= base, "every altudp socket freed after the injections",
              "module refcount %d, was %d" % (module_refcnt(), base))
    tap_end()


main()
