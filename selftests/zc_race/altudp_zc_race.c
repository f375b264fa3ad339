// SPDX-License-Identifier: GPL-2.0
/*
 * MSG_ZEROCOPY on one socket from two threads: one builds corked
 * datagrams (MSG_MORE appends under the socket lock), the other sends
 * uncorked datagrams, whose lockless path allocates zerocopy ids
 * (sk_zckey) without that lock.  When such an id is taken between two
 * appends of the corked datagram, msg_zerocopy_realloc() cannot extend
 * the datagram's ubuf_info and returns a new one.
 *
 * Every ubuf_info is an skb charged to the socket's optmem until its
 * completion is queued on the error queue.  So once the sends are over
 * and the error queue is drained, SO_MEMINFO's optmem must be back to 0;
 * a ubuf_info whose reference was lost stays charged forever.  Prints
 * what it did and the optmem left, and exits 1 when some is left.
 * An IPv6 ADDR makes the socket an AF_INET6 one.
 *
 * Usage: altudp_zc_race [--proto N] --dst ADDR [--port P] [--seconds S]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "altudp_test.h"

#ifndef SO_MEMINFO
#define SO_MEMINFO 55
#endif

static int fd;
static struct sockaddr_storage dst;
static socklen_t dst_len;
static atomic_bool stop;
static char payload[200];

struct counts {
	unsigned long sent, failed;
};

static void zc_send(struct counts *c, int flags)
{
	if (sendto(fd, payload, sizeof(payload), flags | MSG_ZEROCOPY,
		   (struct sockaddr *)&dst, dst_len) < 0)
		c->failed++;
	else
		c->sent++;
}

/* Corked datagrams of three appends each. */
static void *corker(void *arg)
{
	struct counts *c = arg;

	while (!stop) {
		zc_send(c, MSG_MORE);
		zc_send(c, MSG_MORE);
		zc_send(c, 0);
	}
	return NULL;
}

/* Uncorked datagrams: the lockless path when no datagram is pending. */
static void *racer(void *arg)
{
	struct counts *c = arg;

	while (!stop)
		zc_send(c, 0);
	return NULL;
}

static uint32_t optmem(void)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		die_errno("SO_MEMINFO");
	return mem[SK_MEMINFO_OPTMEM];
}

static void usage(const char *prog)
{
	die("usage: %s [--proto N] --dst ADDR [--port P] [--seconds S]", prog);
}

int main(int argc, char **argv)
{
	struct counts cc = { 0 }, rc = { 0 };
	double seconds = 5, end;
	unsigned long ids = 0;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&dst;
	struct sockaddr_in *sin = (struct sockaddr_in *)&dst;
	int proto = -1, port = 9;
	const char *addr = NULL;
	const struct test_opt opts[] = {
		{ "proto", ARG_INT, &proto },
		{ "dst", ARG_STR, &addr },
		{ "port", ARG_INT, &port },
		{ "seconds", ARG_DOUBLE, &seconds },
		{ }
	};
	pthread_t tc, tr;
	uint32_t left;

	if (test_parse_opts(argc, argv, opts) || !addr)
		usage(argv[0]);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		dst_len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		dst_len = sizeof(*sin6);
	} else {
		usage(argv[0]);
	}
	if (proto < 0)
		proto = altudp_protocol();
	if (proto < 0)
		usage(argv[0]);

	fd = socket(dst.ss_family, SOCK_DGRAM, proto);
	if (fd < 0 || sock_set_int(fd, SOL_SOCKET, SO_ZEROCOPY, 1))
		die_errno("socket");

	if (pthread_create(&tc, NULL, corker, &cc) ||
	    pthread_create(&tr, NULL, racer, &rc))
		die_errno("pthread_create");
	/* The error queue is drained all along: each pending completion
	 * holds optmem, and sends fail with ENOBUFS when it runs out.
	 */
	end = now_seconds() + seconds;
	while (now_seconds() < end)
		ids += zc_wait_reap(fd, 10);
	stop = true;
	pthread_join(tc, NULL);
	pthread_join(tr, NULL);

	/* Then until nothing is charged any more, or for 5 s. */
	end = now_seconds() + 5;
	do {
		ids += zc_reap(fd);
		left = optmem();
		if (left)
			usleep(10000);
	} while (left && now_seconds() < end);

	printf("%s proto %d: %lu sends ok (%lu corked, %lu uncorked), %lu failed",
	       dst.ss_family == AF_INET6 ? "IPv6" : "IPv4", proto,
	       cc.sent + rc.sent, cc.sent, rc.sent, cc.failed + rc.failed);
	printf(", %lu ids completed, optmem left %u\n", ids, left);
	close(fd);
	return left ? 1 : 0;
}
