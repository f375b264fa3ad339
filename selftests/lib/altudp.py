# SPDX-License-Identifier: GPL-2.0
"""Helpers for selftests/*.py, which find them with "import lib" (lib/__init__.py
puts this directory on sys.path).

KTAP, as kselftest: tap_ok, tap_fail, tap_skip, tap_check, tap_diag; the
header comes before the first line; tap_end() prints the plan and exits 0,
1 (a point failed) or 4 (all skipped); skip_all(reason) skips the whole
test (exit 4).

Network namespaces, which exist only inside the test VM:

    with Netns() as ns:        # altudp-<test>-<pid>-a and -b, veth joined,
        ...                    # ns.addr_a 10.99.1.1/24, ns.addr_b 10.99.1.2/24
    Netns(ipv6=True)           # also ns.addr6_a fd00:99:1::1/64, ns.addr6_b
                               # fd00:99:1::2/64, each side's neighbour pinned
        sock = run_in(ns.a, socket.socket, socket.AF_INET, socket.SOCK_DGRAM)

run_in(ns, fn, *args) calls fn in a thread that has joined the namespace;
sockets it creates stay in that namespace.

The module: module_loaded(), altudp_protocol(), require_module(),
module_file() (ALTUDP_KO, or the installed module's file),
module_param(name, value) (a parameter set for a with block),
has_family(family), require_family(family): whether the module has a
socket of that family, skipping the test when not.
"""

import contextlib
import ctypes
import errno
import os
import re
import socket
import subprocess
import sys
import threading
import time

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# A copy made by make -C selftests install (lib/installed) carries what
# the tests use under the source tree's paths (lib.sh's ALTUDP_ROOT).
if os.path.exists(os.path.join(_TESTS, "lib", "installed")):
    ROOT = _TESTS
else:
    ROOT = os.path.dirname(_TESTS)
UAPI = os.path.join(ROOT, "include/uapi/linux/altudp.h")
TEST_NAME = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "python"
CLONE_NEWNET = 0x40000000
KSFT_PASS, KSFT_FAIL, KSFT_SKIP = 0, 1, 4

_n = 0
_failed = 0
_skipped = 0
_started = False


def _print(line):
    """Prints one line of the test's KTAP output, the header first."""
    global _started
    if not _started:
        _started = True
        print("TAP version 13", flush=True)
    print(line, flush=True)


def _point(status, desc, directive=""):
    global _n
    _n += 1
    _print("%s %d %s%s" % (status, _n, desc, " # " + directive if directive else ""))


def tap_ok(desc):
    _point("ok", desc)


def tap_fail(desc, reason=""):
    global _failed
    _failed += 1
    _point("not ok", desc, reason)


def tap_skip(desc, reason=""):
    global _skipped
    _skipped += 1
    _point("ok", desc, "SKIP " + reason)


def tap_check(cond, desc, reason=""):
    """One point: ok when cond is true."""
    if cond:
        tap_ok(desc)
    else:
        tap_fail(desc, reason)
    return cond


def tap_diag(msg):
    for line in str(msg).splitlines() or [""]:
        _print("# " + line)


def skip_all(reason):
    _print("1..0 # SKIP " + reason)
    sys.exit(KSFT_SKIP)


def tap_end():
    """The plan comes last: a test need not know its count up front."""
    _print("1..%d" % _n)
    if _failed:
        sys.exit(KSFT_FAIL)
    sys.exit(KSFT_SKIP if _n and _skipped == _n else KSFT_PASS)


def ip(*args, check=True):
    return subprocess.run(("ip",) + args, check=check, capture_output=True, text=True)


def ns_exec(ns, *cmd, check=True, **kw):
    """Run a command in namespace ns; returns the CompletedProcess."""
    return subprocess.run(("ip", "netns", "exec", ns) + cmd, check=check,
                          capture_output=True, text=True, **kw)


# IPv6 settings of a namespace made with ipv6=True, before its links: no
# duplicate address detection (an address is usable at once), no router
# solicitations, and MLD reports sent within a millisecond of a join rather
# than up to a second later, so that no ICMPv6 of the namespace's own
# lands in the middle of a test's counters.
IPV6_QUIET = (("accept_dad", 0), ("router_solicitations", 0),
              ("mldv1_unsolicited_report_interval", 1),
              ("mldv2_unsolicited_report_interval", 1))


def sysctl_write(ns, name, value):
    """Writes /proc/sys/NAME (slashes) in namespace ns."""
    def write():
        with open("/proc/sys/" + name, "w") as f:
            f.write(str(value))
    run_in(ns, write)


class Netns:
    """Two namespaces joined by a veth pair, removed on exit; with ipv6,
    IPv6 addresses too (IPV6_QUIET), and each end's neighbour entry for
    the other's addresses permanent: no neighbour solicitation moves the
    ICMPv6 and Ip6 counters of one sender's run and not the other's."""

    def __init__(self, n=1, ipv6=False):
        tag = "altudp-%s-%d" % (TEST_NAME, os.getpid())
        if n != 1:
            tag += "-%d" % n
        self.a, self.b = tag + "-a", tag + "-b"
        self.if_a, self.if_b = "veth-a", "veth-b"
        self.addr_a, self.addr_b = "10.99.%d.1" % n, "10.99.%d.2" % n
        self.ipv6 = ipv6
        self.addr6_a, self.addr6_b = "fd00:99:%d::1" % n, "fd00:99:%d::2" % n
        self._made = []

    def __enter__(self):
        try:
            for ns in (self.a, self.b):
                ip("netns", "add", ns)
                self._made.append(ns)
                for key, val in IPV6_QUIET if self.ipv6 else ():
                    for conf in ("all", "default"):
                        sysctl_write(ns, "net/ipv6/conf/%s/%s" % (conf, key), val)
            ip("link", "add", self.if_a, "netns", self.a, "type", "veth",
               "peer", "name", self.if_b, "netns", self.b)
            for ns, dev, addr in ((self.a, self.if_a, self.addr_a),
                                  (self.b, self.if_b, self.addr_b)):
                ip("-n", ns, "addr", "add", addr + "/24", "dev", dev)
                ip("-n", ns, "link", "set", "lo", "up")
                ip("-n", ns, "link", "set", dev, "up")
            if self.ipv6:
                self._ipv6()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for ns in reversed(self._made):
            ip("netns", "del", ns, check=False)
        self._made = []

    def mac(self, ns, dev):
        return ip("-n", ns, "-br", "link", "show", dev).stdout.split()[2]

    def lladdr(self, ns, dev):
        """The link-local IPv6 address of dev in ns (made once the link
        has carrier, which may take a moment)."""
        end = time.monotonic() + 5
        while True:
            out = ip("-n", ns, "-6", "-br", "addr", "show", "dev", dev, "scope", "link").stdout
            if len(out.split()) > 2 or time.monotonic() > end:
                return out.split()[2].split("/")[0]
            time.sleep(0.02)

    def _ipv6(self):
        ends = ((self.a, self.if_a, self.addr6_a), (self.b, self.if_b, self.addr6_b))
        for ns, dev, addr in ends:
            ip("-n", ns, "addr", "add", addr + "/64", "dev", dev, "nodad")
        for (ns, dev, _), (pns, pdev, paddr) in zip(ends, ends[::-1]):
            mac = self.mac(pns, pdev)
            for addr in (paddr, self.lladdr(pns, pdev)):
                ip("-n", ns, "-6", "neigh", "replace", addr, "lladdr", mac,
                   "dev", dev, "nud", "permanent")
        # The reports of the groups joined above, at most a few ms away.
        time.sleep(0.1)


_libc = None


def _setns(fd, nstype):
    global _libc
    if hasattr(os, "setns"):            # Python 3.12+
        os.setns(fd, nstype)
        return
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if _libc.setns(fd, nstype) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def run_in(ns, fn, *args, **kw):
    """Call fn(*args, **kw) in network namespace ns (a name in /run/netns)
    from a fresh thread, so the caller's own namespace is left alone."""
    box = {}

    def body():
        try:
            fd = os.open("/run/netns/" + ns, os.O_RDONLY)
            try:
                _setns(fd, CLONE_NEWNET)
            finally:
                os.close(fd)
            box["value"] = fn(*args, **kw)
        except BaseException as e:      # re-raised in the caller
            box["error"] = e

    t = threading.Thread(target=body)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def module_loaded():
    return os.path.isdir("/sys/module/altudp")


def altudp_protocol():
    """The socket protocol number in force, or the header's default."""
    try:
        with open("/sys/module/altudp/parameters/protocol") as f:
            return int(f.read())
    except OSError:
        pass
    with open(UAPI) as f:
        m = re.search(r"^#define\s+IPPROTO_ALTUDP\s+(\d+)", f.read(), re.M)
    return int(m.group(1)) if m else 258


def module_file():
    """The module file: ALTUDP_KO (scripts/vm sets it), or the module
    installed for the running kernel; None when there is neither."""
    ko = os.environ.get("ALTUDP_KO")
    if not ko:
        r = subprocess.run(("modinfo", "-n", "altudp"), capture_output=True, text=True)
        ko = r.stdout.strip() if r.returncode == 0 else None
    return ko


def module_refcnt():
    """/sys/module/altudp/refcnt: the module's open sockets and users."""
    with open("/sys/module/altudp/refcnt") as f:
        return int(f.read())


def kasan_enabled():
    """A KASAN kernel, whose quarantine keeps freed objects: slab use
    grows with any traffic, so slab-growth points do not apply there."""
    with open("/proc/kallsyms") as f:
        return any(line.rstrip().endswith(" __asan_load8") for line in f)


def require_module():
    if not module_loaded():
        skip_all("altudp module not loaded")


def has_family(family):
    """None when the module gives SOCK_DGRAM sockets of family (or with
    ALTUDP_SELFCMP=1, txcmp.kinds()), else why not."""
    if os.environ.get("ALTUDP_SELFCMP") == "1":
        return None
    if not module_loaded():
        return "altudp module not loaded"
    try:
        socket.socket(family, socket.SOCK_DGRAM, altudp_protocol()).close()
    except OSError as e:
        if e.errno in (errno.EPROTONOSUPPORT, errno.ESOCKTNOSUPPORT, errno.EAFNOSUPPORT):
            return "altudp has no %s socket: %s" % (socket.AddressFamily(family).name,
                                                   os.strerror(e.errno))
        raise
    return None


def require_family(family):
    """Skips the whole test when the module gives no SOCK_DGRAM socket of
    family (an altudp without IPv6: EPROTONOSUPPORT)."""
    why = has_family(family)
    if why:
        skip_all(why)


TRACING = "/sys/kernel/tracing"


def trace_lines(event, on):
    """Arm (on=True, clearing the buffer) or read and disarm the altudp
    trace event named event."""
    with open("%s/events/altudp/%s/enable" % (TRACING, event), "w") as f:
        f.write("1" if on else "0")
    if on:
        with open(TRACING + "/trace", "w") as f:
            f.write("")
        return []
    with open(TRACING + "/trace") as f:
        return [line for line in f if event + ":" in line]


def _append(path, text):
    """One write(2) with O_APPEND: Python's append mode seeks to the end,
    which tracefs files refuse."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


class Kprobes:
    """Kprobes on kernel functions, counted in kprobe_profile.  Lines are
    appended to kprobe_events, never rewritten, so other probes stay; a
    function the kernel has no symbol for (inlined into its callers) is
    refused by kprobe_events and left out of .funcs."""

    def __init__(self, funcs):
        self.group = "altudp_%s_%d" % (re.sub(r"\W", "_", TEST_NAME), os.getpid())
        self.funcs, self.missing = [], []
        for f in funcs:
            try:
                _append(TRACING + "/kprobe_events", "p:%s/kp_%s %s\n" % (self.group, f, f))
                self.funcs.append(f)
            except OSError:
                self.missing.append(f)
        if self.funcs:
            with open("%s/events/%s/enable" % (TRACING, self.group), "w") as ev:
                ev.write("1")

    def hits(self):
        """{function: hits so far}"""
        out = {}
        with open(TRACING + "/kprobe_profile") as f:
            for line in f:
                w = line.split()
                if w and w[0].startswith("kp_") and w[0][3:] in self.funcs:
                    out[w[0][3:]] = int(w[1])
        return out

    def close(self):
        if self.funcs:
            with open("%s/events/%s/enable" % (TRACING, self.group), "w") as ev:
                ev.write("0")
        for f in self.funcs:
            try:
                _append(TRACING + "/kprobe_events", "-:%s/kp_%s\n" % (self.group, f))
            except OSError:
                pass
        self.funcs = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextlib.contextmanager
def module_param(name, value):
    """The loaded module's writable parameter name set to value inside the
    block, its old value written back after."""
    path = "/sys/module/altudp/parameters/" + name
    with open(path) as f:
        saved = f.read().strip()
    try:
        with open(path, "w") as f:
            f.write(str(value))
        yield
    finally:
        with open(path, "w") as f:
            f.write(saved)


def kprobes_writable():
    return os.access(TRACING + "/kprobe_events", os.W_OK)

