#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench/run --profile's parts on the build host: the QEMU plugin builds and
# loads in this QEMU (and refuses a bad argument), and bench/profile/
# report.py turns canned counts into the figures worked out by hand: a
# kernel function against its module copy, a copy inlined into its caller
# (the map's row above), the altudp socket running the kernel's own
# function, and the other functions.

. "$(dirname "$0")/../lib/lib.sh"

top=$ALTUDP_TOP
work=$top/build/bench_profile
fresh_dir "$work"

if out=$(make -s -C "$top/bench/profile" O="$work" 2>&1) && [ -z "$out" ]; then
	tap_ok "the plugin builds without a warning"
else
	tap_fail "the plugin builds without a warning"
	tap_diag "$out"
fi

qemu() {
	echo quit | timeout 30 qemu-system-x86_64 -M none -display none \
		-nodefaults -no-user-config -monitor stdio \
		-plugin "$work/ctxcount.so,$1" 2>&1
}
if ! command -v qemu-system-x86_64 >/dev/null; then
	tap_skip "QEMU loads the plugin" "no qemu-system-x86_64"
elif out=$(qemu "e=ffffffff81000000,out=$work/empty.txt") && [ -f "$work/empty.txt" ]; then
	tap_ok "QEMU loads the plugin, which writes its counts at exit"
	if out=$(qemu bogus=1); then
		tap_fail "the plugin refuses a bad argument"
	else
		tap_ok "the plugin refuses a bad argument"
	fi
else
	tap_fail "QEMU loads the plugin, which writes its counts at exit"
	tap_diag "$out"
fi

# The IPv6 contexts: 3 the kernel's udpv6_sendmsg(), 4 the module's.
cat >"$work/kallsyms" <<'EOS'
ffffffff81000000 T udpv6_sendmsg
ffffffff81000100 T ip6_send_skb
ffffffff81000200 T ip6_local_out
ffffffff81000300 T ip6_sk_dst_lookup_flow
ffffffff81000400 t memcpy
ffffffff81000480 t memcpy.cold
ffffffffc0000000 t altudp_udpv6_sendmsg	[altudp]
ffffffffc0000100 t altudp_ip6_send_skb	[altudp]
EOS
cat >"$work/map.h" <<'EOS'
/*
 *   altudp_udpv6_sendmsg()       udpv6_sendmsg()         net/ipv6/udp.c
 *   altudp_ip6_send_skb()        ip6_send_skb()
 *   altudp_ip6_local_out()       ip6_local_out()
 *   altudp_ip6_sk_dst_lookup_flow() ip6_sk_dst_lookup_flow()
 */
#ifndef MAP_H
EOS
# VADDR NINSNS COUNT0..COUNT4 INSNS: 10 calls on each socket
cat >"$work/counts" <<'EOS'
ffffffff81000000 2 0 0 0 10 0 ffffffff81000000 ffffffff81000004
ffffffff81000100 1 0 0 0 10 0 ffffffff81000100
ffffffff81000200 3 0 0 0 10 0 ffffffff81000200 ffffffff81000204 ffffffff81000208
ffffffff81000300 1 0 0 0 10 10 ffffffff81000300
ffffffff81000400 2 0 0 0 10 20 ffffffff81000400 ffffffff81000480
ffffffffc0000000 3 0 0 0 0 10 ffffffffc0000000 ffffffffc0000004 ffffffffc0000008
ffffffffc0000100 2 0 0 0 0 10 ffffffffc0000100 ffffffffc0000104
EOS
if out=$("$top/bench/profile/report.py" --kallsyms "$work/kallsyms" \
		--counts "$work/counts" --map "$work/map.h" 2>&1); then
	tap_diag "$out"
	# shellcheck disable=SC2016 # markdown's backquotes
	for row in \
		'| `udpv6_sendmsg()` | 2.0 | 3.0 | +1.0 |' \
		'| `ip6_send_skb()` + `ip6_local_out()` (the module'"'"'s inlined) | 4.0 | 2.0 | -2.0 |' \
		'| `ip6_sk_dst_lookup_flow()` | 1.0 | shared: 1.0 | +0.0 |' \
		"| the module's copies | 6.0 | 5.0 | -1.0 |" \
		'| all functions | 9.0 | 10.0 | +1.0 |' \
		'| `memcpy()` | 2.0 | 4.0 | +2.0 |'; do
		if grep -qxF "$row" <<<"$out"; then
			tap_ok "report: $row"
		else
			tap_fail "report: $row"
		fi
	done
else
	tap_fail "report.py reads canned counts" "$out"
fi

tap_end
