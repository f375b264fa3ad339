#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading the module: refused while an altudp socket is open (the module
# stays), an AF_INET6 one in a BPF sockmap beside it, allowed once they
# are closed, and loading it again works.  Then
# 100 rounds of socket -> send -> close -> unload -> load, an AF_INET6
# socket closed with a datagram pending in each, after which no socket is
# left behind (/proc/net/sockstat UDP inuse, the ALTUDP and ALTUDPv6 lines
# of /proc/net/protocols).  The module is loaded again at the end, with the
# protocol number it had.

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -r "$ALTUDP_KO" ] || skip_all "ALTUDP_KO does not name the module file"
proto=$(altudp_protocol)
at_exit "altudp_loaded || insmod '$ALTUDP_KO' protocol=$proto"
ns_pair || { tap_fail "namespaces"; tap_end; }

udp_inuse() {
	awk '$1 == "UDP:" { print $3 }' /proc/net/sockstat
}
baseline=$(udp_inuse)

# A closed UDP socket that was hashed is freed after an RCU grace period,
# and only then drops its hold on the module: wait for the count to fall.
refcnt_zero() {
	local i
	for i in $(seq 100); do
		[ "$(cat /sys/module/altudp/refcnt)" = 0 ] && return 0
		sleep 0.05
	done
	return 1
}

libdir=$(cd "$(dirname "$0")/lib" && pwd)
coproc HOLD { in_a python3 -c "
import os, socket, sys
sys.path.insert(0, '$libdir')
from bpf import MAP_SOCKMAP, map_create, map_update
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, $proto)
s.sendto(b'held', ('$ADDR_B', 9000))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, $proto)
s6.bind(('::1', 0))
m = map_create(MAP_SOCKMAP)
map_update(m, 0, s6)
print('open', flush=True)
sys.stdin.readline()
s.close()
s6.close()
os.close(m)
print('closed', flush=True)
"; }
read -r -t 30 state <&"${HOLD[0]}"
if [ "$state" != open ]; then
	tap_fail "altudp sockets open in $NS_A, one in a sockmap" "helper said '$state'"
	tap_end
fi
if out=$(rmmod altudp 2>&1); then
	tap_fail "rmmod refused while altudp sockets are open" "rmmod succeeded"
	insmod "$ALTUDP_KO" protocol="$proto"
else
	tap_check "rmmod refused while altudp sockets are open ($out); still loaded" altudp_loaded
fi
echo >&"${HOLD[1]}"
read -r -t 30 state <&"${HOLD[0]}"
wait "$HOLD_PID" 2>/dev/null
if refcnt_zero && rmmod altudp; then
	tap_check "rmmod succeeds once the sockets are closed" bash -c '! [ -d /sys/module/altudp ]'
else
	tap_fail "rmmod succeeds once the sockets are closed" "refcnt $(cat /sys/module/altudp/refcnt)"
fi
tap_check "insmod again" insmod "$ALTUDP_KO" protocol="$proto"

# The rounds, in one process: delete_module(2) and finit_module(2) direct,
# of a copy without the debug sections (the kernel never loads those; the
# copy reads and relocates several times faster).
ko=$(mktemp --suffix=.ko)
at_exit rm -f "$ko"
strip --strip-debug -o "$ko" "$ALTUDP_KO" 2>/dev/null || cp "$ALTUDP_KO" "$ko"
out=$(in_a python3 - "$ko" "$proto" "$ADDR_B" <<'EOF' 2>&1
import ctypes, os, socket, sys, time
ko, proto, peer = sys.argv[1], int(sys.argv[2]), sys.argv[3]
libc = ctypes.CDLL(None, use_errno=True)
SYS_finit_module, SYS_delete_module = 313, 176
for i in range(100):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, proto)
    s.sendto(b"round %d" % i, (peer, 9000))
    s.close()
    # AF_INET6, closed with a datagram pending
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, proto)
    s.sendto(b"round %d" % i, ("::1", 9000))
    s.sendto(b"pending", socket.MSG_MORE, ("::1", 9000))
    s.close()
    for _ in range(200):       # the RCU-deferred free of the socket
        if libc.syscall(SYS_delete_module, b"altudp", os.O_NONBLOCK) == 0:
            break
        if ctypes.get_errno() not in (11, 16):
            sys.exit("round %d: delete_module: %s" % (i, os.strerror(ctypes.get_errno())))
        time.sleep(0.01)
    else:
        sys.exit("round %d: module still busy" % i)
    fd = os.open(ko, os.O_RDONLY)
    if libc.syscall(SYS_finit_module, fd, b"protocol=%d" % proto, 0) != 0:
        sys.exit("round %d: finit_module: %s" % (i, os.strerror(ctypes.get_errno())))
    os.close(fd)
print("100 rounds")
EOF
)
tap_check "100 rounds of socket, send, close, unload, load ($out)" [ "$out" = "100 rounds" ]
tap_check "altudp loaded after the rounds, protocol $proto" \
	[ "$(cat /sys/module/altudp/parameters/protocol 2>/dev/null)" = "$proto" ]
tap_check "/proc/net/sockstat UDP inuse back to $baseline" [ "$(udp_inuse)" = "$baseline" ]
tap_check "no ALTUDP or ALTUDPv6 socket left (/proc/net/protocols)" \
	awk '($1 == "ALTUDP" || $1 == "ALTUDPv6") && $3 != 0 { exit 1 }' /proc/net/protocols
tap_end
