// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's calls on the socket: opening it, sends, socket options,
 * connect, bind, reads and ioctls, and the thread that races them.
 */
#define _GNU_SOURCE
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fuzz.h"

#define SIOCOUTQ_IOCTL	0x5411
#define SIOCINQ_IOCTL	0x541b

int pick_fd(void)
{
	return atomic_load(&cur_fd);
}

int open_sock(struct rng *r)
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

void close_fd(void)
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

void op_setsockopt(struct rng *r, int fd)
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

void op_getsockopt(struct rng *r, int fd)
{
	unsigned char v[512];
	socklen_t len = rng_chance(r, 80) ? 4 : rng_below(r, 300);
	int level = rng_chance(r, 80) ?
		    (int[]){ SOL_SOCKET, SOL_IP, SOL_UDP, SOL_IPV6 }[rng_below(r, 4)] :
		    (int)rng_below(r, 300);

	getsockopt(fd, level, rng_below(r, 90), v, &len);
}

/* A send; the successful ones are counted. */
void op_send(struct rng *r, int fd)
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

void op_connect(struct rng *r, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len;

	rand_name(r, &ss, &len);
	if (rng_chance(r, 30))
		ss.ss_family = AF_UNSPEC;	/* disconnect */
	connect(fd, (struct sockaddr *)&ss, len);
}

void op_bind(struct rng *r, int fd)
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

void op_misc(struct rng *r, int fd)
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
void *racer(void *arg)
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
