# SPDX-License-Identifier: GPL-2.0
"""Side by side runs of a native UDP sender and an altudp sender.

Both senders live in the same namespace (ns.a of a Netns), bound in turn
to the same address and port, and send to one receiver in ns.b; a Peer
also captures what arrives on ns.if_b with AF_PACKET.  frame_records()
reduces the captured frames to their header fields, without the IP id
and header checksum, so that the two runs can be compared with ==.

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
SOL_UDP = 17
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
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_CSUMNOTREADY = 1 << 3

SPORT, DPORT = 4000, 5000

_libc = ctypes.CDLL(None, use_errno=True)


def kinds():
    """(name, protocol) of the two senders, native first."""
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


def counters(ns_name):
    """/proc/net/snmp ("Udp.OutDatagrams", ...) and /proc/net/altudp of a
    namespace, read from a thread that joined it."""
    def read():
        d = {}
        with open("/proc/thread-self/net/snmp") as f:
            lines = f.read().splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            sect, names = head.split(":")
            for name, val in zip(names.split(), vals.split(":")[1].split()):
                d[sect + "." + name] = int(val)
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


def frame_records(frames):
    """Header fields of captured IPv4 frames.  The IP id differs between
    any two senders (it comes from a per-destination generator) and so
    does the header checksum covering it: both are left out.  The UDP
    checksum of the datagram (reassembled from its fragments) is checked
    and its verdict kept with the first fragment's record."""
    recs = []
    pending = {}
    for pkt, partial in frames:
        ihl = (pkt[0] & 15) * 4
        tot, ipid, frag = struct.unpack_from("!HHH", pkt, 2)
        rec = {"len": tot, "ihl": ihl, "tos": pkt[1], "ttl": pkt[8],
               "proto": pkt[9], "df": bool(frag & 0x4000),
               "mf": bool(frag & 0x2000), "off": (frag & 0x1fff) * 8}
        payload = pkt[ihl:tot]
        if rec["proto"] == 17 and rec["off"] == 0:
            rec["sport"], rec["dport"], rec["ulen"], rec["ucheck"] = \
                struct.unpack_from("!HHHH", payload)
        recs.append(rec)
        if rec["proto"] != 17:
            continue
        key = (pkt[12:20], ipid)
        parts = pending.setdefault(key, [])
        parts.append((rec["off"], payload, rec, partial))
        if rec["mf"]:
            continue
        del pending[key]
        parts.sort(key=lambda p: p[0])
        udp = b"".join(p[1] for p in parts)
        first = parts[0][2]
        if parts[0][0] != 0 or sum(len(p[1]) for p in parts) != rec["off"] + len(payload):
            first["csum"] = "incomplete"
        else:
            first["csum"] = _udp_verdict(pkt[12:16], pkt[16:20], udp, parts[0][3])
    return recs


class Peer:
    """The receiving end in ns.b: a UDP socket on (ns.addr_b, DPORT) and an
    AF_PACKET socket capturing the IPv4 frames from src (an address or a
    list of them; default ns.addr_a) that arrive on ifname (default
    ns.if_b)."""

    def __init__(self, ns, port=DPORT, capture=True, ifname=None, src=None):
        self.addr = (ns.addr_b, port)
        srcs = src if isinstance(src, (list, tuple)) else [src or ns.addr_a]
        self.srcs = {socket.inet_aton(a) for a in srcs}
        self.ifname = ifname or ns.if_b
        self.rx = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
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
        A frame is (IPv4 packet bytes, checksum left partial)."""
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
                if addr[2] == PACKET_OUTGOING or data[12:14] != b"\x08\x00":
                    continue
                pkt = data[14:]
                if pkt[12:16] not in self.srcs:
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


def sender(ns, proto, opts=(), addr=None, fsuid=None):
    """A UDP socket of protocol proto in ns.a bound to (addr or ns.addr_a,
    SPORT); opts: (level, name, value) setsockopt triples applied first;
    fsuid: the uid it is made with (its sk_uid), else root.

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
            return socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
        finally:
            if fsuid is not None:
                _libc.setfsuid(0)
    s = run_in(ns.a, make)
    s.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 32 << 20)
    for level, name, value in opts:
        s.setsockopt(level, name, value)
    s.bind((addr or ns.addr_a, SPORT))
    return s


def side_by_side(ns, peer, scenario, opts=(), idle=0.15, before=None, make=sender):
    """Run scenario(sock) -> results with a native then an altudp sender
    in the same namespaces; returns {"native": Run, "altudp": Run}.
    before(name), when given, runs before each sender is made (to arm a
    trace, say); make(ns, proto, opts) makes the sender (sender())."""
    runs = {}
    peer.collect(0.01)
    # veth queues a datagram to the sending CPU's backlog: a sender moved to
    # another CPU between two sends can see them received out of order, in
    # one run and not the other.  One CPU keeps the order comparable.
    cpus = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cpus)})
    try:
        _runs(ns, peer, scenario, opts, idle, before, make, runs)
    finally:
        os.sched_setaffinity(0, cpus)
    return runs


def _runs(ns, peer, scenario, opts, idle, before, make, runs):
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
                         records=frame_records(frames), outq=q,
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


def snmp_udp(d):
    """The Udp/Ip counter deltas that must move alike for both senders."""
    return {k: v for k, v in d.items() if k.startswith(("Udp.", "Ip."))
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
               (snmp_udp(n.tx), snmp_udp(n.rx)), (snmp_udp(a.tx), snmp_udp(a.rx)))
    ok &= tap_check(n.outq == 0 and a.outq == 0, desc + ": send buffers drained",
                    "SIOCOUTQ native %d altudp %d" % (n.outq, a.outq))
    return ok
