#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/demo (make demo) runs, and every labelled section is there and
# shows at least one altudp trace event and one frame captured on the peer;
# the same sends from the native UDP socket the demo runs next give the same
# frames (IP ID aside) and no altudp event.

. "$(dirname "$0")/lib/lib.sh"
require_module
command -v tcpdump >/dev/null && command -v nft >/dev/null ||
	skip_all "tcpdump and nft are needed"

sections=6
if ! out=$("$ALTUDP_DEMO" 2>&1); then
	tap_fail "scripts/demo runs" "status $?"
	tap_diag "$out"
	tap_end
fi
tap_ok "scripts/demo runs"

# One pass (processes are dear in the test VM): per section its number,
# events, frames, whether native UDP's frames are the same with no altudp
# event, and its title.  The IP ID is the one field two senders
# legitimately differ in.
summary=$(awk -v max="$sections" '
	/^== [0-9]+\./ { n = $2 + 0; title[n] = $0; part = ""; next }
	/^-- / { part = $2; next }
	!n { next }
	part == "trace:" && /^   altudp_[a-z_]*: / { ev[n]++ }
	/^   IP / { line = $0; gsub(/, id [0-9]+,/, ", id N,", line) }
	part == "frames" && /^   IP / { fr[n]++; alt[n] = alt[n] line "\n" }
	part == "native" && /^   IP / { nat[n] = nat[n] line "\n" }
	part == "native" && /altudp_/ { natev[n]++ }
	END {
		for (i = 1; i <= max; i++)
			printf "%d\t%d\t%d\t%d\t%s\n", i, ev[i], fr[i],
			       alt[i] == nat[i] && !natev[i], title[i]
	}' <<<"$out")

failed=
while IFS=$'\t' read -r n events frames same title; do
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
done <<<"$summary"
[ -z "$failed" ] || tap_diag "$out"
tap_end
