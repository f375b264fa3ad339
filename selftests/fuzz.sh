#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the altudp transmit path: selftests/fuzz/altudp_fuzz.c (`make fuzz`
# builds it into build/, else it is built here) runs seeded random
# sequences of socket calls on altudp sockets for ALTUDP_FUZZ_SECONDS
# (default 20, 300 with ALTUDP_LONG=1) while the veth's MTU changes and,
# now and then, the pair is deleted and re-created under the traffic.
# Where the module has IPv6 sockets, half the sequences are IPv6 ones
# (IPv6, v4-mapped and IPv4 destinations), and some must have run.
# A failure: the fuzzer crashes or stops making progress, the kernel
# taints itself (WARN, BUG; scripts/vm also fails the run on its log), or
# altudp cannot be removed and loaded again once every socket is closed.
# On a failure it prints the command that replays the failing sequence:
# ALTUDP_FUZZ_SEED=S ALTUDP_FUZZ_COUNT=1 (the racing thread and the
# device changes make the replay likely, not certain, to hit it again).

. "$(dirname "$0")/lib/lib.sh"

require_module
command -v gcc >/dev/null || skip_all "gcc is not installed"

secs=${ALTUDP_FUZZ_SECONDS:-20}
[ "${ALTUDP_LONG:-}" = 1 ] && secs=${ALTUDP_FUZZ_SECONDS:-300}
count=${ALTUDP_FUZZ_COUNT:-}
run=(--seconds "$secs") what="$secs s" again="ALTUDP_FUZZ_SECONDS=$secs"
[ -n "$count" ] && run=(--count "$count") what="$count sequences" again="ALTUDP_FUZZ_COUNT=$count"
# build/altudp_fuzz, which `make fuzz` built from the current source;
# else make builds it here (slow under emulation).
if ! bin=$(test_prog fuzz altudp_fuzz); then
	tap_fail "build altudp_fuzz" "make failed"
	tap_end
fi
tap_ok "altudp_fuzz built from the current source"

ns_pair || { tap_fail "namespaces"; tap_end; }

# veth up again after a deletion, with its addresses.
make_veth() {
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A" &&
	ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B" &&
	ip -n "$NS_A" link set "$IF_A" up &&
	ip -n "$NS_B" link set "$IF_B" up &&
	addr6
}

# An MTU below 1280 takes the link's IPv6 addresses away: they come back
# after each change.
addr6() {
	ip -n "$NS_A" addr replace "$ADDR6_A/64" dev "$IF_A" nodad &&
	ip -n "$NS_B" addr replace "$ADDR6_B/64" dev "$IF_B" nodad
}

# The device under the fuzzer's traffic: MTU changes, deletion.
churn() {
	local mtus=(68 576 1280 1500 1503 9000 20002 65535) i=0
	while :; do
		sleep 0.$((RANDOM % 5 + 1))
		i=$((i + 1))
		if [ $((i % 10)) = 0 ]; then
			ip -n "$NS_A" link del "$IF_A"
			make_veth
		else
			ip -n "$NS_A" link set "$IF_A" mtu "${mtus[RANDOM % ${#mtus[@]}]}"
			addr6
		fi
	done >/dev/null 2>&1
}
churn &
churn_pid=$!
at_exit kill "$churn_pid"

seed=${ALTUDP_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
log=$(mktemp)
at_exit rm -f "$log"
in_a "$bin" "${run[@]}" --seed "$seed" --dst "$ADDR_B" --src "$ADDR_A" \
	--dst6 "$ADDR6_B" --src6 "$ADDR6_A" >"$log" 2>&1
rc=$?
kill "$churn_pid" 2>/dev/null
wait "$churn_pid" 2>/dev/null
tap_diag "$(cat "$log")"
n6=$(sed -n 's/^sequences [0-9]* (IPv6 \([0-9]*\)).*/\1/p' "$log")
if [ "$(sock "" inet6)" = 0 ] && [ "${n6:-0}" = 0 ]; then
	tap_fail "IPv6 sequences" "none ran, and the module has IPv6 sockets"
fi
if [ $rc = 0 ]; then
	tap_ok "$(grep -m1 '^sequences' "$log") in $what, seed $seed"
else
	tap_fail "fuzzing for $what, seed $seed" "$(grep -m1 '^FAIL' "$log" || echo "status $rc")"
	bad=$(sed -n 's/^FAIL seed \([0-9]*\).*/\1/p' "$log")
	[ -n "$bad" ] && seed=$bad again=ALTUDP_FUZZ_COUNT=1
	tap_diag "replay: ALTUDP_FUZZ_SEED=$seed $again scripts/vm -k $(uname -r) -- selftests/run fuzz"
fi

# Every fuzzed socket is closed: the module goes, and comes back.
if [ -z "${ALTUDP_KO:-}" ]; then
	tap_skip "rmmod altudp after fuzzing" "ALTUDP_KO not set, no altudp module installed"
	tap_end
fi
if ! rmmod_altudp; then
	tap_fail "rmmod altudp after fuzzing" "refcnt $(cat /sys/module/altudp/refcnt) after $RMMOD_WAITED s"
	tap_diag "$(grep -i altudp /proc/net/protocols)"
else
	tap_ok "rmmod altudp after fuzzing (in $RMMOD_WAITED s)"
	tap_check "insmod altudp again" insmod "$ALTUDP_KO"
fi
tap_end
