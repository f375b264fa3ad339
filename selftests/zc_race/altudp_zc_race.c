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
 *
 * Usage: altudp_zc_race [--proto N] --dst ADDR [--port P] [--seconds S]
 */
#define _GNU_SOURCE
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
static struct sockaddr_in dst;
static atomic_bool stop;
static char payload[200];

struct counts {
	unsigned long sent, failed;
};

static void zc_send(struct counts *c, int flags)
{
	if (sendto(fd, payload, sizeof(payload), flags | MSG_ZEROCOPY,
		   (struct sockaddr *)&dst, sizeof(dst)) < 0)
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
	int proto = -1, port = 9;
	const struct test_opt opts[] = {
		{ "proto", ARG_INT, &proto },
		{ "dst", ARG_ADDR, &dst.sin_addr },
		{ "port", ARG_INT, &port },
		{ "seconds", ARG_DOUBLE, &seconds },
		{ }
	};
	pthread_t tc, tr;
	uint32_t left;

	dst.sin_family = AF_INET;
	if (test_parse_opts(argc, argv, opts))
		usage(argv[0]);
	dst.sin_port = htons(port);
	if (proto < 0)
		proto = altudp_protocol();
	if (proto < 0 || !dst.sin_addr.s_addr)
		usage(argv[0]);

	fd = socket(AF_INET, SOCK_DGRAM, proto);
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

	printf("proto %d: %lu sends ok (%lu corked, %lu uncorked), %lu failed",
	       proto, cc.sent + rc.sent, cc.sent, rc.sent, cc.failed + rc.failed);
	printf(", %lu ids completed, optmem left %u\n", ids, left);
	close(fd);
	return left ? 1 : 0;
}
