#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol= parameter: 257 to 261 load the module and give working
# sockets of that number; 255 (an IP protocol), 256 (IPPROTO_SMC), 262
# (IPPROTO_MPTCP) and 263 (IPPROTO_MAX, which inet_create() refuses) are
# refused at load time.  route_cache=0 and =1 given at load time take
# effect (the parameter turns a static key, set while the module loads):
# three sendto()s to one destination make one route cache hit with the
# cache on, none with it off.  A value that is not a boolean is refused
# and changes nothing.  The module is loaded again at the end with the
# number it had.

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -r "$ALTUDP_KO" ] || skip_all "ALTUDP_KO does not name the module file"
proto=$(altudp_protocol)
at_exit "altudp_loaded || insmod '$ALTUDP_KO' protocol=$proto"
rmmod_altudp || { tap_fail "rmmod altudp"; tap_end; }

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

# hits N: AltUdpRouteCacheHits in NS_A after N sendto()s to ADDR_B
hits() {
	in_a python3 -c "
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, $proto)
for _ in range($1):
    s.sendto(b'x' * 64, ('$ADDR_B', 9))
s.close()" || return
	in_a awk '$1 == "AltUdpRouteCacheHits" { print $2 }' /proc/net/altudp
}

ns_pair || tap_fail "namespaces"
for v in 0 1; do
	if ! insmod "$ALTUDP_KO" protocol="$proto" route_cache="$v"; then
		tap_fail "route_cache=$v loads"
		continue
	fi
	yn=N
	[ "$v" = 0 ] || yn=Y
	got=$(cat /sys/module/altudp/parameters/route_cache)
	n=$(hits 3)
	if [ "$got" = "$yn" ] && [ "$n" = "$v" ]; then
		tap_ok "route_cache=$v at load: parameter $got, $n hit(s) in 3 sendto()s"
	else
		tap_fail "route_cache=$v at load: $v hit(s) in 3 sendto()s" \
			"parameter $got, $n hit(s)"
	fi
	if [ "$v" = 1 ]; then
		if echo maybe >/sys/module/altudp/parameters/route_cache 2>/dev/null; then
			tap_fail "route_cache=maybe is refused" "the write succeeded"
		else
			tap_check "route_cache=maybe is refused and leaves Y" \
				test "$(cat /sys/module/altudp/parameters/route_cache)" = Y
		fi
	fi
	rmmod_altudp || tap_fail "rmmod altudp after route_cache=$v"
done

tap_end
