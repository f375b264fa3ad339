#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo (make demo) runs, and every labelled section is there and
# shows at least one altudp trace event and one frame captured on the peer;
# the same sends from the native UDP socket the demo runs next give the same
# frames (IP ID and IPv6 fragment identification aside) and no altudp
# event.  The IPv6 sections must show the IPv6 path's own events
# (altudp_sendmsg6, altudp_route6, altudp_make_skb6) and IPv6 frames; on a
# kernel without IPv6 (ipv6.disable=1) the demo must say it skipped them.

. "$(dirname "$0")/lib/lib.sh"
require_module
command -v tcpdump >/dev/null && command -v nft >/dev/null ||
	skip_all "tcpdump and nft are needed"

sections=6
sections6=4
ipv6=1
# the kernel's own UDPv6 socket: EAFNOSUPPORT (97) without IPv6
[ "$(sock 0 inet6)" = 97 ] && ipv6=
if ! out=$("$ALTUDP_DEMO" 2>&1); then
	tap_fail "scripts/demo runs" "status $?"
	tap_diag "$out"
	tap_end
fi
tap_ok "scripts/demo runs"

# One pass (processes are dear in the test VM): per section its number,
# events, frames, whether native UDP's frames are the same with no altudp
# event, how many of the three IPv6 events it showed, its IPv6 frames and
# its title.  The IP ID and the IPv6 fragment identification are the
# fields two senders legitimately differ in.
summary=$(awk -v max=$((sections + (ipv6 ? sections6 : 0))) '
	/^== [0-9]+\./ { n = $2 + 0; title[n] = $0; part = ""; next }
	/^-- / { part = $2; next }
	!n { next }
	part == "trace:" && /^   altudp_[a-z0-9_]*: / {
		ev[n]++
		name = $1
		if (name ~ /^altudp_(sendmsg6|route6|make_skb6):$/ && !seen[n, name]++)
			ev6[n]++
	}
	/^   IP6? / {
		line = $0
		gsub(/, id [0-9]+,/, ", id N,", line)
		gsub(/frag \(0x[0-9a-f]+:/, "frag (N:", line)
	}
	part == "frames" && /^   IP6? / { fr[n]++; alt[n] = alt[n] line "\n" }
	part == "frames" && /^   IP6 / { fr6[n]++ }
	part == "native" && /^   IP6? / { nat[n] = nat[n] line "\n" }
	part == "native" && /^   altudp_/ { natev[n]++ }
	END {
		for (i = 1; i <= max; i++)
			printf "%d\t%d\t%d\t%d\t%d\t%d\t%s\n", i, ev[i], fr[i],
			       alt[i] == nat[i] && !natev[i], ev6[i], fr6[i],
			       title[i]
	}' <<<"$out")

failed=
while IFS=$'\t' read -r n events frames same events6 frames6 title; do
	if [ -z "$title" ]; then
		tap_fail "section $n is there"
		failed=1
		continue
	fi
	if [ "$events" -gt 0 ] && [ "$frames" -gt 0 ]; then
		tap_ok "${title:0:64}...: $events events, $frames frames"
	else
		tap_fail "${title:0:64}...: events and frames" "$events events, $frames frames"
		failed=1
	fi
	if [ "$same" = 1 ]; then
		tap_ok "section $n: native UDP: the same frames, no altudp event"
	else
		tap_fail "section $n: native UDP: the same frames, no altudp event"
		failed=1
	fi
	# IPv4 sections show none of the IPv6 events and frames, IPv6 ones
	# all three events and IPv6 frames only
	if [ "$n" -le "$sections" ]; then
		[ "$events6" = 0 ] && [ "$frames6" = 0 ] && continue
		tap_fail "section $n: no IPv6 event or frame" \
			"$events6 IPv6 events, $frames6 IPv6 frames"
		failed=1
	elif [ "$events6" = 3 ] && [ "$frames6" = "$frames" ]; then
		tap_ok "section $n: the IPv6 path's events, IPv6 frames"
	else
		tap_fail "section $n: the IPv6 path's events, IPv6 frames" \
			"$events6 of the 3 IPv6 events, $frames6 of $frames frames IPv6"
		failed=1
	fi
done <<<"$summary"
if [ -z "$ipv6" ]; then
	if grep -q '^== IPv6: skipped' <<<"$out"; then
		tap_skip "the IPv6 sections" "the kernel has no IPv6 (ipv6.disable=1)"
	else
		tap_fail "the demo says it skipped IPv6 on a kernel without it"
		failed=1
	fi
fi
[ -z "$failed" ] || tap_diag "$out"
tap_end
