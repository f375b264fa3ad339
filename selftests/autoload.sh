#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Protocol autoload on an installed system: with altudp.ko in the modules
# directory (extra/, indexed by depmod, as `make install` does), the first
# socket(AF_INET, SOCK_DGRAM, 258) loads the module through its
# net-pf-2-proto-258-type-2 alias, and an AF_INET6 one through
# net-pf-10-proto-258-type-2.  Without it, socket() fails.  Another
# number autoloads through the modprobe.d file of `make install
# PROTOCOL=N` (make modprobe-conf), written here to /run/modprobe.d,
# which modprobe reads too (/etc is the host's, read-only).

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -n "$ALTUDP_KO" ] || skip_all "ALTUDP_KO not set, no altudp module installed"

kver=$(uname -r)
proto=$(altudp_protocol)
moddir=/lib/modules/$kver
ovl=$(mktemp -d)

for alias in net-pf-2-proto-$proto-type-2 net-pf-10-proto-$proto-type-2; do
	if modinfo -F alias "$ALTUDP_KO" | grep -qx "$alias"; then
		tap_ok "module carries alias $alias"
	else
		tap_fail "module carries alias $alias" "$(modinfo -F alias "$ALTUDP_KO" | tr '\n' ' ')"
	fi
done

# Whatever happens below, leave the suite's module loaded again.
at_exit "insmod $ALTUDP_KO"
at_exit rm -rf "$ovl"
at_exit umount "$moddir"
at_exit rmmod altudp

# /lib/modules is the host's, read-only: a tmpfs modules directory that
# holds only the installed module keeps depmod quick under emulation.
mkdir -p "$ovl/lib/modules/$kver/extra"
cp "$ALTUDP_KO" "$ovl/lib/modules/$kver/extra/altudp.ko"
cp "$moddir"/modules.order "$moddir"/modules.builtin* "$ovl/lib/modules/$kver/" 2>/dev/null
mount -t tmpfs tmpfs "$moddir"

rmmod altudp
sock_refused "no module installed: socket() fails" "$proto"

cp -r "$ovl/lib/modules/$kver/." "$moddir/"
depmod -a "$kver"

err=$(sock "$proto")
tap_check "socket() succeeds with the module installed" test "$err" = 0
tap_check "socket() loaded altudp" test -d /sys/module/altudp
rmmod altudp
err=$(sock "$proto" inet6)
tap_check "socket(AF_INET6, SOCK_DGRAM, $proto) loads it too" test "$err" = 0 -a -d /sys/module/altudp
src=$(modinfo -F srcversion "$moddir/extra/altudp.ko")
tap_check "the autoloaded module is the installed one" \
	test -n "$src" -a "$src" = "$(cat /sys/module/altudp/srcversion 2>&1)"

other=260
[ "$proto" != "$other" ] || other=259
rmmod altudp
sock_refused "protocol $other without modprobe.d file: socket() fails" "$other"
conf=/run/modprobe.d/altudp.conf
at_exit rm -f "$conf"
if [ -z "$ALTUDP_TOP" ]; then
	tap_skip "make modprobe-conf PROTOCOL=$other" "no source tree: a copy made by make install"
elif make -s -C "$ALTUDP_TOP" modprobe-conf PROTOCOL="$other" MODPROBE_D="${conf%/*}"; then
	for fam in inet inet6; do
		! altudp_loaded || rmmod_altudp
		err=$(sock "$other" "$fam")
		got=$(cat /sys/module/altudp/parameters/protocol 2>&1)
		desc="make modprobe-conf PROTOCOL=$other: AF_${fam^^} socket() autoloads protocol=$other"
		if [ "$err" = 0 ] && [ "$got" = "$other" ]; then
			tap_ok "$desc"
		else
			tap_fail "$desc" "errno $err, parameter $got"
		fi
	done
else
	tap_fail "make modprobe-conf PROTOCOL=$other"
fi

tap_end
