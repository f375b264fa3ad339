#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Privileged operations as root and as an unprivileged user (uid and gid
65534, no supplementary groups, no capabilities): native UDP and altudp
must refuse exactly the same things with the same errno.

Socket options that need CAP_NET_ADMIN or CAP_NET_RAW (SO_MARK,
SO_PRIORITY above 6, IP_TRANSPARENT, SO_BINDTODEVICE once bound,
SO_*BUFFORCE, SO_DEBUG, SO_TXTIME on a clock other than CLOCK_MONOTONIC,
IP_OPTIONS with a source route), a bind to a port below 1024, control
messages of the send path (SO_MARK, IP_RETOPTS with a source route, which
altudp's own ip_options_get() checks), and sends to broadcast addresses
with and without SO_BROADCAST.  Each check runs in
a forked child that joined the sender's namespace and, for the
unprivileged run, dropped its credentials.
"""

import ctypes
import errno
import json
import os
import socket
import struct

import lib  # noqa: F401 (puts selftests/lib on sys.path)
from altudp import (CLONE_NEWNET, Netns, altudp_protocol, require_module, tap_check,
                    tap_diag, tap_end)

SO_DEBUG, SO_PRIORITY, SO_BINDTODEVICE, SO_MARK = 1, 12, 25, 36
SO_SNDBUFFORCE, SO_RCVBUFFORCE, SO_TXTIME = 32, 33, 61
IP_OPTIONS, IP_RETOPTS, IP_TRANSPARENT, IP_FREEBIND = 4, 7, 19, 15
CLOCK_MONOTONIC, CLOCK_TAI = 1, 11
NOBODY = 65534
DPORT = 5000

KINDS = (("native", 0), ("altudp", altudp_protocol()))


def lsrr(hop):
    """A loose source route through hop, NOP-padded to 12 bytes."""
    return b"\x01\x83\x07\x04" + socket.inet_aton(hop) + b"\x00" * 4


RR = b"\x07\x07\x04\x00\x00\x00\x00\x00"


def checks(ns):
    """name -> fn(sock) returning what the call returned or its errno."""
    dst = (ns.addr_b, DPORT)
    bcast = ns.addr_b.rsplit(".", 1)[0] + ".255"
    so, ipl = socket.SOL_SOCKET, socket.SOL_IP
    txtime = struct.pack("iI", CLOCK_TAI, 0)

    def opt(level, name, value):
        return lambda s: s.setsockopt(level, name, value)

    def bcast_send(addr, allow):
        def fn(s):
            if allow:
                s.setsockopt(so, socket.SO_BROADCAST, 1)
            return s.sendto(b"x" * 10, (addr, DPORT))
        return fn

    def opt_then_send(level, name, value):
        def fn(s):
            s.setsockopt(level, name, value)
            return s.sendto(b"x" * 10, dst)
        return fn

    return {
        "SO_MARK": opt(so, SO_MARK, 7),
        "SO_PRIORITY 6": opt(so, SO_PRIORITY, 6),
        "SO_PRIORITY 7": opt(so, SO_PRIORITY, 7),
        "IP_TRANSPARENT": opt(ipl, IP_TRANSPARENT, 1),
        "SO_BINDTODEVICE": opt(so, SO_BINDTODEVICE, ns.if_a.encode()),
        "SO_BINDTODEVICE, then another device":
            lambda s: (s.setsockopt(so, SO_BINDTODEVICE, ns.if_a.encode()),
                       s.setsockopt(so, SO_BINDTODEVICE, b"lo"))[1],
        "SO_SNDBUFFORCE": opt(so, SO_SNDBUFFORCE, 1 << 20),
        "SO_RCVBUFFORCE": opt(so, SO_RCVBUFFORCE, 1 << 20),
        "SO_DEBUG": opt(so, SO_DEBUG, 1),
        "SO_TXTIME on CLOCK_TAI": opt(so, SO_TXTIME, txtime),
        "bind to port 80": lambda s: s.bind((ns.addr_a, 80)),
        "bind to port 1024": lambda s: s.bind((ns.addr_a, 1024)),
        "bind to a foreign address": lambda s: s.bind(("192.0.2.1", 4000)),
        "IP_FREEBIND, bind to a foreign address":
            lambda s: (s.setsockopt(ipl, IP_FREEBIND, 1), s.bind(("192.0.2.1", 4000)))[1],
        "IP_OPTIONS with a source route, send": opt_then_send(ipl, IP_OPTIONS, lsrr(ns.addr_b)),
        "IP_OPTIONS record route, send": opt_then_send(ipl, IP_OPTIONS, RR),
        "SO_PRIORITY 6, send": opt_then_send(so, SO_PRIORITY, 6),
        "cmsg SO_MARK": lambda s: s.sendmsg([b"x"], [(so, SO_MARK, struct.pack("I", 7))], 0, dst),
        "cmsg IP_RETOPTS with a source route":
            lambda s: s.sendmsg([b"x"], [(ipl, IP_RETOPTS, lsrr(ns.addr_b))], 0, dst),
        "cmsg IP_RETOPTS record route":
            lambda s: s.sendmsg([b"x"], [(ipl, IP_RETOPTS, RR)], 0, dst),
        "cmsg SCM_TXTIME": lambda s: s.sendmsg([b"x"], [(so, SO_TXTIME, bytes(8))], 0, dst),
        "send to the subnet broadcast": bcast_send(bcast, False),
        "send to the subnet broadcast with SO_BROADCAST": bcast_send(bcast, True),
        "send to 255.255.255.255": bcast_send("255.255.255.255", False),
        "send to 255.255.255.255 with SO_BROADCAST": bcast_send("255.255.255.255", True),
    }


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns")
    finally:
        os.close(fd)


def run_checks(ns, unprivileged):
    """{kind: {check: result}} from a child in ns.a, with credentials
    dropped when unprivileged."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(rfd)
            setns("/run/netns/" + ns.a)
            if unprivileged:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            out = {}
            for kind, proto in KINDS:
                out[kind] = {}
                for name, fn in checks(ns).items():
                    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
                    try:
                        r = fn(s)
                        out[kind][name] = "ok" if r is None else repr(r)
                    except OSError as e:
                        out[kind][name] = errno.errorcode.get(e.errno, str(e.errno))
                    s.close()
            out["uid"] = os.getuid()
            os.write(wfd, json.dumps(out).encode())
        finally:
            os._exit(0)
    os.close(wfd)
    data = b""
    while True:
        chunk = os.read(rfd, 65536)
        if not chunk:
            break
        data += chunk
    os.close(rfd)
    os.waitpid(pid, 0)
    return json.loads(data) if data else {}


def main():
    require_module()
    with Netns() as ns:
        runs = {"root": run_checks(ns, False), "unprivileged": run_checks(ns, True)}
    for who, res in runs.items():
        if not tap_check(res.get("native") and res.get("altudp"), who + ": checks ran",
                         "the child reported nothing"):
            continue
        for name in checks(ns):
            n, a = res["native"][name], res["altudp"][name]
            tap_check(n == a, "%s: %s: %s" % (who, name, a), "native %s" % n)
    root, user = runs["root"].get("native", {}), runs["unprivileged"].get("native", {})
    refused = sorted(k for k in user if user[k] != root.get(k))
    tap_diag("refused without privileges (native): " + ", ".join(refused))
    tap_check(runs["unprivileged"].get("uid") == NOBODY and "SO_MARK" in refused,
              "the unprivileged child ran as uid %d without CAP_NET_ADMIN" % NOBODY,
              "uid %r, refused %r" % (runs["unprivileged"].get("uid"), refused))
    tap_end()


main()
