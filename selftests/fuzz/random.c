// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzer's random arguments: lengths, integers, IP options, IPv6
 * extension headers, destinations, flags, control messages, and whole
 * messages (altudp_fuzz.c says what the fuzzer does).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <string.h>

#include "fuzz.h"

uint32_t rand_len(struct rng *r)
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

int rand_int(struct rng *r)
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
int rand_ipopts(struct rng *r, unsigned char *p, int max)
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
void rand_name(struct rng *r, struct sockaddr_storage *ss, socklen_t *len)
{
	/* a length past the family's sockaddr reads zeroes, not the stack */
	memset(ss, 0, sizeof(*ss));
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

int rand_flags(struct rng *r)
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
int rand_exthdr(struct rng *r, unsigned char *p, int max, bool rthdr)
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

void rand_msg(struct rng *r, struct msghdr *m, struct msgbuf *b)
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
