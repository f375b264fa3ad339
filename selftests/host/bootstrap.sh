#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fresh machine has no kernel headers: the make targets that the README
# says install what is missing must get as far as scripts/deps without
# them, and the targets that build the module must say how to get them.
#
# Runs on the build host (scripts/check), not in the test VM.  A copy of
# the tree whose scripts/deps only records that it ran is made under
# build/; each target runs in a private mount namespace where
# /usr/src/linux-headers-* and /lib/modules are empty, so no build tree
# can be found whatever the Makefile's defaults.

. "$(dirname "$0")/../lib/lib.sh"

# Make targets that need packages only, from the README.
pkg_targets=(check demo bench deps debug-kernel check-debug kos sparse style dkms-check deb drift)

[ "$(id -u)" = 0 ] || skip_all "needs root for a mount namespace"
command -v unshare >/dev/null || skip_all "unshare not installed"
unshare -m true 2>/dev/null || skip_all "no mount namespaces here"

work=$ALTUDP_TOP/build/bootstrap
rm -rf "$work"
mkdir -p "$work/tree"
at_exit "rm -rf '$work'"
# The tracked files, as a fresh clone has them.
if git -C "$ALTUDP_TOP" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$ALTUDP_TOP" ls-files -z | (cd "$ALTUDP_TOP" && xargs -0 cp --parents -t "$work/tree")
else
	cp -r "$ALTUDP_TOP"/. "$work/tree"
	rm -rf "$work/tree/build"
fi
cat >"$work/tree/scripts/deps" <<DEPS
#!/bin/sh
echo "deps: reached" >>"$work/deps.log"
exit 3
DEPS
chmod +x "$work/tree/scripts/deps"

# no_headers CMD...: CMD with no kernel build tree to be found.
no_headers() {
	unshare -m sh -c '
		mount -t tmpfs none /usr/src || exit 1
		[ ! -d /lib/modules ] || mount -t tmpfs none /lib/modules || exit 1
		exec "$@"' sh env -u KDIR -u KVER "$@"
}

for t in "${pkg_targets[@]}"; do
	rm -f "$work/deps.log"
	out=$(no_headers make -C "$work/tree" --no-print-directory "$t" 2>&1)
	if [ -s "$work/deps.log" ]; then
		tap_ok "make $t reaches scripts/deps without kernel headers"
	else
		tap_fail "make $t reaches scripts/deps without kernel headers" "stopped before"
		tap_diag "$out"
	fi
done

rm -f "$work/deps.log"
out=$(no_headers make -C "$work/tree" --no-print-directory module 2>&1)
rc=$?
if [ "$rc" != 0 ] && [ ! -e "$work/deps.log" ] && grep -q 'scripts/deps' <<<"$out" &&
	grep -q 'linux-headers' <<<"$out"; then
	tap_ok "make module without kernel headers says how to get them"
else
	tap_fail "make module without kernel headers says how to get them" "status $rc"
	tap_diag "$out"
fi

tap_end
