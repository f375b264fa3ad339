#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The differential runner catches a one-byte change in the module's output:
# the mutant module of scripts/build-mutant (src/ with __altudp_make_skb()
# flipping one bit of every TOS, __altudp_ip6_make_skb() one of every hop
# limit) is loaded instead of altudp.ko, and the random sequences of
# selftests/diff/altudp_diff must show a difference within the first 1,000;
# its --ipv6 sequences one in an IPv6 frame's hop limit (byte 21) within
# the first 20.  altudp.ko is loaded again afterwards.

. "$(dirname "$0")/lib/lib.sh"
require_module
[ -n "$ALTUDP_KO" ] || skip_all "ALTUDP_KO not set, no altudp module installed"
mutant=$(mutant_ko "${ALTUDP_KVER:-$(uname -r)}")
if [ ! -f "$mutant" ]; then
	tap_fail "the mutant module is there" \
		"no $mutant: scripts/build-mutant builds it on the host (make check does)"
	tap_end
fi

bin=$(test_prog diff altudp_diff) || skip_all "cannot build altudp_diff"

if grep -q '^	iph->tos = (.*) ^ 4;$' "${mutant%/*}/append.c"; then
	tap_ok "the mutant flips a TOS bit in __altudp_make_skb()"
else
	tap_fail "the mutant flips a TOS bit in __altudp_make_skb()" "not in ${mutant%/*}/append.c"
	tap_end
fi
if grep -q '^	hdr->hop_limit = .* ^ 1;$' "${mutant%/*}/append6.c"; then
	tap_ok "the mutant flips a hop limit bit in __altudp_ip6_make_skb()"
else
	tap_fail "the mutant flips a hop limit bit in __altudp_ip6_make_skb()" "not in ${mutant%/*}/append6.c"
	tap_end
fi

# From here on altudp.ko must be put back whatever happens.
at_exit "rmmod altudp; insmod '$ALTUDP_KO'"
if ! rmmod altudp || ! insmod "$mutant"; then
	tap_fail "the mutant replaces altudp.ko"
	tap_end
fi
out=$("$bin" --no-scenarios --seed "${ALTUDP_DIFF_SEED:-1}" --count 1000 \
	--stop-on-diff --max-report 1 2>&1)
tap_diag "$(grep -v '^\(not \)\{0,1\}ok \|^1\.\.' <<<"$out" | sed 's/^# //')"
ran=$(sed -n 's/^# random: seeds [0-9.]*: \([0-9]*\) sequences ran, \([1-9][0-9]*\) differed.*/\1/p' <<<"$out")
if [ -n "$ran" ]; then
	tap_ok "the mutant is caught, at random sequence $ran"
else
	tap_fail "the mutant is caught within 1,000 random sequences"
fi

# IPv6: every difference reported, each with the offset of its first
# differing frame byte; the TOS of the v4-mapped sequences may differ
# first.
if [ "$(sock "" inet6)" = 0 ]; then
	out=$("$bin" --no-scenarios --ipv6 --seed "${ALTUDP_DIFF_SEED:-1}" --count 20 \
		--max-report 20 2>&1)
	hop=$(grep -B4 'first differing byte at offset 21 (0x15)' <<<"$out" |
		sed -n 's/^# \(seed [0-9]*\) --ipv6: first difference.*/\1/p' | head -n 1)
	tap_diag "$(grep '^# random\|^# seed' <<<"$out" | head -n 6 | sed 's/^# //')"
	if [ -n "$hop" ]; then
		tap_ok "the IPv6 mutant is caught, in an IPv6 frame's hop limit at $hop"
	else
		tap_fail "the IPv6 mutant is caught within 20 random --ipv6 sequences"
	fi
else
	tap_ok "the IPv6 mutant # SKIP altudp has no AF_INET6 socket"
fi

rmmod altudp && insmod "$ALTUDP_KO" && [ -d /sys/module/altudp ] &&
	tap_ok "altudp.ko loaded again" || tap_fail "altudp.ko loaded again"
tap_end
