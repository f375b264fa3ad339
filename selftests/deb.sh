#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of make deb on a system that installs them: with
# /usr, /var/lib, /var/cache and /etc writable (overlays over the host's read-only
# root, gone at the end), dpkg installs altudp-dkms and altudpize, DKMS
# builds the module from the package for the booted kernel, the first
# altudp socket() loads it by its alias, a datagram sent on it arrives,
# altudpize converts a plain UDP socket, and purging the packages leaves
# no module, DKMS state or source behind: socket() fails again.
#
# The packages come from the host (selftests/host/deb.sh runs make deb).
#
# DKMS compiling the module under emulation takes minutes: by default the
# package's postinst finds the host's DKMS build of the same sources as a
# prebuilt DKMS tarball (scripts/dkms-check keeps it in build/dkms/;
# selftests/host/deb.sh checks that the package's sources are the tree's),
# loads it and installs it; no kernel headers are needed for that, so 7.2,
# whose headers are in the sid chroot only, runs it too.  ALTUDP_LONG=1
# lets DKMS compile it here from the package, where the guest has the
# kernel's headers (not 7.2: its kbuild needs sid's userspace).

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -r "$ALTUDP_KO" ] || skip_all "ALTUDP_KO does not name the module file"
ver=$ALTUDP_VERSION
debs=$ALTUDP_DEBS
dkms_deb=$debs/altudp-dkms_${ver}_all.deb
az_deb=$(ls "$debs"/altudpize_"${ver}"_*.deb 2>/dev/null | head -n 1)
[ -f "$dkms_deb" ] && [ -f "$az_deb" ] ||
	skip_all "no $dkms_deb or altudpize package: make deb on the host"
kver=$(uname -r)
moddir=/usr/lib/modules/$kver
command -v dkms >/dev/null || skip_all "dkms not installed"
prebuilt=
if [ "${ALTUDP_LONG:-}" = 1 ]; then
	[ -d "/usr/src/linux-headers-$kver" ] ||
		skip_all "no headers for $kver here: DKMS cannot build in the guest"
else
	prebuilt=$ALTUDP_DKMS/altudp-$ver-$kver.dkms.tar.gz
	[ -f "$prebuilt" ] || skip_all "no $prebuilt (scripts/dkms-check on the host)"
fi
proto=$(altudp_protocol)

# Whatever happens below, leave the suite's module loaded again.
at_exit "altudp_loaded || insmod '$ALTUDP_KO' protocol=$proto"

# The overlays, on a tmpfs of their own; unmounted first thing at exit.
ovl=$(mktemp -d)
at_exit rm -rf "$ovl"
mount -t tmpfs tmpfs "$ovl" || { tap_fail "tmpfs for the overlays"; tap_end; }
at_exit umount -l "$ovl"
# DKMS builds for the booted kernel and the newest installed one: keep it
# to the booted one (the others have VMs of their own) by whiteouts that
# hide the other modules directories.  The kernel's own modules are hidden
# too, as depmod over all of them takes minutes under emulation (altudp
# depends on none; those the suite uses are loaded already).
mkdir -p "$ovl/up$moddir"
for m in /usr/lib/modules/*; do
	[ "${m##*/}" = "$kver" ] || mknod "$ovl/up$m" c 0 0
done
mknod "$ovl/up$moddir/kernel" c 0 0
# A kernel of the sid chroot has its modules directory mounted there by
# scripts/vm, which the overlay over /usr hides: its index files go into
# the upper layer (DKMS reads the modules' compression from modules.dep).
if [ "$(stat -c %d "$moddir")" != "$(stat -c %d /usr)" ]; then
	cp "$moddir"/modules.{order,builtin,builtin.modinfo,dep} "$ovl/up$moddir/"
fi
for d in /usr /var/lib /var/cache /etc; do
	mkdir -p "$ovl/up$d" "$ovl/work$d"
	if ! mount -t overlay overlay \
		-o "lowerdir=$d,upperdir=$ovl/up$d,workdir=$ovl/work$d" "$d"; then
		tap_fail "overlay over $d"
		tap_end
	fi
	at_exit umount -l "$d"
done
# man-db's trigger would rebuild every manual page index under emulation.
rm -f /var/lib/man-db/auto-update

rmmod_altudp || { tap_fail "rmmod the suite's module"; tap_end; }
sock_refused "no package installed: socket() fails" "$proto"

# Where the postinst (dkms's common.postinst) looks for a prebuilt tarball.
if [ -n "$prebuilt" ]; then
	mkdir -p /usr/share/altudp-dkms
	cp "$prebuilt" "/usr/share/altudp-dkms/altudp-$ver.dkms.tar.gz"
	at_exit rm -rf /usr/share/altudp-dkms
fi
start=$SECONDS
if out=$(dpkg -i "$dkms_deb" "$az_deb" 2>&1); then
	tap_ok "dpkg -i altudp-dkms altudpize (${prebuilt:+prebuilt, }$((SECONDS - start)) s)"
else
	tap_fail "dpkg -i altudp-dkms altudpize"
	tap_diag "$out"
	tap_end
fi
tap_diag "$(grep -i 'loading\|building\|skipped\|done\|install' <<<"$out")"

ko=$(modinfo -F filename altudp 2>/dev/null)
case $ko in
*/updates/dkms/altudp.ko*) tap_ok "DKMS installed $ko" ;;
*) tap_fail "DKMS installed altudp.ko for $kver" "modinfo: '$ko'"; tap_end ;;
esac
tap_check "dkms status: installed for $kver" \
	bash -c "dkms status -m altudp -v $ver -k $kver | grep -q ': installed'"

err=$(sock "$proto")
tap_check "socket() succeeds: autoloaded" test "$err" = 0 -a -d /sys/module/altudp
tap_check "the autoloaded module is the DKMS one" \
	test "$(modinfo -F srcversion "$ko")" = "$(cat /sys/module/altudp/srcversion 2>&1)"

# One datagram on an altudp socket, one through altudpize, in a namespace
# of their own: each arrives and moves AltUdpOutDatagrams by one.
ns=altudp-deb-$$
ip netns add "$ns" && at_exit ip netns del "$ns" && ip -n "$ns" link set lo up
out_datagrams() {
	ip netns exec "$ns" awk '$1 == "AltUdpOutDatagrams" { print $2 }' /proc/net/altudp
}
send_one() {
	ip netns exec "$ns" "$@" python3 -c "
import socket, sys
proto = int(sys.argv[1])
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.bind(('127.0.0.1', 0))
r.settimeout(10)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
s.sendto(b'altudp-deb', r.getsockname())
print(r.recv(64).decode())" "${SEND_PROTO:-0}"
}
before=$(out_datagrams)
got=$(SEND_PROTO=$proto send_one 2>&1)
after=$(out_datagrams)
tap_check "a datagram sent on the autoloaded module arrives ($got)" test "$got" = altudp-deb
tap_check "AltUdpOutDatagrams $before -> $after" test "$((after - before))" = 1

before=$after
got=$(send_one altudpize run 2>&1)
after=$(out_datagrams)
tap_check "altudpize run: the datagram arrives ($got)" test "$got" = altudp-deb
tap_check "altudpize run: AltUdpOutDatagrams $before -> $after" test "$((after - before))" = 1

rmmod_altudp || tap_fail "rmmod the autoloaded module"
start=$SECONDS
if out=$(dpkg --purge altudp-dkms altudpize 2>&1); then
	tap_ok "dpkg --purge altudp-dkms altudpize ($((SECONDS - start)) s)"
else
	tap_fail "dpkg --purge altudp-dkms altudpize"
	tap_diag "$out"
fi
left=$(find /lib/modules/"$kver" -name 'altudp.ko*'
	ls -d /usr/src/altudp-* /var/lib/dkms/altudp /usr/bin/altudpize /usr/lib/altudpize 2>/dev/null
	dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' altudp-dkms altudpize 2>/dev/null | grep '^.i')
tap_check "nothing of the packages is left" test -z "$left"
[ -z "$left" ] || tap_diag "$left"
sock_refused "after the purge socket() fails again" "$proto"

tap_end
