#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The altudp:* trace events against the traffic that fired them.

In a tracefs instance of its own, every altudp event enabled, the same
sends go out of a native UDP socket and of an altudp one in one namespace
pair: a 100 B datagram with IP_TTL/IP_TOS cmsgs, a connected send, 4000 B
on a 1500 B MTU, a MSG_MORE chain that leaves a fraggap on a 1006 B route
MTU, a UDP_SEGMENT send, a MSG_ZEROCOPY send, a sendfile() and a datagram
an nft OUTPUT rule drops.  The native socket must fire no altudp event;
the altudp socket must fire each event, with fields equal to what was sent,
to the frames that native UDP put on the wire (fragment lengths, TTL, TOS,
UDP checksum) and to __ip_append_data()'s sizes.  Then perf counts the
sendmsg event of both sockets (and, with ALTUDP_LONG=1, perf record and
trace-cmd record see it).  An AF_INET6 socket fires the IPv6 events
(sendmsg6, route6, make_skb6) and the shared ones, with its addresses.
"""

import errno
import os
import re
import select
import shutil
import socket
import struct
import subprocess
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Netns, altudp_protocol, has_family, ip, ns_exec, require_module, run_in,
                    skip_all, tap_check, tap_diag, tap_end, tap_skip)

TRACEFS = "/sys/kernel/tracing"
EVENTS = ("altudp_sendmsg", "altudp_route", "altudp_setup_cork", "altudp_append_alloc",
          "altudp_append_copy", "altudp_make_skb", "altudp_send_skb", "altudp_local_out",
          "altudp_xmit", "altudp_sendmsg6", "altudp_route6", "altudp_make_skb6")
SO_COOKIE, SO_ZEROCOPY, MSG_ZEROCOPY = 57, 60, 0x4000000
SOL_UDP, UDP_SEGMENT = 17, 103
ETH_P_ALL, PACKET_OUTGOING = 3, 4
DPORT, DROP_PORT = 9000, 9001
LL_EXTRA = 16 + 15     # LL_RESERVED_SPACE(veth) + 15, added to every alloclen


class Trace:
    """A tracefs instance with the altudp events on; take() empties it."""

    def __init__(self):
        self.dir = "%s/instances/altudp-test-%d" % (TRACEFS, os.getpid())

    def _write(self, path, val):
        with open(os.path.join(self.dir, path), "w") as f:
            f.write(val)

    def __enter__(self):
        os.mkdir(self.dir)
        for ev in EVENTS:
            self._write("events/altudp/%s/enable" % ev, "1")
        return self

    def __exit__(self, *exc):
        self._write("events/altudp/enable", "0")
        os.rmdir(self.dir)

    def take(self):
        """[(event, {field: value})], oldest first; "lookup", "linear"...
        words without "=" become fields with the value True."""
        with open(os.path.join(self.dir, "trace")) as f:
            text = f.read()
        self._write("trace", "")
        out = []
        for line in text.splitlines():
            m = re.search(r"\s(altudp_\w+): (.*)$", line)
            if m:
                fields = {}
                for tok in m.group(2).split():
                    k, eq, v = tok.partition("=")
                    fields[k] = v if eq else True
                out.append((m.group(1), fields))
        return out


def append_allocs(mtu, sends, paged=False):
    """The new skbs of __ip_append_data() for the payload lengths in sends
    appended to one datagram (no IP options): its datalen/fraglen/alloclen
    arithmetic, step by step.  Returns (allocs, bytes copied in place,
    final skb lengths: those of the IP fragments on the wire)."""
    fhl = 20
    maxfraglen = ((mtu - fhl) & ~7) + fhl
    skbs, allocs, inplace = [], [], 0
    for i, n in enumerate(sends):
        thl = 8 if i == 0 else 0
        length = n + thl
        while length > 0:
            copy = 0
            if skbs:
                copy = mtu - skbs[-1]
                if copy < length:
                    copy = maxfraglen - skbs[-1]
            if skbs and copy > 0:
                copy = min(copy, length)
                skbs[-1] += copy
                inplace += copy
                length -= copy
                continue
            fraggap = skbs[-1] - maxfraglen if skbs else 0
            datalen = length + fraggap
            if datalen > mtu - fhl:
                datalen = maxfraglen - fhl
            fraglen = datalen + fhl
            if paged:
                alloclen, pagedlen = fhl + thl + fraggap, datalen - thl - fraggap
            else:
                alloclen, pagedlen = fraglen, 0
            copy = datalen - thl - fraggap - pagedlen
            allocs.append({"datalen": datalen, "fraglen": fraglen,
                           "alloclen": alloclen + LL_EXTRA, "pagedlen": pagedlen,
                           "fraggap": fraggap, "copy": copy})
            if fraggap:
                skbs[-1] = maxfraglen
            skbs.append(fraglen - pagedlen)
            length -= copy + thl
            thl = 0
    return allocs, inplace, skbs


def ip_frames(cap):
    """The IPv4 frames that reached the capture socket, as dicts."""
    frames = []
    idle = time.monotonic() + 0.1
    while time.monotonic() < idle:
        if not select.select([cap], [], [], 0.05)[0]:
            continue
        data, addr = cap.recvfrom(70000)
        if addr[2] == PACKET_OUTGOING or data[12:14] != b"\x08\x00" or data[23] != 17:
            continue
        tos, tot_len, ipid, frag, ttl = struct.unpack("!xBHHHB", data[14:23])
        f = {"tos": tos, "tot_len": tot_len, "id": ipid, "df": frag >> 14 & 1,
             "mf": frag >> 13 & 1, "off": (frag & 0x1fff) * 8, "ttl": ttl}
        if f["off"] == 0:
            f["sport"], f["dport"], f["ulen"], f["check"] = struct.unpack("!HHHH", data[34:42])
        frames.append(f)
        idle = time.monotonic() + 0.1
    return frames


def no_id(frames):
    # The IP ID is the one field two senders legitimately differ in.
    return [{k: v for k, v in f.items() if k != "id"} for f in frames]


def sendmsg(s, size, flags=0, cmsg=(), addr=None):
    try:
        if addr is None:
            return s.sendmsg([b"u" * size], list(cmsg), flags)
        return s.sendmsg([b"u" * size], list(cmsg), flags, addr)
    except OSError as e:
        return errno.errorcode[e.errno]


class Run:
    """One socket's case: what sendmsg returned, its frames, its events."""

    def __init__(self, sock, res, frames, events):
        self.res, self.frames, self.events = res, frames, events
        self.cookie = struct.unpack("Q", sock.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]
        self.ino = os.fstat(sock.fileno()).st_ino

    def ev(self, name):
        return [f for e, f in self.events if e == name]


def main():
    require_module()
    if not os.path.isdir(TRACEFS + "/events/altudp"):
        skip_all("no altudp events in %s" % TRACEFS)
    ver = tuple(int(x) for x in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())

    with Netns() as ns, Trace() as tr:
        dst = (ns.addr_b, DPORT)
        oif = run_in(ns.a, socket.if_nametoindex, ns.if_a)
        rcv = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
        rcv.bind(("0.0.0.0", DPORT))
        cap = run_in(ns.b, socket.socket, socket.AF_PACKET, socket.SOCK_RAW,
                     socket.htons(ETH_P_ALL))
        run_in(ns.b, cap.bind, (ns.if_b, 0))
        ns_exec(ns.a, "nft", "add table ip t; add chain ip t o { type filter hook output "
                "priority 0; }; add rule ip t o udp dport %d drop" % DROP_PORT)
        payload = os.path.join("/tmp", "altudp-trace-%d" % os.getpid())
        with open(payload, "wb") as f:
            f.write(b"s" * 500)

        def case(fn, setup=None):
            """fn(sock) on a native socket, then on an altudp one, each bound
            to addr_a:5000 in ns.a.  Returns (native Run, altudp Run)."""
            runs = []
            for proto in (0, altudp_protocol()):
                s = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM, proto)
                s.bind((ns.addr_a, 5000))
                if setup:
                    setup(s)
                tr.take()
                res = fn(s)
                frames = ip_frames(cap)
                runs.append(Run(s, res, frames, tr.take()))
                s.close()
            while select.select([rcv], [], [], 0)[0]:
                rcv.recv(70000)
            tap_check(runs[0].events == [], "%s: native UDP fires no altudp event"
                      % fn.__name__, str(runs[0].events[:3]))
            tap_check(runs[0].res == runs[1].res and no_id(runs[0].frames) == no_id(runs[1].frames),
                      "%s: altudp sends what native UDP sends" % fn.__name__,
                      "native %s %s, altudp %s %s" % (runs[0].res, runs[0].frames,
                                                      runs[1].res, runs[1].frames))
            return runs

        def check(desc, got, want):
            """Each key of want has its value in got (fields as strings)."""
            bad = {k: (got.get(k) if got else None, v) for k, v in want.items()
                   if not got or got.get(k) != (v if v is True else str(v))}
            return tap_check(not bad, desc, "got/want " + str(bad))

        def allocs_match(desc, run, want_allocs, csum, zc=0):
            got = [{k: int(f[k]) for k in want_allocs[0]} for f in run.ev("altudp_append_alloc")]
            flags = [(f["csum"], f["zerocopy"]) for f in run.ev("altudp_append_alloc")]
            want_flags = [(csum, str(zc))] + [("none", str(zc))] * (len(want_allocs) - 1)
            tap_check(got == want_allocs and flags == want_flags, desc,
                      "got %s %s, want %s %s" % (got, flags, want_allocs, want_flags))

        # 1. A small datagram, TTL and TOS from cmsgs
        def small(s):
            return sendmsg(s, 100, cmsg=[(socket.IPPROTO_IP, socket.IP_TTL, struct.pack("i", 33)),
                                         (socket.IPPROTO_IP, socket.IP_TOS, struct.pack("i", 0x10))],
                           addr=dst)
        nat, alt = case(small)
        fr = alt.frames[0] if alt.frames else {}
        check("small: sendmsg has the socket's cookie and inode, length, flags, destination",
              (alt.ev("altudp_sendmsg") or [None])[0],
              {"cookie": alt.cookie, "ino": alt.ino, "len": 100, "flags": "0x0", "dst": "%s:%d" % dst,
               "corked": 0, "pending": 0})
        check("small: route: oif, source, destination, MTU, looked up, unicast",
              (alt.ev("altudp_route") or [None])[0],
              {"oif": oif, "src": ns.addr_a, "dst": ns.addr_b, "mtu": 1500, "lookup": True,
               "type": 1})
        check("small: setup_cork: fragsize, no GSO, the cmsgs' TOS and TTL",
              (alt.ev("altudp_setup_cork") or [None])[0],
              {"fragsize": 1500, "gso_size": 0, "tos": 16, "ttl": 33, "optlen": 0})
        allocs_match("small: one append_alloc, sizes of __ip_append_data()", alt,
                     append_allocs(1500, [100])[0], "partial")
        check("small: make_skb: length, DF, the frame's IP ID, TOS and TTL",
              (alt.ev("altudp_make_skb") or [None])[0],
              {"len": 128, "data_len": 0, "frags": 0, "frag_list": 0, "df": nat.frames[0]["df"],
               "id": fr.get("id"), "tos": "0x10", "ttl": nat.frames[0]["ttl"]})
        check("small: send_skb: ports, checksum mode and the frame's checksum",
              (alt.ev("altudp_send_skb") or [None])[0],
              {"sport": 5000, "dport": DPORT, "datalen": 100, "csum": "partial",
               "check": "0x%04x" % nat.frames[0]["check"], "gso_size": 0, "gso_segs": 0})
        check("small: local_out accepted", (alt.ev("altudp_local_out") or [None])[0],
              {"len": 128, "verdict": "accept", "ret": 1})
        check("small: xmit: dst_output() returned 0", (alt.ev("altudp_xmit") or [None])[0],
              {"dst_output": 0})
        tap_check(alt.res == 100 and len(alt.frames) == 1 and fr.get("ttl") == 33 and
                  fr.get("tos") == 0x10, "small: one frame, TTL 33 and TOS 0x10",
                  str(alt.frames))

        # 2. A connected socket: the route cached by connect()
        def connected(s):
            s.connect(dst)
            return sendmsg(s, 100)
        nat, alt = case(connected)
        check("connected: sendmsg's destination is the connected one",
              (alt.ev("altudp_sendmsg") or [None])[0], {"dst": "%s:%d" % dst, "corked": 0})
        check("connected: route: cached", (alt.ev("altudp_route") or [None])[0],
              {"cached": True, "src": ns.addr_a, "dst": ns.addr_b, "oif": oif})

        # 3. 4000 B on a 1500 B MTU: three fragments
        def fragments(s):
            return sendmsg(s, 4000, addr=dst)
        nat, alt = case(fragments)
        want = append_allocs(1500, [4000])[0]
        allocs_match("fragments: 3 append_alloc, sizes of __ip_append_data()", alt, want, "none")
        tap_check([a["fraglen"] for a in want] == [f["tot_len"] for f in nat.frames],
                  "fragments: the fraglens are native UDP's fragment lengths",
                  "%s vs %s" % (want, nat.frames))
        check("fragments: make_skb: 2 skbs on the frag_list, no DF, the first fragment's ID",
              (alt.ev("altudp_make_skb") or [None])[0],
              {"len": 4028, "frag_list": 2, "df": 0,
               "id": alt.frames[0]["id"] if alt.frames else None})
        check("fragments: send_skb: software checksum, the frame's",
              (alt.ev("altudp_send_skb") or [None])[0],
              {"datalen": 4000, "csum": "none",
               "check": "0x%04x" % nat.frames[0].get("check", -1)})
        check("fragments: local_out sees the whole datagram",
              (alt.ev("altudp_local_out") or [None])[0], {"len": 4028, "verdict": "accept"})

        # 4. A MSG_MORE chain on a 1006 B route MTU (maxfraglen 1004): the
        # second append fills the first skb past maxfraglen, the third
        # allocates a new one and moves the 2 B gap into it.
        def fraggap(s):
            return [sendmsg(s, 970, socket.MSG_MORE, addr=dst),
                    sendmsg(s, 8, socket.MSG_MORE, addr=dst), sendmsg(s, 100, addr=dst)]
        ip("-n", ns.a, "route", "add", ns.addr_b, "dev", ns.if_a, "mtu", "1006")
        nat, alt = case(fraggap)
        ip("-n", ns.a, "route", "del", ns.addr_b, "dev", ns.if_a)
        want, inplace, lens = append_allocs(1006, [970, 8, 100])
        allocs_match("fraggap: append_alloc sizes of __ip_append_data(), fraggap 2", alt, want,
                     "none")
        tap_check(any(a["fraggap"] > 0 for a in want) and
                  lens == [f["tot_len"] for f in nat.frames],
                  "fraggap: the skbs, gap moved, are native UDP's fragments",
                  "%s vs %s" % (lens, nat.frames))
        tap_check([f["corked"] for f in alt.ev("altudp_sendmsg")] == ["1", "1", "0"],
                  "fraggap: sendmsg shows corked, corked, not corked",
                  str(alt.ev("altudp_sendmsg")))
        copies = alt.ev("altudp_append_copy")
        tap_check(copies and all(c["pagefrag"] is True for c in copies) and
                  sum(int(c["copy"]) for c in copies) == inplace,
                  "fraggap: append_copy: %d B into the page frag in place" % inplace, str(copies))
        check("fraggap: make_skb: one skb on the frag_list",
              (alt.ev("altudp_make_skb") or [None])[0], {"len": 1106, "frag_list": 1})

        # 5. UDP_SEGMENT
        def gso(s):
            return sendmsg(s, 3000, addr=dst)
        nat, alt = case(gso, lambda s: s.setsockopt(SOL_UDP, UDP_SEGMENT, 1000))
        want, _, _ = append_allocs(65535, [3000], paged=True)
        check("gso: setup_cork: gso_size 1000", (alt.ev("altudp_setup_cork") or [None])[0],
              {"gso_size": 1000, "fragsize": 1500})
        allocs_match("gso: one paged append_alloc", alt, want, "partial")
        copies = alt.ev("altudp_append_copy")
        tap_check(copies and all(c["pagefrag"] is True for c in copies) and
                  sum(int(c["copy"]) for c in copies) == 3000,
                  "gso: append_copy: the payload into page frags", str(copies))
        check("gso: send_skb: gso_size 1000, 3 segments, partial checksum",
              (alt.ev("altudp_send_skb") or [None])[0],
              {"gso_size": 1000, "gso_segs": 3, "csum": "partial"})

        # 6. MSG_ZEROCOPY
        def zerocopy(s):
            return sendmsg(s, 1000, MSG_ZEROCOPY, addr=dst)
        nat, alt = case(zerocopy, lambda s: s.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1))
        want = append_allocs(1500, [1000], paged=True)[0]
        allocs_match("zerocopy: append_alloc paged, zerocopy=1", alt, want, "partial", 1)
        copies = alt.ev("altudp_append_copy")
        tap_check([(c.get("zerocopy"), c["copy"]) for c in copies] == [(True, "1000")],
                  "zerocopy: append_copy pins the 1000 B", str(copies))

        # 7. sendfile(): MSG_SPLICE_PAGES where the kernel has it (6.5)
        def splice(s):
            s.connect(dst)
            with open(payload, "rb") as f:
                return os.sendfile(s.fileno(), f.fileno(), 0, 500)
        nat, alt = case(splice)
        copies = alt.ev("altudp_append_copy")
        if ver >= (6, 5):
            tap_check(copies and all(c.get("splice") is True for c in copies) and
                      sum(int(c["copy"]) for c in copies) == 500,
                      "splice: append_copy attaches the file's 500 B", str(copies))
        else:
            tap_skip("splice: append_copy attaches the file's pages",
                     "__ip_append_data() has no MSG_SPLICE_PAGES before 6.5")

        # 8. An nft OUTPUT rule drops the datagram
        def nft_drop(s):
            return sendmsg(s, 100, addr=(ns.addr_b, DROP_PORT))
        nat, alt = case(nft_drop)
        check("nft_drop: local_out: verdict drop", (alt.ev("altudp_local_out") or [None])[0],
              {"len": 128, "verdict": "drop", "ret": -errno.EPERM})
        tap_check(alt.res == "EPERM" and not alt.ev("altudp_xmit"),
                  "nft_drop: EPERM, no xmit event", "%s %s" % (alt.res, alt.events))

        os.unlink(payload)
        tools(ns, dst)
    if has_family(socket.AF_INET6):
        tap_skip("ipv6: the events of an AF_INET6 socket", has_family(socket.AF_INET6))
    else:
        ipv6_events()
    tap_end()


def ipv6_events():
    """An AF_INET6 socket fires sendmsg6, route6 and make_skb6 in place of
    the IPv4 events of those stages, and the others as an IPv4 one does."""
    with Netns(ipv6=True) as ns, Trace() as tr:
        dst = (ns.addr6_b, DPORT)
        rcv = run_in(ns.b, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM)
        rcv.bind(("::", DPORT))
        evs = []
        for proto in (0, altudp_protocol()):
            s = run_in(ns.a, socket.socket, socket.AF_INET6, socket.SOCK_DGRAM, proto)
            s.bind((ns.addr6_a, 5000))
            tr.take()
            s.sendto(b"x" * 100, dst)
            s.sendto(b"y" * 3000, dst)
            evs.append(tr.take())
            s.close()
        rcv.close()
    tap_check(evs[0] == [], "ipv6: native UDPv6 fires no altudp event", str(evs[0][:3]))
    names = [e for e, _ in evs[1]]
    want = ("altudp_sendmsg6", "altudp_route6", "altudp_setup_cork", "altudp_append_alloc",
            "altudp_make_skb6", "altudp_send_skb", "altudp_local_out", "altudp_xmit")
    tap_check(all(names.count(e) >= 2 for e in want) and
              not {"altudp_sendmsg", "altudp_route", "altudp_make_skb"} & set(names),
              "ipv6: each datagram fires " + ", ".join(w[7:] for w in want), str(names))

    def first(name):
        return [f for e, f in evs[1] if e == name][:2] + [{}, {}]
    tap_check(first("altudp_sendmsg6")[0].get("dst") == "[%s]:%d" % dst and
              first("altudp_sendmsg6")[0].get("len") == "100",
              "ipv6: sendmsg6: length and destination", str(first("altudp_sendmsg6")[0]))
    tap_check(first("altudp_route6")[0].get("src") == ns.addr6_a and
              first("altudp_route6")[0].get("dst") == ns.addr6_b and
              first("altudp_route6")[0].get("mtu") == "1500",
              "ipv6: route6: source, destination, MTU", str(first("altudp_route6")[0]))
    mk = first("altudp_make_skb6")
    tap_check(mk[0].get("len") == "148" and mk[0].get("hlim") == "64" and
              mk[0].get("nexthdr") == "17" and mk[0].get("frag_list") == "0" and
              mk[1].get("len") == "3048" and mk[1].get("frag_list") == "2",
              "ipv6: make_skb6: lengths, frag_list, hop limit, next header", str(mk[:2]))


SENDER = """import socket, sys
for proto in (0, int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
    for _ in range(3):
        s.sendto(b"p" * 100, (sys.argv[2], int(sys.argv[3])))
"""


def tools(ns, dst):
    """perf stat counts altudp_sendmsg; perf record and trace-cmd record
    (ALTUDP_LONG=1: each costs tens of seconds under TCG) see it."""
    perf = shutil.which("perf")
    args = [str(altudp_protocol()), dst[0], str(dst[1])]

    def in_a(*cmd):
        return subprocess.run(("ip", "netns", "exec", ns.a) + cmd, capture_output=True,
                              text=True, timeout=120)
    if not perf:
        tap_skip("perf stat counts altudp:altudp_sendmsg", "perf is not installed")
    else:
        r = in_a(perf, "stat", "-x,", "-e", "altudp:altudp_sendmsg", "--",
                 "python3", "-c", SENDER, *args)
        m = re.search(r"^(\S+),[^,]*,altudp:altudp_sendmsg", r.stderr, re.M)
        if not m or not m.group(1).isdigit():
            tap_skip("perf stat counts altudp:altudp_sendmsg",
                     "perf does not work on this kernel: %s" % r.stderr.strip()[-200:])
        else:
            tap_check(m.group(1) == "3", "perf stat counts altudp:altudp_sendmsg: 3 altudp "
                      "sends, not the 3 native ones", m.group(0))
    if os.environ.get("ALTUDP_LONG") != "1":
        tap_skip("perf record / trace-cmd record see altudp events", "set ALTUDP_LONG=1")
        return
    data = "/tmp/altudp-trace-%d.data" % os.getpid()
    if perf:
        in_a(perf, "record", "-q", "-B", "-N", "-o", data, "-e", "altudp:altudp_sendmsg", "--",
             "python3", "-c", SENDER, *args)
        r = subprocess.run((perf, "script", "-i", data), capture_output=True, text=True)
        tap_check(r.stdout.count("altudp:altudp_sendmsg:") == 3 and "len=100" in r.stdout,
                  "perf record -e altudp:altudp_sendmsg: 3 events", r.stdout[-300:])
        os.unlink(data)
    if shutil.which("trace-cmd"):
        in_a("trace-cmd", "record", "-q", "-e", "altudp", "-o", data,
             "python3", "-c", SENDER, *args)
        r = subprocess.run(("trace-cmd", "report", "-i", data), capture_output=True, text=True)
        tap_check(r.stdout.count("altudp_sendmsg:") == 3 and "altudp_xmit:" in r.stdout,
                  "trace-cmd record -e altudp: the path's events", r.stdout[-300:])
        os.unlink(data)
    else:
        tap_skip("trace-cmd record -e altudp", "trace-cmd is not installed")


if __name__ == "__main__":
    main()
