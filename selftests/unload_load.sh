#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module unload and reload around traffic.  ALTUDP_UNLOAD_CYCLES cycles
# (default 50, 1000 with ALTUDP_LONG=1) of: insmod, traffic from several
# altudp sockets (plain, MSG_MORE and UDP_CORK corked, one closed with a
# datagram pending, UDP_SEGMENT, MSG_ZEROCOPY), close, rmmod.  After each
# close the module's reference count, "sockets: used" and "UDP: inuse" of
# /proc/net/sockstat and the ALTUDP line of /proc/net/protocols are back
# to their baseline, and rmmod succeeds; over all cycles SUnreclaim of
# /proc/meminfo stays within SLAB_TOLERANCE_KB.  Then rmmod while a process
# sends on an altudp socket must be refused without harm, and succeed once
# it is gone.  The module is left loaded.

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -n "${ALTUDP_KO:-}" ] || skip_all "ALTUDP_KO not set, no altudp module installed"

cycles=${ALTUDP_UNLOAD_CYCLES:-50}
[ "${ALTUDP_LONG:-}" = 1 ] && cycles=${ALTUDP_UNLOAD_CYCLES:-1000}
# Module text is not slab, but each load adds sysfs, procfs and per-netns
# objects that the slab caches may keep around: a leak of one small object
# per socket (some 10 per cycle) is visible only in the long run.
SLAB_TOLERANCE_KB=1024
proto=$(altudp_protocol)

ns_pair || { tap_fail "namespaces"; tap_end; }
at_exit "insmod $ALTUDP_KO"

# The cycles load a copy without debug info from tmpfs: the same module,
# a tenth of the bytes for insmod to read and the kernel to copy.
ko=$(mktemp /tmp/altudp.XXXXXX.ko)
at_exit rm -f "$ko"
strip --strip-debug -o "$ko" "$ALTUDP_KO" 2>/dev/null || cp "$ALTUDP_KO" "$ko"

# The traffic: one round per line read, then the counters of the namespace.
traffic='
import socket, sys, time
P, DST = int(sys.argv[1]), (sys.argv[2], 5000)
MORE, ZC = socket.MSG_MORE, 0x4000000

def counters():
    used = udp = alt = 0
    for line in open("/proc/net/sockstat"):
        f = line.split()
        if f[0] == "sockets:":
            used = int(f[2])
        elif f[0] == "UDP:":
            udp = int(f[2])
    for line in open("/proc/net/protocols"):
        if line.startswith("ALTUDP "):
            alt = int(line.split()[2])
    return "used=%d udp=%d altudp=%d" % (used, udp, alt)

def refcnt():
    """The module reference count once the closed sockets are freed
    (those with datagrams in flight go a little later)."""
    for _ in range(100):
        with open("/sys/module/altudp/refcnt") as f:
            n = int(f.read())
        if n == 0:
            break
        time.sleep(0.02)
    return n

for cmd in sys.stdin:
    socks, res = [], "ok"
    try:
        if cmd.strip() == "go":
            new = lambda: socks.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM, P)) or socks[-1]
            s = new()
            for i in range(1, 6):
                s.sendto(b"p" * 300 * i, DST)
            s = new()
            for i in range(3):
                s.sendto(b"m" * 1000, MORE, DST)
            s.sendto(b"m" * 10, DST)
            s.setsockopt(socket.SOL_UDP, 1, 1)
            s.sendto(b"c" * 2000, DST)
            s.setsockopt(socket.SOL_UDP, 1, 0)
            new().sendto(b"pending" * 500, MORE, DST)
            s = new()
            s.setsockopt(socket.SOL_UDP, 103, 1000)
            s.sendto(b"g" * 5500, DST)
            s = new()
            s.setsockopt(socket.SOL_SOCKET, 60, 1)
            for n in (100, 1000, 3000):
                s.sendto(b"z" * n, ZC, DST)
    except OSError as e:
        res = "error " + str(e)
    for s in socks:
        s.close()
    # Closed sockets go once their last skb is freed: wait for the module
    # reference they hold, then for the socket counts to settle.
    ref = refcnt()
    now = counters()
    for _ in range(50):
        time.sleep(0.02)
        now, last = counters(), now
        if now == last:
            break
    print(res, now, "refcnt=%d" % ref, flush=True)
'

coproc TRAFFIC { in_a python3 -c "$traffic" "$proto" "$ADDR_B" 2>&1; }
at_exit kill "$TRAFFIC_PID"

# round: one round of traffic; sets $reply.
round() {
	echo "$1" >&"${TRAFFIC[1]}" && read -r -t 60 reply <&"${TRAFFIC[0]}"
}

sunreclaim() {
	echo 1 >/proc/sys/vm/stat_refresh
	awk '$1 == "SUnreclaim:" { print $2 }' /proc/meminfo
}

round none
base=${reply#ok }
tap_diag "baseline: $base"

bad_traffic= bad_ref= bad_count= bad_rmmod= bad_insmod=
# Time spent in each step, in microseconds ($EPOCHREALTIME without its dot).
t_ins=0 t_traffic=0 t_rm=0
for ((c = 1; c <= cycles; c++)); do
	t0=$EPOCHREALTIME
	if [ "$c" -gt 1 ] && ! out=$(insmod "$ko" 2>&1); then
		bad_insmod=${bad_insmod:-"cycle $c: $out"}
		break
	fi
	t1=$EPOCHREALTIME
	round go
	t2=$EPOCHREALTIME
	t_ins=$((t_ins + ${t1/./} - ${t0/./}))
	t_traffic=$((t_traffic + ${t2/./} - ${t1/./}))
	case $reply in
	"ok $base") ;;
	ok*" refcnt=0") bad_count=${bad_count:-"cycle $c: $reply"} ;;
	ok*) bad_ref=${bad_ref:-"cycle $c: $reply"} ;;
	*) bad_traffic=${bad_traffic:-"cycle $c: $reply"} ;;
	esac
	if ! out=$(rmmod altudp 2>&1); then
		bad_rmmod=${bad_rmmod:-"cycle $c: $out"}
		break
	fi
	t_rm=$((t_rm + ${EPOCHREALTIME/./} - ${t2/./}))
	[ "$c" = 1 ] && slab0=$(sunreclaim)
done
slab1=$(sunreclaim)
((c > cycles)) && c=$cycles

check() {
	if [ -z "$2" ]; then tap_ok "$1"; else tap_fail "$1" "$2"; fi
}
check "$c cycles: insmod" "$bad_insmod"
check "$c cycles: traffic from plain, corked, GSO and zerocopy sockets" "$bad_traffic"
check "$c cycles: sockstat and protocols counts back to baseline after close" "$bad_count"
check "$c cycles: module refcnt back to 0 after close" "$bad_ref"
check "$c cycles: rmmod" "$bad_rmmod"
grow=$((slab1 - slab0))
tap_diag "insmod $((t_ins / 1000)) ms, traffic $((t_traffic / 1000)) ms, rmmod $((t_rm / 1000)) ms in all"
tap_diag "SUnreclaim after cycle 1: $slab0 kB, after cycle $c: $slab1 kB"
if kasan_enabled; then
	# kmemleak, in the same debug kernel, is the leak check there.
	tap_skip "$c cycles: SUnreclaim within $SLAB_TOLERANCE_KB kB" \
		"KASAN's quarantine holds freed objects (grew $grow kB)"
elif [ "$grow" -le "$SLAB_TOLERANCE_KB" ]; then
	tap_ok "$c cycles: SUnreclaim grew $grow kB (tolerance $SLAB_TOLERANCE_KB kB)"
else
	tap_fail "$c cycles: SUnreclaim within $SLAB_TOLERANCE_KB kB" "grew $grow kB"
fi

# rmmod while a process sends: refused, the sender unharmed.
[ -d /sys/module/altudp ] || insmod "$ko"
fifo_in=$(mktemp -u) fifo_out=$(mktemp -u)
mkfifo "$fifo_in" "$fifo_out"
at_exit rm -f "$fifo_in" "$fifo_out"
in_a python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, $proto)
print('ready', flush=True)
n = 0
while sys.stdin.readline() == 'more\n':
    for i in range(200):
        s.sendto(b'x' * (1 + i * 7 % 3000), socket.MSG_MORE if i % 4 == 0 else 0, ('$ADDR_B', 5000))
    n += 200
    print(n, flush=True)
" <"$fifo_in" >"$fifo_out" 2>&1 &
sender=$!
exec {to}>"$fifo_in" {from}<"$fifo_out"
read -r -t 60 ready <&"$from"
refused=0 sent= why=
for _ in 1 2 3; do
	echo more >&"$to"
	out=$(rmmod altudp 2>&1)
	case $out in
	*"in use"*|*busy*) refused=$((refused + 1)) ;;
	*) why=${why:-"rmmod: ${out:-succeeded}"} ;;
	esac
	read -r -t 60 sent <&"$from"
done
if [ "$refused" = 3 ]; then
	tap_ok "rmmod with a socket sending: refused, module in use"
else
	tap_fail "rmmod with a socket sending: refused, module in use" "$why"
fi
tap_check "the sender went on sending ($sent datagrams)" test "$ready" = ready -a "${sent:-0}" -ge 400
exec {to}>&-
wait "$sender"
tap_check "sender exited cleanly" test $? = 0
if ! rmmod_altudp; then
	tap_fail "rmmod once the sender is gone" "refcnt $(</sys/module/altudp/refcnt)"
else
	tap_ok "rmmod once the sender is gone"
fi
tap_check "insmod altudp again" insmod "$ALTUDP_KO"
tap_end
