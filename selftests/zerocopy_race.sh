#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MSG_ZEROCOPY from two threads on one socket, corked appends against
# lockless uncorked sends (selftests/zc_race/altudp_zc_race.c): once the
# error queue is drained nothing may stay charged to the socket's optmem,
# i.e. no ubuf_info may lose its reference.  Native UDP runs the same
# race first; what it leaves is reported, not judged: 6.1's and 6.12's
# __ip_append_data() leak the ubuf_info that msg_zerocopy_realloc()
# allocates when the corked datagram's one cannot be extended, and
# altudp_append_data() does not; the same for IPv6, with
# __ip6_append_data().  Then every socket is closed and the module must
# go: a leaked ubuf_info holds its socket.
#
# ALTUDP_ZC_RACE_SECONDS: seconds of racing per protocol (default 10).

. "$(dirname "$0")/lib/lib.sh"
require_module

bin=$(test_prog zc_race altudp_zc_race) || skip_all "cannot build altudp_zc_race"
[ "$(nproc)" -gt 1 ] || skip_all "one CPU: the two threads would not run at once"

secs=${ALTUDP_ZC_RACE_SECONDS:-10}
ns_pair || { tap_fail "namespaces"; tap_end; }

# race FAMILY DST SECONDS: native first, reported; then altudp, judged.
race() {
	local out

	# Not under kmemleak: the kernel's own leak would fail the run.
	if [ -e /sys/kernel/debug/kmemleak ]; then
		tap_diag "native $1: not run under kmemleak"
	else
		out=$(in_a "$bin" --proto 17 --dst "$2" --seconds "$3" 2>&1)
		tap_diag "native: $out"
	fi

	if out=$(in_a "$bin" --dst "$2" --seconds "$3" 2>&1); then
		tap_ok "altudp $1: no ubuf_info left charged after racing for $3 s"
	else
		tap_fail "altudp $1: no ubuf_info left charged after racing for $3 s"
	fi
	tap_diag "altudp: $out"
}

race IPv4 "$ADDR_B" "$secs"
# __altudp_ip6_append_data() differs from __ip6_append_data() the same
# way; half the time, as the IPv6 tests are many.
if [ "$(sock "" inet6)" = 0 ]; then
	race IPv6 "$ADDR6_B" "$(((secs + 1) / 2))"
else
	tap_skip "altudp IPv6: no ubuf_info left charged" "altudp has no IPv6 sockets"
fi

if [ -z "${ALTUDP_KO:-}" ]; then
	tap_skip "rmmod altudp after the race" "ALTUDP_KO not set, no altudp module installed"
elif rmmod_altudp; then
	tap_ok "rmmod altudp after the race (in $RMMOD_WAITED s)"
	tap_check "insmod altudp again" insmod "$ALTUDP_KO"
else
	tap_fail "rmmod altudp after the race" "refcnt $(cat /sys/module/altudp/refcnt) after $RMMOD_WAITED s"
fi
tap_end
