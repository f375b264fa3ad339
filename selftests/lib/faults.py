# SPDX-License-Identifier: GPL-2.0
"""The kernel's fault injection (Documentation/fault-injection/), for a
kernel built with CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC,
FAULT_INJECTION_USERCOPY and FAULT_INJECTION_DEBUG_FS (the debug kernel
of make check-debug).

    with FaultAttrs() as fa:       # every attr: task filter on, quiet,
        ...                        # probability 0; restored on exit
        fa.probability(20)         # 20 % of the fault points of a task
        with make_it_fail():       # whose make-it-fail is set: this thread
            sock.sendmsg(...)
        nth = FailNth()
        result, hit = nth.call(5, sock.sendmsg, ...)   # the 5th point fails
        fa.injected()              # {"failslab": N, ...} since setup

available() says why fault injection cannot be used here, or "".
"""

import errno
import os

DEBUGFS = "/sys/kernel/debug"
ATTRS = ("failslab", "fail_page_alloc", "fail_usercopy")
# "times": the failures an attr may still inject; each one decrements it,
# so what is left tells how many were injected.
TIMES = 1 << 30


def available():
    """"" when this kernel can inject faults, else the reason it cannot."""
    if not os.path.exists("/proc/self/fail-nth"):
        return "no CONFIG_FAULT_INJECTION (/proc/self/fail-nth)"
    missing = [a for a in ATTRS if not os.path.isdir(os.path.join(DEBUGFS, a))]
    if missing:
        return "no %s in %s (CONFIG_FAULT_INJECTION_DEBUG_FS, FAILSLAB, " \
               "FAIL_PAGE_ALLOC, FAULT_INJECTION_USERCOPY)" % (", ".join(missing), DEBUGFS)
    return ""


def _path(attr, name):
    return os.path.join(DEBUGFS, attr, name)


def _read(attr, name):
    with open(_path(attr, name)) as f:
        return f.read().strip()


def _write(attr, name, value):
    with open(_path(attr, name), "w") as f:
        f.write(str(value))


class FaultAttrs:
    """The fault attrs, set so that only tasks with make-it-fail (or a
    fail-nth count) see failures, and that the module's allocations are
    hit: sleeping allocations (GFP_KERNEL) and order-0 pages too, which
    the defaults leave out.  No message per failure: the kernel log stays
    what the run's own check reads."""

    SETTINGS = (
        ("verbose", 0), ("task-filter", "Y"), ("probability", 0), ("interval", 1),
        ("space", 0), ("times", TIMES),
    )
    EXTRA = {
        "failslab": (("ignore-gfp-wait", "N"), ("cache-filter", "N")),
        "fail_page_alloc": (("ignore-gfp-wait", "N"), ("ignore-gfp-highmem", "N"),
                            ("min-order", 0)),
        "fail_usercopy": (),
    }

    def __init__(self):
        self.saved = []

    def __enter__(self):
        for attr in ATTRS:
            for name, value in self.SETTINGS + self.EXTRA[attr]:
                self.saved.append((attr, name, _read(attr, name)))
                _write(attr, name, value)
        return self

    def __exit__(self, *exc):
        for attr, name, value in reversed(self.saved):
            try:
                _write(attr, name, value)
            except OSError:
                pass
        self.saved = []

    def probability(self, pct, attrs=ATTRS):
        """pct % of the fault points of a make-it-fail task fail (the
        attrs not named: none)."""
        for attr in ATTRS:
            _write(attr, "probability", pct if attr in attrs else 0)

    def injected(self):
        """{attr: failures injected since __enter__}"""
        return {a: TIMES - int(_read(a, "times")) for a in ATTRS}


def _put(fd, value):
    """Write to a /proc fault file of this thread.  The write's own user
    copy is a fault point that a make-it-fail or fail-nth setting may
    fail (EFAULT): it is repeated until it takes."""
    for _ in range(1000):
        try:
            os.pwrite(fd, str(value).encode(), 0)
            return
        except OSError as e:
            if e.errno != errno.EFAULT:
                raise
    raise OSError(errno.EFAULT, "cannot write a fault injection setting")


class make_it_fail:
    """A block during which this thread's make-it-fail is set.  Only the
    calls inside see failures: nothing else runs a system call there."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/make-it-fail", os.O_WRONLY)

    def __enter__(self):
        _put(self.fd, 1)
        return self

    def __exit__(self, *exc):
        _put(self.fd, 0)
        os.close(self.fd)


class FailNth:
    """/proc/thread-self/fail-nth, the way syzkaller uses it: write N and
    the Nth fault point the thread reaches from then on fails, whatever
    the attrs' probability; read back 0, that point was reached."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)

    def call(self, n, fn, *args):
        """fn(*args) with its nth fault point failed: (fn's value or the
        OSError it raised, whether the nth point was reached in it)."""
        _put(self.fd, n)
        try:
            value = fn(*args)
        except OSError as e:
            value = e
        try:
            left = int(os.pread(self.fd, 32, 0))
        except OSError:
            left = -1           # the read's own copy was the nth point
        _put(self.fd, 0)
        return value, left == 0

    def close(self):
        os.close(self.fd)
