# SPDX-License-Identifier: GPL-2.0
"""Helpers for tests that run the same thing on a kernel UDP socket and on
an altudp socket and compare what they saw.

    KINDS                      (("udp", 0), ("altudp", N)): name and protocol
    new_sock(ns, proto)        a SOCK_DGRAM socket made in namespace ns
                               (family=socket.AF_INET6: an IPv6 one)
    add_veth(...)              one more veth pair between namespaces
    raw_sendmsg(s, ...)        sendmsg(2) with arbitrary name and control bytes
    raw_sendto(s, ...)         sendto(2) with an address of any length
    raw_connect(s, name)       connect(2) to an arbitrary address
    cmsg(level, type, data)    one control message, cmsg_len settable
    recv_errqueue(s)           the error queue as comparable tuples
    net_file(ns, name)         /proc/net/<name> as seen in ns
    snmp(ns), altudp_stats(ns) counters of /proc/net/snmp (with /proc/net/snmp6's
                               as "Ip6", "Udp6", ...), /proc/net/altudp
    sock_counts(ns)            sockstat's UDP inuse, /proc/net/protocols' ALTUDP sockets
                               (ipv6=True: UDP6 and ALTUDPv6 too)
    Capture(ns, ifname)        IPv4 (or IPv6) frames seen on an interface (AF_PACKET)
    mask_ip(pkt)               an IPv4 packet with IP ID and checksum zeroed,
                               an IPv6 one with its fragment headers' id zeroed
"""

import ctypes
import errno
import fcntl
import os
import select
import socket
import struct
import tempfile
import time

from altudp import ip, run_in
from txcmp import ETHERTYPE, SNMP6_KEY, ipv6_exts, ipv6_headers, kinds

# Constants Python's socket module lacks.
IP_RECVERR = 11
IP_MTU_DISCOVER = 10
IP_PMTUDISC_DO = 2
IP_RETOPTS = 7
IP_PKTINFO = 8
IP_RECVTTL = 12
IPV6_RECVERR = 25
SO_ZEROCOPY = 60
SO_TXTIME = 61
SCM_TXTIME = SO_TXTIME
MSG_PROBE = 0x10
MSG_CONFIRM = 0x800
UDP_CORK = 1
UDP_SEGMENT = 103
ETH_P_ALL = 3

KINDS = (("udp", 0), ("altudp", dict(kinds())["altudp"]))

_libc = ctypes.CDLL(None, use_errno=True)


def add_veth(ns1, if1, addr1, ns2, if2, addr2):
    """One more veth pair, if1 in ns1 with addr1/24, if2 in ns2 with addr2/24."""
    ip("link", "add", if1, "netns", ns1, "type", "veth", "peer", "name", if2, "netns", ns2)
    for ns, dev, addr in ((ns1, if1, addr1), (ns2, if2, addr2)):
        ip("-n", ns, "addr", "add", addr + "/24", "dev", dev)
        ip("-n", ns, "link", "set", dev, "up")


def new_sock(ns, proto, type_=socket.SOCK_DGRAM, family=socket.AF_INET):
    return run_in(ns, socket.socket, family, type_, proto)


def bound_sock(ns, proto, port, opts=(), family=socket.AF_INET):
    """A datagram socket of proto in ns bound to (0.0.0.0, port) (or ::),
    with the (level, name, value) setsockopt triples of opts applied."""
    s = new_sock(ns, proto, family=family)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
    for o in opts:
        s.setsockopt(*o)
    return s


def sockaddr_in(addr, port, family=socket.AF_INET):
    return struct.pack("=H", family) + struct.pack("!H", port) + \
        socket.inet_aton(addr) + bytes(8)


def sockaddr_in6(addr, port, flowinfo=0, scope_id=0, family=socket.AF_INET6):
    """struct sockaddr_in6 (28 bytes)."""
    return struct.pack("=H", family) + struct.pack("!HI", port, flowinfo) + \
        socket.inet_pton(socket.AF_INET6, addr) + struct.pack("=I", scope_id)


def cmsg(level, type_, data, length=None):
    """A control message; length overrides cmsg_len (default CMSG_LEN)."""
    hdr = 16
    if length is None:
        length = hdr + len(data)
    space = (hdr + len(data) + 7) & ~7
    return struct.pack("=QII", length, level, type_) + data + \
        bytes(space - hdr - len(data))


class _Iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class _Msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(_Iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


def _sendmsg(s, msg, flags):
    _libc.sendmsg.argtypes = (ctypes.c_int, ctypes.POINTER(_Msghdr), ctypes.c_int)
    _libc.sendmsg.restype = ctypes.c_ssize_t
    n = _libc.sendmsg(s.fileno(), ctypes.byref(msg), flags)
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return n


def raw_sendmsg(s, data, name=None, control=b"", flags=0, namelen=None):
    """sendmsg(2) as given: name (bytes) with namelen (default its length),
    raw control bytes.  Returns the byte count; raises OSError."""
    buf = ctypes.create_string_buffer(bytes(data), max(len(data), 1))
    iov = _Iovec(ctypes.cast(buf, ctypes.c_void_p), len(data))
    nbuf = ctypes.create_string_buffer(name, max(len(name), 1)) if name is not None else None
    cbuf = ctypes.create_string_buffer(control, max(len(control), 1)) if control else None
    msg = _Msghdr(ctypes.cast(nbuf, ctypes.c_void_p) if nbuf else None,
                  (len(name) if namelen is None else namelen) if name is not None else 0,
                  ctypes.pointer(iov), 1,
                  ctypes.cast(cbuf, ctypes.c_void_p) if cbuf else None,
                  len(control), 0)
    return _sendmsg(s, msg, flags)


# An address no process maps (below vm.mmap_min_addr): a copy from it
# faults.
UNMAPPED = 0x10


def sendmsg_fault(s, data, bad, name=None, flags=0):
    """sendmsg(2) of data, then bad bytes from an unmapped address, as one
    message: the copy faults after len(data) bytes.  Returns the byte count;
    raises OSError."""
    buf = ctypes.create_string_buffer(bytes(data), max(len(data), 1))
    iov = (_Iovec * 2)(_Iovec(ctypes.cast(buf, ctypes.c_void_p), len(data)),
                       _Iovec(UNMAPPED, bad))
    nbuf = ctypes.create_string_buffer(name, len(name)) if name else None
    msg = _Msghdr(ctypes.cast(nbuf, ctypes.c_void_p) if nbuf else None,
                  len(name) if name else 0, ctypes.cast(iov, ctypes.POINTER(_Iovec)), 2,
                  None, 0, 0)
    return _sendmsg(s, msg, flags)


def raw_sendto(s, data, name, namelen):
    """sendto(2) with an address of any length."""
    buf = ctypes.create_string_buffer(name, max(len(name), 1))
    _libc.sendto.restype = ctypes.c_ssize_t
    n = _libc.sendto(s.fileno(), bytes(data), ctypes.c_size_t(len(data)), 0, buf,
                     ctypes.c_uint32(namelen))
    if n < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return n


def raw_connect(s, name):
    """connect(2) to a raw address (an AF_UNSPEC one disconnects)."""
    buf = ctypes.create_string_buffer(name, len(name))
    if _libc.connect(s.fileno(), buf, len(name)) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return 0


def outcome(fn, *args, **kw):
    """("ok", value) or ("err", errno name) of a call, for comparing."""
    try:
        return ("ok", fn(*args, **kw))
    except OSError as e:
        return ("err", errno.errorcode.get(e.errno, e.errno))


def splice_sends(s, payload):
    """Into connected socket s: sendfile() of 1, 1000 and 4000 bytes of
    payload from a file; splice() of 3000 from a pipe; sendfile() twice
    under UDP_CORK (the end of a splice leaves a corked datagram pending),
    then uncorked; sendfile() past the end of the file under UDP_CORK, a
    send() that joins its datagram, and uncorked (->splice_eof() pushes
    a pending datagram unless UDP_CORK holds it; 6.1 calls it only at
    the end of a file); splice() of 20 packets of 10 bytes, each on a
    page of its own (a packet pipe): one datagram of more page frags than
    an skb has.  The outcomes.  payload is at least 4000 bytes."""
    out = []
    with tempfile.TemporaryFile() as f:
        f.write(payload)
        f.flush()
        out += [outcome(os.sendfile, s.fileno(), f.fileno(), 0, n) for n in (1, 1000, 4000)]
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        out += [outcome(os.sendfile, s.fileno(), f.fileno(), 0, n) for n in (500, 700)]
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 0)
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
        out.append(outcome(os.sendfile, s.fileno(), f.fileno(), len(payload) - 300, 1000))
        out.append(outcome(s.send, payload[:10]))
        s.setsockopt(socket.SOL_UDP, UDP_CORK, 0)
        out.append(outcome(os.sendfile, s.fileno(), f.fileno(), len(payload) - 200, 1000))
    for flags, writes in ((0, [payload[-3000:]]), (os.O_DIRECT, [payload[:10]] * 20)):
        rp, wp = os.pipe2(flags)
        try:
            fcntl.fcntl(wp, fcntl.F_SETPIPE_SZ, 1 << 17)
            n = sum(os.write(wp, w) for w in writes)
            out.append(outcome(os.splice, rp, s.fileno(), n))
        finally:
            os.close(rp)
            os.close(wp)
    return out


def recv_errqueue(s):
    """Everything on the error queue, each as (errno, origin, type, code,
    info, data, offender address, port of the original destination)."""
    out = []
    while True:
        try:
            _, anc, _, addr = s.recvmsg(1, 512, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
        except BlockingIOError:
            return out
        for level, type_, data in anc:
            if (level, type_) == (socket.SOL_IP, IP_RECVERR):
                ee = struct.unpack_from("=IBBBBII", data)
                off = socket.inet_ntoa(data[20:24]) if len(data) >= 24 and data[16:18] != b"\0\0" else None
                out.append(ee[:4] + ee[5:] + (off, addr[1] if addr else None))
            elif (level, type_) == (socket.IPPROTO_IPV6, IPV6_RECVERR):
                ee = struct.unpack_from("=IBBBBII", data)
                fam = struct.unpack_from("=H", data, 16)[0] if len(data) >= 44 else 0
                off = socket.inet_ntop(socket.AF_INET6, data[24:40]) if fam == socket.AF_INET6 \
                    else socket.inet_ntoa(data[20:24]) if fam == socket.AF_INET else None
                out.append(ee[:4] + ee[5:] + (off, addr[1] if addr else None))


def net_file(ns, name):
    """/proc/net/<name> of namespace ns (the thread's own, not the process')."""
    def read():
        with open("/proc/thread-self/net/" + name) as f:
            return f.read()
    return run_in(ns, read)


def snmp(ns):
    """{"Ip": {...}, "Udp": {...}, ..., "Ip6": {...}, "Udp6": {...}, ...}
    from /proc/net/snmp and /proc/net/snmp6."""
    rows, out = net_file(ns, "snmp").splitlines(), {}
    for head, vals in zip(rows[::2], rows[1::2]):
        proto, keys = head.split(":")
        out[proto] = dict(zip(keys.split(), map(int, vals.split(":")[1].split())))
    try:
        text = net_file(ns, "snmp6")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        m = SNMP6_KEY.match(line.split()[0])
        if m:
            out.setdefault(m.group(1), {})[m.group(2)] = int(line.split()[1])
    return out


def snmp_delta(before, after, pick=lambda proto, key: True):
    """Counters that moved, as {"Proto.Key": delta}."""
    return {"%s.%s" % (p, k): v - before[p][k]
            for p in after for k, v in after[p].items()
            if pick(p, k) and v != before[p].get(k)}


def sender_counter(proto, key):
    """Counters a send moves synchronously in the sender's namespace."""
    return (proto == "Ip" and (key.startswith("Out") or key.startswith("Frag"))) or \
        (proto == "Udp" and key in ("OutDatagrams", "SndbufErrors"))


def sender_counter6(proto, key):
    """sender_counter()'s and their Ip6 and Udp6 twins, for IPv6 senders
    (in the namespaces of IPv4 tests, router solicitations and MLD reports
    move Ip6 counters when they please)."""
    return sender_counter(proto.rstrip("6"), key)


def net_counters(ns, name):
    """/proc/net/NAME of lines "Name value" as a dict; {} where it is absent."""
    try:
        text = net_file(ns, name)
    except FileNotFoundError:
        return {}
    return {k: int(v) for k, v in (line.split() for line in text.splitlines())}


def altudp_stats(ns):
    return net_counters(ns, "altudp")


def sock_counts(ns, ipv6=False):
    """sockstat's "UDP: inuse" and the sockets of /proc/net/protocols'
    ALTUDP line (None without the module); with ipv6, sockstat6's "UDP6:
    inuse" and the ALTUDPv6 line's too."""
    want = [("sockstat", "UDP:", "UDP inuse"), ("sockstat6", "UDP6:", "UDP6 inuse")]
    out = {}
    for name, head, key in want[:2 if ipv6 else 1]:
        row = [l.split() for l in net_file(ns, name).splitlines() if l.startswith(head)][0]
        out[key] = int(row[row.index("inuse") + 1])
    protocols = net_file(ns, "protocols").splitlines()
    for name in ("ALTUDP", "ALTUDPv6")[:2 if ipv6 else 1]:
        alt = [l.split() for l in protocols if l.startswith(name + " ")]
        out[name + " sockets"] = int(alt[0][2]) if alt else None
    return out


class Capture:
    """An AF_PACKET socket on ifname in ns; frames() returns the IPv4
    packets (no Ethernet header) received since the last call, or with
    family AF_INET6 the IPv6 ones (proto: their upper-layer protocol,
    after any extension headers)."""

    def __init__(self, ns, ifname, proto=socket.IPPROTO_UDP, family=socket.AF_INET):
        self.proto = proto
        self.family = family
        self.s = run_in(ns, socket.socket, socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(ETH_P_ALL))
        run_in(ns, self.s.bind, (ifname, 0))
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)

    def _want(self, frame, addr):
        if addr[2] == socket.PACKET_OUTGOING or frame[12:14] != ETHERTYPE[self.family]:
            return False
        if self.proto is None:
            return True
        if self.family == socket.AF_INET6:
            return ipv6_headers(frame[14:])[0]["proto"] == self.proto
        return frame[23] == self.proto

    def frames(self, count=1, timeout=5.0, eth=False):
        """Wait up to timeout for count frames, then take whatever else is
        already queued."""
        got, end = [], time.monotonic() + timeout
        while True:
            wait = max(0.0, end - time.monotonic()) if len(got) < count else 0.0
            if not select.select([self.s], [], [], wait)[0]:
                return got
            frame, addr = self.s.recvfrom(70000)
            if self._want(frame, addr):
                got.append(frame if eth else frame[14:])

    def close(self):
        self.s.close()


def mask_ip(pkt):
    """The packet with the IP ID and header checksum zeroed: the ID is the
    one field the kernel picks per datagram (a per-destination counter), so
    two senders never share it, and the header checksum covers it.  In an
    IPv6 packet, the identification of its fragment header."""
    pkt = bytearray(pkt)
    if pkt[0] >> 4 == 6:
        for name, pos, _ in ipv6_exts(pkt):
            if name == "frag":
                pkt[pos + 4:pos + 8] = bytes(4)
        return bytes(pkt)
    pkt[4:6] = b"\0\0"
    pkt[10:12] = b"\0\0"
    return bytes(pkt)


def hexdiff(a, b):
    """A short description of where two byte strings differ."""
    if len(a) != len(b):
        return "lengths %d != %d" % (len(a), len(b))
    i = next((i for i in range(len(a)) if a[i] != b[i]), None)
    if i is None:
        return "equal"
    return "first difference at byte %d: %s vs %s" % (i, a[i:i + 8].hex(), b[i:i + 8].hex())
