#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol= parameter: 257 to 261 load the module and give working
# sockets of that number; 255 (an IP protocol), 256 (IPPROTO_SMC), 262
# (IPPROTO_MPTCP) and 263 (IPPROTO_MAX, which inet_create() refuses) are
# refused at load time.  The module is loaded again at the end with the
# number it had.

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -r "$ALTUDP_KO" ] || skip_all "ALTUDP_KO does not name the module file"
proto=$(altudp_protocol)
at_exit "altudp_loaded || insmod '$ALTUDP_KO' protocol=$proto"
rmmod_altudp || { tap_fail "rmmod altudp"; tap_end; }

# sock N: create and close socket(AF_INET, SOCK_DGRAM, N); prints errno.
sock() {
	altudp_socket_errno "$1"
}

for n in 255 256 262 263; do
	if insmod "$ALTUDP_KO" protocol="$n" 2>/dev/null; then
		tap_fail "protocol=$n is refused" "the module loaded"
		rmmod_altudp
	else
		tap_ok "protocol=$n is refused"
	fi
done

for n in 257 261; do
	if ! insmod "$ALTUDP_KO" protocol="$n"; then
		tap_fail "protocol=$n loads"
		continue
	fi
	got=$(cat /sys/module/altudp/parameters/protocol)
	err=$(sock "$n")
	if [ "$got" = "$n" ] && [ "$err" = 0 ]; then
		tap_ok "protocol=$n loads and socket(AF_INET, SOCK_DGRAM, $n) works"
	else
		tap_fail "protocol=$n loads and socket(AF_INET, SOCK_DGRAM, $n) works" \
			"parameter $got, socket() errno $err"
	fi
	rmmod_altudp || tap_fail "rmmod altudp after protocol=$n"
done

tap_end
