# SPDX-License-Identifier: GPL-2.0
"""Side by side runs of a native UDP sender and an altudp sender.

Both senders live in the same namespace (ns.a of a Netns), bound in turn
to the same address and port, and send to one receiver in ns.b; a Peer
also captures what arrives on ns.if_b with AF_PACKET.  frame_records()
reduces the captured frames to their header fields, without the IP id
and header checksum, so that the two runs can be compared with ==.

IPv6 likewise: a Peer(ns, family=socket.AF_INET6) of a Netns(ipv6=True)
receives on ns.addr6_b, side_by_side() then makes IPv6 senders bound to
ns.addr6_a, frame_records() reads IPv6 headers and their extension
headers (without the fragment identification), and compare() takes the
Udp6/Ip6 counters of /proc/net/snmp6 as well.

    with Netns() as ns:
        peer = Peer(ns)
        runs = side_by_side(ns, peer, lambda s: [send(s, b"x", addr=peer.addr)])
        same("one byte", runs)
"""

import collections
import ctypes
import errno
import fcntl
import os
import re
import select
import socket
import struct
import time

from altudp import altudp_protocol, ns_exec, run_in, tap_check, tap_diag

SOL_IP = 0
SOL_IPV6 = 41
SOL_UDP = 17
# <linux/in6.h>, those Python's socket module lacks or names differently
IPV6_ADDRFORM = 1
IPV6_2292PKTINFO = 2
IPV6_NEXTHOP = 9
IPV6_FLOWINFO = 11
IPV6_UNICAST_HOPS = 16
IPV6_MULTICAST_IF = 17
IPV6_MULTICAST_HOPS = 18
IPV6_MULTICAST_LOOP = 19
IPV6_MTU_DISCOVER = 23
IPV6_MTU = 24
IPV6_RECVERR = 25
IPV6_V6ONLY = 26
IPV6_FLOWLABEL_MGR = 32
IPV6_FLOWINFO_SEND = 33
IPV6_PKTINFO = 50
IPV6_HOPLIMIT = 52
IPV6_HOPOPTS = 54
IPV6_RTHDRDSTOPTS = 55
IPV6_RTHDR = 57
IPV6_DSTOPTS = 59
IPV6_RECVPATHMTU = 60
IPV6_PATHMTU = 61
IPV6_DONTFRAG = 62
IPV6_TCLASS = 67
IPV6_AUTOFLOWLABEL = 70
UDP_NO_CHECK6_TX = 101
UDP_CORK = 1
UDP_SEGMENT = 103
SO_NO_CHECK = 11
SO_SNDBUFFORCE = 32
SO_RCVBUFFORCE = 33
SO_ZEROCOPY = 60
MSG_PROBE = 0x10
MSG_ZEROCOPY = 0x4000000
IP_MTU_DISCOVER = 10
IP_RECVERR = 11
(IP_PMTUDISC_DONT, IP_PMTUDISC_WANT, IP_PMTUDISC_DO, IP_PMTUDISC_PROBE,
 IP_PMTUDISC_INTERFACE, IP_PMTUDISC_OMIT) = range(6)
SO_EE_ORIGIN_LOCAL = 1
SO_EE_ORIGIN_ZEROCOPY = 5
SO_EE_CODE_ZEROCOPY_COPIED = 1
SIOCOUTQ = 0x5411
ETH_P_ALL = 3
ETHERTYPE = {socket.AF_INET: b"\x08\x00", socket.AF_INET6: b"\x86\xdd"}
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_CSUMNOTREADY = 1 << 3

SPORT, DPORT = 4000, 5000

_libc = ctypes.CDLL(None, use_errno=True)


def kinds():
    """(name, protocol) of the two senders, native first.  ALTUDP_SELFCMP=1
    makes the second a kernel UDP socket too: a test comparing native with
    native shows what of it is not deterministic."""
    if os.environ.get("ALTUDP_SELFCMP") == "1":
        return (("native", 0), ("altudp", 0))
    return (("native", 0), ("altudp", altudp_protocol()))


def send(sock, data, flags=0, addr=None, cmsg=()):
    """sendmsg(); the byte count, or the errno's name ("EMSGSIZE")."""
    try:
        if addr is None:
            return sock.sendmsg([data], list(cmsg), flags)
        return sock.sendmsg([data], list(cmsg), flags, addr)
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))


def outq(sock):
    """SIOCOUTQ: bytes of the socket's send buffer in use (sk_wmem_alloc)."""
    buf = fcntl.ioctl(sock.fileno(), SIOCOUTQ, struct.pack("i", 0))
    return struct.unpack("i", buf)[0]


def wait_outq_zero(sock, timeout=5.0):
    end = time.monotonic() + timeout
    while True:
        q = outq(sock)
        if q == 0 or time.monotonic() > end:
            return q
        time.sleep(0.02)


def ethtool(ns_name, dev, *feats):
    """ethtool -K dev FEATURE on|off ... in a namespace; returns the
    features then active, {"scatter-gather": "on", ...}."""
    ns_exec(ns_name, "ethtool", "-K", dev, *feats)
    out = ns_exec(ns_name, "ethtool", "-k", dev).stdout
    return dict(re.findall(r"^\s*([\w-]+): (on|off)", out, re.M))


def set_mtu(ns, mtu):
    for n, dev in ((ns.a, ns.if_a), (ns.b, ns.if_b)):
        ns_exec(n, "ip", "link", "set", dev, "mtu", str(mtu))


SNMP6_KEY = re.compile(r"(Ip6|Icmp6|UdpLite6|Udp6)(\w+)$")


def counters(ns_name):
    """/proc/net/snmp ("Udp.OutDatagrams", ...), /proc/net/snmp6
    ("Udp6.OutDatagrams", ...) and /proc/net/altudp of a namespace, read
    from a thread that joined it."""
    def read():
        d = {}
        with open("/proc/thread-self/net/snmp") as f:
            lines = f.read().splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            sect, names = head.split(":")
            for name, val in zip(names.split(), vals.split(":")[1].split()):
                d[sect + "." + name] = int(val)
        try:
            with open("/proc/thread-self/net/snmp6") as f:
                for line in f:
                    name, val = line.split()
                    m = SNMP6_KEY.match(name)
                    if m:
                        d[m.group(1) + "." + m.group(2)] = int(val)
        except FileNotFoundError:
            pass
        try:
            with open("/proc/thread-self/net/altudp") as f:
                for line in f:
                    name, val = line.split()
                    d[name] = int(val)
        except FileNotFoundError:
            pass
        return d
    return run_in(ns_name, read)


def delta(before, after, prefix=""):
    return {k: after[k] - before.get(k, 0) for k in after
            if k.startswith(prefix) and after[k] != before.get(k, 0)}


def _sum16(b):
    """Ones' complement sum of big-endian 16-bit words, modulo 0xffff
    (2**16 is 1 modulo 0xffff, so the number the bytes spell will do)."""
    if len(b) % 2:
        b += b"\0"
    return int.from_bytes(b, "big") % 0xffff


def _udp_verdict(saddr, daddr, udp, partial):
    """ok/bad for a finished checksum, partial-ok/partial-bad for a
    CHECKSUM_PARTIAL one (only the pseudo header summed, as udp4_hwcsum
    leaves it), none for a zero checksum."""
    check = struct.unpack_from("!H", udp, 6)[0]
    pseudo = _sum16(saddr + daddr) + 17 + len(udp)
    if partial:
        return "partial-ok" if (pseudo - check) % 0xffff == 0 else "partial-bad"
    if check == 0:
        return "none"
    return "ok" if (pseudo + _sum16(udp)) % 0xffff == 0 else "bad"


def zero_csum_payload(src, dst, sport, dport, n):
    """n bytes (n even) of a datagram from src:sport to dst:dport (both
    IPv4 or both IPv6) whose UDP checksum sums to 0, which the sender
    must send as 0xffff (CSUM_MANGLED_0): its last two bytes are chosen."""
    family = socket.AF_INET6 if ":" in src else socket.AF_INET
    body = bytes((i * 7 + 9) & 0xff for i in range(n - 2))
    pseudo = socket.inet_pton(family, src) + socket.inet_pton(family, dst)
    rest = _sum16(pseudo) + 17 + 2 * (8 + n) + sport + dport + _sum16(body)
    while rest >> 16:
        rest = (rest & 0xffff) + (rest >> 16)
    return body + struct.pack("!H", ~rest & 0xffff)


IPV6_EXT = {0: "hop", 43: "rt", 44: "frag", 60: "dst", 51: "ah"}


def ipv6_exts(pkt):
    """The extension headers of an IPv6 packet as (name, offset, size),
    then ("upper", offset, next header number)."""
    nh, pos = pkt[6], 40
    while nh in IPV6_EXT and pos + 8 <= len(pkt):
        name = IPV6_EXT[nh]
        size = 8 if name == "frag" else \
            (pkt[pos + 1] + 2) * 4 if name == "ah" else (pkt[pos + 1] + 1) * 8
        yield name, pos, size
        nh, pos = pkt[pos], pos + size
    yield "upper", pos, nh


def ipv6_headers(pkt):
    """(record, fragment id, offset of the upper-layer data) of an IPv6
    packet: the fixed header's fields and its extension headers, each as
    (name, bytes) but the fragment header, ("frag", offset, more)."""
    vtf, plen = struct.unpack_from("!IH", pkt)
    rec = {"len": 40 + plen, "tclass": (vtf >> 20) & 0xff, "flow": vtf & 0xfffff,
           "hlim": pkt[7], "exts": [], "off": 0, "mf": False}
    ident = None
    for name, pos, size in ipv6_exts(pkt):
        if name == "upper":
            rec["proto"] = size
            return rec, ident, pos
        if name == "frag":
            fo, ident = struct.unpack_from("!HI", pkt, pos + 2)
            rec["off"], rec["mf"] = fo & ~7, bool(fo & 1)
            rec["exts"].append(("frag", rec["off"], rec["mf"]))
        else:
            rec["exts"].append((name, bytes(pkt[pos:pos + size])))
    raise AssertionError("unreachable")


def frame_records(frames, flowlabel=True):
    """Header fields of captured IPv4 or IPv6 frames.  The IP id differs
    between any two senders (it comes from a per-destination generator)
    and so does the header checksum covering it: both are left out, as is
    an IPv6 fragment header's identification.  flowlabel=False leaves out
    the IPv6 flow label too (an automatic one is a hash of the socket's
    txhash where it has one).  The UDP checksum of the datagram
    (reassembled from its fragments) is checked and its verdict kept with
    the first fragment's record."""
    recs = []
    pending = {}
    for pkt, partial in frames:
        if pkt[0] >> 4 == 6:
            rec, ident, pos = ipv6_headers(pkt)
            if not flowlabel:
                del rec["flow"]
            _udp_record(rec, pkt[pos:rec["len"]], pkt[8:24], pkt[24:40], ident,
                        partial, recs, pending)
            continue
        ihl = (pkt[0] & 15) * 4
        tot, ipid, frag = struct.unpack_from("!HHH", pkt, 2)
        rec = {"len": tot, "ihl": ihl, "tos": pkt[1], "ttl": pkt[8],
               "proto": pkt[9], "df": bool(frag & 0x4000),
               "mf": bool(frag & 0x2000), "off": (frag & 0x1fff) * 8}
        _udp_record(rec, pkt[ihl:tot], pkt[12:16], pkt[16:20], ipid, partial, recs, pending)
    return recs


def _udp_record(rec, payload, saddr, daddr, ident, partial, recs, pending):
    """Adds rec, its UDP header fields if it has them, and once the last
    fragment of a datagram is in, the datagram's checksum verdict."""
    if rec["proto"] == 17 and rec["off"] == 0 and len(payload) >= 8:
        rec["sport"], rec["dport"], rec["ulen"], rec["ucheck"] = \
            struct.unpack_from("!HHHH", payload)
    recs.append(rec)
    if rec["proto"] != 17:
        return
    key = (saddr, daddr, ident)
    parts = pending.setdefault(key, [])
    parts.append((rec["off"], payload, rec, partial))
    if rec["mf"]:
        return
    del pending[key]
    parts.sort(key=lambda p: p[0])
    udp = b"".join(p[1] for p in parts)
    first = parts[0][2]
    if parts[0][0] != 0 or sum(len(p[1]) for p in parts) != rec["off"] + len(payload):
        first["csum"] = "incomplete"
    else:
        first["csum"] = _udp_verdict(saddr, daddr, udp, parts[0][3])


class Peer:
    """The receiving end in ns.b: a UDP socket on (ns.addr_b, DPORT) and an
    AF_PACKET socket capturing the IPv4 frames from src (an address or a
    list of them; default ns.addr_a) that arrive on ifname (default
    ns.if_b).  With family AF_INET6, on (ns.addr6_b, DPORT), the IPv6
    frames from src (default ns.addr6_a)."""

    def __init__(self, ns, port=DPORT, capture=True, ifname=None, src=None,
                 family=socket.AF_INET):
        self.family = family
        v6 = family == socket.AF_INET6
        self.addr = ((ns.addr6_b if v6 else ns.addr_b), port)
        srcs = src if isinstance(src, (list, tuple)) else \
            [src or (ns.addr6_a if v6 else ns.addr_a)]
        self.srcs = {socket.inet_pton(family, a) for a in srcs}
        self.ifname = ifname or ns.if_b
        self.rx = run_in(ns.b, socket.socket, family, socket.SOCK_DGRAM)
        self.rx.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
        self.rx.bind(self.addr)
        self.rx.setblocking(False)
        self.cap = None
        if capture:
            self._capture(ns)

    def _capture(self, ns):
        self.cap = run_in(ns.b, socket.socket, socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        self.cap.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
        self.cap.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        self.cap.bind((self.ifname, ETH_P_ALL))
        self.cap.setblocking(False)

    def close(self):
        self.rx.close()
        if self.cap:
            self.cap.close()

    def collect(self, idle=0.15):
        """(payloads received, frames captured) until nothing came for idle s.
        A frame is (IP packet bytes, checksum left partial)."""
        payloads, frames = [], []
        poller = select.poll()
        poller.register(self.rx, select.POLLIN)
        if self.cap:
            poller.register(self.cap, select.POLLIN)
        while poller.poll(idle * 1000):
            while True:
                try:
                    payloads.append(self.rx.recv(65536))
                except BlockingIOError:
                    break
            while self.cap:
                try:
                    data, anc, _, addr = self.cap.recvmsg(70000, 64)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING or data[12:14] != ETHERTYPE[self.family]:
                    continue
                pkt = data[14:]
                src = pkt[8:24] if self.family == socket.AF_INET6 else pkt[12:16]
                if src not in self.srcs:
                    continue
                status = 0
                for level, typ, d in anc:
                    if level == SOL_PACKET and typ == PACKET_AUXDATA:
                        status = struct.unpack_from("I", d)[0]
                frames.append((pkt, bool(status & TP_STATUS_CSUMNOTREADY)))
        return payloads, frames


class Run:
    """What one sender did: results of the scenario, payloads received,
    frame records, counter deltas of the sending and receiving namespace."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def sender(ns, proto, opts=(), addr=None, fsuid=None, family=socket.AF_INET):
    """A UDP socket of protocol proto in ns.a bound to (addr or ns.addr_a,
    SPORT), of ns.addr6_a with family AF_INET6; opts: (level, name, value)
    setsockopt triples applied first; fsuid: the uid it is made with (its
    sk_uid), else root.

    The send buffer is made big enough never to fill (unless opts say
    otherwise): a blocking send that waited for space sets the socket's
    sticky SOCK_NOSPACE, after which every error also counts in Udp
    SndbufErrors, and whether it waits depends on how fast the receiving
    softirq runs."""
    def make():
        # setfsuid() is per thread: only this socket gets the uid.
        if fsuid is not None:
            _libc.setfsuid(fsuid)
        try:
            return socket.socket(family, socket.SOCK_DGRAM, proto)
        finally:
            if fsuid is not None:
                _libc.setfsuid(0)
    s = run_in(ns.a, make)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 32 << 20)
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    s.bind((addr or (ns.addr6_a if family == socket.AF_INET6 else ns.addr_a), SPORT))
    return s


def side_by_side(ns, peer, scenario, opts=(), idle=0.15, before=None, make=None,
                 flowlabel=True):
    """Run scenario(sock) -> results with a native then an altudp sender
    in the same namespaces; returns {"native": Run, "altudp": Run}.
    before(name), when given, runs before each sender is made (to arm a
    trace, say); make(ns, proto, opts) makes the sender (default sender()
    of the peer's family); flowlabel: as frame_records()'s."""
    runs = {}
    if make is None:
        def make(ns, proto, opts):
            return sender(ns, proto, opts, family=peer.family)
    peer.collect(0.01)
    # veth queues a datagram to the sending CPU's backlog: a sender moved to
    # another CPU between two sends can see them received out of order, in
    # one run and not the other.  One CPU keeps the order comparable.
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        _runs(ns, peer, scenario, opts, idle, before, make, runs, flowlabel)
    finally:
        os.sched_setaffinity(0, cpus)
    return runs


def _runs(ns, peer, scenario, opts, idle, before, make, runs, flowlabel):
    for name, proto in kinds():
        if before:
            before(name)
        a0, b0 = counters(ns.a), counters(ns.b)
        s = make(ns, proto, opts)
        try:
            results = scenario(s)
            payloads, frames = peer.collect(idle)
            q = wait_outq_zero(s) if s.fileno() >= 0 else 0
        finally:
            s.close()
        runs[name] = Run(results=results, payloads=payloads, frames=frames,
                         records=frame_records(frames, flowlabel), outq=q,
                         family=peer.family,
                         tx=delta(a0, counters(ns.a)), rx=delta(b0, counters(ns.b)))


def _short(v):
    """v for a diagnostic: bytes as their length and first bytes."""
    if isinstance(v, (bytes, bytearray)):
        return "<%d bytes %s%s>" % (len(v), v[:8].hex(), "..." if len(v) > 8 else "")
    if isinstance(v, list):
        return "[%s]" % ", ".join(_short(x) for x in v)
    if isinstance(v, tuple):
        return "(%s)" % ", ".join(_short(x) for x in v)
    return repr(v)


def first_diff(a, b):
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return "[%d] native %s, altudp %s (native %s, altudp %s)" % (
                    i, _short(x), _short(y), _short(a), _short(b))
        return "lengths: native %d, altudp %d (native %s, altudp %s)" % (
            len(a), len(b), _short(a), _short(b))
    return "native %s, altudp %s" % (_short(a), _short(b))


def same(desc, native, alt):
    """One TAP point: native == alt, else a diagnostic of the first difference."""
    ok = native == alt
    if not ok:
        tap_diag(desc + ": " + first_diff(native, alt)[:2000])
    return tap_check(ok, desc, "differs from native")


def agree(desc, runs, view=lambda r: r.records):
    """One point: the runs agree on send results, payloads and frames
    (view(run) of them), and both send buffers drained."""
    n, a = runs["native"], runs["altudp"]
    vn, va = ({"results": r.results, "payloads": r.payloads, "frames": view(r)}
              for r in (n, a))
    diff = ["%s: %s" % (k, first_diff(vn[k], va[k])) for k in vn if vn[k] != va[k]]
    if n.outq or a.outq:
        diff.append("SIOCOUTQ not back to 0: native %d, altudp %d" % (n.outq, a.outq))
    for d in diff:
        tap_diag(desc + ": " + d[:1500])
    return tap_check(not diff, desc, "differs from native UDP" if diff else "")


def snmp_udp(d, family=socket.AF_INET):
    """The Udp/Ip counter deltas that must move alike for both senders;
    for IPv6 senders the Udp6/Ip6 ones too (where IPv4 tests run, IPv6
    router solicitations and MLD reports come and go as they please)."""
    sects = ("Udp.", "Ip.", "Udp6.", "Ip6.") if family == socket.AF_INET6 else ("Udp.", "Ip.")
    return {k: v for k, v in d.items() if k.startswith(sects)
            and k not in ("Ip.Forwarding", "Ip.DefaultTTL")}


def compare(desc, runs, wire=True, check_csum=True):
    """The usual points for a side_by_side() result: results, payloads,
    frames, checksums, UDP/IP counters and the drained send buffer.
    True when all passed."""
    n, a = runs["native"], runs["altudp"]
    verdicts = collections.Counter(r.get("csum") for r in a.records if "csum" in r)
    tap_diag("%s: %d datagrams received, %d frames, UDP checksums %s" % (
        desc, len(a.payloads), len(a.records), dict(verdicts)))
    ok = same(desc + ": send results", n.results, a.results)
    ok &= same(desc + ": payloads received", n.payloads, a.payloads)
    if wire:
        ok &= same(desc + ": frames on the wire", n.records, a.records)
        if check_csum:
            bad = [r for r in a.records if r.get("csum") not in (None, "ok", "partial-ok")]
            ok &= tap_check(not bad, desc + ": UDP checksums valid", "%r" % bad[:3])
    ok &= same(desc + ": Udp/Ip counters (sender, receiver)",
               (snmp_udp(n.tx, n.family), snmp_udp(n.rx, n.family)),
               (snmp_udp(a.tx, a.family), snmp_udp(a.rx, a.family)))
    ok &= tap_check(n.outq == 0 and a.outq == 0, desc + ": send buffers drained",
                    "SIOCOUTQ native %d altudp %d" % (n.outq, a.outq))
    return ok
