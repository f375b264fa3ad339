#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# io_uring's zerocopy sends (IORING_OP_SEND_ZC) on an altudp socket as on
# the kernel's UDP: the request brings its own ubuf_info (msg_ubuf), which
# the append takes for the datagram instead of SO_ZEROCOPY's
# (selftests/io_uring/altudp_io_uring.c: plain, corked and refused sends
# to a receiver on the loopback device).  The two runs must print the
# same results, notifications and received datagrams, per family; the
# sends must have gone out as zerocopy ones (AltUdpZerocopySends).  Then
# the same to the peer namespace over a veth without scatter-gather, where
# __ip_append_data() does not take the request's buffer: no append is
# refused.

. "$(dirname "$0")/lib/lib.sh"
require_module

bin=$(test_prog io_uring altudp_io_uring) || skip_all "cannot build altudp_io_uring"
ns_pair || { tap_fail "namespaces"; tap_end; }

zc_sends() {
	in_a awk '$1 == "AltUdpZerocopySends" { print $2 }' /proc/net/altudp
}

# run NAME ARGS...: native's and altudp's output of the program, in
# $native and $altudp, with the counter's move in $zc; 1 if not the same
# (reported), 4 if io_uring cannot run it.
run() {
	local name=$1 before after st=0

	shift
	native=$(in_a "$bin" --proto 17 "$@" 2>&1) || st=$?
	if [ "$st" = 4 ]; then
		tap_skip "$name: IORING_OP_SEND_ZC as on UDP" "$native"
		return 4
	fi
	before=$(zc_sends)
	altudp=$(in_a "$bin" "$@" 2>&1) || st=$?
	after=$(zc_sends)
	zc=$((after - before))
	if [ "$st" != 0 ] || [ "$native" != "$altudp" ]; then
		tap_fail "$name: IORING_OP_SEND_ZC as on UDP" "exit $st, or not as native's"
		diff <(echo "$native") <(echo "$altudp") | sed 's/^/# /'
		return 1
	fi
	echo "$native" | sed 's/^/# /'
}

# zc FAMILY [--ipv6]
zc() {
	local native altudp zc

	run "$1" $2 || return 0
	# The sequence as meant: the first send went, its notification came,
	# the refused append was refused, datagrams arrived.
	if echo "$native" | grep -q '^send 0: 100 bytes: 100, notified$' &&
	   echo "$native" | grep -q '^send 6: 500 bytes, UDP_SEGMENT, MSG_MORE: EINVAL' &&
	   echo "$native" | grep -q '^received 65000 bytes'; then
		tap_ok "$1: IORING_OP_SEND_ZC as on UDP"
	else
		tap_fail "$1: IORING_OP_SEND_ZC as on UDP" "not the sequence meant"
	fi
	tap_check "$1: zerocopy sends counted ($zc)" [ "$zc" -gt 0 ]
}

# zc_nosg FAMILY PEER-ADDRESS [--ipv6]
zc_nosg() {
	local native altudp zc name="$1, no scatter-gather"

	run "$name" --rx-netns "$NS_B" --rx-addr "$2" $3 || return 0
	if echo "$native" | grep -q '^send 6: 500 bytes, UDP_SEGMENT, MSG_MORE: 500' &&
	   echo "$native" | grep -q '^received 65000 bytes'; then
		tap_ok "$name: IORING_OP_SEND_ZC as on UDP"
	else
		tap_fail "$name: IORING_OP_SEND_ZC as on UDP" "not the sequence meant"
	fi
}

zc IPv4
if [ "$(sock "" inet6)" = 0 ]; then
	zc IPv6 --ipv6
else
	tap_skip "IPv6: IORING_OP_SEND_ZC as on UDP" "altudp has no IPv6 sockets"
fi
if in_a ethtool -K "$IF_A" sg off; then
	zc_nosg IPv4 "$ADDR_B"
	if [ "$(sock "" inet6)" = 0 ]; then
		zc_nosg IPv6 "$ADDR6_B" --ipv6
	else
		tap_skip "IPv6, no scatter-gather: IORING_OP_SEND_ZC as on UDP" \
			"altudp has no IPv6 sockets"
	fi
else
	tap_skip "no scatter-gather: IORING_OP_SEND_ZC as on UDP" "ethtool -K sg off failed"
fi
tap_end
