#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Differential test: every hand-written scenario and a batch of random call
# sequences, each run on a native UDP socket and on an altudp socket in the
# same namespaces; the frames on the wire, the calls' answers, the error
# queue and the snmp counters must be equal (selftests/diff/altudp_diff.c).
#
# Then route-change sequences: an unconnected socket sending mostly to one
# destination while routes, rules, addresses, the MTU, the VRF of the
# device, the socket's bound device and cgroup BPF_CGROUP_UDP4_SENDMSG
# programs change between sends (the route cache of src/rcache.c must
# never keep a route a lookup would no longer give).
#
# Then, where the module has IPv6 sockets, random sequences on AF_INET6
# sockets: to v4-mapped destinations (--inet6), and to IPv6, v4-mapped or
# both (--ipv6: a sixth v4-mapped, a third mixed, half IPv6 only; the
# IPv6 frames, error queues and the Ip6/Udp6 counters of /proc/net/snmp6
# compared too).
#
# ALTUDP_LONG=1 runs 10,000 random sequences instead of 500, 2,000
# route-change ones instead of 60, 2,000 v4-mapped ones instead of 100 and
# 10,000 --ipv6 ones instead of 600;
# ALTUDP_DIFF_SEED sets the first seed (default 1, or the time in long mode);
# ALTUDP_DIFF_COUNT the number of sequences, ALTUDP_DIFF_ROUTES the number
# of route-change sequences, ALTUDP_DIFF_MAPPED and ALTUDP_DIFF_IPV6 those
# of the AF_INET6 ones.
# ALTUDP_DIFF_PROTO=0 checks the runner itself: native UDP against native
# UDP, which must not differ; a difference that shows there too is state
# left behind by the first run of a pair, not a fault of the module.

. "$(dirname "$0")/lib/lib.sh"
require_module

bin=$(test_prog diff altudp_diff) || skip_all "cannot build altudp_diff"

if [ -n "$ALTUDP_LONG" ]; then
	count=${ALTUDP_DIFF_COUNT:-10000}
	routes=${ALTUDP_DIFF_ROUTES:-2000}
	mapped=${ALTUDP_DIFF_MAPPED:-2000}
	ipv6=${ALTUDP_DIFF_IPV6:-10000}
	seed=${ALTUDP_DIFF_SEED:-$(date +%s)}
else
	count=${ALTUDP_DIFF_COUNT:-500}
	routes=${ALTUDP_DIFF_ROUTES:-60}
	mapped=${ALTUDP_DIFF_MAPPED:-100}
	ipv6=${ALTUDP_DIFF_IPV6:-600}
	seed=${ALTUDP_DIFF_SEED:-1}
fi
# The runs' points are numbered on as one test.
# The route cache (on by default) is on for all of them, whatever the load set.
set_param route_cache 1
status=$(mktemp)
at_exit rm -f "$status"
run_diff() {
	# shellcheck disable=SC2086 # an unset ALTUDP_DIFF_PROTO is no argument
	"$bin" ${ALTUDP_DIFF_PROTO:+--proto "$ALTUDP_DIFF_PROTO"} --seed "$seed" "$@"
	echo $? >>"$status"
}
{
	run_diff --count "$count" --routes "$routes"
	if [ "$(sock "" inet6)" = 0 ] || [ "${ALTUDP_DIFF_PROTO:-}" = 0 ]; then
		run_diff --no-scenarios --inet6 --count "$mapped"
		run_diff --no-scenarios --ipv6 --count "$ipv6"
	else
		echo "ok - random AF_INET6 sequences # SKIP altudp has no AF_INET6 socket"
	fi
} | awk '/^1\.\.[0-9]+/ || /^TAP version/ { next }
	/^(not )?ok [0-9-]+/ { sub(/ok [0-9-]+/, "ok " ++n) }
	{ print; fflush() }
	END { print "1.." n }'
rc=0
while read -r st; do
	case $st in
	0) ;;
	1) rc=1 ;;
	*) exit "$st" ;;
	esac
done <"$status"
exit $rc
