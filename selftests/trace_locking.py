#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The altudp_sendmsg trace event while the socket's sk_callback_lock is
write-locked.

A tracepoint runs with preemption disabled.  On PREEMPT_RT rwlocks sleep,
so an event that read the socket's inode through sock_i_ino()
(read_lock_bh(&sk->sk_callback_lock)) blocked in atomic context whenever a
writer held that lock: on 6.12-rt the guest oopsed within seconds.  Here
one thread sends on an altudp socket with the event enabled while another
puts the socket into a BPF sockmap and takes it out again, which
write-locks sk_callback_lock (sk_psock_init(), sk_psock_drop()).  The
kernel log must stay clean (scripts/vm fails the run otherwise), the
event must have fired, and its ino must be the socket's.  In the map or
not, the socket sends through the module (sockmap.py).
"""

import ctypes
import os
import socket
import struct
import threading
import time

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (Netns, altudp_protocol, require_module, run_in, skip_all,
                    tap_check, tap_diag, tap_end)
from bpf import (BPF_MAP_DELETE_ELEM, BPF_MAP_UPDATE_ELEM, MAP_SOCKMAP, bpf,
                 map_create)

TRACEFS = "/sys/kernel/tracing"
DPORT = 9000
SECONDS = float(os.environ.get("ALTUDP_TRACE_LOCKING_SECONDS", "15"))

def pin(cpu):
    """Run the calling thread on cpu, when the guest has it."""
    cpus = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpus[cpu % len(cpus)]})


def main():
    require_module()
    inst = "%s/instances/altudp-test-%d" % (TRACEFS, os.getpid())
    with Netns() as ns:
        s = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM,
                   altudp_protocol())
        r = run_in(ns.b, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)
        r.bind((ns.addr_b, DPORT))
        s.bind((ns.addr_a, 0))          # a sockmap takes bound UDP only
        try:
            mapfd = map_create(MAP_SOCKMAP, 4, 1)
        except OSError as e:
            skip_all("no BPF sockmap: %s" % e)
        key, val = ctypes.c_uint32(0), ctypes.c_uint32(s.fileno())
        update = struct.pack("IIQQQ", mapfd, 0, ctypes.addressof(key),
                             ctypes.addressof(val), 0)
        delete = struct.pack("IIQQ", mapfd, 0, ctypes.addressof(key), 0)

        os.mkdir(inst)
        try:
            with open(inst + "/events/altudp/altudp_sendmsg/enable", "w") as f:
                f.write("1")
            stop = time.monotonic() + SECONDS
            counts = {"writes": 0, "sends": 0}
            errors = []

            def writer():
                pin(0)
                try:
                    while time.monotonic() < stop:
                        bpf(BPF_MAP_UPDATE_ELEM, update)
                        bpf(BPF_MAP_DELETE_ELEM, delete)
                        counts["writes"] += 1
                except OSError as e:
                    errors.append("sockmap update: %s" % e)

            w = threading.Thread(target=writer)
            w.start()
            pin(1)
            while time.monotonic() < stop and not errors:
                for _ in range(50):
                    s.sendto(b"x", (ns.addr_b, DPORT))
                    counts["sends"] += 1
            w.join()
            with open(inst + "/events/altudp/enable", "w") as f:
                f.write("0")
            with open(inst + "/trace") as f:
                inos = {ln.split(" ino=")[1].split()[0]
                        for ln in f if "altudp_sendmsg:" in ln}
        finally:
            os.rmdir(inst)
        ino = str(os.fstat(s.fileno()).st_ino)
        os.close(mapfd)
        s.close()
        r.close()

    tap_diag("%d sockmap updates, %d sends in %.0f s" %
             (counts["writes"], counts["sends"], SECONDS))
    tap_check(not errors and counts["writes"] > 0,
              "a sockmap writer locked the socket's sk_callback_lock",
              "; ".join(errors) or "no update")
    tap_check(len(inos) > 0, "altudp_sendmsg fired meanwhile", "no event")
    tap_check(inos == {ino}, "its ino is the socket's inode",
              "ino %s, socket %s" % (sorted(inos), ino))
    tap_end()


if __name__ == "__main__":
    main()
