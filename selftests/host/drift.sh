#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The drift guard (scripts/drift, make drift): every kernel function that
# altudp mirrors, in every supported series' source, against the text it
# was last reconciled with (drift/SERIES/).  Its points are relayed here,
# then the guard is shown to fail: a token changed in a copy of a
# baseline, a token changed in a copy of the 6.1 source (as a Debian
# upload fixing __ip_append_data() would), a series whose source is
# absent while its kernel is installed; and not to fail on a source that
# was only reformatted.
#
# Runs on the build host (scripts/check), not in the test VM.

. "$(dirname "$0")/../lib/lib.sh"

drift=$ALTUDP_TOP/scripts/drift
work=$(mktemp -d "${TMPDIR:-/tmp}/altudp-drift.XXXXXX")
at_exit "rm -rf '$work'"

# relay: the guard's TAP points as points of this test.
relay() {
	local line rest desc reason
	while IFS= read -r line; do
		case $line in
		"ok "* | "not ok "*)
			rest=${line#ok }
			rest=${rest#not ok }
			rest=${rest#* }
			desc=${rest%% # *}
			reason=
			[ "$desc" = "$rest" ] || reason=${rest#* # }
			if [[ $line == "not ok "* ]]; then
				tap_fail "$desc" "$reason"
			elif [[ $reason == SKIP* ]]; then
				tap_skip "$desc" "${reason#SKIP }"
			else
				tap_ok "$desc${reason:+ # $reason}"
			fi
			;;
		*) echo "$line" ;;
		esac
	done
}

rc=0
out=$("$drift" 2>&1) || rc=$?
failed=$TAP_FAILED
relay <<<"$out"
[ "$rc" = 0 ] || [ "$TAP_FAILED" != "$failed" ] ||
	tap_fail "scripts/drift" "status $rc without a failed point"

# expect_fail DESC SERIES FUNCTION OUT STATUS: the guard failed on
# FUNCTION of SERIES only, with a diff and how to re-baseline.
expect_fail() {
	local desc=$1 series=$2 fn=$3 out=$4 rc=$5 bad
	bad=$(grep '^not ok ' <<<"$out")
	if [ "$rc" != 0 ] && [ "$(wc -l <<<"$bad")" = 1 ] &&
		grep -q "^not ok [0-9]* $series: $fn (" <<<"$bad" &&
		grep -q '^# @@ ' <<<"$out" &&
		grep -q "scripts/drift --update $series" <<<"$out"; then
		tap_ok "$desc"
	else
		tap_fail "$desc" "status $rc"
		tap_diag "$out"
	fi
}

if ! src=$("$drift" --where 6.1 2>&1); then
	tap_fail "selftest: the 6.1 source to change" "$src"
	tap_end
fi

# One token of a baseline copy: ~7 becomes ~3 in __ip_append_data.
cp -r "$ALTUDP_TOP/drift" "$work/base"
sed -i '0,/& ~7)/s//\& ~3)/' "$work/base/6.1/__ip_append_data.c"
rc=0
out=$("$drift" --no-map --baseline "$work/base" 6.1 2>&1) || rc=$?
if cmp -s "$ALTUDP_TOP/drift/6.1/__ip_append_data.c" "$work/base/6.1/__ip_append_data.c"; then
	tap_fail "selftest: a token changed in a baseline fails the guard" "sed changed nothing"
else
	expect_fail "selftest: a token changed in a baseline fails the guard" \
		6.1 __ip_append_data "$out" "$rc"
fi

# One token of the source, as a 6.1 upload fixing __ip_append_data().
cp -r "$src" "$work/src"
sed -i '/^static int __ip_append_data(/,/^}/s/& ~7)/\& ~3)/' "$work/src/net/ipv4/ip_output.c"
rc=0
out=$("$drift" --no-map --source "6.1=$work/src" 6.1 2>&1) || rc=$?
expect_fail "selftest: a token changed in the kernel's __ip_append_data fails the guard" \
	6.1 __ip_append_data "$out" "$rc"

# Layout and comments only: tabs to spaces, a definition rewrapped,
# comments added.  Nothing fails.
rm -rf "$work/src"
cp -r "$src" "$work/src"
f=$work/src/net/ipv4/ip_output.c
sed -i -e 's/\t/    /g' \
	-e 's|^static int __ip_append_data(struct sock \*sk,|static int\n__ip_append_data( /* the loop */ struct sock *sk , // comment\n|' \
	-e 's|^\(\s*\)maxfraglen = ((mtu - fragheaderlen) & ~7) + fragheaderlen;|\1maxfraglen = ((mtu-fragheaderlen)\n\&~7)+fragheaderlen; /* x */|' "$f"
rc=0
out=$("$drift" --no-map --source "6.1=$work/src" 6.1 2>&1) || rc=$?
if cmp -s "$src/net/ipv4/ip_output.c" "$f"; then
	tap_fail "selftest: reformatting and comments alone do not fail the guard" "sed changed nothing"
elif [ "$rc" = 0 ] && ! grep -q '^not ok' <<<"$out"; then
	tap_ok "selftest: reformatting and comments alone do not fail the guard"
else
	tap_fail "selftest: reformatting and comments alone do not fail the guard" "status $rc"
	tap_diag "$out"
fi

# A series without its source: fails while one of its kernels is
# installed, skipped when none is.
printf '9.9\t9.9.*\tlinux-source-9.9\t%s\t-\n' "$work/none/linux-source-9.9.tar.xz" >"$work/series"
rc=0
out=$("$drift" --no-map --series-file "$work/series" --kernels "9.9.1-amd64" 2>&1) || rc=$?
if [ "$rc" != 0 ] && grep -q '^not ok [0-9]* 9.9: source # absent, installed: 9.9.1-amd64' <<<"$out"; then
	tap_ok "selftest: an installed series without its source fails the guard"
else
	tap_fail "selftest: an installed series without its source fails the guard" "status $rc"
	tap_diag "$out"
fi
rc=0
out=$("$drift" --no-map --series-file "$work/series" --kernels "6.1.0-57-amd64" 2>&1) || rc=$?
if [ "$rc" = 0 ] && grep -q '^ok [0-9]* 9.9: source # SKIP' <<<"$out"; then
	tap_ok "selftest: a series neither installed nor unpacked is skipped"
else
	tap_fail "selftest: a series neither installed nor unpacked is skipped" "status $rc"
	tap_diag "$out"
fi

tap_end
