#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module never hands an altudp datagram to the kernel's own transmit
# functions.  Kprobes on udp_sendmsg, ip_make_skb, ip_append_data,
# udp_push_pending_frames, ip_send_skb, ip_local_out and __ip_local_out,
# and on udpv6_sendmsg, ip6_append_data, ip6_make_skb,
# ip6_push_pending_frames, ip6_send_skb, ip6_local_out and __ip6_local_out
# (those the kernel has a symbol for; the others are reported) stay at 0
# hits while an altudp socket sends every kind of datagram: plain,
# fragmented, corked by MSG_MORE and by UDP_CORK, UDP_SEGMENT,
# MSG_ZEROCOPY, with IP options, by sendfile and by splice, and an
# AF_INET6 one the same (IP options aside), to v4-mapped destinations too
# and after IPV6_ADDRFORM.  The same sends from a UDP socket hit each probe
# (one they never hit is reported as a skip: UDP reaches it inlined), and
# move Udp and Udp6 OutDatagrams as much.

. "$(dirname "$0")/lib/lib.sh"

require_module
T=/sys/kernel/tracing
[ -w "$T/kprobe_events" ] || skip_all "no writable $T/kprobe_events"
ns_pair || { tap_fail "namespaces"; tap_end; }
ADDR6_A=fd99::1 ADDR6_B=fd99::2
ip -n "$NS_A" addr add "$ADDR6_A/64" dev "$IF_A" nodad &&
ip -n "$NS_B" addr add "$ADDR6_B/64" dev "$IF_B" nodad ||
	{ tap_fail "IPv6 addresses"; tap_end; }

# The kprobe_events file is appended to, never rewritten: other probes
# stay as they are.  A function the kernel has no symbol for (inlined
# into its callers) cannot be probed: kprobe_events refuses it.
group=altudp_nd_$$
funcs=()
for f in udp_sendmsg ip_make_skb ip_append_data udp_push_pending_frames \
	ip_send_skb ip_local_out __ip_local_out \
	udpv6_sendmsg ip6_append_data ip6_make_skb ip6_push_pending_frames \
	ip6_send_skb ip6_local_out __ip6_local_out; do
	if echo "p:$group/nd_$f $f" 2>/dev/null >>"$T/kprobe_events"; then
		funcs+=("$f")
		at_exit "echo '-:$group/nd_$f' >>$T/kprobe_events"
	else
		tap_skip "$f not probed" "no symbol in this kernel (inlined into its callers)"
	fi
done
[ ${#funcs[@]} -gt 0 ] || { tap_fail "kprobes on the transmit functions"; tap_end; }
tap_diag "probing: ${funcs[*]}"
at_exit "echo 0 >$T/events/$group/enable"
echo 1 >"$T/events/$group/enable"

hits() {
	awk -v e="nd_$1" '$1 == e { print $2 }' "$T/kprobe_profile"
}

# A receiver, so that no ICMP error (sent by these very functions) comes
# back from the peer.
coproc SINK { in_b python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('$ADDR_B', 9000))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s6.bind(('::', 9001))
print('bound', flush=True)
sys.stdin.readline()
"; }
at_exit "echo >&${SINK[1]}"
read -r -t 30 state <&"${SINK[0]}"
[ "$state" = bound ] || { tap_fail "receiver in $NS_B" "said '$state'"; tap_end; }

# Every kind of send from one socket of protocol $1; prints the Udp
# OutDatagrams it moved.
send_all() {
	in_a python3 - "$1" "$ADDR_B" <<'EOF'
import os, socket, sys, tempfile
proto, peer = int(sys.argv[1]), (sys.argv[2], 9000)
UDP_CORK, UDP_SEGMENT, SO_ZEROCOPY, MSG_ZEROCOPY = 1, 103, 60, 0x4000000

def out_datagrams():
    with open("/proc/self/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    return int(rows[1][rows[0].index("OutDatagrams")])

def sock():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
    s.connect(peer)
    return s

before = out_datagrams()
s = sock()
s.send(b"p" * 100)
s.send(b"f" * 4000)
s.send(b"m" * 100, socket.MSG_MORE)
s.send(b"m" * 100, socket.MSG_MORE)
s.send(b"m" * 100)
s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
s.send(b"c" * 100)
s.send(b"c" * 100)
s.setsockopt(socket.SOL_UDP, UDP_CORK, 0)
s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, 1000)
s.send(b"g" * 5000)
s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, 0)
s.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
s.send(b"z" * 5000, MSG_ZEROCOPY)
s.setsockopt(socket.SOL_IP, socket.IP_OPTIONS, bytes([7, 11, 4]) + bytes(9))
s.send(b"o" * 100)
s.close()
with tempfile.TemporaryFile() as f:
    f.write(b"s" * 1000)
    f.flush()
    s = sock()
    os.sendfile(s.fileno(), f.fileno(), 0, 1000)
    s.close()
r, w = os.pipe()
os.write(w, b"S" * 1000)
s = sock()
os.splice(r, s.fileno(), 1000)
s.close()
print(out_datagrams() - before)
EOF
}

# The same from an AF_INET6 socket, to the peer's IPv6 address and to
# its v4-mapped one, and after IPV6_ADDRFORM; prints the Udp and the Udp6
# OutDatagrams it moved.
send_all6() {
	in_a python3 - "$1" "$ADDR6_B" "$ADDR_B" <<'EOF'
import os, socket, sys, tempfile
proto, peer = int(sys.argv[1]), (sys.argv[2], 9001)
mapped = ("::ffff:" + sys.argv[3], 9001)
UDP_CORK, UDP_SEGMENT, SO_ZEROCOPY, MSG_ZEROCOPY = 1, 103, 60, 0x4000000
IPV6_ADDRFORM = 1

def out_datagrams(mib):
    if mib == "Udp6":
        with open("/proc/self/net/snmp6") as f:
            return int(dict(l.split() for l in f)["Udp6OutDatagrams"])
    with open("/proc/self/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Udp:")]
    return int(rows[1][rows[0].index("OutDatagrams")])

def sock(to=peer):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, proto)
    s.connect(to)
    return s

def send_kinds(s):
    s.send(b"p" * 100)
    s.send(b"f" * 4000)
    s.send(b"m" * 100, socket.MSG_MORE)
    s.send(b"m" * 100)
    s.setsockopt(socket.SOL_UDP, UDP_CORK, 1)
    s.send(b"c" * 100)
    s.send(b"c" * 100)
    s.setsockopt(socket.SOL_UDP, UDP_CORK, 0)
    s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, 1000)
    s.send(b"g" * 5000)
    s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, 0)

before = out_datagrams("Udp"), out_datagrams("Udp6")
s = sock()
send_kinds(s)
s.setsockopt(socket.SOL_SOCKET, SO_ZEROCOPY, 1)
s.send(b"z" * 5000, MSG_ZEROCOPY)
s.close()
s = sock(mapped)
send_kinds(s)
s.setsockopt(socket.IPPROTO_IPV6, IPV6_ADDRFORM, socket.AF_INET)
s.send(b"a" * 100)
s.close()
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, proto)
s.sendto(b"u" * 100, peer)
s.sendto(b"u" * 100, mapped)
s.close()
with tempfile.TemporaryFile() as f:
    f.write(b"s" * 1000)
    f.flush()
    s = sock()
    os.sendfile(s.fileno(), f.fileno(), 0, 1000)
    s.close()
r, w = os.pipe()
os.write(w, b"S" * 1000)
s = sock()
os.splice(r, s.fileno(), 1000)
s.close()
print(out_datagrams("Udp") - before[0], out_datagrams("Udp6") - before[1])
EOF
}

declare -A alt udp
for f in "${funcs[@]}"; do alt[$f]=$(hits "$f"); done
alt_out=$(send_all "$(altudp_protocol)")
read -r alt_out4 alt_out6 < <(send_all6 "$(altudp_protocol)")
for f in "${funcs[@]}"; do alt[$f]=$(($(hits "$f") - alt[$f])); udp[$f]=$(hits "$f"); done
udp_out=$(send_all 0)
read -r udp_out4 udp_out6 < <(send_all6 0)
for f in "${funcs[@]}"; do udp[$f]=$(($(hits "$f") - udp[$f])); done

# A probe UDP's sends never fire says nothing: the function exists but is
# inlined where the transmit path calls it.
for f in "${funcs[@]}"; do
	desc="$f: ${alt[$f]} hits from altudp's sends, ${udp[$f]} from UDP's"
	if [ "${alt[$f]}" != 0 ]; then
		tap_fail "$desc"
	elif [ "${udp[$f]}" = 0 ]; then
		tap_skip "$desc" "UDP's path reaches it inlined, the probe cannot tell"
	else
		tap_ok "$desc"
	fi
done
# same_out DESC ALTUDP UDP
same_out() {
	if [ "$2" = "$3" ] && [ "$3" -gt 0 ] 2>/dev/null; then
		tap_ok "$1"
	else
		tap_fail "$1"
	fi
}
same_out "Udp OutDatagrams +$udp_out for UDP's sends, +$alt_out for altudp's" \
	"$alt_out" "$udp_out"
same_out "AF_INET6: Udp OutDatagrams +$udp_out4 for UDP's (v4-mapped), +$alt_out4 for altudp's" \
	"$alt_out4" "$udp_out4"
same_out "AF_INET6: Udp6 OutDatagrams +$udp_out6 for UDP's sends, +$alt_out6 for altudp's" \
	"$alt_out6" "$udp_out6"
tap_end
