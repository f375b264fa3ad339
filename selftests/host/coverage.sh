#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The list of lines that no test reaches (scripts/debug/unreached, which
# make coverage and make check-debug hold a run's unreached lines
# against): it parses, every block has its reason, and every line it
# lists is still in the function it names, in src/ (a line edited away
# must leave the list too).  Then scripts/debug/unreached-check on canned
# input: a listed line (or branch line, "branch: TEXT") is justified, an
# unlisted one or one listed fewer times than it is unreached is
# reported, and a block without a reason is refused.
#
# Runs on the build host (scripts/check), not in the test VM.

. "$(dirname "$0")/../lib/lib.sh"

top=$ALTUDP_TOP
check=$top/scripts/debug/unreached-check
list=$top/scripts/debug/unreached
work=$top/build/coverage_host
fresh_dir "$work"

# The list against the sources: for each block, each text must be a line
# of FILE (src/..., as scripts/coverage names it) between FUNCTION's
# first line and the next function's.
if out=$(awk -v src="$top/" '
function norm(s) { gsub(/[ \t]+/, " ", s); sub(/^ /, "", s); sub(/ $/, "", s); return s }
/^#/ || /^[ \t]*$/ { next }
/^\t/ {
	# a branch line ("branch: TEXT") is a line of the function too
	t = norm($0); sub(/^branch: /, "", t); found = 0; in_fn = 0; n = 0
	while ((getline l < (src file)) > 0) {
		n++
		# the first line of the function, its signature, is one of its lines
		if (l ~ ("^[a-z].*[ *]" fn "\\(")) in_fn = 1
		if (in_fn && l ~ /^}/) in_fn = 0
		if (in_fn && norm(l) == t) found++
	}
	close(src file)
	if (found < ++want[file, fn, t])
		printf "%s: %s: not in the function (%d listed, %d there): %s\n", file, fn, want[file, fn, t], found, t
	next
}
{ split($0, a, ": "); file = a[1]; fn = a[2] }
' "$list") && [ -z "$out" ]; then
	tap_ok "every line of scripts/debug/unreached is in the function it names"
else
	tap_fail "every line of scripts/debug/unreached is in the function it names"
	tap_diag "$out"
fi
tap_check "scripts/debug/unreached parses, each block with a reason" \
	"$check" "$list" /dev/null "$work/none.txt"

cat >"$work/list" <<'EOS'
# canned
append.c: altudp_append_data: the allocation cannot fail in the test VM
	goto error;
	goto error;
	branch: if (!skb)
main.c: altudp_init: hardware
	return -ENODEV;
EOS
cat >"$work/unreached" <<'EOS'
append.c:10: altudp_append_data:         goto  error;
append.c:12: altudp_append_data: goto error;
append.c:13: altudp_append_data: goto error;
append.c:9: altudp_append_data: branch:         if (!skb)
append.c:20: altudp_append_data: branch: if (err)
append.c:21: altudp_append_data: if (!skb)
main.c:40: altudp_exit: return -ENODEV;
output.c:5: altudp_send_skb: kfree_skb(skb);
EOS
n=$("$check" "$work/list" "$work/unreached" "$work/out")
want='append.c:13: altudp_append_data: goto error;
append.c:20: altudp_append_data: branch: if (err)
append.c:21: altudp_append_data: if (!skb)
main.c:40: altudp_exit: return -ENODEV;
output.c:5: altudp_send_skb: kfree_skb(skb);'
if [ "$n" = 5 ] && [ "$(cat "$work/out")" = "$want" ]; then
	tap_ok "lines and branches listed fewer times, in another function or not at all are reported"
else
	tap_fail "lines and branches listed fewer times, in another function or not at all are reported"
	tap_diag "printed $n; wrote: $(cat "$work/out")"
fi
printf 'append.c: altudp_append_data:\n\tgoto error;\n' >"$work/noreason"
if "$check" "$work/noreason" "$work/unreached" "$work/out" >/dev/null 2>&1; then
	tap_fail "a block without a reason is refused"
else
	tap_ok "a block without a reason is refused"
fi
tap_end
