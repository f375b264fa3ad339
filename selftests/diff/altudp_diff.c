// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_diff: differential test of altudp against the kernel's UDP.
 *
 * Each scenario (a sequence of socket calls, device changes and sends) runs
 * twice, back to back: once on a native UDP socket (protocol 0) and once on
 * an altudp socket, in the same two namespaces joined by veth and reset to
 * the same state before each run (device MTU and features, routes and the
 * PMTU exceptions learnt: reset_routes()).  A run records, call by call:
 * the return value and errno, SIOCOUTQ and poll() after the call,
 * everything read from the socket's error queue, and every IPv4 frame the
 * peer's veth received (AF_PACKET), and IPv6 frame with --ipv6; at the end
 * the deltas of the Ip and Udp lines of /proc/net/snmp of the sender's
 * namespace, and with --ipv6 of the Ip6 and Udp6 ones of /proc/net/snmp6.
 * The two records must be equal.
 *
 * After every call a marker datagram goes from a separate native socket to
 * a closed port of the peer; once the peer's ICMP error for it is back, the
 * frames and ICMP errors that the call caused have all been processed, so
 * each record line belongs to the right call in both runs.
 *
 * Hand-written scenarios cover each transmit path; a seeded generator draws
 * random sequences.  Must run as root, inside the test VM.  With --inet6,
 * both sockets are AF_INET6 ones (bound to ::) sending to the same
 * destinations v4-mapped: what udpv6_sendmsg() hands to the IPv4 path,
 * the IP-level options and cmsgs of an IPv6 socket, the IPv6 error queue.
 * With --ipv6, the AF_INET6 sockets send to IPv6 destinations too (the
 * namespaces get IPv6 addresses): by seed, a sixth of the sequences to
 * v4-mapped destinations, a third to both kinds, half to IPv6 ones only,
 * all of them with the IPv6 options and cmsgs in the mix (gen_seq()).
 *
 *   altudp_diff [--proto P] [--seed N] [--count N] [--scenarios|--no-scenarios]
 *               [--only NAME] [--max-report N] [--stop-on-diff] [--verbose]
 *               [--list] [--inet6 | --ipv6]
 *
 * A random sequence N alone: altudp_diff --seed N --count 1 --no-scenarios.
 * --proto 0 runs native UDP against itself ("altudp" in the report is the
 * second run): a difference then comes from state that the first run left
 * behind, a fault of the runner, not of the module.
 * ALTUDP_DIFF_DUMP=DIR writes both records of each differing sequence
 * there; ALTUDP_DIFF_SNMP_ALL=1 records every line of /proc/net/snmp.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"

static int tap_n, tap_failed;
static int verbose;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed += !ok;
}

/* A whole record, to $ALTUDP_DIFF_DUMP/<name>.<which>. */
static void dump(const struct seq *s, const char *which, const struct log *l)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", getenv("ALTUDP_DIFF_DUMP"),
		 s->name, which);
	f = fopen(path, "w");
	if (!f)
		return;
	fwrite(l->buf, 1, l->len, f);
	fclose(f);
}

/* Both runs of one sequence: 0 same, 1 different, -1 runner error. */
static int diff_one(const struct seq *s, int proto, int report)
{
	static struct log a, b;
	char err_a[sizeof(run_error)];
	int ra, rb, r;

	ra = run(s, 0, &a);
	snprintf(err_a, sizeof(err_a), "%s", run_error);
	rb = run(s, proto, &b);
	if (verbose) {
		printf("# ---- native record of %s\n", s->name);
		fwrite(a.buf, 1, a.len, stdout);
		if (strcmp(a.buf, b.buf)) {
			printf("# ---- altudp record of %s\n", s->name);
			fwrite(b.buf, 1, b.len, stdout);
		}
	}
	if (ra || rb) {
		printf("# %s: runner error (%s run): %s\n", s->name,
		       ra ? "native" : "altudp", ra ? err_a : run_error);
		return -1;
	}
	r = compare(s, a.buf, b.buf, report);
	if (r > 0 && getenv("ALTUDP_DIFF_DUMP")) {
		dump(s, "native", &a);
		dump(s, "altudp", &b);
	}
	return r;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: altudp_diff [--proto P] [--seed N] [--count N] [--routes N]\n"
		"                   [--scenarios|--no-scenarios] [--only NAME]\n"
		"                   [--max-report N] [--stop-on-diff] [--verbose] [--list]\n"
		"                   [--inet6 | --ipv6]\n");
	exit(2);
}

/* The hand-written scenarios, or the one named only: a TAP line each. */
static void run_scenarios(int proto, const char *only)
{
	static struct seq s;
	int i, r;

	for (i = 0; i < nscenarios; i++) {
		if (only && strcmp(only, scenarios[i].name))
			continue;
		memset(&s, 0, sizeof(s));
		s.name = scenarios[i].name;
		scenarios[i].build(&s);
		r = diff_one(&s, proto, 1);
		tap(r == 0, "scenario %s: %d calls%s", s.name, s.nops,
		    r > 0 ? " # altudp differs from UDP" :
		    r < 0 ? " # runner error" : "");
	}
}

/* The route cache's counters in the sender's namespace, if any. */
static void print_rcache(void)
{
	FILE *f = fopen("/proc/net/altudp", "r");
	char name[64];
	unsigned long v;

	if (!f)
		return;
	while (fscanf(f, "%63s %lu", name, &v) == 2)
		if (!strncmp(name, "AltUdpRouteCache", 16))
			printf("# %s %lu\n", name, v);
	fclose(f);
}

/*
 * count random sequences from seed on, the first max_report differences
 * reported in full: one TAP line for them all.
 */
static void run_random(const char *prog, int proto, uint64_t seed, int count,
		       int max_report, int stop, int routes)
{
	const char *kind = routes ? "route" : "random";
	const char *opt = ipv6_dests ? " --ipv6" : family == AF_INET6 ? " --inet6" : "";
	int differ = 0, errors = 0, reported = 0, i, r;
	double t0 = now_seconds(), dt;
	static struct seq s;
	char name[64];

	for (i = 0; i < count; i++) {
		memset(&s, 0, sizeof(s));
		snprintf(name, sizeof(name), "seed %" PRIu64 "%s", seed + i, opt);
		s.name = name;
		if (routes)
			gen_route_seq(seed + i, &s);
		else
			gen_seq(seed + i, &s);
		r = diff_one(&s, proto, reported < max_report);
		if (!r)
			continue;
		if (reported++ < max_report)
			printf("#   replay: %s --seed %" PRIu64 " %s --no-scenarios --verbose%s\n",
			       prog, seed + i, routes ? "--count 0 --routes 1" : "--count 1",
			       opt);
		if (r > 0)
			differ++;
		else
			errors++;
		if (stop && r > 0) {
			i++;
			break;
		}
	}
	dt = now_seconds() - t0;
	if (routes)
		print_rcache();
	printf("# %s: seeds %" PRIu64 "..%" PRIu64 ": %d sequences ran, %d differed, %d runner errors, %.1f s (%.1f sequences/s)\n",
	       kind, seed, seed + i - 1, i, differ, errors, dt, i / dt);
	tap(!differ && !errors,
	    "%s%s: %d sequences from seed %" PRIu64 ", %d differed%s", kind,
	    ipv6_dests ? " (AF_INET6, IPv6, mixed and v4-mapped)" :
	    family == AF_INET6 ? " (AF_INET6, v4-mapped)" : "", i,
	    seed, differ, errors ? ", runner errors" : "");
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int proto = -1, count = 500, do_scn = 1, max_report = 3, stop = 0;
	int list = 0, inet6 = 0, ipv6 = 0, routes = 0, i;
	const char *only = NULL;
	const struct test_opt opts[] = {
		{ "proto", ARG_INT, &proto },
		{ "seed", ARG_U64, &seed },
		{ "count", ARG_INT, &count },
		{ "routes", ARG_INT, &routes },
		{ "max-report", ARG_INT, &max_report },
		{ "only", ARG_STR, &only },
		{ "scenarios", ARG_SET, &do_scn },
		{ "no-scenarios", ARG_CLEAR, &do_scn },
		{ "stop-on-diff", ARG_SET, &stop },
		{ "verbose", ARG_SET, &verbose },
		{ "list", ARG_SET, &list },
		{ "inet6", ARG_SET, &inet6 },
		{ "ipv6", ARG_SET, &ipv6 },
		{ }
	};
	cpu_set_t cpus;

	test_set_tap(1);
	if (test_parse_opts(argc, argv, opts))
		usage();
	if (list) {
		for (i = 0; i < nscenarios; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (proto < 0)
		proto = altudp_protocol();
	if (proto < 0) {
		printf("1..0 # SKIP altudp module not loaded\n");
		return KSFT_SKIP;
	}
	if (geteuid()) {
		printf("1..0 # SKIP needs root (namespaces, AF_PACKET)\n");
		return KSFT_SKIP;
	}
	/*
	 * One CPU: the veth receive backlog is per CPU, and the marker must
	 * queue behind the frames it follows.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	if (inet6 || ipv6)
		family = AF_INET6;
	ipv6_dests = ipv6;
	setup();
	printf("# %s protocol %d against UDP%s; namespaces %s, %s\n",
	       proto ? "altudp" : "native UDP (runner self-check),", proto,
	       ipv6 ? ", AF_INET6 sockets to IPv6 and v4-mapped destinations" :
	       inet6 ? ", AF_INET6 sockets to v4-mapped destinations" : "", ns_a, ns_b);

	if (do_scn)
		run_scenarios(proto, only);
	if (count > 0 && !only)
		run_random(argv[0], proto, seed, count, max_report, stop, 0);
	if (routes > 0 && !only)
		run_random(argv[0], proto, seed, routes, max_report, stop, 1);
	/* There are static neighbours for every destination. */
	if (arp_frames)
		printf("# warning: %lu ARP frames on the wire (the last for %s): a destination lacks a static neighbour\n",
		       arp_frames, inet_ntoa(arp_target));
	if (ns_frames) {
		char a[INET6_ADDRSTRLEN];

		printf("# warning: %lu neighbour solicitations on the wire (the last for %s): a destination lacks a static neighbour\n",
		       ns_frames, inet_ntop(AF_INET6, &ns_target, a, sizeof(a)));
	}
	printf("1..%d\n", tap_n);
	return tap_failed ? KSFT_FAIL : KSFT_PASS;
}
