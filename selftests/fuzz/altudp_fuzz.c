// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_fuzz: seeded random sequences of socket calls on altudp sockets.
 *
 * A sequence opens an altudp socket, IPv4 or (where the module has them)
 * IPv6, and makes up to --ops random calls on it: sendmsg/sendto/sendmmsg
 * with random lengths, iovec shapes, flags, destinations (IPv6 ones,
 * v4-mapped, link-local with scopes, IPv4 ones on an IPv6 socket) and
 * well- or ill-formed control messages of every level, IPv6 extension
 * headers among them;
 * setsockopt/getsockopt with random levels, names, lengths and values;
 * connect, disconnect (AF_UNSPEC), bind, shutdown, error queue reads,
 * ioctls, close and reopen.  Meanwhile another thread changes IP_OPTIONS
 * (IPv6 sockets: extension headers, IPV6_MTU, IPV6_ADDRFORM), UDP_CORK,
 * UDP_SEGMENT, the connection and sends on the same socket, and sometimes
 * closes it.  Sequence i of --seed S has seed S + i, so
 * "--seed S+i --count 1" replays it (the racing thread aside).
 *
 * With --fail, the sequences' own calls (not the racing thread's) run with
 * the task's make-it-fail set: the kernel's fault injection (failslab,
 * fail_page_alloc, fail_usercopy), configured by the caller with its
 * task filter on, fails some of their allocations and user copies.
 *
 * The sequences run in a child process.  A failure is the child dying of a
 * signal, a sequence stuck for 30 s, or the kernel's taint flags changing
 * (a WARN or BUG); it is printed with its seed and a replay command.
 *
 * Usage: altudp_fuzz [--seconds S] [--count N] [--seed S] [--ops N]
 *                    [--dst ADDR] [--src ADDR] [--dst6 ADDR] [--src6 ADDR]
 *                    [--proto P] [--fail]
 * Prints "sequences N (IPv6 N6) calls M (K messages sent)" at the end;
 * exit status 1 on a failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "altudp_test.h"

#define SIOCOUTQ_IOCTL	0x5411
#define SIOCINQ_IOCTL	0x541b
#define MAX_LEN		70000
#define STUCK_SECONDS	30

static struct {
	struct in_addr dst, src;
	struct in6_addr dst6, src6;
	int proto, ops, fail;
	bool inet6;		/* the module has IPv6 sockets */
} cfg;

/* What the parent watches: the sequence running and the totals. */
struct shared {
	_Atomic uint64_t seed;
	_Atomic uint64_t sequences;
	_Atomic uint64_t sequences6;
	_Atomic uint64_t calls;
	_Atomic uint64_t sent;
	_Atomic int failed;
	char why[200];
};
static struct shared *sh;

static unsigned char data[MAX_LEN];
static int fail_fd = -1;
static _Atomic int cur_fd = -1;
static _Atomic int cur_family = AF_INET;
static atomic_bool stop;

static uint32_t rand_len(struct rng *r)
{
	switch (rng_below(r, 20)) {
	case 0 ... 7:
		return rng_below(r, 65);
	case 8 ... 13:
		return rng_below(r, 1501);
	case 14 ... 16:
		return 1400 + rng_below(r, 8000);
	case 17 ... 18:
		return rng_below(r, 65536);
	default:
		return rng_below(r, MAX_LEN + 1);
	}
}

static int rand_int(struct rng *r)
{
	static const int vals[] = { 0, 1, -1, 2, 3, 7, 8, 64, 68, 100, 127, 128,
				    255, 256, 576, 1000, 1400, 1472, 1500,
				    9000, 65507, 65535, 65536, 0x7fffffff,
				    (int)0x80000000 };

	if (rng_chance(r, 70))
		return vals[rng_below(r, ARRAY_SIZE(vals))];
	return (int)rng_next(r);
}

/* IP options: well-formed pieces, or random bytes. */
static int rand_ipopts(struct rng *r, unsigned char *p, int max)
{
	int n = 0, k;

	if (rng_chance(r, 20)) {
		n = rng_below(r, max + 1);
		for (k = 0; k < n; k++)
			p[k] = rng_next(r);
		return n;
	}
	while (n < max && rng_chance(r, 70)) {
		int room = max - n;

		switch (rng_below(r, 6)) {
		case 0:
			p[n++] = 1;			/* NOP */
			break;
		case 1:
			p[n++] = 0;			/* EOL */
			break;
		case 2:					/* record route */
		case 3:					/* loose/strict source route */
			k = 3 + 4 * rng_below(r, 5);
			if (k > room)
				break;
			p[n] = rng_below(r, 2) == 0 ? 7 : rng_below(r, 2) ? 0x83 : 0x89;
			p[n + 1] = k;
			p[n + 2] = rng_chance(r, 90) ? 4 : rng_next(r);
			for (int i = 3; i + 4 <= k; i += 4)
				memcpy(p + n + i, rng_chance(r, 50) ? &cfg.dst : &cfg.src, 4);
			n += k;
			break;
		case 4:					/* timestamp */
			k = 4 + 4 * rng_below(r, 5);
			if (k > room)
				break;
			p[n] = 0x44;
			p[n + 1] = k;
			p[n + 2] = rng_chance(r, 90) ? 5 : rng_next(r);
			p[n + 3] = rng_below(r, 4);
			memset(p + n + 4, 0, k - 4);
			n += k;
			break;
		default:				/* router alert */
			if (room < 4)
				break;
			memcpy(p + n, "\x94\x04\x00\x00", 4);
			n += 4;
		}
	}
	return n;
}

static void rand_addr(struct rng *r, struct sockaddr_in *sin, socklen_t *len);

/* An IPv6 destination: the peer's, v4-mapped, link-local with a scope,
 * multicast, loopback, any, or random bytes.
 */
static void rand_addr6(struct rng *r, struct sockaddr_in6 *sin6, socklen_t *len)
{
	static const char *const other[] = { "::1", "::", "ff02::1", "fe80::1",
					     "2001:db8::1", "ff0e::1" };

	memset(sin6, 0, sizeof(*sin6));
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(rng_chance(r, 80) ? 5000 : rng_below(r, 3) ?
				rng_below(r, 65536) : 0);
	switch (rng_below(r, 12)) {
	case 0 ... 5:
		sin6->sin6_addr = cfg.dst6;
		break;
	case 6:
		sin6->sin6_addr = cfg.src6;
		break;
	case 7 ... 8:		/* v4-mapped */
		sin6->sin6_addr.s6_addr[10] = 0xff;
		sin6->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&sin6->sin6_addr.s6_addr[12], rng_chance(r, 80) ? &cfg.dst : &cfg.src, 4);
		break;
	case 9:
		for (int i = 0; i < 16; i++)
			sin6->sin6_addr.s6_addr[i] = rng_next(r);
		break;
	default:
		inet_pton(AF_INET6, other[rng_below(r, ARRAY_SIZE(other))], &sin6->sin6_addr);
	}
	if (rng_chance(r, 20))
		sin6->sin6_scope_id = rng_below(r, 5);
	if (rng_chance(r, 10))
		sin6->sin6_flowinfo = rng_chance(r, 50) ? htonl(rng_below(r, 1 << 20)) :
						     (uint32_t)rng_next(r);
	*len = rng_chance(r, 90) ? (socklen_t)sizeof(*sin6) :
	       rng_chance(r, 50) ? 24 : (socklen_t)rng_below(r, 33);
	if (rng_chance(r, 5))
		sin6->sin6_family = rng_chance(r, 50) ? AF_UNSPEC : AF_INET;
}

/* A destination for the socket's family; on an IPv6 socket, now and then
 * an IPv4 sockaddr (udpv6_sendmsg() hands those to udp_sendmsg()).
 */
static void rand_name(struct rng *r, struct sockaddr_storage *ss, socklen_t *len)
{
	if (atomic_load(&cur_family) == AF_INET6 && rng_chance(r, 90))
		rand_addr6(r, (struct sockaddr_in6 *)ss, len);
	else
		rand_addr(r, (struct sockaddr_in *)ss, len);
}

static void rand_addr(struct rng *r, struct sockaddr_in *sin, socklen_t *len)
{
	static const char *const other[] = { "255.255.255.255", "224.0.0.1",
					     "127.0.0.1", "0.0.0.0", "192.0.2.1" };

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(rng_chance(r, 80) ? 5000 : rng_below(r, 3) ? rng_below(r, 65536) : 0);
	switch (rng_below(r, 10)) {
	case 0 ... 5:
		sin->sin_addr = cfg.dst;
		break;
	case 6:
		sin->sin_addr.s_addr = cfg.dst.s_addr | htonl(0xff);
		break;
	case 7:
		sin->sin_addr = cfg.src;
		break;
	default:
		inet_pton(AF_INET, other[rng_below(r, 5)], &sin->sin_addr);
	}
	*len = sizeof(*sin);
	if (rng_chance(r, 5))
		sin->sin_family = rng_chance(r, 50) ? AF_UNSPEC : rng_below(r, 64);
	if (rng_chance(r, 5))
		*len = rng_below(r, 33);
}

static int rand_flags(struct rng *r)
{
	static const int bits[] = { MSG_MORE, MSG_PROBE, MSG_CONFIRM, MSG_DONTROUTE,
				    MSG_ZEROCOPY, MSG_DONTWAIT, MSG_OOB, MSG_NOSIGNAL,
				    MSG_EOR };
	int f = 0;

	if (rng_chance(r, 2))
		return (int)rng_next(r);
	for (int i = 0; i < ARRAY_SIZE(bits); i++)
		if (rng_chance(r, bits[i] == MSG_MORE ? 30 : 8))
			f |= bits[i];
	return f;
}

/* An IPv6 extension header of type (for IPV6_RTHDR: a routing header,
 * mostly type 2 with one address), well-formed or not; its length.
 */
static int rand_exthdr(struct rng *r, unsigned char *p, int max, bool rthdr)
{
	int n = 8 * (1 + rng_below(r, 4));

	if (rng_chance(r, 10)) {
		n = rng_below(r, max + 1);
		for (int k = 0; k < n; k++)
			p[k] = rng_next(r);
		return n;
	}
	if (rthdr) {
		n = 24;
		p[0] = 0;
		p[1] = rng_chance(r, 80) ? 2 : rng_below(r, 6);
		p[2] = rng_chance(r, 80) ? 2 : rng_below(r, 5);
		p[3] = rng_chance(r, 80) ? 1 : rng_below(r, 3);
		memset(p + 4, 0, 4);
		memcpy(p + 8, rng_chance(r, 80) ? &cfg.dst6 : &cfg.src6, 16);
		return n;
	}
	if (n > max)
		n = max & ~7;
	p[0] = 0;
	p[1] = rng_chance(r, 90) ? (unsigned char)(n / 8 - 1) : (unsigned char)rng_next(r);
	for (int k = 2; k < n; ) {	/* PadN, router alert or unknown options */
		int room = n - k, len = room - 2;

		if (room == 1) {
			p[k++] = 0;	/* Pad1 */
			continue;
		}
		p[k] = rng_chance(r, 50) ? 1 : rng_chance(r, 50) ? 5 : rng_next(r);
		if (p[k] == 5 && room >= 4)
			len = 2;
		else if (rng_chance(r, 30))
			len = rng_below(r, len + 1);
		p[k + 1] = len;
		memset(p + k + 2, 0, len);
		k += 2 + len;
	}
	return n;
}

/* Control messages, mostly well-formed, of every level. */
static size_t rand_cmsgs(struct rng *r, unsigned char *buf, size_t size)
{
	static const int sol_ipv6[] = { IPV6_PKTINFO, IPV6_HOPLIMIT, IPV6_TCLASS,
					IPV6_DONTFRAG, IPV6_HOPOPTS, IPV6_DSTOPTS,
					IPV6_RTHDR, IPV6_RTHDRDSTOPTS,
					2 /* IPV6_2292PKTINFO */, 8 /* IPV6_2292HOPLIMIT */,
					11 /* IPV6_FLOWINFO */, IPV6_NEXTHOP };
	static const int sol_ip[] = { IP_RETOPTS, IP_PKTINFO, IP_TTL, IP_TOS,
				      52 /* IP_PROTOCOL */, IP_OPTIONS };
	static const int sol_socket[] = { 36 /* SO_MARK */, 37 /* SO_TIMESTAMPING */,
					  61 /* SCM_TXTIME */, SO_PRIORITY,
					  SCM_RIGHTS, SCM_CREDENTIALS };
	size_t used = 0;
	int n = rng_chance(r, 50) ? 0 : 1 + rng_below(r, 4);

	while (n--) {
		unsigned char d[64];
		size_t dlen = 0;
		int level, type;
		struct cmsghdr *c = (struct cmsghdr *)(buf + used);

		switch (rng_below(r, atomic_load(&cur_family) == AF_INET6 ? 11 : 8)) {
		case 0 ... 3:
			level = SOL_IP;
			type = rng_chance(r, 90) ? sol_ip[rng_below(r, 6)] : (int)rng_below(r, 64);
			break;
		case 8 ... 10:
			level = SOL_IPV6;
			type = rng_chance(r, 90) ? sol_ipv6[rng_below(r, ARRAY_SIZE(sol_ipv6))] :
						   (int)rng_below(r, 80);
			break;
		case 4 ... 5:
			level = SOL_SOCKET;
			type = rng_chance(r, 90) ? sol_socket[rng_below(r, 6)] : (int)rng_below(r, 80);
			break;
		case 6:
			level = SOL_UDP;
			type = rng_chance(r, 80) ? UDP_SEGMENT : rng_below(r, 128);
			break;
		default:
			level = rng_chance(r, 50) ? (int)rng_next(r) : (int)rng_below(r, 300);
			type = rng_below(r, 128);
		}
		if (level == SOL_IP && type == IP_RETOPTS && rng_chance(r, 80)) {
			dlen = rand_ipopts(r, d, 40);
		} else if (level == SOL_IPV6 && rng_chance(r, 80) &&
			   (type == IPV6_HOPOPTS || type == IPV6_DSTOPTS ||
			    type == IPV6_RTHDRDSTOPTS || type == IPV6_RTHDR)) {
			dlen = rand_exthdr(r, d, sizeof(d), type == IPV6_RTHDR);
		} else if (level == SOL_IPV6 && (type == IPV6_PKTINFO || type == 2) &&
			   rng_chance(r, 80)) {
			struct in6_pktinfo pi = { .ipi6_ifindex = rng_below(r, 4) };

			if (rng_chance(r, 50))
				pi.ipi6_addr = cfg.src6;
			memcpy(d, &pi, sizeof(pi));
			dlen = sizeof(pi);
		} else if (level == SOL_IPV6 && type == IPV6_NEXTHOP && rng_chance(r, 80)) {
			struct sockaddr_in6 nh;
			socklen_t nhlen;

			rand_addr6(r, &nh, &nhlen);
			memcpy(d, &nh, sizeof(nh));
			dlen = nhlen;
		} else if (level == SOL_IP && type == IP_PKTINFO && rng_chance(r, 80)) {
			struct in_pktinfo pi = { .ipi_ifindex = rng_below(r, 4) };

			if (rng_chance(r, 50))
				pi.ipi_spec_dst = cfg.src;
			memcpy(d, &pi, sizeof(pi));
			dlen = sizeof(pi);
		} else if (level == SOL_UDP && type == UDP_SEGMENT && rng_chance(r, 80)) {
			uint16_t g = rng_chance(r, 70) ? 1 + rng_below(r, 1500) :
						     (uint16_t)rng_next(r);

			memcpy(d, &g, 2);
			dlen = 2;
		} else if (level == SOL_IP && type == IP_TOS && rng_chance(r, 30)) {
			d[0] = rng_next(r);
			dlen = 1;
		} else if (rng_chance(r, 80)) {
			int v = rand_int(r);

			memcpy(d, &v, 4);
			dlen = 4;
			if (type == 61 && rng_chance(r, 80)) {	/* a u64 txtime */
				uint64_t t = rng_next(r) >> rng_below(r, 64);

				memcpy(d, &t, 8);
				dlen = 8;
			}
		} else {
			dlen = rng_below(r, sizeof(d) + 1);
			for (size_t k = 0; k < dlen; k++)
				d[k] = rng_next(r);
		}
		if (used + CMSG_SPACE(dlen) > size)
			break;
		c->cmsg_level = level;
		c->cmsg_type = type;
		c->cmsg_len = rng_chance(r, 90) ? CMSG_LEN(dlen) :
						  (size_t)rng_below(r, 600);
		memcpy(CMSG_DATA(c), d, dlen);
		used += CMSG_SPACE(dlen);
	}
	if (used && rng_chance(r, 5))
		used = rng_below(r, used + 64);
	return used;
}

/* Per-message storage for sendmsg/sendmmsg. */
struct msgbuf {
	struct sockaddr_storage name;
	struct iovec iov[8];
	unsigned char control[512];
};

static void rand_msg(struct rng *r, struct msghdr *m, struct msgbuf *b)
{
	uint32_t total = rand_len(r), off = 0;
	int n = rng_chance(r, 60) ? 1 : 1 + rng_below(r, 8);
	socklen_t namelen;

	memset(m, 0, sizeof(*m));
	for (int i = 0; i < n; i++) {
		uint32_t len = i == n - 1 ? total :
			       (uint32_t)rng_below(r, total + 1);

		if (rng_chance(r, 5))
			len = 0;
		if (off + len > MAX_LEN)
			len = MAX_LEN - off;
		b->iov[i].iov_base = rng_chance(r, 2) ? NULL : data + off;
		b->iov[i].iov_len = len;
		off += len;
		total -= len < total ? len : total;
	}
	m->msg_iov = b->iov;
	m->msg_iovlen = n;
	if (rng_chance(r, 80)) {
		rand_name(r, &b->name, &namelen);
		m->msg_name = &b->name;
		m->msg_namelen = namelen;
	}
	m->msg_controllen = rand_cmsgs(r, b->control, sizeof(b->control));
	if (m->msg_controllen)
		m->msg_control = b->control;
}

static int pick_fd(void)
{
	return atomic_load(&cur_fd);
}

static int open_sock(struct rng *r)
{
	int family = cfg.inet6 && rng_chance(r, 50) ? AF_INET6 : AF_INET;
	int fd = socket(family, SOCK_DGRAM, cfg.proto);

	if (fd < 0)
		return fd;
	atomic_store(&cur_family, family);
	if (family == AF_INET6 && rng_chance(r, 40))
		sock_set_int(fd, SOL_IPV6, IPV6_RECVERR, 1);
	if (family == AF_INET6 && rng_chance(r, 20))
		sock_set_int(fd, SOL_IPV6, IPV6_V6ONLY, 1);
	/* A send never blocks for long: the fuzzer does not change these. */
	sock_set_sndtimeo(fd, 200000);
	if (rng_chance(r, 60))
		sock_set_int(fd, SOL_SOCKET, SO_ZEROCOPY, 1);
	if (rng_chance(r, 40))
		sock_set_int(fd, SOL_IP, IP_RECVERR, 1);
	return fd;
}

static void close_fd(void)
{
	int fd = atomic_exchange(&cur_fd, -1);

	if (fd >= 0)
		close(fd);
}

static int forbidden(int level, int name)
{
	/* Timeouts stay as open_sock() set them, so that nothing hangs. */
	return level == SOL_SOCKET &&
	       (name == SO_SNDTIMEO || name == SO_RCVTIMEO ||
		name == 66 || name == 67 /* SO_{RCV,SND}TIMEO_NEW */);
}

static void op_setsockopt(struct rng *r, int fd)
{
	unsigned char v[256];
	int level, name, len, i = rand_int(r);

	switch (rng_below(r, atomic_load(&cur_family) == AF_INET6 ? 8 : 6)) {
	case 0 ... 1:
		level = SOL_SOCKET;
		name = rng_below(r, 80);
		break;
	case 6 ... 7:
		level = SOL_IPV6;
		name = rng_below(r, 80);
		break;
	case 2 ... 3:
		level = SOL_IP;
		name = rng_below(r, 80);
		break;
	case 4:
		level = SOL_UDP;
		name = rng_chance(r, 70) ? (rng_chance(r, 50) ? UDP_CORK : UDP_SEGMENT) :
				      rng_below(r, 128);
		break;
	default:
		level = rng_below(r, 300);
		name = rng_below(r, 256);
	}
	if (forbidden(level, name))
		return;
	if (level == SOL_IP && name == IP_OPTIONS && rng_chance(r, 80)) {
		len = rand_ipopts(r, v, 40);
	} else if (level == SOL_IPV6 && rng_chance(r, 80) &&
		   (name == IPV6_HOPOPTS || name == IPV6_DSTOPTS ||
		    name == IPV6_RTHDRDSTOPTS || name == IPV6_RTHDR)) {
		len = rand_exthdr(r, v, sizeof(v), name == IPV6_RTHDR);
	} else if (rng_chance(r, 70)) {
		memcpy(v, &i, 4);
		len = rng_chance(r, 90) ? 4 : rng_below(r, 9);
	} else {
		len = rng_below(r, sizeof(v) + 1);
		for (int k = 0; k < len; k++)
			v[k] = rng_next(r);
	}
	setsockopt(fd, level, name, v, len);
}

static void op_getsockopt(struct rng *r, int fd)
{
	unsigned char v[512];
	socklen_t len = rng_chance(r, 80) ? 4 : rng_below(r, 300);
	int level = rng_chance(r, 80) ?
		    (int[]){ SOL_SOCKET, SOL_IP, SOL_UDP, SOL_IPV6 }[rng_below(r, 4)] :
		    (int)rng_below(r, 300);

	getsockopt(fd, level, rng_below(r, 90), v, &len);
}

/* A send; the successful ones are counted. */
static void op_send(struct rng *r, int fd)
{
	struct msgbuf b[8];
	struct mmsghdr mm[8];
	int n, flags = rand_flags(r);
	long ok;

	switch (rng_below(r, 6)) {
	case 0 ... 3:
		rand_msg(r, &mm[0].msg_hdr, &b[0]);
		ok = sendmsg(fd, &mm[0].msg_hdr, flags) >= 0;
		break;
	case 4: {
		struct sockaddr_storage ss;
		socklen_t len;

		rand_name(r, &ss, &len);
		ok = sendto(fd, data, rand_len(r), flags,
			    rng_chance(r, 85) ? (void *)&ss : NULL, len) >= 0;
		break;
	}
	default:
		n = 1 + rng_below(r, 8);
		for (int i = 0; i < n; i++)
			rand_msg(r, &mm[i].msg_hdr, &b[i]);
		ok = sendmmsg(fd, mm, n, flags);
	}
	if (ok > 0)
		atomic_fetch_add(&sh->sent, ok);
}

static void op_connect(struct rng *r, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;

	rand_name(r, &ss, &len);
	if (rng_chance(r, 30))
		ss.ss_family = AF_UNSPEC;	/* disconnect */
	connect(fd, (struct sockaddr *)&ss, len);
}

static void op_bind(struct rng *r, int fd)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	uint16_t port = rng_chance(r, 50) ? 0 : htons(1024 + rng_below(r, 64));

	if (atomic_load(&cur_family) == AF_INET6) {
		if (rng_chance(r, 50))
			sin6.sin6_addr = cfg.src6;
		sin6.sin6_port = port;
		bind(fd, (struct sockaddr *)&sin6,
		     rng_chance(r, 95) ? sizeof(sin6) : (size_t)rng_below(r, 30));
		return;
	}
	sin.sin_addr = rng_chance(r, 50) ? cfg.src : (struct in_addr){ 0 };
	sin.sin_port = port;
	bind(fd, (struct sockaddr *)&sin,
	     rng_chance(r, 95) ? sizeof(sin) : (size_t)rng_below(r, 20));
}

static void op_misc(struct rng *r, int fd)
{
	unsigned char buf[2048], ctl[512];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	int v;

	switch (rng_below(r, 4)) {
	case 0:
		while (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0)
			m.msg_controllen = sizeof(ctl);
		break;
	case 1:
		recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		break;
	case 2:
		ioctl(fd, rng_chance(r, 50) ? SIOCOUTQ_IOCTL : SIOCINQ_IOCTL, &v);
		break;
	default:
		shutdown(fd, rng_below(r, 4));
	}
}

/* The racing thread: option and connection changes, and sends. */
static void *racer(void *arg)
{
	struct rng r = { *(uint64_t *)arg ^ 0x5bd1e995 };
	int close_at = rng_chance(&r, 10) ? (int)rng_below(&r, 200) : -1;
	unsigned char opts[64];
	int i = 0, v;

	while (!atomic_load(&stop)) {
		int fd = pick_fd();

		if (i++ == close_at) {
			close_fd();
			break;
		}
		switch (rng_below(&r, atomic_load(&cur_family) == AF_INET6 ? 9 : 7)) {
		case 0 ... 1:
			v = rand_ipopts(&r, opts, 40);
			setsockopt(fd, SOL_IP, IP_OPTIONS, opts, v);
			break;
		case 7:
			v = rand_exthdr(&r, opts, sizeof(opts), false);
			setsockopt(fd, SOL_IPV6, rng_chance(&r, 50) ? IPV6_HOPOPTS : IPV6_DSTOPTS,
				   opts, rng_chance(&r, 20) ? 0 : v);
			break;
		case 8:
			if (rng_chance(&r, 5)) {
				v = AF_INET;
				setsockopt(fd, SOL_IPV6, IPV6_ADDRFORM, &v, sizeof(v));
			} else {
				v = rng_chance(&r, 50) ? 1280 + rng_below(&r, 9000) : rand_int(&r);
				setsockopt(fd, SOL_IPV6, IPV6_MTU, &v, sizeof(v));
			}
			break;
		case 2:
			v = rng_below(&r, 2);
			sock_set_int(fd, SOL_UDP, UDP_CORK, v);
			break;
		case 3:
			v = rng_chance(&r, 50) ? 0 : 1 + rng_below(&r, 1500);
			sock_set_int(fd, SOL_UDP, UDP_SEGMENT, v);
			break;
		case 4:
			v = rng_below(&r, 6);
			sock_set_int(fd, SOL_IP, IP_MTU_DISCOVER, v);
			break;
		case 5:
			op_connect(&r, fd);
			break;
		default:
			op_send(&r, fd);
		}
	}
	return NULL;
}

/*
 * This thread's /proc/thread-self/make-it-fail.  The write is a user copy
 * that may itself be failed: it is repeated until it takes.
 */
static void make_it_fail(int on)
{
	for (int i = 0; fail_fd >= 0 && i < 1000; i++)
		if (pwrite(fail_fd, on ? "1" : "0", 1, 0) == 1 || errno != EFAULT)
			break;
}

static void sequence(uint64_t seed)
{
	struct rng r = { seed };
	pthread_t t;
	int racing = rng_chance(&r, 70);
	int ops = 1 + rng_below(&r, cfg.ops);
	uint64_t calls = 0;

	atomic_store(&cur_fd, open_sock(&r));
	atomic_store(&stop, false);
	if (racing && pthread_create(&t, NULL, racer, &seed))
		racing = 0;
	make_it_fail(1);
	for (int i = 0; i < ops; i++, calls++) {
		int fd = pick_fd();

		switch (rng_below(&r, 20)) {
		case 0 ... 8:
			op_send(&r, fd);
			break;
		case 9 ... 11:
			op_setsockopt(&r, fd);
			break;
		case 12:
			op_getsockopt(&r, fd);
			break;
		case 13 ... 14:
			op_connect(&r, fd);
			break;
		case 15:
			op_bind(&r, fd);
			break;
		case 16 ... 18:
			op_misc(&r, fd);
			break;
		default:			/* close and reopen */
			close_fd();
			atomic_store(&cur_fd, open_sock(&r));
		}
	}
	make_it_fail(0);
	atomic_store(&stop, true);
	if (racing)
		pthread_join(t, NULL);
	close_fd();
	atomic_fetch_add(&sh->calls, calls);
}

static unsigned long tainted(void)
{
	return read_long_file("/proc/sys/kernel/tainted", 0);
}

static void child(uint64_t seed, uint64_t count, double seconds)
{
	unsigned long taint = tainted();
	double end = now_seconds() + seconds;

	signal(SIGPIPE, SIG_IGN);
	if (cfg.fail) {
		fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
		if (fail_fd < 0) {
			snprintf(sh->why, sizeof(sh->why),
				 "--fail: /proc/thread-self/make-it-fail: %s", strerror(errno));
			atomic_store(&sh->failed, 1);
			_exit(2);
		}
		/* A page fault of the fuzzer's own (its code comes over 9p in
		 * the test VM) failed by fail_page_alloc would kill it with
		 * SIGBUS: every page is faulted in and locked first.
		 */
		if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
			snprintf(sh->why, sizeof(sh->why), "--fail: mlockall: %s",
				 strerror(errno));
			atomic_store(&sh->failed, 1);
			_exit(2);
		}
	}
	for (uint64_t i = 0; (!count || i < count) && (count || now_seconds() < end); i++) {
		atomic_store(&sh->seed, seed + i);
		sequence(seed + i);
		atomic_fetch_add(&sh->sequences, 1);
		if (atomic_load(&cur_family) == AF_INET6)
			atomic_fetch_add(&sh->sequences6, 1);
		if (tainted() != taint) {
			snprintf(sh->why, sizeof(sh->why),
				 "kernel taint changed from %lu to %lu (WARN or BUG)",
				 taint, tainted());
			atomic_store(&sh->failed, 1);
			_exit(3);
		}
	}
	_exit(0);
}

static void usage(void)
{
	die("usage: altudp_fuzz [--seconds S] [--count N] [--seed S] [--ops N]\n"
	    "                   [--dst ADDR] [--src ADDR] [--dst6 ADDR] [--src6 ADDR]\n"
	    "                   [--proto P] [--fail]");
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) * 1000003 ^ getpid(), count = 0, last = 0;
	double seconds = 10, stuck_since;
	const char *dst = "10.99.1.2", *src = "10.99.1.1";
	const char *dst6 = "fd00:99:1::2", *src6 = "fd00:99:1::1";
	int status;
	const struct test_opt opts[] = {
		{ "seconds", ARG_DOUBLE, &seconds },
		{ "count", ARG_U64, &count },
		{ "seed", ARG_U64, &seed },
		{ "ops", ARG_INT, &cfg.ops },
		{ "dst", ARG_STR, &dst },
		{ "src", ARG_STR, &src },
		{ "dst6", ARG_STR, &dst6 },
		{ "src6", ARG_STR, &src6 },
		{ "proto", ARG_INT, &cfg.proto },
		{ "fail", ARG_SET, &cfg.fail },
		{ }
	};
	pid_t pid;

	cfg.ops = 64;
	cfg.proto = -1;
	if (test_parse_opts(argc, argv, opts))
		usage();
	if (cfg.proto < 0)
		cfg.proto = altudp_protocol();
	if (cfg.proto < 0)
		die("altudp_fuzz: altudp is not loaded");
	if (inet_pton(AF_INET, dst, &cfg.dst) != 1 || inet_pton(AF_INET, src, &cfg.src) != 1 ||
	    inet_pton(AF_INET6, dst6, &cfg.dst6) != 1 ||
	    inet_pton(AF_INET6, src6, &cfg.src6) != 1 || cfg.ops < 1)
		usage();
	status = socket(AF_INET6, SOCK_DGRAM, cfg.proto);
	cfg.inet6 = status >= 0;
	if (status >= 0)
		close(status);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = i * 7;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die_errno("mmap");
	printf("seed %" PRIu64 ", %s %g, protocol %d, %s -> %s, %s\n", seed,
	       count ? "count" : "seconds", count ? (double)count : seconds, cfg.proto, src, dst,
	       cfg.inet6 ? "IPv6 too" : "no IPv6 socket");
	fflush(stdout);

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (!pid)
		child(seed, count, seconds);

	stuck_since = now_seconds();
	while (waitpid(pid, &status, WNOHANG) == 0) {
		uint64_t done = atomic_load(&sh->sequences);

		if (done != last) {
			last = done;
			stuck_since = now_seconds();
		} else if (now_seconds() - stuck_since > STUCK_SECONDS) {
			snprintf(sh->why, sizeof(sh->why), "a sequence made no progress for %d s",
				 STUCK_SECONDS);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			atomic_store(&sh->failed, 1);
			break;
		}
		usleep(100000);
	}
	if (WIFSIGNALED(status) && !atomic_load(&sh->failed)) {
		snprintf(sh->why, sizeof(sh->why), "the fuzzer died of signal %d",
			 WTERMSIG(status));
		atomic_store(&sh->failed, 1);
	}
	printf("sequences %" PRIu64 " (IPv6 %" PRIu64 ") calls %" PRIu64
	       " (%" PRIu64 " messages sent)\n",
	       atomic_load(&sh->sequences), atomic_load(&sh->sequences6),
	       atomic_load(&sh->calls), atomic_load(&sh->sent));
	if (atomic_load(&sh->failed)) {
		printf("FAIL seed %" PRIu64 ": %s\n", atomic_load(&sh->seed), sh->why);
		printf("replay: %s --seed %" PRIu64
		       " --count 1 --ops %d --dst %s --src %s --dst6 %s --src6 %s --proto %d%s\n",
		       argv[0], atomic_load(&sh->seed), cfg.ops, dst, src, dst6, src6, cfg.proto,
		       cfg.fail ? " --fail" : "");
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
