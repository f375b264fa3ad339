#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/ as a kselftest target: make -C selftests install puts the
# tests in a tree that the booted series' own run_kselftest.sh (from its
# linux-source, build/kselftests/SERIES/ksft) runs unchanged.  Three quick
# tests only, as the suite runs them all anyway: one that passes, one that
# skips (exit 4) and one that fails (exit 1); the runner must say so of
# each, and show their KTAP.
#
# The installed tree runs on its own: the runner runs with the source
# tree hidden (an empty tmpfs over it, in a mount namespace of its own),
# the module given as a copy in ALTUDP_KO; diff_selftest.sh looks for its
# mutant in the tree (and fails, given a kernel release without one), and
# each file that the copy's lib.sh names for the tests must be in it.

. "$(dirname "$0")/lib/lib.sh"

require_module
[ -n "$ALTUDP_TOP" ] || skip_all "a copy made by make install: there is no tree to install from"
series=$(uname -r | cut -d. -f1,2)
ksft=$ALTUDP_TOP/build/kselftests/$series/ksft
if [ ! -x "$ksft/run_kselftest.sh" ]; then
	tap_fail "the kernel's run_kselftest.sh is there" \
		"no $ksft/run_kselftest.sh: run scripts/build-kselftests on the host"
	tap_end
fi

dir=$(mktemp -d)
at_exit rm -rf "$dir"
start=$SECONDS
tap_check "make -C selftests install INSTALL_PATH=DIR" \
	make -s -C "$ALTUDP_TOP/selftests" install INSTALL_PATH="$dir" KSFT_DIR="$ksft"
tap_diag "make install: $((SECONDS - start)) s"

# The same tests as selftests/run's: its executable files.
want=$(cd "$ALTUDP_TOP/selftests" &&
	find . -maxdepth 1 -type f -perm -u+x ! -name run -printf 'altudp:%f\n' | sort)
got=$(sort "$dir/kselftest-list.txt" 2>/dev/null)
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	tap_ok "kselftest-list.txt lists the $(wc -l <<<"$want") tests"
else
	tap_fail "kselftest-list.txt lists the tests"
	tap_diag "$(diff <(echo "$want") <(echo "$got"))"
fi

# hidden CMD...: CMD with the source tree out of sight.
hidden() {
	unshare -m sh -c 'mount -t tmpfs -o size=1m altudp-hidden "$0" && exec "$@"' \
		"$ALTUDP_TOP" "$@"
}
cp "$ALTUDP_KO" "$dir/altudp.ko"
tap_check "with the source tree hidden, the installed tree is there and it is not" \
	hidden sh -c '[ -x "$0/run_kselftest.sh" ] && [ ! -e "$1/Makefile" ]' "$dir" "$ALTUDP_TOP"

# What the copy's lib.sh names for the tests, as they use it.  The DKMS
# build is there when the tree has one: a kernel built from source (the
# debug kernel's run) has none, and deb.sh skips.
kver=$(uname -r)
dkms=
[ ! -e "$ALTUDP_DKMS/altudp-$ALTUDP_VERSION-$kver.dkms.tar.gz" ] || dkms=1
missing=$(hidden bash -c '
	. "$0/altudp/lib/lib.sh" >/dev/null
	for f in "$ALTUDP_BIN"/altudp_{diff,fuzz,io_uring,zc_race} "$ALTUDP_AZ"/{altudpize,libaltudpize.so} \
		"$ALTUDP_KSFT/$1"/{udpgso,msg_zerocopy,udpgso_bench_tx,udpgso_bench_rx} \
		"$ALTUDP_KSFT/$1"/{cmsg_sender,so_txtime,txtimestamp} "$(mutant_ko "$2")" \
		"$(dirname "$(mutant_ko "$2")")"/append{,6}.c \
		"$ALTUDP_DEMO" "$ALTUDP_UAPI" "$ALTUDP_DEBS/altudp-dkms_${ALTUDP_VERSION}_all.deb" \
		${3:+"$ALTUDP_DKMS/altudp-$ALTUDP_VERSION-$2.dkms.tar.gz"}; do
		[ -e "$f" ] || echo "$f"
	done' "$dir" "$series" "$kver" "$dkms" 2>&1)
tap_check "the installed tree has what its tests use" test -z "$missing"
[ -z "$missing" ] || tap_diag "missing: $missing"

# One run of the runner, three tests: privileges.py passes; this test
# skips in the copy; diff_selftest.sh, given a kernel release without a
# mutant module, fails.
start=$SECONDS
out=$(ALTUDP_KO=$dir/altudp.ko ALTUDP_KVER=none hidden "$dir/run_kselftest.sh" \
	-t altudp:privileges.py -t altudp:kselftest_install.sh -t altudp:diff_selftest.sh 2>&1)
tap_diag "$out" "run_kselftest.sh: $((SECONDS - start)) s"

# expect RE DESC: a point, ok when a line of $out matches RE.
expect() {
	if grep -Eq "$1" <<<"$out"; then
		tap_ok "$2"
	else
		tap_fail "$2" "no line matches /$1/"
	fi
}

expect '^ok 1 selftests: altudp: privileges.py$' "run_kselftest.sh: a test that passes (exit 0) passes"
expect '^ok 2 selftests: altudp: kselftest_install.sh # SKIP$' \
	"run_kselftest.sh: a test that skips (exit 4) is skipped"
expect '^not ok 3 selftests: altudp: diff_selftest.sh # exit=1$' \
	"run_kselftest.sh: a test that fails (exit 1) fails"
expect "^# not ok 1 the mutant module is there # no $dir/altudp/build/none/mutant/src/altudp.ko" \
	"diff_selftest.sh looks for its mutant in the installed tree"
# The tests' own KTAP, which the runner prefixes with "# ".
tap_check "run_kselftest.sh: each test printed a KTAP header and a plan" \
	test "$(grep -c '^# TAP version 13$' <<<"$out")" = 3 -a \
	"$(grep -Ec '^# 1\.\.[0-9]+( # SKIP .*)?$' <<<"$out")" = 3

tap_end
