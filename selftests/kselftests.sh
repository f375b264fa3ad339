#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own selftests of the IPv4 UDP transmit path, from the booted
# series' Debian linux-source (scripts/build-kselftests builds them on the
# host into build/kselftests/SERIES), each run twice with the same
# arguments in identically set-up fresh namespaces: natively, then under
# altudpize, which turns every socket(AF_INET, SOCK_DGRAM, 0 | IPPROTO_UDP)
# of the program into an altudp socket (receivers included: reception is
# the kernel's UDP either way).  A point fails when the altudp run does
# worse than the native one: native passes and altudp fails, or a result
# that must match (zerocopy completion kind) differs, or the altudp run
# sent nothing through altudp (AltUdpOutDatagrams + AltUdpErr*, read in
# the run's namespaces).  A case the native run fails too is skipped.
# Cases that depend on timing are retried (TRIES) in both runs alike:
# under TCG a native run misses a deadline now and then too.  On
# PREEMPT_RT they do not judge the timing, see timed().
#
# IPv4 cases, and where the module has IPv6 sockets some IPv6 ones (-6);
# the scripts' TCP, ICMP, RAW and packet socket cases do not involve
# altudp.  Per program:
#   udpgso          udpgso.sh's IPv4 cases (cmsg, setsockopt, connected
#                   with a route MTU, MSG_MORE; from 6.12 on also hw/sw GSO and
#                   checksum on a dummy sink); IPv6 cmsg, connected, MSG_MORE
#   msg_zerocopy    msg_zerocopy.sh "4 udp" over veth, without and with -z;
#                   "6 udp" with -z
#   udpgso_bench    udpgso_bench.sh's UDP cases on lo (plain, GSO, GSO +
#                   zerocopy and timestamps, audited), a fixed message count
#                   that udpgso_bench_rx checks along with the contents
#   cmsg_sender     cmsg_so_mark.sh and cmsg_time.sh, UDPv4 cases; SO_PRIORITY
#                   (-P, from 6.12's cmsg_sender on) against an nft drop rule.
#                   cmsg_sender has no IPv4 TTL/TOS option (its -c/-C/-l/-L
#                   are IPv6 TCLASS/HOPLIMIT): those are cmsg_ipv6.sh's UDP
#                   cases, DONTFRAG, TCLASS against a prohibit rule,
#                   HOPLIMIT and extension headers (without its tcpdump)
#   so_txtime       so_txtime.sh's IPv4 cases (fq, then etf); one IPv6 (fq)
#   txtimestamp     txtimestamp.sh -u -4 (setsockopt, -C cmsg, -n no data);
#                   -u -6 (setsockopt)

. "$(dirname "$0")/lib/lib.sh"

require_module
series=$(uname -r | cut -d. -f1,2)
KS=$ALTUDP_KSFT/$series
AZ=$ALTUDP_AZ/altudpize
for f in "$AZ" "$ALTUDP_AZ/libaltudpize.so" \
	"$KS"/{udpgso,msg_zerocopy,udpgso_bench_tx,udpgso_bench_rx,cmsg_sender,so_txtime,txtimestamp}; do
	[ -e "$f" ] && continue
	echo "Bail out! missing $f: run scripts/build-kselftests and make -C tools on the host"
	exit 1
done
tap_diag "kernel selftests of $series from $(cat "$KS/.version" 2>/dev/null)"

tmp=$(mktemp -d)
at_exit rm -rf "$tmp"
RUN=0

# A KASAN kernel (make check-debug) runs 3-4 times slower under TCG than
# the distro kernels: receivers that wait for a sender wait SLOW times
# longer there, and the cases judged to a few milliseconds (so_txtime's
# 4 ms variance, txtimestamp's 8 ms tolerance) are skipped, see timed().
SLOW=1
kasan_enabled && SLOW=4
# PREEMPT_RT runs the qdiscs' timers and the softirqs in threads, which an
# emulated guest on a busy host schedules late: natively, txtimestamp -u
# missed its 18 ms bound in 11 of 15 runs on 6.12-rt, against 4 of 15 on
# 6.12 at the same time.  There the timed cases run with
# KSFT_MACHINE_SLOW, the programs' own switch for slow machines: a late
# packet or timestamp is printed, not failed; each must still come, and
# so_txtime's packets in txtime order.
RT= TIMED=
[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] && RT=1

# The IPv6 cases need the module's IPv6 socket: without it altudpize
# leaves AF_INET6 sockets alone and the altudp run sends nothing through
# altudp.
V6=
[ "$(sock "$(altudp_protocol)" inet6)" = 0 ] && V6=1

# v6 compare|timed DESC ...: an IPv6 case, skipped without IPv6 sockets.
v6() {
	if [ -n "$V6" ]; then
		"$@"
	else
		tap_skip "$2" "altudp has no AF_INET6 socket"
	fi
}

# ---- namespaces: NSS lists those of the current run

mk_ns() {
	local ns=altudp-kself-$$-$RUN-$1
	ip netns add "$ns" || return
	NSS+=("$ns")
	ip -n "$ns" link set lo up
}

del_nss() {
	local ns
	for ns in "${NSS[@]}"; do
		ip netns del "$ns"
	done
	NSS=()
}
at_exit del_nss

# Sends through altudp in a namespace: datagrams built (each counts one
# checksum mode, even when a qdisc then drops it) plus sendmsg errors.
altudp_sends() {
	ip netns exec "$1" cat /proc/net/altudp 2>/dev/null |
		awk '$1 ~ /^AltUdpCsum/ || $1 ~ /^AltUdpErr/ { n += $2 } END { print n + 0 }'
}

in1() { ip netns exec "${NSS[0]}" "$@"; }

# wait_udp_port NS PORT: until a UDP socket is bound to PORT, 10 s at most.
wait_udp_port() {
	local i
	for i in $(seq 100); do
		[ -n "$(ip netns exec "$1" ss -ulnH "sport = :$2")" ] && return
		sleep 0.1
	done
}
in2() { ip netns exec "${NSS[1]}" "$@"; }

# ---- running a case

# run_case MODE TRIES SETUP BODY [ARGS...]: a fresh SETUP, then BODY ARGS
# with $W the command prefix (empty natively, altudpize under altudp),
# until it passes or TRIES runs failed.  BODY may write a line to $SIG
# that the two modes must agree on.  Sets R_rc R_out R_sig R_sends R_tries.
run_case() {
	local mode=$1 tries=$2 setup=$3 body=$4 ns i
	shift 4
	W=()
	[ "$mode" = altudp ] && W=("$AZ" run)
	for ((i = 1; i <= tries; i++)); do
		R_tries=$i RUN=$((RUN + 1))
		R_out=$tmp/$RUN.$mode.out SIG=$tmp/$RUN.$mode.sig
		: >"$SIG"
		if ! $setup >"$R_out" 2>&1; then
			R_rc=setup
			del_nss
			return
		fi
		"$body" "$@" >>"$R_out" 2>&1
		R_rc=$?
		R_sends=0
		for ns in "${NSS[@]}"; do
			R_sends=$((R_sends + $(altudp_sends "$ns")))
		done
		R_sig=$(cat "$SIG")
		del_nss
		[ "$R_rc" = 0 ] && break
	done
}

# compare DESC TRIES SETUP BODY [ARGS...]: one point, native vs altudp.
compare() {
	local desc=$1 tries=$2 n_rc n_out n_sig n_sends start=$SECONDS
	shift 2
	run_case native "$tries" "$@"
	n_rc=$R_rc n_out=$R_out n_sig=$R_sig n_sends=$R_sends
	tap_diag "native: $R_tries run(s) in $((SECONDS - start)) s"
	start=$SECONDS
	if [ "$n_rc" = setup ]; then
		tap_fail "$desc" "namespace setup failed"
		tap_diag "$(tail -n 20 "$n_out")"
		return
	fi
	if [ "$n_rc" != 0 ]; then
		tap_skip "$desc" "fails natively here too (status $n_rc, $tries tries)"
		tap_diag "native: $(tail -n 5 "$n_out")"
		return
	fi
	run_case altudp "$tries" "$@"
	tap_diag "altudp: $R_tries run(s) in $((SECONDS - start)) s"
	if [ "$n_sends" != 0 ]; then
		tap_fail "$desc" "the native run moved the altudp counters ($n_sends)"
	elif [ "$R_rc" != 0 ] && [ -n "$TIMED" ] && native_misses "$tries" "$@"; then
		tap_skip "$desc" "timing not judged: altudp missed it $tries times, then native $N_missed of $tries times: the machine is too busy"
	elif [ "$R_rc" != 0 ]; then
		tap_fail "$desc" "native passes, altudp fails (status $R_rc, $tries tries)"
		tap_diag "altudp: $(tail -n 20 "$R_out")" "native: $(tail -n 5 "$n_out")"
	elif [ "$R_sig" != "$n_sig" ]; then
		tap_fail "$desc" "native: $n_sig; altudp: $R_sig"
	elif [ "$R_sends" = 0 ]; then
		tap_fail "$desc" "the altudp run sent nothing through altudp"
		tap_diag "$(tail -n 20 "$R_out")"
	else
		tap_ok "$desc: native and altudp pass ($R_sends altudp sends${n_sig:+, $n_sig})"
	fi
}

# native_misses TRIES SETUP BODY [ARGS...]: after altudp failed a timed
# case TRIES times, native runs it TRIES times more: on a host too busy for
# the timing it misses too.  True when it did; N_missed counts the misses.
native_misses() {
	local tries=$1 i rc out=$R_out sig=$R_sig sends=$R_sends
	shift
	N_missed=0
	for ((i = 0; i < tries; i++)); do
		run_case native 1 "$@"
		[ "$R_rc" != 0 ] && N_missed=$((N_missed + 1))
	done
	rc=$N_missed
	R_rc=1 R_out=$out R_sig=$sig R_sends=$sends
	[ "$rc" != 0 ]
}

# timed DESC ...: compare, but for a case judged to a few milliseconds,
# which a KASAN kernel under TCG misses natively and with altudp alike, and
# a busy host now and then: there native must miss it too for a skip.
timed() {
	local desc=$1
	shift
	if [ "$SLOW" != 1 ]; then
		tap_skip "$desc" "timed to a few ms, a KASAN kernel is too slow for it"
	elif [ -n "$RT" ]; then
		KSFT_MACHINE_SLOW=yes compare "$desc, timing not judged (PREEMPT_RT)" "$@"
	else
		TIMED=1 compare "$desc" "$@"
	fi
}

# ---- udpgso: the sender and the receiver are socket(AF_INET, SOCK_DGRAM, 0)

setup_lo() {
	mk_ns 1
}

# 6.12's udpgso.sh: 10.0.0.1 and fd00::1 on lo, whose MTU is 1500 or
# whose local routes have MTU 1500; or 10.0.0.0/24 on a dummy sink with
# chosen offloads.
setup_dev_mtu() {
	mk_ns 1 &&
	in1 ip addr add dev lo 10.0.0.1/32 &&
	in1 ip addr add dev lo fd00::1/128 nodad noprefixroute &&
	in1 ip link set dev lo mtu 1500
}

setup_route_mtu() {
	mk_ns 1 &&
	in1 ip addr add dev lo 10.0.0.1/32 &&
	in1 ip addr add dev lo fd00::1/128 nodad noprefixroute &&
	in1 ip route del local 10.0.0.1/32 table local dev lo &&
	in1 ip route del local fd00::1/128 table local dev lo &&
	in1 ip route add local 10.0.0.1/32 table local dev lo mtu 1500 &&
	in1 ip route add local fd00::1/128 table local dev lo mtu 1500
}

setup_sink() {
	mk_ns 1 &&
	in1 ip link add name sink mtu 1500 type dummy &&
	in1 ip addr add dev sink 10.0.0.0/24 &&
	in1 ip link set dev sink up &&
	in1 ethtool -K sink tx-checksum-ip-generic "$1" tx-udp-segmentation "$2" >/dev/null
}
setup_hw_gso_hw_csum() { setup_sink on on; }
setup_sw_gso_hw_csum() { setup_sink on off; }
setup_sw_gso_sw_csum() { setup_sink off off; }

body_udpgso() {
	in1 "${W[@]}" "$KS/udpgso" "$@"
}

# 6.1's udpgso sets lo's MTU and route itself; the later one, which has
# -R (hw/sw GSO on a sink device), leaves that to its script.
if "$KS/udpgso" -R -Z 2>&1 | grep -q "invalid option -- 'R'"; then
	compare "udpgso -4 -C (cmsg)" 1 setup_lo body_udpgso -4 -C
	compare "udpgso -4 -C -s (setsockopt)" 1 setup_lo body_udpgso -4 -C -s
	compare "udpgso -4 -c (connected)" 1 setup_lo body_udpgso -4 -c
	compare "udpgso -4 -C -m (MSG_MORE)" 1 setup_lo body_udpgso -4 -C -m
	v6 compare "udpgso -6 -C (cmsg)" 1 setup_lo body_udpgso -6 -C
	v6 compare "udpgso -6 -c (connected)" 1 setup_lo body_udpgso -6 -c
	v6 compare "udpgso -6 -C -m (MSG_MORE)" 1 setup_lo body_udpgso -6 -C -m
else
	compare "udpgso -4 -C (cmsg)" 1 setup_dev_mtu body_udpgso -4 -C
	compare "udpgso -4 -C -s (setsockopt)" 1 setup_dev_mtu body_udpgso -4 -C -s
	compare "udpgso -4 -c (connected, route MTU)" 1 setup_route_mtu body_udpgso -4 -c
	compare "udpgso -4 -C -m (MSG_MORE)" 1 setup_dev_mtu body_udpgso -4 -C -m
	compare "udpgso -4 -C -R (hw gso, hw csum)" 1 setup_hw_gso_hw_csum body_udpgso -4 -C -R
	compare "udpgso -4 -C -R (sw gso, hw csum)" 1 setup_sw_gso_hw_csum body_udpgso -4 -C -R
	compare "udpgso -4 -C -R (sw gso, sw csum)" 1 setup_sw_gso_sw_csum body_udpgso -4 -C -R
	v6 compare "udpgso -6 -C (cmsg)" 1 setup_dev_mtu body_udpgso -6 -C
	v6 compare "udpgso -6 -c (connected, route MTU)" 1 setup_route_mtu body_udpgso -6 -c
	v6 compare "udpgso -6 -C -m (MSG_MORE)" 1 setup_dev_mtu body_udpgso -6 -C -m
fi

# ---- msg_zerocopy: msg_zerocopy.sh's veth pair; both ends socket(AF_INET,
# SOCK_DGRAM, 0).  Its sender only reports missing completions and which
# kind they were (zc=y: zerocopy, zc=n: copied): checked here.

setup_veth() {
	mk_ns 1 && mk_ns 2 &&
	ip link add veth0 mtu "$1" netns "${NSS[0]}" type veth \
		peer name veth0 mtu "$1" netns "${NSS[1]}" &&
	in1 ip link set dev veth0 address 02:02:02:02:02:02 up &&
	in2 ip link set dev veth0 address 06:06:06:06:06:06 up &&
	in1 ip addr add 192.168.1.1/24 dev veth0 &&
	in2 ip addr add 192.168.1.2/24 dev veth0 &&
	in1 ip addr add fd::1/64 dev veth0 nodad &&
	in2 ip addr add fd::2/64 dev veth0 nodad
}

# veth_addrs 4|6: the -S and -D options of the veth pair's addresses.
veth_addrs() {
	if [ "$1" = 6 ]; then
		echo "-6 -S fd::1 -D fd::2"
	else
		echo "-4 -S 192.168.1.1 -D 192.168.1.2"
	fi
}

# msg_zerocopy.sh's optmem_max, per namespace on 6.12; 6.1 has it in the
# initial namespace only, set below for the two cases.
setup_zerocopy() {
	setup_veth 65535 || return
	in1 test -e /proc/sys/net/core/optmem_max || return 0
	in1 sysctl -qw net.core.optmem_max=1000000 &&
	in2 sysctl -qw net.core.optmem_max=1000000
}

# The sender starts once the receiver is bound, which then waits 6 s: under
# TCG on a busy host a sender may take seconds to start, and once the
# receiver is gone it fails with ECONNREFUSED.  body_zerocopy 4|6 ARGS...
body_zerocopy() {
	local args rx rc
	read -ra args <<<"$(veth_addrs "$1")"
	shift
	args+=(-i veth0 "$@")
	ip netns exec "${NSS[1]}" "${W[@]}" "$KS/msg_zerocopy" "${args[@]}" -t $((6 * SLOW)) -C 0 -r udp &
	rx=$!
	wait_udp_port "${NSS[1]}" 8000
	in1 "${W[@]}" "$KS/msg_zerocopy" "${args[@]}" -t 1 -C 1 udp 2>"$tmp/zc.err"
	rc=$?
	cat "$tmp/zc.err"
	wait $rx || rc=1
	grep -q "missing notifications" "$tmp/zc.err" && rc=1
	sed -n 's/.* \(zc=.\)$/\1/p' "$tmp/zc.err" >"$SIG"
	return $rc
}

at_exit sysctl -qw net.core.optmem_max="$(sysctl -n net.core.optmem_max)"
sysctl -qw net.core.optmem_max=1000000
compare "msg_zerocopy -4 udp" 2 setup_zerocopy body_zerocopy 4
compare "msg_zerocopy -4 -z udp" 2 setup_zerocopy body_zerocopy 4 -z
v6 compare "msg_zerocopy -6 -z udp" 2 setup_zerocopy body_zerocopy 6 -z

# ---- udpgso_bench_tx/rx: both socket(AF_INET, SOCK_DGRAM, 0).  10 messages
# of 10 full-size segments: the receiver wants exactly 100 datagrams of
# 1472 bytes with the sender's pattern (-n -l -v); -a makes the sender
# count zerocopy completions and timestamps against its sends.

body_bench() {
	local rx rc
	in1 "${W[@]}" "$KS/udpgso_bench_rx" -4 -p 8000 -n 100 -l 1472 -v \
		-C $((10000 * SLOW)) -R $((300 * SLOW)) &
	rx=$!
	wait_udp_port "${NSS[0]}" 8000
	in1 "${W[@]}" "$KS/udpgso_bench_tx" -4 -D 127.0.0.1 -p 8000 -s 14720 -M 10 "$@"
	rc=$?
	wait $rx || rc=1
	return $rc
}

compare "udpgso_bench udp" 1 setup_lo body_bench
compare "udpgso_bench udp gso (-S 0)" 1 setup_lo body_bench -S 0
compare "udpgso_bench udp gso zerocopy audit (-S 0 -z -a)" 1 setup_lo body_bench -S 0 -z -a
compare "udpgso_bench udp gso zerocopy timestamp audit (-S 0 -T -z -a)" 1 \
	setup_lo body_bench -S 0 -T -z -a

# ---- cmsg_sender: socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), -p u

setup_dummy() {
	mk_ns 1 &&
	in1 ip link add type dummy &&
	in1 ip link set dev dummy0 up &&
	in1 ip addr add 172.16.0.1/24 dev dummy0 &&
	in1 ip addr add 2001:db8:1::1/64 dev dummy0 nodad
}

# cmsg_so_mark.sh: mark 1000 leads to a prohibit route (EACCES, status 1).
setup_mark() {
	setup_dummy &&
	in1 ip rule add fwmark 1000 lookup 300 &&
	in1 ip route add prohibit any table 300
}

# expect STATUS ARGS...: cmsg_sender ARGS must end with STATUS; to
# 172.16.0.2, or with CS_FAMILY=6 to 2001:db8:1::2.
CS_FAMILY=4
expect() {
	local want=$1 rc dst=172.16.0.2
	shift
	[ "$CS_FAMILY" = 6 ] && dst=2001:db8:1::2
	in1 "${W[@]}" "$KS/cmsg_sender" -"$CS_FAMILY" -p u "$@" "$dst" 1234
	rc=$?
	echo "cmsg_sender $*: status $rc, expected $want"
	[ "$rc" = "$want" ]
}

body_mark() {
	local ok=0
	expect 0 -M 1001 || ok=1
	expect 1 -M 1000 -s || ok=1
	expect 0 -m 1001 || ok=1
	expect 1 -m 1000 -s || ok=1
	expect 0 -M 1000 -m 1001 || ok=1
	expect 1 -M 1000 -m 1000 -s || ok=1
	return $ok
}

compare "cmsg_sender SO_MARK: setsockopt, cmsg, both (cmsg_so_mark.sh)" 1 setup_mark body_mark

# SO_PRIORITY 7 is dropped at LOCAL_OUT: sendmsg() fails with EPERM.
setup_prio() {
	setup_dummy &&
	in1 nft add table ip altudp_prio &&
	in1 nft add chain ip altudp_prio out '{ type filter hook output priority 0; }' &&
	in1 nft add rule ip altudp_prio out meta priority 0:7 drop
}

body_prio() {
	local ok=0
	expect 0 -P 6 || ok=1
	expect 1 -P 7 -s || ok=1
	return $ok
}

# 6.1's cmsg_sender has no -P: getopt calls it invalid.
if "$KS/cmsg_sender" -P 1 2>&1 | grep -q "invalid option"; then
	tap_skip "cmsg_sender SO_PRIORITY" "$series's cmsg_sender has no -P option"
else
	compare "cmsg_sender SO_PRIORITY (-P) against an nft priority drop" 1 setup_prio body_prio
fi

# cmsg_time.sh: SO_TIMESTAMPING and SCM_TXTIME through fq.
setup_time() {
	setup_dummy &&
	in1 tc qdisc replace dev dummy0 root fq
}

cs() {
	in1 "${W[@]}" "$KS/cmsg_sender" -p u -4 172.16.0.2 1234 "$@"
}

body_time() {
	local ok=0 out
	out=$(cs) && [ -z "$out" ] || { echo "no options: '$out'"; ok=1; }
	out=$(cs -t | wc -l) && [ "$out" = 2 ] || { echo "ts cnt: $out"; ok=1; }
	out=$(cs -t) && grep -q "SCHED ts0 [0-9]" <<<"$out" || { echo "ts0 SCHED: $out"; ok=1; }
	out=$(cs -t) && grep -q "SND ts0 [0-9]" <<<"$out" || { echo "ts0 SND: $out"; ok=1; }
	out=$(cs -t -d 1000) &&
		awk '/SND/ { if ($3 > 1000) ok = 1 } END { exit !ok }' <<<"$out" ||
		{ echo "TXTIME abs: $out"; ok=1; }
	# KSFT_MACHINE_SLOW's delay: TCG is a slow machine.
	out=$(cs -t -d 8000) &&
		awk '/SND/ { snd = $3 } /SCHED/ { sch = $3 } END { exit !(snd - sch > 4000) }' <<<"$out" ||
		{ echo "TXTIME rel: $out"; ok=1; }
	return $ok
}

compare "cmsg_sender timestamps and TXTIME (cmsg_time.sh)" 2 setup_time body_time

# cmsg_ipv6.sh's UDP cases, one of each kind (every cmsg_sender run is a
# process start under TCG, twice): IPV6_DONTFRAG by setsockopt (-F), cmsg
# (-f) and differing, a 2000-byte send on a 1500-byte link failing with
# it; IPV6_TCLASS 0x10 sent to a prohibit route (EACCES), 0x20 passing,
# by setsockopt, cmsg and differing; IPV6_HOPLIMIT both ways; hop-by-hop,
# destination and routing headers by cmsg.
setup_cmsg6() {
	setup_dummy &&
	in1 ip -6 rule add tos 0x10 lookup 300 &&
	in1 ip -6 route add table 300 prohibit any
}

body_cmsg6() {
	local ok=0 h
	expect 1 -s -S 2000 -F 1 || ok=1
	expect 1 -s -S 2000 -f 1 || ok=1
	expect 0 -s -S 2000 -F 1 -f 0 || ok=1
	# cmsg_sender reads them with atoi(): 32 is 0x20, 16 is 0x10.
	expect 0 -C 32 || ok=1
	expect 1 -c 16 -s || ok=1
	expect 1 -C 32 -c 16 -s || ok=1
	expect 0 -L 5 -l 4 || ok=1
	for h in h d r; do
		expect 0 -H "$h" || ok=1
	done
	return $ok
}

CS_FAMILY=6 v6 compare "cmsg_sender -6 DONTFRAG, TCLASS, HOPLIMIT, ext headers (cmsg_ipv6.sh)" 1 \
	setup_cmsg6 body_cmsg6

# ---- so_txtime: both ends socket(AF_INET, SOCK_DGRAM, 0); deliveries are
# timed against a common start time, 2.5 s ahead (so_txtime.sh: 0.1 s, too
# little for two process starts in a loaded TCG guest: the receiver gives
# up 100 ms after the start, so a sender that starts later fails).

setup_fq() {
	setup_veth 1500 &&
	in1 tc qdisc add dev veth0 root fq
}

# etf drops every packet that has no txtime, ARP requests too: so_txtime.sh
# runs its etf cases after the fq ones, which left the neighbour resolved.
# A fresh pair needs it made by hand.
setup_etf() {
	setup_veth 1500 &&
	in1 ip neigh add 192.168.1.2 lladdr 06:06:06:06:06:06 dev veth0 nud permanent &&
	in1 tc qdisc replace dev veth0 root etf clockid CLOCK_TAI delta 400000
}

# body_txtime WANT CLOCK TXARGS RXARGS [6]: so_txtime's status must be
# WANT; over IPv4, or IPv6 with 6.
body_txtime() {
	local start rx rc=0 addrs
	read -ra addrs <<<"$(veth_addrs "${5:-4}")"
	start=$(date +%s%N --date="+ 2.5 seconds")
	in2 "${W[@]}" "$KS/so_txtime" "${addrs[@]}" -c "$2" -t "$start" "$4" -r &
	rx=$!
	in1 "${W[@]}" "$KS/so_txtime" "${addrs[@]}" -c "$2" -t "$start" "$3" || rc=1
	wait $rx || rc=1
	echo "status $rc, expected $1"
	[ "$rc" = "$1" ]
}

timed "so_txtime 4 mono a,-1 a,-1 (fq)" 4 setup_fq body_txtime 0 mono a,-1 a,-1
timed "so_txtime 4 mono a,10,b,20 a,10,b,20 (fq)" 4 setup_fq body_txtime 0 mono a,10,b,20 a,10,b,20
v6 timed "so_txtime 6 mono a,10,b,20 a,10,b,20 (fq)" 4 setup_fq body_txtime 0 mono a,10,b,20 \
	a,10,b,20 6
RUN=$((RUN + 1))
mk_ns 1 && in1 ip link add d0 type dummy &&
	in1 tc qdisc replace dev d0 root etf clockid CLOCK_TAI delta 400000 2>/dev/null
etf=$?
del_nss
if [ "$etf" = 0 ]; then
	compare "so_txtime 4 tai a,-1 a,-1 fails (etf)" 1 setup_etf body_txtime 1 tai a,-1 a,-1
	timed "so_txtime 4 tai a,10,b,20 a,10,b,20 (etf)" 4 setup_etf body_txtime 0 tai a,10,b,20 a,10,b,20
else
	tap_skip "so_txtime with etf" "no etf qdisc here"
	tap_skip "so_txtime with etf, failure case" "no etf qdisc here"
fi

# ---- txtimestamp -u: the sender is socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP),
# its listener socket(AF_INET, SOCK_DGRAM, 0).  txtimestamp.sh's netem
# delays and tolerance (6.12's: 10 ms out, 20 ms back, +/- 8 ms).
setup_netem() {
	mk_ns 1 &&
	in1 tc qdisc add dev lo root netem delay 10ms &&
	in1 ip link add ifb_netem0 type ifb &&
	in1 ip link set dev ifb_netem0 up &&
	in1 tc qdisc add dev ifb_netem0 root netem delay 20ms &&
	in1 tc qdisc add dev lo handle ffff: ingress &&
	in1 tc filter add dev lo parent ffff: u32 match mark 0 0xffff \
		action mirred egress redirect dev ifb_netem0
}

# body_txts 4|6 ARGS...
body_txts() {
	local lo=127.0.0.1
	[ "$1" = 6 ] && lo=::1
	in1 "${W[@]}" "$KS/txtimestamp" "${@:2}" -u -v 10000 -V 60000 -t 8000 -S 80000 -"$1" -L "$lo"
}

modprobe ifb 2>/dev/null
timed "txtimestamp -u -4 (setsockopt)" 2 setup_netem body_txts 4
timed "txtimestamp -u -4 -C (cmsg)" 2 setup_netem body_txts 4 -C
timed "txtimestamp -u -4 -n (no payload)" 2 setup_netem body_txts 4 -n
v6 timed "txtimestamp -u -6 (setsockopt)" 2 setup_netem body_txts 6

tap_end
