#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The compat probes of src/compat/Kbuild.include, read on the build host
# against each installed kernel build tree: every probe finds its header
# (Debian splits a tree into an arch part and a -common or -common-rt
# part), a flavour answers as the plain kernel of its version does, and a
# tree without Module.symvers or the headers stops the build with the
# file's name instead of falling back to another series' answer or
# reading standard input.

. "$(dirname "$0")/../lib/lib.sh"

top=$ALTUDP_TOP
work=$top/build/compat_probes
fresh_dir "$work"
mkdir "$work/empty"
# Standard input of the probes: a FIFO that never has data, so that a
# probe reading it would hang (and time out).
mkfifo "$work/stdin"
exec 3<>"$work/stdin"

# probe_flags TREE: the flags the probes give for TREE, as Kbuild would
# see them in an external module build (srctree and objtree the arch part).
probe_flags() {
	printf '%s\n' "srctree := $1" "objtree := $1" \
		"include $top/src/compat/Kbuild.include" \
		'all: ; @echo $(ccflags-y)' >"$work/probe.mk"
	timeout 20 make -s --no-print-directory -f "$work/probe.mk" 2>&1 <&3
}

trees=(/usr/src/linux-headers-*-amd64)
sid=$("$top/scripts/sid" root 2>/dev/null) && trees+=("$sid"/usr/src/linux-headers-*-amd64)
declare -A flags
for t in "${trees[@]}"; do
	[ -d "$t" ] || continue
	kver=${t##*/linux-headers-}
	if out=$(probe_flags "$t") && [ -n "$out" ]; then
		flags[$kver]=$out
		tap_ok "probes read every header of $kver"
		tap_diag "$kver: $out"
	else
		tap_fail "probes read every header of $kver" "$out"
	fi
done
[ ${#flags[@]} -gt 0 ] || tap_skip "probes read every header" "no kernel headers installed"

# A flavour (-rt-amd64, -cloud-amd64) is its version's kernel to the probes.
for kver in "${!flags[@]}"; do
	plain=${kver%-*-amd64}-amd64
	[ "$plain" != "$kver" ] && [ -n "${flags[$plain]:-}" ] || continue
	if [ "${flags[$kver]}" = "${flags[$plain]}" ]; then
		tap_ok "probes of $kver match $plain"
	else
		tap_fail "probes of $kver match $plain"
		tap_diag "$kver: ${flags[$kver]}" "$plain: ${flags[$plain]}"
	fi
done

# empty_tree DESC WHAT: a tree lacking WHAT (and what follows it) stops
# the build with WHAT named.
empty_tree() {
	local out rc
	out=$(probe_flags "$work/empty")
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q "no $2" <<<"$out"; then
		tap_ok "$1"
	else
		tap_fail "$1" "status $rc"
		tap_diag "$out"
	fi
}
empty_tree "a tree without Module.symvers stops the build, naming it" Module.symvers
: >"$work/empty/Module.symvers"
empty_tree "a tree without the headers stops the build, naming the header" \
	"include/net/"

tap_end
