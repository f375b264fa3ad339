#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Path MTU discovery modes, native UDP and altudp side by side.

For each IP_MTU_DISCOVER mode (DONT, WANT, DO, PROBE, INTERFACE, OMIT), with
and without IP_RECVERR, a datagram over the veth MTU of 1500 and one under
it: the same send results, the same EMSGSIZE reports on the error queue
(SO_EE_ORIGIN_LOCAL, ee_info the MTU), the same DF bits and fragments on
the wire.  Then the same through a route with "mtu lock 1200", which
DO/WANT/PROBE honour and INTERFACE/OMIT ignore.
"""

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import Netns, ns_exec, require_module, tap_check, tap_end
from txcmp import (IP_MTU_DISCOVER, IP_RECVERR, SO_EE_ORIGIN_LOCAL, SOL_IP, Peer,
                   compare, send, side_by_side)
from udpcmp import recv_errqueue

MODES = ("DONT", "WANT", "DO", "PROBE", "INTERFACE", "OMIT")


def check(ns, peer, where, sizes):
    for mode, name in enumerate(MODES):
        for recverr in (0, 1):
            opts = [(SOL_IP, IP_MTU_DISCOVER, mode), (SOL_IP, IP_RECVERR, recverr)]

            def scenario(s):
                res = []
                for n in sizes:
                    res.append(send(s, bytes(n), addr=peer.addr))
                    res.append(recv_errqueue(s))
                return res

            desc = "%s, IP_PMTUDISC_%s%s" % (where, name, ", IP_RECVERR" if recverr else "")
            runs = side_by_side(ns, peer, scenario, opts)
            compare(desc, runs)
            errs = [e for r in runs["altudp"].results if isinstance(r, list) for e in r]
            if recverr and "EMSGSIZE" in runs["altudp"].results:
                tap_check(errs and all(e[0] == 90 and e[1] == SO_EE_ORIGIN_LOCAL for e in errs),
                          desc + ": EMSGSIZE reported on the error queue", "%r" % errs)


def main():
    require_module()
    with Netns() as ns:
        peer = Peer(ns)
        check(ns, peer, "device mtu 1500", (2000, 1400))
        ns_exec(ns.a, "ip", "route", "add", ns.addr_b + "/32", "dev", ns.if_a,
                "mtu", "lock", "1200")
        check(ns, peer, "route mtu lock 1200", (1300, 1100))
        peer.close()
    tap_end()


main()
