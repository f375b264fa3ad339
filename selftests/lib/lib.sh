# SPDX-License-Identifier: GPL-2.0
#
# Helpers for selftests/*.sh:  . "$(dirname "$0")/lib/lib.sh"
#
# KTAP, as kselftest:   the header when this file is sourced; tap_ok DESC,
#                       tap_fail DESC [REASON], tap_skip DESC [REASON],
#                       tap_check DESC CMD..., tap_diag MSG...; tap_end
#                       prints the plan and exits 0, 1 (a point failed) or
#                       4 (all skipped); skip_all REASON skips the whole
#                       test (exit 4).
# Network namespaces:   ns_pair [N] makes altudp-<test>-<pid>-a and -b
#                       joined by veth ($IF_A, $IF_B) with 10.99.N.1/24 and
#                       10.99.N.2/24 ($ADDR_A, $ADDR_B), fd00:99:N::1/64 and
#                       fd00:99:N::2/64 ($ADDR6_A, $ADDR6_B); in_a/in_b CMD run
#                       there.  They exist only inside the test VM and are
#                       removed on exit (at_exit CMD adds more cleanups).
# The module:           altudp_loaded, altudp_protocol, require_module,
#                       sock [N [inet6]] (socket(AF_INET or AF_INET6,
#                       SOCK_DGRAM, N)),
#                       sock_refused DESC N.
# The kernel:           kasan_enabled.
# Where things are:     in the source tree, or in a copy made by make -C
#                       selftests install (lib/installed marks it and holds
#                       the version), which carries what the tests use
#                       under the same paths: ALTUDP_ROOT is the one or the
#                       other.  ALTUDP_BIN, the C test programs (build/; the
#                       copy's top): test_prog DIR PROG finds one;
#                       ALTUDP_AZ, altudpize; ALTUDP_KSFT, the kernel's
#                       selftests by series; mutant_ko KVER, the mutant
#                       module of diff_selftest.sh; ALTUDP_DEBS and
#                       ALTUDP_DKMS, make deb's packages and the DKMS
#                       tarballs; ALTUDP_DEMO, ALTUDP_UAPI, ALTUDP_VERSION;
#                       ALTUDP_TOP, the source tree (empty in a copy).
#                       ALTUDP_KO, the module file (scripts/vm sets it), is
#                       by default the module installed for the running
#                       kernel (modinfo -n altudp).

TEST_NAME=$(basename "$0")
TEST_NAME=${TEST_NAME%.*}
ALTUDP_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck disable=SC2034 # for the tests that source this file
if [ -r "$ALTUDP_TESTS_DIR/lib/installed" ]; then
	ALTUDP_TOP=
	ALTUDP_ROOT=$ALTUDP_TESTS_DIR
	ALTUDP_BIN=$ALTUDP_TESTS_DIR
	ALTUDP_VERSION=$(cat "$ALTUDP_TESTS_DIR/lib/installed")
else
	ALTUDP_TOP=$(cd "$ALTUDP_TESTS_DIR/.." && pwd)
	ALTUDP_ROOT=$ALTUDP_TOP
	ALTUDP_BIN=$ALTUDP_TOP/build
	ALTUDP_VERSION=$(cat "$ALTUDP_TOP/VERSION")
fi
# shellcheck disable=SC2034
{
	ALTUDP_AZ=$ALTUDP_ROOT/tools/altudpize
	ALTUDP_KSFT=$ALTUDP_ROOT/build/kselftests
	ALTUDP_DEBS=$ALTUDP_ROOT/build/deb
	ALTUDP_DKMS=$ALTUDP_ROOT/build/dkms
	ALTUDP_DEMO=$ALTUDP_ROOT/scripts/demo
	ALTUDP_UAPI=$ALTUDP_ROOT/include/uapi/linux/altudp.h
}
[ -n "${ALTUDP_KO:-}" ] || ALTUDP_KO=$(modinfo -n altudp 2>/dev/null)
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4
TAP_N=0
TAP_FAILED=0
TAP_SKIPPED=0
echo "TAP version 13"

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N $1${2:+ # $2}"
}

tap_skip() {
	TAP_N=$((TAP_N + 1))
	TAP_SKIPPED=$((TAP_SKIPPED + 1))
	echo "ok $TAP_N $1 # SKIP ${2:-}"
}

tap_diag() {
	printf '%s\n' "$@" | sed 's/^/# /'
}

# tap_check DESC CMD...: one point, ok when CMD succeeds; its output is
# shown as diagnostics when it fails.
tap_check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$desc"
	else
		tap_fail "$desc" "status $?: $*"
		[ -z "$out" ] || tap_diag "$out"
	fi
}

# The whole test does not apply here.
skip_all() {
	echo "1..0 # SKIP $1"
	exit $KSFT_SKIP
}

# The plan comes last: a test need not know its count up front.
tap_end() {
	echo "1..$TAP_N"
	if [ "$TAP_FAILED" != 0 ]; then
		exit $KSFT_FAIL
	elif [ "$TAP_N" != 0 ] && [ "$TAP_SKIPPED" = "$TAP_N" ]; then
		exit $KSFT_SKIP
	fi
	exit $KSFT_PASS
}

# test_prog DIR PROG: prints the path of C test program PROG; in the source
# tree make brings it up to date from selftests/DIR first (make check has
# built it on the host; building it in the emulated guest is slow), its
# messages on stderr as diagnostics.
test_prog() {
	if [ -n "$ALTUDP_TOP" ]; then
		make -s -C "$ALTUDP_TESTS_DIR/$1" O="$ALTUDP_BIN" 2>&1 | sed 's/^/# /' >&2
		[ "${PIPESTATUS[0]}" = 0 ] || return
	fi
	[ -x "$ALTUDP_BIN/$2" ] || return
	echo "$ALTUDP_BIN/$2"
}

_at_exit=()
at_exit() {
	_at_exit+=("$*")
}
_cleanup() {
	local i
	for ((i = ${#_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${_at_exit[i]}" >/dev/null 2>&1
	done
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fresh_dir DIR: DIR made empty, and removed on exit.
fresh_dir() {
	rm -rf "$1"
	mkdir -p "$1"
	at_exit "rm -rf '$1'"
}

# set_param NAME VALUE: a writable parameter of the loaded module, its
# old value written back on exit.
set_param() {
	local f=/sys/module/altudp/parameters/$1
	at_exit "echo $(cat "$f") >$f"
	echo "$2" >"$f"
}

# ns_pair [N]: sets NS_A NS_B IF_A IF_B ADDR_A ADDR_B ADDR6_A ADDR6_B
# (addresses without their prefix length).
ns_pair() {
	local n=${1:-1} tag
	tag=altudp-$TEST_NAME-$$
	[ "$n" = 1 ] || tag=$tag-$n
	NS_A=$tag-a NS_B=$tag-b
	IF_A=veth-a IF_B=veth-b
	ADDR_A=10.99.$n.1 ADDR_B=10.99.$n.2
	ADDR6_A=fd00:99:$n::1 ADDR6_B=fd00:99:$n::2
	ip netns add "$NS_A" || return
	at_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || return
	at_exit ip netns del "$NS_B"
	ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A" &&
	ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B" &&
	ip -n "$NS_A" addr add "$ADDR6_A/64" dev "$IF_A" nodad &&
	ip -n "$NS_B" addr add "$ADDR6_B/64" dev "$IF_B" nodad &&
	ip -n "$NS_A" link set lo up &&
	ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" link set "$IF_A" up &&
	ip -n "$NS_B" link set "$IF_B" up
}

in_a() {
	ip netns exec "$NS_A" "$@"
}

in_b() {
	ip netns exec "$NS_B" "$@"
}

altudp_loaded() {
	[ -d /sys/module/altudp ]
}

# The socket protocol number in force, or the header's default.
altudp_protocol() {
	cat /sys/module/altudp/parameters/protocol 2>/dev/null ||
		sed -n 's/^#define[[:space:]]*IPPROTO_ALTUDP[[:space:]]*\([0-9]*\).*/\1/p' \
			"$ALTUDP_UAPI"
}

# mutant_ko KVER: the path of diff_selftest.sh's mutant module for KVER.
mutant_ko() {
	echo "$ALTUDP_ROOT/build/$1/mutant/src/altudp.ko"
}

# A KASAN kernel, whose quarantine keeps freed objects: slab use grows
# with any traffic, so slab-growth points do not apply there.
kasan_enabled() {
	grep -qw __asan_load8 /proc/kallsyms
}

require_module() {
	altudp_loaded || skip_all "altudp module not loaded"
}

# sock [N [inet6]]: create and close socket(AF_INET, SOCK_DGRAM, N)
# (default: the altudp protocol), or AF_INET6 with inet6; prints 0, or
# the errno it failed with (status 1).
sock() {
	local fam=AF_INET
	[ "$2" = inet6 ] && fam=AF_INET6
	python3 -c "
import socket, sys
try:
    socket.socket(socket.$fam, socket.SOCK_DGRAM, ${1:-$(altudp_protocol)}).close()
except OSError as e:
    print(e.errno); sys.exit(1)
print(0)"
}

# sock_refused DESC N: one point, that socket(AF_INET, SOCK_DGRAM, N) fails
# as it does with no module for N (EAFNOSUPPORT or EPROTONOSUPPORT).
sock_refused() {
	local err
	err=$(sock "$2")
	if [ "$err" = 97 ] || [ "$err" = 93 ]; then
		tap_ok "$1 (errno $err)"
	else
		tap_fail "$1" "got '$err'"
	fi
}

# rmmod altudp, retrying for up to SECONDS (default 60) while the last
# sockets are freed: a closed UDP socket drops its module reference once
# its last skb in flight is freed and, as it had a port, an RCU grace
# period later (SOCK_RCU_FREE); a debug kernel with a long backlog of
# callbacks after heavy traffic can take seconds to get there.
# RMMOD_WAITED is set to the seconds it took.
rmmod_altudp() {
	local start=$SECONDS
	until rmmod altudp 2>/dev/null; do
		RMMOD_WAITED=$((SECONDS - start))
		[ "$RMMOD_WAITED" -lt "${1:-60}" ] || return 1
		sleep 0.2
	done
	RMMOD_WAITED=$((SECONDS - start))
}
