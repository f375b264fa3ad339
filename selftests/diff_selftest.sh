#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The differential runner catches a one-byte change in the module's output:
# the mutant module of scripts/build-mutant (src/ with __altudp_make_skb()
# flipping one bit of every TOS) is loaded instead of altudp.ko, and the random
# sequences of selftests/diff/altudp_diff must show a difference within the
# first 1,000.  altudp.ko is loaded again afterwards.

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

rmmod altudp && insmod "$ALTUDP_KO" && [ -d /sys/module/altudp ] &&
	tap_ok "altudp.ko loaded again" || tap_fail "altudp.ko loaded again"
tap_end
