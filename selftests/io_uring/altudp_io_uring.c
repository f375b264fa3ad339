// SPDX-License-Identifier: GPL-2.0
/*
 * io_uring's zerocopy send (IORING_OP_SEND_ZC) on a UDP socket: the
 * request's ubuf_info comes with the message (msg_ubuf), not from
 * SO_ZEROCOPY, and __ip_append_data() and __ip6_append_data() take it
 * for the datagram.  One sequence of sends to a receiver on the loopback
 * device: plain ones, unconnected and connected, corked appends with
 * MSG_MORE, with and without a segment size (with one, a second
 * request's buffer for the pending datagram is refused with EINVAL, which
 * drops the datagram), zero-length sends that push one, a segmented
 * send, and one past the largest UDP payload.  Prints each request's
 * result, whether its notification came, and the datagrams received
 * (length and a sum of the bytes), so that two runs, one on the kernel's
 * UDP and one on altudp, can be compared line by line.
 *
 * With --rx-netns and --rx-addr the receiver is in another namespace,
 * reached over a link whose features the caller chose (the request's
 * buffer is zerocopy only on a device with scatter-gather).
 *
 * Exits 4 (skip) when io_uring or IORING_OP_SEND_ZC is not there.
 *
 * Usage: altudp_io_uring [--proto N] [--ipv6] [--rx-netns NS --rx-addr A]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "altudp_test.h"

struct ring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

static int ring_init(struct ring *r, unsigned int entries)
{
	struct io_uring_params p;
	size_t sq_len, cq_len;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, entries, &p);
	if (r->fd < 0)
		return -1;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		errno = EOPNOTSUPP;
		return -1;
	}
	sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (cq_len > sq_len)
		sq_len = cq_len;
	sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -1;
	cq = sq;
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (r->sqes == MAP_FAILED)
		return -1;
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p.sq_off.array);
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* Submits one SEND_ZC request, tagged with its index in user_data. */
static int submit_send_zc(struct ring *r, int fd, const void *buf, size_t len,
			  int flags, const struct sockaddr *to, socklen_t tolen,
			  int tag)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask;
	struct io_uring_sqe *sqe = &r->sqes[idx];

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_SEND_ZC;
	sqe->fd = fd;
	sqe->addr = (unsigned long)buf;
	sqe->len = len;
	sqe->msg_flags = flags;
	sqe->user_data = tag;
	if (to) {
		sqe->addr2 = (unsigned long)to;
		sqe->addr_len = tolen;
	}
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	return syscall(__NR_io_uring_enter, r->fd, 1, 0, 0, NULL, 0);
}

/*
 * Takes the completions in the ring, waiting for at least min of them;
 * calls fn for each.
 */
static void reap(struct ring *r, unsigned int min,
		 void (*fn)(const struct io_uring_cqe *))
{
	unsigned int head;

	if (min && syscall(__NR_io_uring_enter, r->fd, 0, min,
			   IORING_ENTER_GETEVENTS, NULL, 0) < 0 && errno != EINTR)
		die_errno("io_uring_enter");
	head = *r->cq_head;
	while (head != __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		fn(&r->cqes[head & *r->cq_mask]);
		head++;
	}
	__atomic_store_n(r->cq_head, head, __ATOMIC_RELEASE);
}

struct op {
	int len, flags, connected, gso;
};

/*
 * The sequence, the same for both sockets.  A corked append is zerocopy
 * only with a segment size (__ip_append_data()'s CHECKSUM_PARTIAL test);
 * without one the bytes are copied and the request's ubuf_info is not
 * kept.
 */
static const struct op ops[] = {
	{ 100, 0, 0, 0 },
	{ 3000, 0, 0, 0 },
	{ 1000, MSG_MORE, 0, 0 },
	{ 500, MSG_MORE, 0, 0 },
	{ 0, 0, 0, 0 },
	{ 1000, MSG_MORE, 0, 1400 },
	{ 500, MSG_MORE, 0, 1400 },	/* a second ubuf_info: EINVAL */
	{ 700, MSG_MORE, 0, 1400 },
	{ 0, 0, 0, 1400 },		/* pushes the 700 bytes */
	{ 3000, 0, 0, 1400 },		/* three segments */
	{ 200, 0, 1, 0 },
	{ 65000, 0, 1, 0 },
	{ 65508, 0, 1, 0 },		/* EMSGSIZE */
	{ 300, MSG_MORE, 1, 0 },
	{ 400, 0, 1, 0 },
};

static struct {
	int res, more, done, notified;
} out[ARRAY_SIZE(ops)];

static void complete(const struct io_uring_cqe *cqe)
{
	int i = cqe->user_data;

	if (i < 0 || i >= ARRAY_SIZE(ops))
		die("a completion of no request: %d", i);
	if (cqe->flags & IORING_CQE_F_NOTIF) {
		out[i].notified++;
		return;
	}
	out[i].res = cqe->res;
	out[i].more = !!(cqe->flags & IORING_CQE_F_MORE);
	out[i].done = 1;
}

static unsigned char payload[65536];

/* The receiver, bound to addr (loopback if NULL) in namespace ns if any. */
static int receiver(int family, const char *ns, const char *addr)
{
	int self = -1, fd;

	if (!addr)
		addr = family == AF_INET6 ? "::1" : "127.0.0.1";
	if (ns) {
		self = open("/proc/self/ns/net", O_RDONLY);
		if (self < 0 || enter_netns(ns))
			die_errno(ns);
	}
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd < 0 || sock_bind(fd, addr, 0))
		die_errno("receiver");
	if (ns && (setns(self, CLONE_NEWNET) || close(self)))
		die_errno("netns");
	return fd;
}

int main(int argc, char **argv)
{
	int proto = -1, ipv6 = 0, rx, tx, i, pending;
	const char *rx_netns = NULL, *rx_addr = NULL;
	const struct test_opt opts[] = {
		{ "proto", ARG_INT, &proto },
		{ "ipv6", ARG_SET, &ipv6 },
		{ "rx-netns", ARG_STR, &rx_netns },
		{ "rx-addr", ARG_STR, &rx_addr },
		{ NULL },
	};
	struct sockaddr_storage dst;
	socklen_t dst_len = sizeof(dst);
	struct ring r;
	int family;

	if (test_parse_opts(argc, argv, opts))
		die("usage: altudp_io_uring [--proto N] [--ipv6] [--rx-netns NS --rx-addr A]");
	if (proto < 0)
		proto = altudp_protocol();
	family = ipv6 ? AF_INET6 : AF_INET;
	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = i * 7 + i / 251;

	if (ring_init(&r, 16)) {
		printf("io_uring: %s\n", strerror(errno));
		return KSFT_SKIP;
	}

	rx = receiver(family, rx_netns, rx_addr);
	if (getsockname(rx, (struct sockaddr *)&dst, &dst_len))
		die_errno("receiver");
	sock_set_int(rx, SOL_SOCKET, SO_RCVBUF, 1 << 20);
	tx = socket(family, SOCK_DGRAM, proto);
	if (tx < 0)
		die_errno("socket");

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		const struct op *op = &ops[i];

		if (op->connected && i && !ops[i - 1].connected &&
		    connect(tx, (struct sockaddr *)&dst, dst_len))
			die_errno("connect");
		if (sock_set_int(tx, SOL_UDP, UDP_SEGMENT, op->gso))
			die_errno("UDP_SEGMENT");
		if (submit_send_zc(&r, tx, payload, op->len, op->flags,
				   op->connected ? NULL : (struct sockaddr *)&dst,
				   dst_len, i) < 0)
			die_errno("io_uring_enter");
		while (!out[i].done)
			reap(&r, 1, complete);
		if (!i && out[i].res == -EINVAL) {
			/* IORING_OP_SEND_ZC before 6.0 */
			printf("IORING_OP_SEND_ZC: %s\n", strerror(-out[i].res));
			return KSFT_SKIP;
		}
	}

	/* The notifications: each comes when the last skb of its send goes. */
	for (i = 0; i < 200; i++) {
		pending = 0;
		reap(&r, 0, complete);
		for (int j = 0; j < ARRAY_SIZE(ops); j++)
			pending += out[j].more && !out[j].notified;
		if (!pending)
			break;
		usleep(10000);
	}

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		char res[16];

		snprintf(res, sizeof(res), "%d", out[i].res);
		printf("send %d: %d bytes%s%s%s: %s%s\n", i, ops[i].len,
		       ops[i].gso ? ", UDP_SEGMENT" : "",
		       ops[i].flags & MSG_MORE ? ", MSG_MORE" : "",
		       ops[i].connected ? ", connected" : "",
		       out[i].res < 0 ? strerrorname_np(-out[i].res) : res,
		       out[i].notified ? ", notified" :
		       out[i].more ? ", no notification" : "");
	}

	for (;;) {
		struct pollfd pfd = { .fd = rx, .events = POLLIN };
		unsigned long sum = 0;
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			break;
		n = recv(rx, payload, sizeof(payload), 0);
		if (n < 0)
			die_errno("recv");
		for (i = 0; i < n; i++)
			sum = sum * 31 + payload[i];
		printf("received %zd bytes, sum %08lx\n", n, sum & 0xffffffff);
	}
	return KSFT_PASS;
}
