#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test VM itself: what the altudp tests rely on.  Namespaces joined by
# veth pass traffic, nft and tcpdump work in them, python3 runs the shared
# helpers, and altudp is loaded when scripts/vm loaded it.

. "$(dirname "$0")/lib/lib.sh"

ping=(ping)
command -v ping >/dev/null || ping=(busybox ping)

if ns_pair; then
	tap_ok "veth pair between $NS_A and $NS_B"
else
	tap_fail "veth pair between two namespaces"
	tap_end
fi
tap_check "ping $ADDR_A -> $ADDR_B over veth" in_a "${ping[@]}" -c 1 -W 5 "$ADDR_B"

tap_check "nft rule in a namespace" bash -c "
	ip netns exec $NS_A nft add table inet altudp_harness &&
	ip netns exec $NS_A nft add chain inet altudp_harness out \
		'{ type filter hook output priority 0; }' &&
	ip netns exec $NS_A nft add rule inet altudp_harness out udp dport 9 counter &&
	ip netns exec $NS_A nft list ruleset | grep -q 'udp dport 9 counter'"

# tcpdump in B sees A's ping; ping until it has, since its start races.
cap=$(mktemp)
at_exit rm -f "$cap"
in_b timeout 20 tcpdump -n -i "$IF_B" -c 1 icmp >"$cap" 2>/dev/null &
dump=$!
for _ in $(seq 20); do
	in_a "${ping[@]}" -c 1 -W 1 "$ADDR_B" >/dev/null 2>&1
	kill -0 $dump 2>/dev/null || break
done
if wait $dump && grep -q "$ADDR_A > $ADDR_B: ICMP echo request" "$cap"; then
	tap_ok "tcpdump captures on veth"
else
	tap_fail "tcpdump captures on veth"
	tap_diag "$(cat "$cap")"
fi

# python3 with selftests/lib/altudp.py: its own namespaces and a UDP
# datagram from a socket made in one to a socket made in the other.
tap_check "python3 Netns and run_in carry a UDP datagram" \
	env PYTHONPATH="$ALTUDP_TESTS_DIR/lib" python3 -c '
import socket
from altudp import Netns, run_in
udp = lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
with Netns(2) as ns:
    rx, tx = run_in(ns.b, udp), run_in(ns.a, udp)
    rx.bind((ns.addr_b, 4000))
    rx.settimeout(5)
    tx.sendto(b"harness", (ns.addr_b, 4000))
    data, peer = rx.recvfrom(100)
    assert data == b"harness" and peer[0] == ns.addr_a, (data, peer)
'

proto=$(altudp_protocol)
if [ -z "$ALTUDP_KO" ]; then
	tap_skip "altudp module loaded" "scripts/vm ran with --no-module"
elif altudp_loaded; then
	tap_ok "altudp module loaded, protocol $proto"
else
	tap_fail "altudp module loaded" "no /sys/module/altudp though scripts/vm loaded $ALTUDP_KO"
fi

tap_end
