// SPDX-License-Identifier: GPL-2.0
/*
 * udpbench: the same sends through a native UDP socket (protocol 0) and an
 * altudp socket, alternately, to a receiver in another network namespace.
 *
 *   udpbench --proto N --dst ADDR --rx-netns PATH [--rr-dst ADDR]
 *            [--dst6 ADDR6] [--rounds R] [--scale F] [--cells NAME,...]
 *            [--list]
 *
 * Each cell is one way of sending.  It gets one socket of each kind, set
 * up identically, then an untimed warm-up and R rounds, each round timing
 * a fixed number of calls on the native socket, then on the altudp one
 * (the other way round in odd rounds).
 * A forked child, moved into the receiving namespace, drains the receiver
 * socket between runs; it is stopped during a run, so that the run times
 * the sends (and the receive softirq up to the socket queue, whose buffer
 * holds a whole run) rather than where the scheduler lets the receiver
 * in.  One line per timed run on stdout:
 *
 *   R cell=C sock=native|altudp round=I calls=N dgrams=N bytes=N ns=N
 *     errors=N rx=N
 *
 * ns is CLOCK_MONOTONIC time for the calls (guest time: with QEMU
 * -icount it follows the instruction count), dgrams counts UDP datagrams
 * (GSO segments and sendmmsg() messages each count), bytes the payload.
 *
 * The IPv6 cells (named *6-*) send to --dst6 from AF_INET6 sockets, and
 * are left out without it; the receiver has a socket of each family.
 *
 * The unconnected cells that change destinations send round robin to
 * --rr-dst and the addresses after it (the receiver's too); those that
 * change routes add or delete a blackhole route to 198.18.0.0/24, which
 * no send uses, every so many sends: that flushes the namespace's route
 * generation, as any route change does.  The change itself is not timed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "altudp_test.h"

#define PORT 9000
#define GSO_SIZE 1472
#define GSO_LEN (44 * GSO_SIZE)		/* 64768: 44 full segments */
#define GSO6_SIZE 1452			/* 1500 - 40 - 8 */
#define GSO6_LEN (44 * GSO6_SIZE)	/* 63888 */
#define MMSG_BATCH 32
#define RX_BATCH 64
#define RX_BUF 8192
#define RR_MAX 64

enum mode { SEND, SENDTO, MORE, GSO, GSO_ZC, MMSG };

struct cell {
	const char *name;
	enum mode mode;
	int payload;		/* bytes per call (per message for MMSG) */
	long calls;		/* per timed run, before --scale */
	int ndst;		/* SENDTO: destinations, round robin */
	int change;		/* SENDTO: a route change every so many sends */
	int family;		/* AF_INET or AF_INET6 */
};

/*
 * Calls per timed run: 8 to 15 million guest instructions each, i.e.
 * 8 to 15 ms of guest time under -icount shift=0.  There the figures
 * repeat to a few instructions per datagram, so short runs are enough,
 * and TCG counting instructions is slow.  The fragmenting cells run ten
 * times longer: their receive side reassembles, and the RCU callbacks
 * that free the reassembly queues land in one run or the next by timer
 * ticks, which at 400 calls moved a round by 1 to 2 %.
 */
static const struct cell cells[] = {
	{ "send-64",		SEND,	64,		1000, 1, 0, AF_INET },
	{ "send-512",		SEND,	512,		1000, 1, 0, AF_INET },
	{ "send-1472",		SEND,	1472,		800, 1, 0, AF_INET },
	{ "sendto-64",		SENDTO,	64,		1000, 1, 0, AF_INET },
	{ "sendto-512",		SENDTO,	512,		1000, 1, 0, AF_INET },
	{ "sendto-1472",	SENDTO,	1472,		800, 1, 0, AF_INET },
	{ "rr4-64",		SENDTO,	64,		1000, 4, 0, AF_INET },
	{ "rr64-64",		SENDTO,	64,		1024, 64, 0, AF_INET },
	{ "rr4-1472",		SENDTO,	1472,		800, 4, 0, AF_INET },
	{ "rr64-1472",		SENDTO,	1472,		768, 64, 0, AF_INET },
	{ "sendto-64-chg100",	SENDTO,	64,		1000, 1, 100, AF_INET },
	{ "sendto-1472-chg100",	SENDTO,	1472,		800, 1, 100, AF_INET },
	{ "rr4-64-chg100",	SENDTO,	64,		1000, 4, 100, AF_INET },
	{ "more-1472x2",	MORE,	2 * 1472,	4000, 1, 0, AF_INET },
	{ "frag-4000",		SEND,	4000,		4000, 1, 0, AF_INET },
	{ "gso-64k",		GSO,	GSO_LEN,	40, 1, 0, AF_INET },
	{ "gso-64k-zc",		GSO_ZC,	GSO_LEN,	40, 1, 0, AF_INET },
	{ "mmsg-32x1472",	MMSG,	1472,		30, 1, 0, AF_INET },
	/* IPv6: 1452 B is the payload that fills a 1500 B MTU */
	{ "send6-64",		SEND,	64,		1000, 1, 0, AF_INET6 },
	{ "send6-512",		SEND,	512,		1000, 1, 0, AF_INET6 },
	{ "send6-1452",		SEND,	1452,		800, 1, 0, AF_INET6 },
	{ "sendto6-64",		SENDTO,	64,		1000, 1, 0, AF_INET6 },
	{ "sendto6-512",	SENDTO,	512,		1000, 1, 0, AF_INET6 },
	{ "sendto6-1452",	SENDTO,	1452,		800, 1, 0, AF_INET6 },
	{ "more6-1452x2",	MORE,	2 * 1452,	4000, 1, 0, AF_INET6 },
	{ "frag6-4000",		SEND,	4000,		4000, 1, 0, AF_INET6 },
	{ "gso6-64k",		GSO,	GSO6_LEN,	40, 1, 0, AF_INET6 },
};
#define NCELLS ARRAY_SIZE(cells)

struct rxcount {
	volatile unsigned long dgrams;
};

static struct sockaddr_in dst, rr_dst[RR_MAX];
static struct sockaddr_in6 dst6;
static char *buf;
static struct rxcount *rx;

/* A receiving socket of family bound to PORT, with room for a whole run. */
static int rx_socket(int family)
{
	struct sockaddr_in6 any6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(PORT),
	};
	int fd;

	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0)
		die_errno("receiver socket");
	if (sock_set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20))
		die_errno("SO_RCVBUFFORCE");
	if (family == AF_INET6 &&
	    (sock_set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1) ||
	     bind(fd, (struct sockaddr *)&any6, sizeof(any6))))
		die_errno("receiver bind (IPv6)");
	if (family == AF_INET && sock_bind(fd, NULL, PORT))
		die_errno("receiver bind");
	return fd;
}

/*
 * The receiver: a UDP socket in the other namespace (and an IPv6 one for
 * the IPv6 cells), drained until killed.
 */
static pid_t start_receiver(const char *netns, int ipv6)
{
	struct mmsghdr msgs[RX_BATCH];
	struct iovec iov[RX_BATCH];
	static char rxbuf[RX_BATCH][RX_BUF];
	struct pollfd pfd[2];
	int i, n, nfd;
	int ready[2];
	pid_t pid;

	if (pipe(ready))
		die_errno("pipe");
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (pid) {
		char c;

		close(ready[1]);
		if (read(ready[0], &c, 1) != 1)
			die("udpbench: the receiver did not start");
		close(ready[0]);
		return pid;
	}

	if (enter_netns(netns))
		die_errno(netns);
	nfd = ipv6 ? 2 : 1;
	for (i = 0; i < nfd; i++) {
		pfd[i].fd = rx_socket(i ? AF_INET6 : AF_INET);
		pfd[i].events = POLLIN;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < RX_BATCH; i++) {
		iov[i].iov_base = rxbuf[i];
		iov[i].iov_len = RX_BUF;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	if (write(ready[1], "", 1) != 1)
		die_errno("receiver ready");
	for (;;) {
		if (poll(pfd, nfd, -1) < 0)
			continue;
		for (i = 0; i < nfd; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			n = recvmmsg(pfd[i].fd, msgs, RX_BATCH, MSG_DONTWAIT, NULL);
			if (n > 0)
				__atomic_add_fetch(&rx->dgrams, n, __ATOMIC_RELAXED);
		}
	}
}

/* Wait until the receiver has had all datagrams sent so far, or has got
 * none for a second: the next run starts with an empty receive queue.
 * Sleeping costs no guest time under -icount sleep=off.
 */
static unsigned long sent;

static unsigned long settle(void)
{
	struct timespec ts = { 0, 5000000 };
	unsigned long seen = rx->dgrams;
	int idle = 0;

	while (rx->dgrams < sent && idle < 200) {
		nanosleep(&ts, NULL);
		idle = rx->dgrams == seen ? idle + 1 : 0;
		seen = rx->dgrams;
	}
	return rx->dgrams;
}

/* Stop the receiver (and wait until it is stopped) or let it go on. */
static void pause_receiver(pid_t pid, int stop)
{
	int status;

	if (kill(pid, stop ? SIGSTOP : SIGCONT))
		die_errno("kill receiver");
	if (stop && (waitpid(pid, &status, WUNTRACED) != pid ||
		     !WIFSTOPPED(status)))
		die("udpbench: the receiver did not stop");
}

/* Add (or delete) a blackhole route to 198.18.0.0/24 in the main table. */
static void route_change(void)
{
	static int nl = -1, on;
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		struct rtattr dst_attr;
		struct in_addr dst;
	} req = {
		.nh.nlmsg_len = sizeof(req),
		.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		.rt.rtm_family = AF_INET,
		.rt.rtm_dst_len = 24,
		.rt.rtm_table = RT_TABLE_MAIN,
		.rt.rtm_protocol = RTPROT_STATIC,
		.rt.rtm_scope = RT_SCOPE_UNIVERSE,
		.rt.rtm_type = RTN_BLACKHOLE,
		.dst_attr.rta_len = RTA_LENGTH(sizeof(struct in_addr)),
		.dst_attr.rta_type = RTA_DST,
		.dst.s_addr = htonl(0xc6120000),
	};
	char ack[256];

	if (nl < 0) {
		nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
		if (nl < 0)
			die_errno("netlink");
	}
	on = !on;
	req.nh.nlmsg_type = on ? RTM_NEWROUTE : RTM_DELROUTE;
	if (on)
		req.nh.nlmsg_flags |= NLM_F_CREATE | NLM_F_REPLACE;
	if (send(nl, &req, sizeof(req), 0) != sizeof(req) ||
	    recv(nl, ack, sizeof(ack), 0) < 0)
		die_errno("route change");
}

/* The cell's destination (the first, round robin) and its length */
static const struct sockaddr *cell_dst(const struct cell *c, socklen_t *len)
{
	if (c->family == AF_INET6) {
		*len = sizeof(dst6);
		return (const struct sockaddr *)&dst6;
	}
	*len = sizeof(dst);
	return (const struct sockaddr *)&dst;
}

static int gso_size(const struct cell *c)
{
	return c->family == AF_INET6 ? GSO6_SIZE : GSO_SIZE;
}

static int open_socket(const struct cell *c, int proto)
{
	const struct sockaddr *to;
	socklen_t tolen;
	int fd;

	fd = socket(c->family, SOCK_DGRAM, proto);
	if (fd < 0)
		die_errno("socket");
	if ((c->mode == GSO || c->mode == GSO_ZC) &&
	    sock_set_int(fd, SOL_UDP, UDP_SEGMENT, gso_size(c)))
		die_errno("UDP_SEGMENT");
	if (c->mode == GSO_ZC &&
	    sock_set_int(fd, SOL_SOCKET, SO_ZEROCOPY, 1))
		die_errno("SO_ZEROCOPY");
	to = cell_dst(c, &tolen);
	if (c->mode != SENDTO && connect(fd, to, tolen))
		die_errno("connect");
	return fd;
}

struct result {
	unsigned long long ns;
	long dgrams, bytes, errors;
};

/* One timed run: calls sends of the cell's kind on fd. */
static struct result run(const struct cell *c, int fd, long calls)
{
	struct mmsghdr msgs[MMSG_BATCH];
	struct iovec iov = { .iov_base = buf, .iov_len = c->payload };
	struct result r = { 0 };
	unsigned long long t0;
	long i, zc_out = 0, per_call = 1, bytes;
	const struct sockaddr *to;
	socklen_t tolen;
	int j, n = 0;

	to = cell_dst(c, &tolen);

	if (c->mode == MMSG) {
		memset(msgs, 0, sizeof(msgs));
		for (j = 0; j < MMSG_BATCH; j++) {
			msgs[j].msg_hdr.msg_iov = &iov;
			msgs[j].msg_hdr.msg_iovlen = 1;
		}
		per_call = MMSG_BATCH;
	} else if (c->mode == GSO || c->mode == GSO_ZC) {
		per_call = c->payload / gso_size(c);
	}
	bytes = c->mode == MMSG ? MMSG_BATCH * c->payload : c->payload;

	t0 = now_ns();
	for (i = 0; i < calls; i++) {
		switch (c->mode) {
		case SEND:
			n = send(fd, buf, c->payload, 0) == c->payload;
			break;
		case SENDTO:
			if (c->change && i && i % c->change == 0) {
				r.ns += now_ns() - t0;
				route_change();
				t0 = now_ns();
			}
			n = sendto(fd, buf, c->payload, 0, c->ndst > 1 ?
				   (struct sockaddr *)&rr_dst[i % c->ndst] : to,
				   tolen) == c->payload;
			break;
		case MORE:
			n = send(fd, buf, c->payload / 2, MSG_MORE) == c->payload / 2 &&
			    send(fd, buf, c->payload / 2, 0) == c->payload / 2;
			break;
		case GSO:
			n = send(fd, buf, c->payload, 0) == c->payload;
			break;
		case GSO_ZC:
			n = send(fd, buf, c->payload, MSG_ZEROCOPY) == c->payload;
			if (!n && errno == ENOBUFS && zc_out) {
				/* optmem full of notifications: reap, retry */
				zc_out -= zc_wait_reap(fd, 1000);
				n = send(fd, buf, c->payload, MSG_ZEROCOPY) == c->payload;
			}
			if (n)
				zc_out++;
			if ((i & 7) == 7)
				zc_out -= zc_reap(fd);
			break;
		case MMSG:
			n = sendmmsg(fd, msgs, MMSG_BATCH, 0) == MMSG_BATCH;
			break;
		}
		if (n) {
			r.dgrams += per_call;
			r.bytes += bytes;
		} else {
			r.errors++;
		}
	}
	r.ns += now_ns() - t0;
	sent += r.dgrams;
	while (zc_out > 0) {
		long done = zc_wait_reap(fd, 1000);

		if (!done) {
			fprintf(stderr, "udpbench: %ld zerocopy completions missing\n",
				zc_out);
			break;
		}
		zc_out -= done;
	}
	return r;
}

static void usage(void)
{
	die("usage: udpbench --proto N --dst ADDR --rx-netns PATH "
	    "[--rr-dst ADDR] [--dst6 ADDR6] [--rounds R] [--scale F] "
	    "[--cells NAME,...] [--list]");
}

static int wanted(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p = list;

	if (!list)
		return 1;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return 1;
		p += len;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *netns = NULL, *only = NULL, *names[2] = { "native", "altudp" };
	const char *addr6 = NULL;
	int proto = -1, rounds = 5, list = 0, k, round;
	double scale = 1.0;
	const struct test_opt opts[] = {
		{ "proto", ARG_INT, &proto },
		{ "dst", ARG_ADDR, &dst.sin_addr },
		{ "rr-dst", ARG_ADDR, &rr_dst[0].sin_addr },
		{ "dst6", ARG_STR, &addr6 },
		{ "rx-netns", ARG_STR, &netns },
		{ "rounds", ARG_INT, &rounds },
		{ "scale", ARG_DOUBLE, &scale },
		{ "cells", ARG_STR, &only },
		{ "list", ARG_SET, &list },
		{ }
	};
	int i;
	pid_t rxpid;

	dst.sin_family = AF_INET;
	dst.sin_port = htons(PORT);
	if (test_parse_opts(argc, argv, opts))
		usage();
	if (list) {
		for (i = 0; i < NCELLS; i++)
			printf("%s\n", cells[i].name);
		return 0;
	}
	if (proto < 0 || !netns || !dst.sin_addr.s_addr || rounds < 1 ||
	    scale <= 0)
		usage();
	dst6.sin6_family = AF_INET6;
	dst6.sin6_port = htons(PORT);
	if (addr6 && inet_pton(AF_INET6, addr6, &dst6.sin6_addr) != 1)
		usage();

	for (i = 0; i < RR_MAX; i++) {
		rr_dst[i].sin_family = AF_INET;
		rr_dst[i].sin_port = htons(PORT);
		rr_dst[i].sin_addr.s_addr = htonl(ntohl(rr_dst[0].sin_addr.s_addr) + i);
	}

	buf = calloc(1, GSO_LEN);
	rx = mmap(NULL, sizeof(*rx), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!buf || rx == MAP_FAILED)
		die_errno("memory");
	rxpid = start_receiver(netns, !!addr6);

	for (i = 0; i < NCELLS; i++) {
		const struct cell *c = &cells[i];
		long calls = c->calls * scale;
		int fds[2];

		if (!wanted(only, c->name))
			continue;
		if (c->ndst > 1 && !rr_dst[0].sin_addr.s_addr) {
			fprintf(stderr, "udpbench: %s needs --rr-dst\n", c->name);
			continue;
		}
		if (c->family == AF_INET6 && !addr6) {
			fprintf(stderr, "udpbench: %s needs --dst6\n", c->name);
			continue;
		}
		if (calls < 1)
			calls = 1;
		fds[0] = open_socket(c, 0);
		fds[1] = open_socket(c, proto);
		/* untimed warm-up as the runs go: caches, route, page frags,
		 * socket memory at both ends
		 */
		for (k = 0; k < 2; k++) {
			pause_receiver(rxpid, 1);
			run(c, fds[k], calls / 2 + 1);
			pause_receiver(rxpid, 0);
			settle();
		}
		for (round = 0; round < rounds; round++) {
			for (k = 0; k < 2; k++) {
				/* native first in even rounds, altudp in odd
				 * ones: what drifts over a cell (the
				 * neighbours' and IP id buckets' state, timers)
				 * falls on both alike
				 */
				int w = round & 1 ? 1 - k : k;
				unsigned long rx0 = settle(), rx1;
				struct result r;

				pause_receiver(rxpid, 1);
				r = run(c, fds[w], calls);
				pause_receiver(rxpid, 0);
				rx1 = settle();

				printf("R cell=%s sock=%s round=%d calls=%ld dgrams=%ld "
				       "bytes=%ld ns=%llu errors=%ld rx=%lu\n",
				       c->name, names[w], round, calls, r.dgrams,
				       r.bytes, r.ns, r.errors, rx1 - rx0);
				fflush(stdout);
			}
		}
		close(fds[0]);
		close(fds[1]);
	}
	kill(rxpid, SIGKILL);
	waitpid(rxpid, NULL, 0);
	return 0;
}
