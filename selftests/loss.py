#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every datagram that is not delivered is accounted for, native UDP and
altudp alike, under load.

A sender in namespace A pushes bounded bursts as fast as it can, from a
kernel UDP socket and then from an altudp socket, of four kinds: 1000-byte
datagrams (below the MTU), 1500-byte ones (just above: two fragments),
4000-byte ones (three fragments) and UDP_SEGMENT sends of eight 1000-byte
segments.  Each datagram carries its sequence number; a receiver in B
counts what arrives by that number.  Losses are made deterministic: A's
veth has a tbf qdisc of small limit that the burst overflows, B's
receiver has a small SO_RCVBUF and reads nothing until the burst is over,
and busy loops (one per CPU) keep the guest loaded throughout.

The counters of both namespaces (/proc/net/snmp, /proc/net/dev), of the
guest (/proc/net/softnet_stat) and of A's qdisc (tc -s qdisc) are read
before and after each burst, once A's qdisc is empty, B's reassembly
queues have expired (net.ipv4.ipfrag_time 1 in B) and the receiver has
read everything.  Each counter is turned into datagrams:

  qdisc     A's Udp SndbufErrors: a datagram the qdisc dropped after the
            send succeeded, one per send (eight datagrams for a GSO send);
            a dropped fragment ends its datagram (Ip FragFails).  Qdisc
            drops beyond those: one skb each, taken after the send
            returned (behind an unresolved neighbour; B's address is
            made permanent in A so that this does not happen)
  backlog   /proc/net/softnet_stat drops, veth rx/tx drops: one skb each
            (eight datagrams for a GSO skb, one for a fragment)
  reasm     B's Ip ReasmFails beyond A's FragFails and late qdisc drops
            (A's datagrams cut short end in B's reassembly timeouts: they
            are counted once, as qdisc)
  rcvbuf    B's Udp RcvbufErrors
  udp       B's Udp InErrors beyond RcvbufErrors, and NoPorts

A burst fails when more datagrams are lost than the counters name (the
accounting is printed with every point).  altudp's pattern is judged
against native's of the same kind in the same boot: the counters that
took losses must be the same (the qdisc and the receive buffer overflow
in both; backlog and reassembly drops depend on scheduling and may differ)
and the receiver must hold exactly as many datagrams, since that number
is set by SO_RCVBUF and the size of each skb, not by timing.  The
sender's own counts must add up too: OutDatagrams plus SndbufErrors as
for native per successful send, no more SndbufErrors than qdisc drops,
FragFails as SndbufErrors for fragments.
"""

import errno
import json
import os
import socket
import struct
import subprocess
import sys
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ns_exec, require_module, run_in, tap_end, tap_fail, tap_ok, tap_diag
from udpcmp import KINDS, UDP_SEGMENT, net_file, snmp

SOL_UDP = 17
PORT = 6000
SEG = 1000
GSO_SEGS = 8
# (name, datagram size, datagrams per send, sends)
CLASSES = (
    ("1000 B", 1000, 1, 150),
    ("1500 B, 2 fragments", 1500, 1, 100),
    ("4000 B, 3 fragments", 4000, 1, 60),
    ("GSO 8 x 1000 B", SEG, GSO_SEGS, 30),
)
RCVBUF = 8192           # the kernel doubles it
# A's veth: a 31 kB/s tbf whose queue, a pfifo, holds 5 packets, so that
# the queue fills within a datagram of fragments as well as between them.
# The sender must outrun it in the debug kernel too, where the module's
# gcov counters slow altudp's sends and not the kernel's: at 250 kB/s, and
# at 125 kB/s on 7.2, its 1500-byte datagrams there (KASAN, the guest's
# CPUs kept busy) did not.  The 32 kB bucket lets enough through at once
# for the receive buffer to overflow where the sender is fast; each burst
# gets a new qdisc, whose bucket is full.
QDISC = (("root", "handle", "1:", "tbf", "rate", "250kbit", "burst", "32kb", "limit", "32kb"),
         ("parent", "1:1", "handle", "10:", "pfifo", "limit", "5"))


def softnet_dropped():
    with open("/proc/net/softnet_stat") as f:
        return sum(int(line.split()[1], 16) for line in f)


def dev_drops(ns, dev):
    """(rx_dropped, tx_dropped) of dev in ns, from /proc/net/dev."""
    for line in net_file(ns, "dev").splitlines():
        name, _, rest = line.partition(":")
        if name.strip() == dev:
            f = rest.split()
            return int(f[3]), int(f[11])
    return 0, 0


RTM_NEWQDISC, RTM_GETQDISC, NLMSG_DONE, NLMSG_ERROR = 36, 38, 3, 2
TCA_STATS = 3
TC_H_ROOT = 0xffffffff


def _qdisc(dev):
    """What tc -s qdisc shows of dev's root qdisc (struct tc_stats), read
    over rtnetlink in the caller's namespace: (drops, qlen)."""
    ifindex = socket.if_nametoindex(dev)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) as nl:
        nl.sendall(struct.pack("=IHHII", 36, RTM_GETQDISC, 0x301, 1, 0) +
                   struct.pack("=BBHiIII", 0, 0, 0, 0, 0, 0, 0))
        while True:
            buf = nl.recv(65536)
            off = 0
            while off + 16 <= len(buf):
                ln, typ = struct.unpack_from("=IH", buf, off)
                if typ in (NLMSG_DONE, NLMSG_ERROR):
                    raise LookupError("no root qdisc on " + dev)
                _, _, _, idx, _, parent, _ = struct.unpack_from("=BBHiIII", buf, off + 16)
                a = off + 36
                while typ == RTM_NEWQDISC and idx == ifindex and parent == TC_H_ROOT and \
                        a + 4 <= off + ln:
                    alen, atyp = struct.unpack_from("=HH", buf, a)
                    if atyp == TCA_STATS:
                        st = struct.unpack_from("=QIIIIII", buf, a + 4)
                        return st[2], st[6]
                    a += (alen + 3) & ~3
                off += (ln + 3) & ~3


def qdisc(ns, dev):
    """(drops, queued packets) of the root qdisc of dev in ns."""
    return run_in(ns, _qdisc, dev)


def frag_inuse(ns):
    for line in net_file(ns, "sockstat").splitlines():
        if line.startswith("FRAG:"):
            return int(line.split()[2])
    return 0


def snapshot(ns):
    a, b = snmp(ns.a), snmp(ns.b)
    return {
        "sA": a["Udp"]["SndbufErrors"], "oA": a["Udp"]["OutDatagrams"],
        "ffA": a["Ip"]["FragFails"], "qd": qdisc(ns.a, ns.if_a)[0],
        "txd": dev_drops(ns.a, ns.if_a)[1], "rxd": dev_drops(ns.b, ns.if_b)[0],
        "sd": softnet_dropped(),
        "rf": b["Ip"]["ReasmFails"], "rt": b["Ip"]["ReasmTimeout"],
        "rb": b["Udp"]["RcvbufErrors"], "ie": b["Udp"]["InErrors"],
        "np": b["Udp"]["NoPorts"], "in": b["Udp"]["InDatagrams"],
    }


def payloads(size, segs, sends):
    """One buffer per send; every datagram (segment) starts with its number."""
    out, n = [], 0
    for _ in range(sends):
        buf = b""
        for _ in range(segs):
            buf += struct.pack("!I", n) + bytes(size - 4)
            n += 1
        out.append(buf)
    return out


def burst(ns, proto, port, size, segs, sends):
    """Send; then wait for A's qdisc to empty and B's reassembly queues to
    expire, and read everything.  Returns (datagrams sent, numbers got,
    send errors, anomalies)."""
    rcv = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
    rcv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    rcv.bind((ns.addr_b, port))
    snd = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM, proto)
    snd.connect((ns.addr_b, port))
    if segs > 1:
        snd.setsockopt(SOL_UDP, UDP_SEGMENT, SEG)
    errs, sent = {}, 0
    for buf in payloads(size, segs, sends):
        try:
            snd.send(buf)
            sent += segs
        except OSError as e:
            name = errno.errorcode.get(e.errno, str(e.errno))
            errs[name] = errs.get(name, 0) + 1
    snd.close()
    deadline = time.monotonic() + 10
    while qdisc(ns.a, ns.if_a)[1] and time.monotonic() < deadline:
        time.sleep(0.05)
    while frag_inuse(ns.b) and time.monotonic() < deadline:
        time.sleep(0.1)
    got, odd = {}, []
    rcv.settimeout(0.2)
    while True:
        try:
            d = rcv.recv(65536)
        except socket.timeout:
            break
        n = struct.unpack("!I", d[:4])[0]
        if len(d) != size or n >= sent:
            odd.append("datagram of %d B numbered %d" % (len(d), n))
        got[n] = got.get(n, 0) + 1
    rcv.close()
    odd += ["datagram %d received %d times" % (n, c) for n, c in got.items() if c > 1]
    return sent, set(got), errs, odd


def account(d, size, segs, lost):
    """The counters' datagrams by cause, and what is left unexplained."""
    frags = size > 1472
    skb = 1 if frags else segs
    # Drops of the qdisc beyond SndbufErrors: packets it took after their
    # send returned (one skb each).
    late = max(d["qd"] - d["sA"], 0)
    c = {
        "qdisc": d["sA"] * segs,
        "qdisc after the send": late * skb,
        "backlog": max(d["sd"], d["rxd"], d["txd"]) * skb,
        "reasm": max(d["rf"] - d["ffA"] - (late if frags else 0), 0),
        "rcvbuf": d["rb"],
        "udp": d["ie"] - d["rb"] + d["np"],
    }
    if frags:
        # A fragment dropped in the backlog ends as a reassembly failure.
        c["backlog"] = max(c["backlog"] - c["reasm"], 0)
    return c, lost - sum(c.values())


def describe(d, c, sent, got, unexplained):
    why = ", ".join("%s %d" % kv for kv in c.items() if kv[1])
    if d["ffA"]:
        why += " (of the qdisc's, %d datagrams of fragments, %d of them ended in B's" \
            " reassembly timeouts)" % (d["ffA"], min(d["rt"], d["ffA"]))
    s = "sent %d, received %d, lost %d: %s" % (sent, got, sent - got, why or "none counted")
    if unexplained > 0:
        s += "; %d lost without a counter" % unexplained
    elif unexplained < 0:
        s += "; counters name %d more" % -unexplained
    return s


def raw(d):
    return ("A: Udp SndbufErrors %(sA)d OutDatagrams %(oA)d, Ip FragFails %(ffA)d, "
            "qdisc drops %(qd)d, veth tx_dropped %(txd)d; guest: softnet drops %(sd)d; "
            "B: veth rx_dropped %(rxd)d, Ip ReasmFails %(rf)d ReasmTimeout %(rt)d, "
            "Udp InDatagrams %(in)d RcvbufErrors %(rb)d InErrors %(ie)d NoPorts %(np)d" % d)


def main():
    require_module()
    with Netns() as ns:
        # B's address resolved for good: datagrams queued behind an
        # unresolved neighbour reach the qdisc after their send returned,
        # and those it drops then are counted there only, not as
        # SndbufErrors.
        mac = json.loads(ns_exec(ns.b, "ip", "-j", "link", "show", ns.if_b).stdout)[0]["address"]
        ns_exec(ns.a, "ip", "neigh", "replace", ns.addr_b, "lladdr", mac, "dev", ns.if_a,
                "nud", "permanent")
        ns_exec(ns.b, "sysctl", "-qw", "net.ipv4.ipfrag_time=1")
        # No IPv6 packets through A's qdisc beside the bursts.
        ns_exec(ns.a, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % ns.if_a)
        load = [subprocess.Popen(["sh", "-c", "while :; do :; done"])
                for _ in range(os.cpu_count() or 1)]
        try:
            run(ns)
        finally:
            for p in load:
                p.kill()
                p.wait()
    tap_end()


def new_qdisc(ns):
    """A's qdisc made again: its bucket full and its counters at 0."""
    ns_exec(ns.a, "tc", "qdisc", "del", "dev", ns.if_a, "root", check=False)
    for q in QDISC:
        ns_exec(ns.a, "tc", "qdisc", "add", "dev", ns.if_a, *q)


def run(ns):
    port = PORT
    for name, size, segs, sends in CLASSES:
        res = {}
        for kind, proto in KINDS:
            port += 1
            new_qdisc(ns)
            before = snapshot(ns)
            sent, got, errs, odd = burst(ns, proto, port, size, segs, sends)
            after = snapshot(ns)
            d = {k: after[k] - before[k] for k in after}
            lost = sent - len(got)
            c, unexplained = account(d, size, segs, lost)
            how = describe(d, c, sent, len(got), unexplained)
            res[kind] = (d, c, len(got), sent // segs)
            desc = "%s %s" % (kind, name)
            if errs:
                how += "; send errors %s" % errs
            if unexplained > 0 or odd:
                tap_fail(desc, how)
            else:
                tap_ok("%s: %s" % (desc, how))
            if unexplained or odd:
                tap_diag(raw(d))
                for o in odd[:5]:
                    tap_diag(o)
        compare(name, size, segs, res)


def compare(name, size, segs, res):
    """altudp's pattern against native's, and each sender's own counts."""
    (nd, nc, ngot, nsends), (ad, ac, agot, asends) = res["udp"], res["altudp"]
    why = []
    for cause in ("qdisc", "rcvbuf", "udp"):
        if bool(nc[cause]) != bool(ac[cause]):
            why.append("%s drops: native %d, altudp %d" % (cause, nc[cause], ac[cause]))
    if nc["rcvbuf"] and ac["rcvbuf"] and ngot != agot:
        why.append("the full receive buffer held %d native datagrams, %d altudp" % (ngot, agot))
    if not nc["qdisc"] or not nc["rcvbuf"]:
        why.append("native did not overflow both the qdisc and the receive buffer")
    # Per successful send, OutDatagrams + SndbufErrors as native's.
    nout, aout = nd["oA"] + nd["sA"], ad["oA"] + ad["sA"]
    if nout * asends != aout * nsends:
        why.append("OutDatagrams+SndbufErrors per send: native %d/%d, altudp %d/%d"
                   % (nout, nsends, aout, asends))
    for kind, d in (("native", nd), ("altudp", ad)):
        if d["qd"] < d["sA"]:
            why.append("%s SndbufErrors %d, qdisc drops %d" % (kind, d["sA"], d["qd"]))
    if size > 1472:
        for kind, d in (("native", nd), ("altudp", ad)):
            if d["ffA"] != d["sA"]:
                why.append("%s FragFails %d, SndbufErrors %d" % (kind, d["ffA"], d["sA"]))
    desc = "%s: altudp loses where native does" % name
    if why:
        tap_fail(desc, "; ".join(why))
        tap_diag("native: " + raw(nd))
        tap_diag("altudp: " + raw(ad))
    else:
        tap_ok("%s (qdisc, receive buffer; the full buffer held %d)" % (desc, agot))


if __name__ == "__main__":
    main()
