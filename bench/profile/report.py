#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The counts of bench/profile/ctxcount.c into a per-function table.

    bench/profile/report.py --kallsyms KS --counts COUNTS --map ALTUDP_H
                            [--raw RAW] [--min N]

KS is the guest's /proc/kallsyms (booted with nokaslr, as the counted
boot), COUNTS the plugin's output with its contexts 1 to 4 opened by
udp_sendmsg, altudp_sendmsg, udpv6_sendmsg and altudp_udpv6_sendmsg (as
bench/run passes them), ALTUDP_H the header whose comment maps each
module function to the kernel function(s) it mirrors.  RAW, the guest's
bench output, names the kernel and cells.  Prints markdown: per family,
instructions executed per sendmsg call in each kernel function (native
socket's context) against its module copy (altudp socket's context),
then the other functions whose count differs by N or more (default 0.5).
"""

import argparse
import bisect
import collections
import re
import sys

# (family, context of the native socket, of the altudp socket, entries)
FAMILIES = [
    ("IPv4", 1, 2, ("udp_sendmsg", "altudp_sendmsg")),
    ("IPv6", 3, 4, ("udpv6_sendmsg", "altudp_udpv6_sendmsg")),
]

MAP_LINE = re.compile(r"^ \*\s+(\w+)\(\)\s+(\w+)\(\)(?:\s*\+\s*(\w+)\(\))?")


def read_map(path):
    """[(module function, [kernel functions])] from the header's comment."""
    pairs = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                break   # the comment is over
            m = MAP_LINE.match(line)
            if m:
                pairs.append((m.group(1), [g for g in m.group(2, 3) if g]))
    return pairs


def base(name):
    """A function's name without the compiler's .cold, .constprop.0..."""
    return name.split(".")[0]


class Symbols:
    def __init__(self, path):
        syms = {}
        with open(path) as f:
            for line in f:
                p = line.split()
                if len(p) >= 3 and p[1] in "tTwW":
                    syms.setdefault(int(p[0], 16), p[2])
        self.addrs = sorted(syms)
        self.names = [syms[a] for a in self.addrs]
        self.start = {}
        for a, n in zip(self.addrs, self.names):
            self.start.setdefault(n, a)

    def function(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return base(self.names[i]) if i >= 0 else "?"

    def __contains__(self, name):
        return any(base(n) == name for n in self.start)


def read_counts(path, syms):
    """Instructions per function and context, and the entries' counts."""
    per = collections.defaultdict(collections.Counter)
    entries = collections.Counter()
    with open(path) as f:
        for line in f:
            p = line.split()
            n = int(p[1])
            counts = [int(c) for c in p[2:-n]]
            fn = syms.function(int(p[0], 16))
            if syms.start.get(fn) == int(p[0], 16):
                for ctx, c in enumerate(counts):
                    entries[(fn, ctx)] += c
            for insn in p[-n:]:
                fn = syms.function(int(insn, 16))
                for ctx, c in enumerate(counts):
                    if c:
                        per[fn][ctx] += c
    return per, entries


def fmt(x):
    return "%.1f" % x


HEADER = ["| function | native | altudp | altudp - native |",
          "|---|--:|--:|--:|"]


def row(fn, a, b):
    return "| `%s()` | %s | %s | %+.1f |" % (fn, fmt(a), fmt(b), b - a)


def family_table(name, nctx, actx, entry, per, entries, pairs, syms, lim):
    calls = (entries[(entry[0], nctx)], entries[(entry[1], actx)])
    if not all(calls):
        return []
    out = ["## %s: %s() / %s()" % (name, entry[0], entry[1]), "",
           "%d calls of the kernel's, %d of the module's.  Instructions "
           "per call, the kernel's function / the module's copy:" % calls,
           ""] + HEADER

    def rate(fn, ctx, n):
        return per[fn][ctx] / n if fn in per else 0.0

    # Rows: a module function with no symbol of its own was inlined into
    # its caller, the copy above it in the map (the map follows the calls),
    # unless the altudp socket runs the kernel's function: no copy here.
    rows = []
    for mod, kfns in pairs:
        nat = sum(rate(k, nctx, calls[0]) for k in kfns)
        alt = sum(rate(k, actx, calls[1]) for k in kfns)
        if mod in syms:
            rows.append([[mod], kfns, nat, rate(mod, actx, calls[1]), False])
        elif alt >= 0.05:
            rows.append([[], kfns, nat, alt, True])
        elif rows and not rows[-1][4] and nat >= 0.05:
            rows[-1][0].append(mod)
            rows[-1][1] = rows[-1][1] + kfns
            rows[-1][2] += nat
    mirrored = set()
    tot = [0.0, 0.0]
    for mods, kfns, nat, alt, shared in rows:
        if nat < 0.05 and alt < 0.05:
            continue
        label = " + ".join("`%s()`" % k for k in kfns)
        if len(mods) > 1:
            label += " (the module's inlined)"
        out.append("| %s | %s | %s%s | %+.1f |"
                   % (label, fmt(nat), "shared: " if shared else "",
                      fmt(alt), alt - nat))
        mirrored.update(kfns + mods)
        if not shared:
            tot[0] += nat
            tot[1] += alt
    out.append("| the module's copies | %s | %s | %+.1f |"
               % (fmt(tot[0]), fmt(tot[1]), tot[1] - tot[0]))
    alln = sum(c[nctx] for c in per.values()) / calls[0]
    alla = sum(c[actx] for c in per.values()) / calls[1]
    out.append("| all functions | %s | %s | %+.1f |"
               % (fmt(alln), fmt(alla), alla - alln))
    # module helpers outside the map, paired by name: altudp_X with X
    named = []
    for fn in per:
        k = re.sub(r"^(_*)altudp_", r"\1", fn)
        if k != fn and fn not in mirrored and k not in mirrored and k in per:
            a, b = rate(k, nctx, calls[0]), rate(fn, actx, calls[1])
            if a >= 0.05 or b >= 0.05:
                named.append((k, a, b))
                mirrored.update((k, fn))
    if named:
        out += ["", "The module's other functions, paired with the "
                "kernel's by name:", ""] + HEADER
        out += [row(*r) for r in sorted(named)]
    rest = []
    for fn, c in per.items():
        if fn in mirrored:
            continue
        d = rate(fn, actx, calls[1]) - rate(fn, nctx, calls[0])
        if abs(d) >= lim:
            rest.append((-abs(d), fn, rate(fn, nctx, calls[0]),
                         rate(fn, actx, calls[1])))
    if rest:
        out += ["", "Other functions that differ by %s or more:" % lim,
                ""] + HEADER
        out += [row(*r[1:]) for r in sorted(rest)]
    return out + [""]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kallsyms", required=True)
    ap.add_argument("--counts", required=True)
    ap.add_argument("--map", required=True)
    ap.add_argument("--raw")
    ap.add_argument("--min", type=float, default=0.5)
    a = ap.parse_args()

    pairs = read_map(a.map)
    if not pairs:
        sys.exit("report: no function map in %s" % a.map)
    syms = Symbols(a.kallsyms)
    per, entries = read_counts(a.counts, syms)

    head = ["# Instructions per function, native UDP against altudp", ""]
    if a.raw:
        kver, cells = "?", []
        with open(a.raw) as f:
            for line in f:
                m = re.search(r"kver=(\S+)", line)
                if line.startswith("#") and m:
                    kver = m.group(1)
                m = re.match(r"R cell=(\S+)", line)
                if m and m.group(1) not in cells:
                    cells.append(m.group(1))
        head.append("Kernel %s, cells %s."
                    % (kver, ", ".join(cells) or "none"))
    head += ["Counted by bench/profile/ctxcount.c over the whole run "
             "(warm-up, receive and the drains included), each instruction "
             "in the context of the socket whose sendmsg ran last; per "
             "sendmsg call of that socket.", ""]
    body = []
    for fam in FAMILIES:
        body += family_table(*fam, per, entries, pairs, syms, a.min)
    if not body:
        sys.exit("report: no sendmsg call counted in %s" % a.counts)
    print("\n".join(head + body), end="")


if __name__ == "__main__":
    main()
