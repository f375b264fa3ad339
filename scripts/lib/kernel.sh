# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Where a kernel of scripts/kernels lives, for the scripts that build for
# it or boot it (sourced; $top is the checkout).  A kernel is either the
# host's (/boot, /lib/modules, /usr/src) or one of the sid chroot's
# (scripts/sid): the chroot's kbuild needs the chroot's compiler and glibc,
# so what runs its make runs there, with the checkout at its own path.
#
# kernel_select KVER|TREE  sets, for a kernel release or a built kernel tree
#                          (scripts/debug/build):
#     kver      its release
#     kroot     the chroot it lives in, empty for the host's
#     kdir      its build tree, as seen where krun runs
#     krun      the command prefix that runs there (an array, maybe empty)
#   and fails for a release that neither the host nor the chroot has.
#   A tree under the chroot's root (the 7.2 debug kernel, built there by
#   scripts/debug/build) is the chroot's too: kdir is then its path there.
# kernel_image, kernel_moddir   its image and modules directory on the host
# kernel_source SERIES          a series' linux-source-SERIES.tar.xz on the
#                               host, from the host's /usr/src or the chroot's

ksid=$("$top/scripts/sid" root)

kernel_select() {
	kroot='' krun=()
	if [ -d "$1" ]; then
		kdir=$(cd "$1" && pwd)
		kver=$(cat "$kdir/include/config/kernel.release") || return 1
		case $kdir in
		"$ksid"/*) kroot=$ksid krun=("$top/scripts/sid" run) kdir=${kdir#"$ksid"} ;;
		esac
		return 0
	fi
	kver=$1 kdir=/usr/src/linux-headers-$1
	[ -d "$kdir" ] && return 0
	if [ -d "$ksid$kdir" ]; then
		kroot=$ksid krun=("$top/scripts/sid" run)
		return 0
	fi
	echo "no kernel $kver: no $kdir, here or in $ksid" >&2
	return 1
}

kernel_image() {
	if [ -n "$kroot" ]; then
		echo "$kroot/usr/lib/modules/$kver/vmlinuz"
	else
		echo "/boot/vmlinuz-$kver"
	fi
}

kernel_moddir() {
	echo "$kroot/lib/modules/$kver"
}

kernel_source() {
	local t=/usr/src/linux-source-$1.tar.xz
	[ -r "$t" ] || [ ! -r "$ksid$t" ] || t=$ksid$t
	echo "$t"
}

# kernel_build_module OUT [MAKE ARGS...]: kbuild's modules target for the
# tree copied to OUT, against the selected kernel; fails unless make
# succeeds and OUT/src/altudp.ko is there (one left from an earlier build
# proves nothing).
kernel_build_module() {
	local out=$1
	shift
	# ALTUDP_COVERAGE on make's command line: the chroot starts with an
	# empty environment (scripts/sid run).
	(set -o pipefail; "${krun[@]}" make -s -C "$kdir" M="$top/$out" \
		${ALTUDP_COVERAGE:+ALTUDP_COVERAGE="$ALTUDP_COVERAGE"} "$@" modules 2>&1 |
		{ grep -v '^Skipping BTF generation' || true; }) && [ -f "$out/src/altudp.ko" ]
}
