#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A fresh machine has no kernel headers, compiler, Python, QEMU or DKMS:
# the make targets that the README says install what is missing must get
# as far as scripts/deps without them, and the targets that build or
# install the module must say how to get them.  So must every command of
# the project (make, scripts/, bench/, selftests/) that a code block of
# the README gives to run, placeholders filled in.
#
# Runs on the build host (scripts/check), not in the test VM.  A copy of
# the tree whose scripts/deps only records that it ran is made under
# build/; each command runs in a private mount namespace where
# /usr/src/linux-headers-* and /lib/modules are empty, so no build tree
# can be found whatever the Makefile's defaults, nor the sid chroot, with
# a PATH of links to the programs of /usr/bin and /usr/sbin but the
# compiler, python3, qemu-system-x86_64 and dkms (and /etc/modprobe.d a
# scratch directory).

. "$(dirname "$0")/../lib/lib.sh"

# Make targets that need packages only, from the README.
pkg_targets=(check demo bench bench-profile deps debug-kernel check-debug kos sparse style dkms-check deb drift)

[ "$(id -u)" = 0 ] || skip_all "needs root for a mount namespace"
command -v unshare >/dev/null || skip_all "unshare not installed"
unshare -m true 2>/dev/null || skip_all "no mount namespaces here"

work=$ALTUDP_TOP/build/bootstrap
fresh_dir "$work"
mkdir "$work/tree"
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

# A fresh root's PATH, without what scripts/deps installs and the
# commands look for: the compiler, Python, QEMU, DKMS.
mkdir -p "$work/bin"
for f in /usr/bin/* /usr/sbin/*; do
	case ${f##*/} in
	cc | gcc | gcc-[0-9]* | x86_64-linux-gnu-gcc-[0-9]* | python3 | python3.* | qemu-system-* | dkms) ;;
	*) echo "$f" ;;
	esac
done | xargs ln -sf -t "$work/bin"

sid=$("$ALTUDP_TOP/scripts/sid" root)

# no_headers CMD...: CMD with no kernel build tree (nor the sid chroot)
# to be found, and that PATH.
no_headers() {
	unshare -m sh -c '
		mount -t tmpfs none /usr/src || exit 1
		[ ! -d /lib/modules ] || mount -t tmpfs none /lib/modules || exit 1
		[ ! -d /etc/modprobe.d ] || mount -t tmpfs none /etc/modprobe.d || exit 1
		[ ! -d "$0" ] || mount -t tmpfs none "$0" || exit 1
		exec "$@"' "$sid" env -u KDIR -u KVER -u MAKEFLAGS -u MFLAGS PATH="$work/bin" "$@"
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

# says_how DESC RE: one point, that the command ($out, $rc) failed before
# scripts/deps with a message matching RE.
says_how() {
	if [ "$rc" != 0 ] && [ ! -e "$work/deps.log" ] && grep -Eq "$2" <<<"$out"; then
		tap_ok "$1"
	else
		tap_fail "$1" "status $rc"
		tap_diag "$out"
	fi
}

rm -f "$work/deps.log"
out=$(no_headers make -C "$work/tree" --no-print-directory module 2>&1)
rc=$?
says_how "make module without kernel headers says how to get them" \
	'scripts/deps.*linux-headers|linux-headers.*scripts/deps'

# The README's commands, from its code blocks (indented four spaces): a
# line that starts with make or a program of the tree, after VAR=value
# words and sudo; its comment dropped, placeholders filled in.
mapfile -t cmds < <(sed -n -E \
	's%^    ((([A-Z_]+=("[^"]*"|[^ "]+)|sudo) )*(make( |$)|(scripts|bench|selftests)/[a-z][a-z-]*( |$))[^#]*).*%\1%p' \
	"$ALTUDP_TOP/README.md" | sed -E 's/ +$//; s/\bKVER\b/6.1.0-0-amd64/g; s/\bS\b/1/g; s%\bDIR\b%'"$work"'/inst%g' |
	sort -u)
[ ${#cmds[@]} -gt 10 ] || tap_fail "the README's commands are found" "${#cmds[@]} only"
for c in "${cmds[@]}"; do
	# Run on a machine with the module loaded, not here.
	[ "${c#sudo }" != scripts/demo ] || continue
	rm -f "$work/deps.log"
	out=$(cd "$work/tree" && no_headers bash -c "${c#sudo }" 2>&1)
	rc=$?
	case ${c#sudo } in
	make | "make install"*)
		says_how "README: $c: says how to get the kernel headers" \
			'linux-headers.*scripts/deps|scripts/deps.*linux-headers' ;;
	"make dkms-install")
		says_how "README: $c: says how to get dkms" 'dkms.*scripts/deps' ;;
	*)
		if [ -s "$work/deps.log" ]; then
			tap_ok "README: $c: reaches scripts/deps"
		else
			tap_fail "README: $c: reaches scripts/deps" "stopped before, status $rc"
			tap_diag "$out"
		fi ;;
	esac
done

tap_end
