#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""udpbench's raw lines of one kernel into a markdown table and a plot.

    bench/report.py --mode icount|wall RAW OUTDIR

RAW holds the guest's output ("# kver=..." and "R cell=..." lines).
Writes OUTDIR/results-<kver>.md (also printed), OUTDIR/plot-<kver>.dat
and OUTDIR/throughput-<kver>.png (when gnuplot is there).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys

MODES = {
    "icount": "icount mode: QEMU TCG with -icount shift=0 and one vCPU. "
              "Times are guest CLOCK_MONOTONIC nanoseconds, which follow the "
              "instruction count (one instruction, one ns), so they do not "
              "depend on host load; rates are per guest second.",
    "wall": "TCG figures: QEMU TCG without icount, 2 vCPUs, wall-clock "
            "guest time. Absolute but slow and host dependent; compare the "
            "two sockets, not other machines.",
}

# cell -> (how it sends, x of the plot: payload bytes per call, plot series)
CELLS = {
    "send-64": ("send(), connected, 64 B", 64, "send"),
    "send-512": ("send(), connected, 512 B", 512, "send"),
    "send-1472": ("send(), connected, 1472 B", 1472, "send"),
    "sendto-64": ("sendto(), unconnected, 64 B", 64, "sendto"),
    "sendto-512": ("sendto(), unconnected, 512 B", 512, "sendto"),
    "sendto-1472": ("sendto(), unconnected, 1472 B", 1472, "sendto"),
    "rr4-64": ("sendto() 64 B, round robin over 4 destinations", 64, "rr"),
    "rr64-64": ("sendto() 64 B, round robin over 64 destinations", 64, "rr"),
    "rr4-1472": ("sendto() 1472 B, round robin over 4", 1472, "rr"),
    "rr64-1472": ("sendto() 1472 B, round robin over 64", 1472, "rr"),
    "sendto-64-chg100": ("sendto() 64 B, a route change every 100", 64, "other"),
    "sendto-1472-chg100": ("sendto() 1472 B, a route change every 100", 1472, "other"),
    "rr4-64-chg100": ("sendto() 64 B, round robin over 4, a route change every 100", 64, "other"),
    "more-1472x2": ("2 x 1472 B with MSG_MORE, one datagram", 2944, "send"),
    "frag-4000": ("send() 4000 B, 3 IP fragments", 4000, "send"),
    "gso-64k": ("send() 64768 B, UDP_SEGMENT 1472 (44 segments)", 64768, "send"),
    "gso-64k-zc": ("as gso-64k with MSG_ZEROCOPY", 64768, "zc"),
    "mmsg-32x1472": ("sendmmsg() of 32 x 1472 B", 1472, "mmsg"),
    "send6-64": ("IPv6 send(), connected, 64 B", 64, "send6"),
    "send6-512": ("IPv6 send(), connected, 512 B", 512, "send6"),
    "send6-1452": ("IPv6 send(), connected, 1452 B", 1452, "send6"),
    "sendto6-64": ("IPv6 sendto(), unconnected, 64 B (no route cache)", 64, "sendto6"),
    "sendto6-512": ("IPv6 sendto(), unconnected, 512 B (no route cache)", 512, "sendto6"),
    "sendto6-1452": ("IPv6 sendto(), unconnected, 1452 B (no route cache)", 1452, "sendto6"),
    "more6-1452x2": ("IPv6 2 x 1452 B with MSG_MORE, one datagram", 2904, "send6"),
    "frag6-4000": ("IPv6 send() 4000 B, 3 fragments", 4000, "send6"),
    "gso6-64k": ("IPv6 send() 63888 B, UDP_SEGMENT 1452 (44 segments)", 63888, "send6"),
}


def parse(path):
    head, runs = {}, []
    with open(path) as f:
        for line in f:
            words = line.split()
            if line.startswith("# kver="):
                head.update(w.split("=", 1) for w in words[1:])
            elif line.startswith("# AltUdpRouteCache"):
                head.update([words[1].split("=", 1)])
            elif words[:1] == ["R"]:
                r = dict(w.split("=", 1) for w in words[1:])
                for k in ("round", "calls", "dgrams", "bytes", "ns", "errors", "rx"):
                    r[k] = int(r[k])
                runs.append(r)
    return head, runs


def cell_stats(runs):
    by = {}
    for r in runs:
        by.setdefault(r["sock"], {})[r["round"]] = r
    nat, alt = by.get("native", {}), by.get("altudp", {})
    rounds = sorted(set(nat) & set(alt))
    if not rounds:
        return None
    s = {"rounds": len(rounds)}
    for name, d in (("native", nat), ("altudp", alt)):
        ns = statistics.median(d[i]["ns"] / d[i]["dgrams"] for i in rounds)
        s[name] = {
            "ns": ns,
            "dps": 1e9 / ns,
            "bps": 1e9 / ns * d[rounds[0]]["bytes"] / d[rounds[0]]["dgrams"],
            "errors": sum(d[i]["errors"] for i in rounds),
            "lost": sum(d[i]["dgrams"] - d[i]["rx"] for i in rounds),
        }
    # altudp throughput over native, round by round (the same calls)
    ratios = sorted(nat[i]["ns"] / alt[i]["ns"] for i in rounds)
    s["ratio"] = (ratios[0], statistics.median(ratios), ratios[-1])
    return s


def fmt_rate(v):
    return "%.1f" % (v / 1e3)


def report(mode, head, runs):
    kver = head.get("kver", "?")
    cells = {}
    for r in runs:
        cells.setdefault(r["cell"], []).append(r)
    out = ["## altudp vs native UDP: %s" % kver, "",
           MODES[mode], "",
           "The same program sends through a native UDP socket and an altudp "
           "socket alternately (native first in even rounds, altudp first in "
           "odd ones), a fixed number of calls per run, over veth to a "
           "receiver in another network "
           "namespace. ns/dgram and rates are medians over the rounds; the "
           "ratio is altudp throughput over native throughput per round "
           "(native time / altudp time), min / median / max. "
           "Datagrams count UDP datagrams (GSO segments, sendmmsg() messages).",
           "",
           "| cell | sends | rounds | native ns/dgram | altudp ns/dgram "
           "| native kdgram/s | altudp kdgram/s | native MB/s | altudp MB/s "
           "| ratio min | ratio median | ratio max |",
           "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"]
    notes, plot = [], []
    for name, rs in cells.items():
        s = cell_stats(rs)
        if not s:
            continue
        what, x, series = CELLS.get(name, (name, 0, "other"))
        n, a = s["native"], s["altudp"]
        out.append("| %s | %s | %d | %.0f | %.0f | %s | %s | %.1f | %.1f | %.3f | %.3f | %.3f |" % (
            name, what, s["rounds"], n["ns"], a["ns"], fmt_rate(n["dps"]),
            fmt_rate(a["dps"]), n["bps"] / 1e6, a["bps"] / 1e6, *s["ratio"]))
        for sock in ("native", "altudp"):
            if s[sock]["errors"] or s[sock]["lost"]:
                notes.append("%s %s: %d failed calls, %d datagrams not received" % (
                    name, sock, s[sock]["errors"], s[sock]["lost"]))
        plot.append((series, x, n["bps"] / 1e6, a["bps"] / 1e6, s["ratio"][1], name))
    out.append("")
    if notes:
        out += ["Not every datagram arrived:", ""] + ["- " + m for m in notes] + [""]
    else:
        out += ["Every call succeeded and every datagram reached the receiver.", ""]
    if "AltUdpRouteCacheHits" in head:
        out += ["altudp's route cache over all cells (IPv4: the IPv6 path has none): %s hits, %s misses." % (
            head["AltUdpRouteCacheHits"], head.get("AltUdpRouteCacheMisses", "?")), ""]
    return kver, "\n".join(out), plot


def gnuplot(mode, kver, plot, outdir):
    dat = os.path.join(outdir, "plot-%s.dat" % kver)
    png = os.path.join(outdir, "throughput-%s.png" % kver)
    with open(dat, "w") as f:
        for series in ("send", "sendto", "zc", "mmsg", "rr", "send6", "sendto6"):
            f.write("# %s: payload native_MB/s altudp_MB/s ratio_median cell\n" % series)
            for p in sorted(q for q in plot if q[0] == series):
                f.write("%d %.3f %.3f %.4f %s\n" % p[1:])
            f.write("\n\n")
    if not shutil.which("gnuplot"):
        print("report: no gnuplot (package gnuplot-nox): no plot", file=sys.stderr)
        return None
    unit = "guest-time" if mode == "icount" else "wall-clock, TCG"
    script = f"""
set terminal pngcairo size 1000,900 font ",10" noenhanced
set output "{png}"
set multiplot layout 2,1
set lmargin 12
set title "UDP send throughput, native vs altudp: {kver} ({mode} mode)"
set xlabel "payload bytes per call (log)"
set ylabel "payload MB/s ({unit})"
set logscale x 2
set xrange [40:100000]
set xtics (64, 512, 1472, 4000, 64768)
set yrange [0:*]
set key top left
set grid
plot "{dat}" index 0 using 1:2 with linespoints lw 2 pt 7 lc rgb "#1f77b4" title "native send()", \\
     "{dat}" index 0 using 1:3 with linespoints lw 2 pt 6 ps 1.6 lc rgb "#d62728" title "altudp send()", \\
     "{dat}" index 1 using 1:2 with linespoints dt 2 lw 2 pt 5 lc rgb "#1f77b4" title "native sendto()", \\
     "{dat}" index 1 using 1:3 with linespoints dt 2 lw 2 pt 4 ps 1.6 lc rgb "#d62728" title "altudp sendto()", \\
     "{dat}" index 2 using 1:2 with points pt 9 ps 1.5 lc rgb "#1f77b4" title "native GSO + MSG_ZEROCOPY", \\
     "{dat}" index 2 using 1:3 with points pt 8 ps 2 lc rgb "#d62728" title "altudp GSO + MSG_ZEROCOPY", \\
     "{dat}" index 3 using 1:2 with points pt 13 ps 1.5 lc rgb "#1f77b4" title "native sendmmsg 32 x 1472", \\
     "{dat}" index 3 using 1:3 with points pt 12 ps 2 lc rgb "#d62728" title "altudp sendmmsg 32 x 1472", \\
     "{dat}" index 4 using 1:2 with points pt 11 ps 1.5 lc rgb "#1f77b4" title "native sendto() round robin", \\
     "{dat}" index 4 using 1:3 with points pt 10 ps 2 lc rgb "#d62728" title "altudp sendto() round robin", \\
     "{dat}" index 5 using 1:2 with linespoints dt 3 lw 2 pt 7 lc rgb "#17becf" title "native IPv6 send()", \\
     "{dat}" index 5 using 1:3 with linespoints dt 3 lw 2 pt 6 ps 1.6 lc rgb "#e377c2" title "altudp IPv6 send()", \\
     "{dat}" index 6 using 1:2 with linespoints dt 4 lw 2 pt 5 lc rgb "#17becf" title "native IPv6 sendto()", \\
     "{dat}" index 6 using 1:3 with linespoints dt 4 lw 2 pt 4 ps 1.6 lc rgb "#e377c2" title "altudp IPv6 sendto()"
set title "altudp throughput / native throughput (median over rounds)"
set ylabel "ratio"
set yrange [0.95:1.15]
set ytics 0.01
set key top left
plot "{dat}" index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb "#d62728" title "send()", \\
     "{dat}" index 1 using 1:4 with linespoints dt 2 lw 2 pt 5 lc rgb "#9467bd" title "sendto()", \\
     "{dat}" index 2 using 1:4 with points pt 9 ps 1.5 lc rgb "#2ca02c" title "GSO + MSG_ZEROCOPY", \\
     "{dat}" index 3 using 1:4 with points pt 13 ps 1.5 lc rgb "#ff7f0e" title "sendmmsg 32 x 1472", \\
     "{dat}" index 4 using 1:4 with points pt 11 ps 1.5 lc rgb "#8c564b" title "sendto() round robin", \\
     "{dat}" index 5 using 1:4 with linespoints dt 3 lw 2 pt 7 lc rgb "#e377c2" title "IPv6 send()", \\
     "{dat}" index 6 using 1:4 with linespoints dt 4 lw 2 pt 5 lc rgb "#17becf" title "IPv6 sendto()", \\
     1 with lines lc rgb "black" notitle
unset multiplot
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=MODES, default="icount")
    ap.add_argument("raw")
    ap.add_argument("outdir")
    args = ap.parse_args()
    head, runs = parse(args.raw)
    if not runs:
        sys.exit("report: no results in %s" % args.raw)
    kver, md, plot = report(args.mode, head, runs)
    suffix = "" if args.mode == "icount" else "-wall"
    path = os.path.join(args.outdir, "results-%s%s.md" % (kver, suffix))
    with open(path, "w") as f:
        f.write(md + "\n")
    print(md)
    png = gnuplot(args.mode, kver + suffix, plot, args.outdir)
    print("report: %s%s" % (path, ", " + png if png else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
