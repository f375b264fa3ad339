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
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../lib/altudp_test.h"

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

/* Reads the zerocopy completions queued so far; returns how many ids. */
static unsigned long drain(void)
{
	char control[128];
	unsigned long ids = 0;

	for (;;) {
		struct msghdr msg = {
			.msg_control = control,
			.msg_controllen = sizeof(control),
		};
		struct cmsghdr *cm;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return ids;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err *ee = (void *)CMSG_DATA(cm);

			if (cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_RECVERR &&
			    ee->ee_origin == SO_EE_ORIGIN_ZEROCOPY)
				ids += ee->ee_data - ee->ee_info + 1;
		}
	}
}

static uint32_t optmem(void)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &len) < 0) {
		perror("SO_MEMINFO");
		exit(2);
	}
	return mem[SK_MEMINFO_OPTMEM];
}

int main(int argc, char **argv)
{
	struct counts cc = { 0 }, rc = { 0 };
	double seconds = 5, end;
	unsigned long ids = 0;
	int proto = -1, one = 1, i;
	pthread_t tc, tr;
	uint32_t left;

	dst.sin_family = AF_INET;
	dst.sin_port = htons(9);
	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--proto"))
			proto = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--dst"))
			inet_pton(AF_INET, argv[i + 1], &dst.sin_addr);
		else if (!strcmp(argv[i], "--port"))
			dst.sin_port = htons(atoi(argv[i + 1]));
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
	}
	if (proto < 0)
		proto = altudp_protocol();
	if (proto < 0 || !dst.sin_addr.s_addr) {
		fprintf(stderr, "usage: %s [--proto N] --dst ADDR [--port P] [--seconds S]\n",
			argv[0]);
		return 2;
	}

	fd = socket(AF_INET, SOCK_DGRAM, proto);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_ZEROCOPY, &one, sizeof(one))) {
		perror("socket");
		return 2;
	}

	if (pthread_create(&tc, NULL, corker, &cc) ||
	    pthread_create(&tr, NULL, racer, &rc)) {
		perror("pthread_create");
		return 2;
	}
	/* The error queue is drained all along: each pending completion
	 * holds optmem, and sends fail with ENOBUFS when it runs out.
	 */
	end = now_seconds() + seconds;
	while (now_seconds() < end) {
		struct pollfd p = { .fd = fd };

		poll(&p, 1, 10);
		ids += drain();
	}
	stop = true;
	pthread_join(tc, NULL);
	pthread_join(tr, NULL);

	/* Then until nothing is charged any more, or for 5 s. */
	end = now_seconds() + 5;
	do {
		ids += drain();
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
