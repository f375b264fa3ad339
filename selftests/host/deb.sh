#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the packages are built (build/deb/, for selftests/deb.sh in
# the VMs too), hold what DKMS and altudpize need at their Debian paths,
# carry VERSION, and lintian reports no error or warning (its remaining
# tags are listed).  The sid chroot's kernels, whose headers the test VMs
# lack, get their DKMS build from the package's sources here
# (scripts/dkms-check with ALTUDP_DKMS_SRC).
#
# Runs on the build host (scripts/check), not in the test VM.

. "$(dirname "$0")/../lib/lib.sh"

command -v dpkg-buildpackage >/dev/null || skip_all "dpkg-dev not installed"
command -v dh_dkms >/dev/null || skip_all "dh-dkms not installed"
cd "$ALTUDP_TOP" || exit 1
ver=$(cat VERSION)
debs=build/deb
dkms_deb=$debs/altudp-dkms_${ver}_all.deb

start=$SECONDS
if out=$(make -s deb 2>&1); then
	tap_ok "make deb ($((SECONDS - start)) s)"
else
	tap_fail "make deb"
	tap_diag "$out"
	tap_end
fi
az_deb=$(ls "$debs"/altudpize_"${ver}"_*.deb 2>/dev/null | head -n 1)
tap_check "$dkms_deb and ${az_deb:-altudpize_${ver}_ARCH.deb} are there" \
	test -f "$dkms_deb" -a -n "$az_deb"

field() {
	dpkg-deb -f "$1" "$2"
}
tap_check "altudp-dkms: Architecture all, version $ver" \
	test "$(field "$dkms_deb" Architecture) $(field "$dkms_deb" Version)" = "all $ver"
tap_check "altudp-dkms depends on dkms ($(field "$dkms_deb" Depends))" \
	grep -qw dkms <<<"$(field "$dkms_deb" Depends)"

# has DEB PATH...: each PATH is in the package.
has() {
	local deb=$1 list p
	shift
	list=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
	for p in "$@"; do
		grep -qx "$p" <<<"$list" || { echo "missing $p"; return 1; }
	done
}
src=/usr/src/altudp-$ver
tap_check "altudp-dkms holds $src with dkms.conf, Kbuild and the sources" \
	has "$dkms_deb" "$src/dkms.conf" "$src/Kbuild" "$src/src/Kbuild" "$src/src/main.c" \
	"$src/src/compat/compat.h" "$src/include/uapi/linux/altudp.h"
tap_check "altudpize holds the command, its library and its manual page" \
	has "$az_deb" /usr/bin/altudpize /usr/lib/altudpize/libaltudpize.so \
	/usr/share/man/man1/altudpize.1.gz

root=$debs/root
rm -rf "$root"
dpkg-deb -x "$dkms_deb" "$root"
# The package holds the tree's sources, as DKMS builds them in the VMs.
stale=$(cd "$root$src" && find . -type f -print0 |
	xargs -0 -I{} sh -c 'cmp -s "$1" "$2/$1" || echo "$1"' sh {} "$ALTUDP_TOP")
tap_check "the package's $src is the tree's" test -z "$stale"
[ -z "$stale" ] || tap_diag "differ: $stale"

if command -v lintian >/dev/null; then
	start=$SECONDS
	tags=$(lintian --pedantic -I "$debs"/altudp_"${ver}"_*.changes 2>&1 |
		grep -v 'running with root privileges')
	bad=$(grep '^[EW]:' <<<"$tags")
	if [ -z "$bad" ]; then
		tap_ok "lintian: no error or warning ($((SECONDS - start)) s)"
	else
		tap_fail "lintian: no error or warning"
	fi
	[ -z "$tags" ] || tap_diag "lintian: $tags"
else
	tap_skip "lintian" "lintian not installed"
fi

# DKMS from the package for the kernels whose headers only the sid chroot
# has; the others build it in their VMs (selftests/deb.sh).
sid=()
while read -r k; do
	[ -d "/usr/src/linux-headers-$k" ] || sid+=("$k")
done < <(scripts/kernels)
if [ ${#sid[@]} -eq 0 ]; then
	tap_skip "DKMS build from the package" "no kernel of the sid chroot"
else
	out=$(ALTUDP_KERNELS="${sid[*]}" ALTUDP_DKMS_SRC=$root$src scripts/dkms-check 2>&1)
	while IFS= read -r line; do
		case $line in
		"ok "*) tap_ok "from the package: ${line#ok [0-9]* }" ;;
		"not ok "*) tap_fail "from the package: ${line#not ok [0-9]* }" ;;
		*) tap_diag "$line" ;;
		esac
	done <<<"$out"
fi

tap_end
