#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# altudpize: which sockets libaltudpize.so converts, what it says when the
# module is absent, and real clients run through it between two namespaces,
# each compared with the same run without it:
#   iperf3 -u   client under altudpize, server native; every datagram
#               the client sent is accounted for: received by the server,
#               counted dropped by the kernel where a loaded TCG guest
#               falls behind, natively too (a full receive buffer, a full
#               backlog queue, the server's socket already closed), or
#               left in the server's socket at the end of the test
#   socat       a UDP echo, both ends under altudpize: data intact both
#               ways, over IPv4 and over IPv6
#   dig         a query to dnsmasq, both under altudpize: the answers
# and AltUdpOutDatagrams moved (or not, natively) in each namespace.

. "$(dirname "$0")/lib/lib.sh"

require_module
AZ=$ALTUDP_AZ/altudpize
LIB=$ALTUDP_AZ/libaltudpize.so
if [ ! -f "$LIB" ]; then
	echo "Bail out! missing $LIB: run make -C tools on the host"
	exit 1
fi
proto=$(altudp_protocol)
tmp=$(mktemp -d)
at_exit rm -rf "$tmp"

ns_pair || { tap_fail "namespaces"; tap_end; }

out_datagrams() {
	ip netns exec "$1" awk '$1 == "AltUdpOutDatagrams" { print $2 }' /proc/net/altudp
}

# moved_ok MODE N MIN: N datagrams went through altudp: none natively, at
# least MIN under altudpize.
moved_ok() {
	if [ "$1" = native ]; then
		[ "$2" = 0 ]
	else
		[ "$2" -ge "$3" ]
	fi
}

# ---- the library itself

if "$AZ" --help | grep -q "^Usage: altudpize run"; then
	tap_ok "altudpize --help"
else
	tap_fail "altudpize --help"
fi

# Each socket() the library must convert, or leave alone, in one process;
# ALTUDPIZE_DEBUG logs the conversions.  libc's socket() is called through
# ctypes with exact arguments (Python's socket module adds SOCK_CLOEXEC).
cat >"$tmp/socks.py" <<'EOF'
import ctypes
import socket
libc = ctypes.CDLL(None)
for fam, typ, proto in (
        (socket.AF_INET, socket.SOCK_DGRAM, 0),
        (socket.AF_INET, socket.SOCK_DGRAM | socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC,
         socket.IPPROTO_UDP),
        (socket.AF_INET, socket.SOCK_STREAM, 0),
        (socket.AF_INET6, socket.SOCK_DGRAM, 0),
        (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP),
        (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)):
    fd = libc.socket(fam, typ, proto)
    if fd < 0:
        continue
    s = socket.socket(fileno=fd)
    if fam == socket.AF_INET and typ & 0xf == socket.SOCK_DGRAM and proto != socket.IPPROTO_ICMP:
        s.sendto(b"x", ("127.0.0.1", 9))
    if fam == socket.AF_INET6:
        s.sendto(b"x", ("::1", 9))
    s.close()
EOF
# A module without IPv6 refuses the AF_INET6 altudp socket: the library
# says so once and makes the kernel's.
if [ "$(sock "$proto" inet6)" = 0 ]; then
	inet6="altudpize: socket(AF_INET6, SOCK_DGRAM, 0) -> protocol $proto" n6=1
else
	inet6="altudpize: the altudp module has no AF_INET6 socket: AF_INET6 UDP sockets stay UDP" n6=0
fi
before=$(out_datagrams "$NS_A")
log=$(in_a "$AZ" run -d python3 "$tmp/socks.py" 2>&1)
sent=$(($(out_datagrams "$NS_A") - before))
want="altudpize: socket(AF_INET, SOCK_DGRAM, 0) -> protocol $proto
altudpize: socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 17) -> protocol $proto
$inet6"
if [ "$log" = "$want" ] && [ "$sent" = $((2 + n6)) ]; then
	tap_ok "converts AF_INET/AF_INET6 SOCK_DGRAM 0/IPPROTO_UDP (flags too), nothing else; $sent datagrams via altudp"
else
	tap_fail "converts AF_INET/AF_INET6 SOCK_DGRAM 0/IPPROTO_UDP, nothing else" "$sent altudp datagrams"
	tap_diag "$log"
fi

# ALTUDPIZE_DEBUG unset: silent.
log=$(in_a "$AZ" run python3 "$tmp/socks.py" 2>&1)
tap_check "silent without -d" test -z "$log"

# The module's parameter hidden by a tmpfs in a private mount namespace:
# one message, and the sockets stay the kernel's UDP.
before=$(out_datagrams "$NS_A")
log=$(in_a unshare -m sh -c 'mount -t tmpfs none /sys/module/altudp && exec "$@"' sh \
	"$AZ" run -d python3 "$tmp/socks.py" 2>&1)
sent=$(($(out_datagrams "$NS_A") - before))
if [ "$(grep -c . <<<"$log")" = 1 ] && grep -q "altudp module not loaded" <<<"$log" &&
	[ "$sent" = 0 ]; then
	tap_ok "module absent: one message, no conversion"
else
	tap_fail "module absent: one message, no conversion" "$sent altudp datagrams"
	tap_diag "$log"
fi

# ---- iperf3 -u: 2 s at 5 Mbit/s, client in A, server (native) in B.
# W is empty natively, altudpize under altudp.  Servers run as
# "ip netns exec" straight from "&" (no function or subshell) so that $!
# is the server itself, for kill.

# The Udp line of /proc/net/snmp in a namespace, as NAME=VALUE pairs.
udp_snmp() {
	ip netns exec "$1" awk '$1 == "Udp:" { if (!n++) split($0, h); else
		for (i = 2; i <= NF; i++) if ($i != 0) printf "%s=%s ", h[i], $i }' /proc/net/snmp
}

# udp_counter NS NAME: that Udp counter of /proc/net/snmp there.
udp_counter() {
	ip netns exec "$1" awk -v name="$2" '$1 == "Udp:" { if (!n++) { for (i = 2; i <= NF; i++)
		if ($i == name) f = i } else print $f }' /proc/net/snmp
}

# Packets the backlog queues dropped, all CPUs (the guest's, not per namespace).
backlog_drops() {
	local n=0 d
	for d in $(awk '{ print $2 }' /proc/net/softnet_stat); do
		n=$((n + 16#$d))
	done
	echo $n
}

# The iperf3 datagrams (1200 B of payload) that reached B's UDP: counted
# by an nft rule at B's input hook, after reassembly, before the socket.
in_b nft -f - <<'EOF' || true
table ip altudpize {
	chain input {
		type filter hook input priority 0;
		udp dport 5201 udp length 1208 counter
	}
}
EOF
reached_b() {
	in_b nft list chain ip altudpize input 2>/dev/null |
		sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}

# The kernel's counts of the datagrams to B: those that reached B's UDP,
# then dropped there (full receive buffer, other input errors, no socket),
# and those dropped before, in the backlog queues.
lost_counts() {
	echo "$(reached_b) $(udp_counter "$NS_B" RcvbufErrors) $(udp_counter "$NS_B" InErrors)" \
		"$(udp_counter "$NS_B" NoPorts) $(backlog_drops)"
}

# iperf3's UDP server reads one datagram per select() round and, on the
# client's TEST_END over the control connection, closes its data socket
# without reading what is queued there (iperf_handle_message_server()), the
# control message being handled first when both are ready; the kernel
# counts what close() discards nowhere.  So every datagram the client sent
# must have reached B's UDP or been dropped in the backlog; of those that
# reached it, the server read them, the kernel counted them dropped, or
# they were left unread at the end: no more than the datagrams numbered
# after the last one the server read.
iperf_check() {
	local before moved l0 l1 reached rcvbuf inerr noports backlog srv res cb cp sb top
	ip netns exec "$NS_B" iperf3 -s -1 -J -B "$ADDR_B" -p 5201 >"$tmp/srv.json" 2>&1 &
	srv=$!
	for _ in $(seq 50); do
		[ -n "$(in_b ss -tlnH 'sport = :5201')" ] && break
		sleep 0.1
	done
	before=$(out_datagrams "$NS_A")
	read -ra l0 <<<"$(lost_counts)"
	in_a "${W[@]}" iperf3 -u -c "$ADDR_B" -p 5201 -b 2M -t 2 -l 1200 -J >"$tmp/cli.json" 2>&1
	wait $srv
	sleep 0.5	# stragglers reach B's closed port
	moved=$(($(out_datagrams "$NS_A") - before))
	read -ra l1 <<<"$(lost_counts)"
	reached=$((l1[0] - l0[0])) rcvbuf=$((l1[1] - l0[1])) inerr=$((l1[2] - l0[2] - rcvbuf))
	noports=$((l1[3] - l0[3])) backlog=$((l1[4] - l0[4]))
	if ! res=$(python3 - "$tmp/cli.json" "$tmp/srv.json" <<'EOF'
import json, sys
try:
    c = json.load(open(sys.argv[1]))["end"]["sum_sent"]
    s = json.load(open(sys.argv[2]))["end"]["sum_received"]
except (ValueError, KeyError) as e:
    print("no iperf3 result: %r" % e)
    sys.exit(1)
print("%d %d %d %d" % (c["bytes"], c["packets"], s["bytes"], s["packets"]))
EOF
	); then
		tap_fail "iperf3 -u $1" "$res"
		tap_diag "$(tail -n 5 "$tmp/cli.json")"
		return 1
	fi
	# The fourth is the server's highest sequence number seen, not a count.
	read -r cb cp sb top <<<"$res"
	local got=$((sb / 1200))
	local unread=$((reached - got - rcvbuf - inerr - noports))
	local how="client sent $cp datagrams ($cb B), server got $got ($sb B); dropped: $rcvbuf receive buffer, $inerr other input errors, $noports closed port, $backlog backlog; $unread unread when the server ended the test (the last it read was number $top); $moved via altudp"
	if [ "$cp" -gt 0 ] && [ "$cb" = $((cp * 1200)) ] && [ $((sb % 1200)) = 0 ] &&
		[ $((reached + backlog)) -ge "$cp" ] && [ "$unread" -ge 0 ] &&
		[ "$unread" -le $((cp - top)) ] && moved_ok "$1" "$moved" "$cp"; then
		tap_ok "iperf3 -u $1: $how"
	else
		tap_fail "iperf3 -u $1" "$how"
		tap_diag "$reached reached B's UDP" "Udp in A: $(udp_snmp "$NS_A")" "Udp in B: $(udp_snmp "$NS_B")"
	fi
}

if ! command -v iperf3 >/dev/null; then
	tap_skip "iperf3 -u" "iperf3 not installed"
else
	W=()
	if iperf_check native; then
		W=("$AZ" run)
		iperf_check altudp
	else
		tap_skip "iperf3 -u altudp" "the native run failed"
	fi
fi

# ---- socat: an echo server in B, a client in A sending 64 KiB of random
# data in 1 KiB datagrams (one per 1 KiB read; the server reads and sends
# 1 KiB blocks too, so that no datagram exceeds what the other end reads).

# socat_check MODE [6]: the echo over IPv4, or over IPv6 with 6.
socat_check() {
	local before_a before_b ma mb srv what="socat UDP$2 echo $1"
	local listen=UDP4-LISTEN:5300,bind=$ADDR_B dest=UDP4:$ADDR_B:5300
	if [ "$2" = 6 ]; then
		listen="UDP6-LISTEN:5300,bind=[$ADDR6_B]" dest="UDP6:[$ADDR6_B]:5300"
	fi
	before_a=$(out_datagrams "$NS_A") before_b=$(out_datagrams "$NS_B")
	ip netns exec "$NS_B" "${W[@]}" socat -b 1024 "$listen" PIPE &
	srv=$!
	for _ in $(seq 50); do
		[ -n "$(in_b ss -ulnH 'sport = :5300')" ] && break
		sleep 0.1
	done
	in_a "${W[@]}" socat -b 1024 -t 3 - "$dest" <"$tmp/data" >"$tmp/echo.$1"
	kill $srv
	wait $srv 2>/dev/null
	ma=$(($(out_datagrams "$NS_A") - before_a)) mb=$(($(out_datagrams "$NS_B") - before_b))
	if ! cmp -s "$tmp/data" "$tmp/echo.$1"; then
		tap_fail "$what" "$(stat -c %s "$tmp/echo.$1") of 65536 bytes back, or different"
		tap_diag "Udp in A: $(udp_snmp "$NS_A")" "Udp in B: $(udp_snmp "$NS_B")"
		return 1
	elif moved_ok "$1" "$ma" 64 && moved_ok "$1" "$mb" 64; then
		tap_ok "$what: 65536 bytes there and back intact; altudp datagrams A $ma, B $mb"
	else
		tap_fail "$what" "altudp datagrams A $ma, B $mb"
	fi
}

if ! command -v socat >/dev/null; then
	tap_skip "socat UDP echo" "socat not installed"
else
	head -c 65536 /dev/urandom >"$tmp/data"
	for v in '' 6; do
		W=()
		if [ "$v" = 6 ] && [ "$(sock "$proto" inet6)" != 0 ]; then
			tap_skip "socat UDP6 echo" "altudp has no AF_INET6 socket"
		elif socat_check native $v; then
			W=("$AZ" run)
			socat_check altudp $v
		else
			tap_skip "socat UDP$v echo altudp" "the native run failed"
		fi
	done
fi

# ---- dig against dnsmasq in B: an A record and a TXT record of three
# 200-character strings (an answer over 600 bytes).

txt=()
for _ in 1 2 3; do
	txt+=("$(head -c 100 /dev/urandom | od -An -tx1 | tr -d ' \n')")
done

dns_check() {
	local before_a before_b ma mb srv a t
	before_a=$(out_datagrams "$NS_A") before_b=$(out_datagrams "$NS_B")
	ip netns exec "$NS_B" "${W[@]}" dnsmasq --no-daemon --conf-file=/dev/null \
		--no-resolv --no-hosts --listen-address="$ADDR_B" --bind-interfaces \
		--port=53 --user=root --group=root --pid-file= --log-facility=- \
		--address=/host.altudp.test/10.1.2.3 \
		--txt-record="txt.altudp.test,${txt[0]},${txt[1]},${txt[2]}" \
		>"$tmp/dnsmasq.$1.log" 2>&1 &
	srv=$!
	for _ in $(seq 50); do
		[ -n "$(in_b ss -ulnH 'sport = :53')" ] && break
		sleep 0.1
	done
	a=$(in_a "${W[@]}" dig +short +tries=2 +time=3 @"$ADDR_B" host.altudp.test A 2>&1)
	t=$(in_a "${W[@]}" dig +short +tries=2 +time=3 +bufsize=1232 @"$ADDR_B" txt.altudp.test TXT 2>&1)
	kill $srv
	wait $srv 2>/dev/null
	ma=$(($(out_datagrams "$NS_A") - before_a)) mb=$(($(out_datagrams "$NS_B") - before_b))
	if [ "$a" != 10.1.2.3 ] || [ "$t" != "\"${txt[0]}\" \"${txt[1]}\" \"${txt[2]}\"" ]; then
		tap_fail "dig against dnsmasq $1" "A: $a"
		tap_diag "TXT: $t" "$(tail -n 5 "$tmp/dnsmasq.$1.log")"
		return 1
	elif moved_ok "$1" "$ma" 2 && moved_ok "$1" "$mb" 2; then
		tap_ok "dig against dnsmasq $1: A and 600-byte TXT answers right; altudp datagrams A $ma, B $mb"
	else
		tap_fail "dig against dnsmasq $1" "altudp datagrams A $ma, B $mb"
		tap_diag "$(tail -n 5 "$tmp/dnsmasq.$1.log")"
	fi
}

if ! command -v dig >/dev/null || ! command -v dnsmasq >/dev/null; then
	tap_skip "dig against dnsmasq" "dig (dnsutils) or dnsmasq (dnsmasq-base) not installed"
else
	W=()
	if dns_check native; then
		W=("$AZ" run)
		dns_check altudp
	else
		tap_skip "dig against dnsmasq altudp" "the native run failed"
	fi
fi

tap_end
