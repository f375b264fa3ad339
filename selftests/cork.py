#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Corking: MSG_MORE chains and UDP_CORK, native UDP and altudp side by side.

On a veth of MTU 1503 ((1503 - 20) is not a multiple of 8, so a write that
ends in the last 3 bytes leaves a gap the next fragment takes over: the
fraggap copy), with scatter-gather on and off and tx checksum offload on
and off on the sender: chains of small writes, of 1-byte writes filling a
fragment to the MTU, of 1000-byte writes crossing fragment boundaries and
of writes ending in the gap, appends whose copy faults (EFAULT), and
sendfile() and splice(); fragments larger than SKB_MAX_ALLOC without
scatter-gather (MTU 30000).  Then UDP_CORK set/sent/cleared, a corked send to another
destination, a corked datagram whose checksum sums to 0 (sent as 0xffff), MSG_PROBE|MSG_MORE, MSG_MORE past 65507 bytes (EMSGSIZE, the
pending datagram dropped) and close() with data pending.  Send results,
payloads, frames and Udp/Ip counters must be those of native UDP;
/proc/net/altudp counters show that the append branch meant was taken.
"""

import socket

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, require_module, tap_check, tap_end
from txcmp import (MSG_PROBE, SOL_UDP, SPORT, UDP_CORK, Peer, compare, ethtool, outq,
                   send, set_mtu, side_by_side, zero_csum_payload)
from udpcmp import outcome, sendmsg_fault, sockaddr_in, splice_sends

MORE = socket.MSG_MORE


def chain(sizes):
    """All but the last write with MSG_MORE."""
    return [(n, MORE) for n in sizes[:-1]] + [(sizes[-1], 0)]


CHAINS = {
    "37-byte writes": chain([37] * 101),
    "1-byte writes after 1470 bytes": chain([1470] + [1] * 40),
    "1000-byte writes": chain([1000] * 6),
    "writes ending in the gap": chain([1000, 474, 1000, 3, 2000]),
}


def payload(n, seed):
    return bytes((seed * 7 + i) & 0xff for i in range(n))


def run_chain(peer, steps):
    def scenario(s):
        return [send(s, payload(n, i), f, peer.addr) for i, (n, f) in enumerate(steps)]
    return scenario


def check_chains(ns, peer, feats):
    sg = feats.get("scatter-gather") == "on"
    tag = "sg %s, tx-csum %s" % ("on" if sg else "off", feats.get("tx-checksumming"))
    for name, steps in CHAINS.items():
        runs = side_by_side(ns, peer, run_chain(peer, steps))
        desc = "%s, %s" % (name, tag)
        compare(desc, runs)
        whole = b"".join(payload(n, i) for i, (n, _) in enumerate(steps))
        tap_check(runs["altudp"].payloads == [whole], desc + ": one datagram, intact")
        tx = runs["altudp"].tx
        moved = {k: tx.get("AltUdp" + k, 0) for k in
                 ("CorkedSends", "FraggapCopies", "SgPageFrags", "LinearCopies")}
        want_gap = name in ("1-byte writes after 1470 bytes", "writes ending in the gap")
        ok = (moved["CorkedSends"] == len(steps) and
              (moved["FraggapCopies"] > 0) == want_gap and
              (moved["SgPageFrags"] > 0) == sg and
              (moved["LinearCopies"] > 0) == (not sg))
        tap_check(ok, desc + ": CorkedSends, FraggapCopies, SgPageFrags, "
                  "LinearCopies moved as expected", "%r" % moved)

    # An append whose copy faults (EFAULT) drops the pending datagram:
    # into the skb's tailroom without scatter-gather, into page frags with
    # it, and into a new fragment's skb.
    name = sockaddr_in(*peer.addr)

    def faulting(s):
        return [send(s, payload(100, 1), MORE, peer.addr),
                outcome(sendmsg_fault, s, payload(200, 2), 100, name, MORE),
                send(s, payload(1000, 3), MORE, peer.addr),
                outcome(sendmsg_fault, s, payload(1000, 4), 100, name, 0),
                send(s, payload(50, 5), 0, peer.addr)]
    runs = side_by_side(ns, peer, faulting)
    compare("corked appends that fault, " + tag, runs)
    tap_check(runs["altudp"].payloads == [payload(50, 5)],
              "corked appends that fault, %s: the pending datagrams dropped" % tag,
              "%r" % [len(p) for p in runs["altudp"].payloads])

    def spliced(s):
        s.connect(peer.addr)
        return splice_sends(s, payload(8000, 6))
    # pages are attached with scatter-gather and copied without
    compare("sendfile and splice, connected, " + tag, side_by_side(ns, peer, spliced))


def check_cork_option(ns, peer):
    def scenario(s):
        res = [s.setsockopt(SOL_UDP, UDP_CORK, 1)]
        res += [send(s, payload(700, i), 0, peer.addr) for i in range(3)]
        res.append(s.setsockopt(SOL_UDP, UDP_CORK, 0))
        return res
    runs = side_by_side(ns, peer, scenario)
    compare("UDP_CORK, 3 sends, uncork", runs)
    whole = b"".join(payload(700, i) for i in range(3))
    tap_check(runs["altudp"].payloads == [whole], "UDP_CORK: uncork pushes one datagram")
    tap_check(runs["altudp"].tx.get("AltUdpCorkedSends") == 3, "UDP_CORK: 3 corked sends",
              "%r" % runs["altudp"].tx.get("AltUdpCorkedSends"))

    other = (peer.addr[0], peer.addr[1] + 1)
    runs = side_by_side(ns, peer, lambda s: [
        send(s, payload(100, 1), MORE, peer.addr),
        send(s, payload(100, 2), 0, other),
        send(s, payload(100, 3), 0, peer.addr)])
    compare("corked, then a send to another destination", runs)

    runs = side_by_side(ns, peer, lambda s: [
        send(s, payload(100, 1), MSG_PROBE | MORE, peer.addr),
        send(s, payload(100, 2), 0, peer.addr),
        send(s, payload(50, 3), MORE, peer.addr),
        send(s, payload(100, 4), MSG_PROBE | MORE, peer.addr),
        send(s, payload(100, 5), 0, peer.addr)])
    compare("MSG_PROBE|MSG_MORE, then normal sends", runs)

    runs = side_by_side(ns, peer, lambda s: [
        send(s, payload(60000, 1), MORE, peer.addr),
        send(s, payload(5508, 2), MORE, peer.addr),
        send(s, payload(10, 3), 0, peer.addr)])
    compare("MSG_MORE past 65507 bytes", runs)
    tap_check(runs["altudp"].results[1] == "EMSGSIZE" and
              runs["altudp"].payloads == [payload(10, 3)],
              "MSG_MORE past 65507 bytes: EMSGSIZE, pending datagram dropped")

    # A corked datagram is checksummed in software, where a sum of 0 is
    # sent as 0xffff (udp_send_skb()'s CSUM_MANGLED_0).
    zero = zero_csum_payload(ns.addr_a, peer.addr[0], SPORT, peer.addr[1], 300)
    runs = side_by_side(ns, peer, lambda s: [
        send(s, zero[:100], MORE, peer.addr), send(s, zero[100:], 0, peer.addr)])
    compare("corked, checksum summing to 0", runs)
    tap_check([r.get("ucheck") for r in runs["altudp"].records] == [0xffff],
              "corked, checksum summing to 0: sent as 0xffff",
              "%r" % runs["altudp"].records)

    def close_pending(s):
        res = [send(s, payload(3000, 1), MORE, peer.addr), outq(s) > 0]
        s.close()
        return res
    runs = side_by_side(ns, peer, close_pending)
    compare("close() with a datagram pending", runs)
    tap_check(runs["altudp"].payloads == [], "close() with a datagram pending: nothing sent")


def main():
    require_module()
    with Netns() as ns:
        set_mtu(ns, 1503)
        peer = Peer(ns)
        for feats in (("tx", "on", "sg", "on"), ("tx", "on", "sg", "off"), ("tx", "off")):
            check_chains(ns, peer, ethtool(ns.a, ns.if_a, *feats))
        # Without scatter-gather a fragment past SKB_MAX_ALLOC (four pages)
        # is still one linear skb.
        set_mtu(ns, 30000)
        ethtool(ns.a, ns.if_a, "sg", "off")
        compare("MTU 30000, scatter-gather off: 20000 and 40000 bytes", side_by_side(
            ns, peer, lambda s: [send(s, payload(n, 7), 0, peer.addr) for n in (20000, 40000)]))
        set_mtu(ns, 1503)
        ethtool(ns.a, ns.if_a, "tx", "on", "sg", "on")
        check_cork_option(ns, peer)
        peer.close()
    tap_end()


main()
