// SPDX-License-Identifier: GPL-2.0
/*
 * Random sequences: a seed gives the same sequence everywhere, aimed at
 * the edges (sizes around the MTU, the GSO size, 64 KiB).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <sys/socket.h>

#include "diff.h"

#define PICK(r, a) ((a)[rng_below(r, ARRAY_SIZE(a))])

/* What the generator knows of the socket, to aim sizes at the edges. */
struct gen {
	int mtu, gso, optlen, connected;
};

static int gen_size(struct rng *r, const struct gen *g)
{
	int hdr = 20 + g->optlen, maxpay = g->mtu - hdr - 8;
	int frag = (g->mtu - hdr) & ~7, n = 0;

	switch (rng_below(r, 10)) {
	case 0:
		n = rng_below(r, 65536);
		break;
	case 1:
		n = rng_below(r, 64);
		break;
	case 2:
		n = maxpay + rng_below(r, 5) - 2;
		break;
	case 3:
		n = (1 + rng_below(r, 44)) * frag - 8 + rng_below(r, 5) - 2;
		break;
	case 4:
		if (g->gso)
			n = (1 + rng_below(r, 70)) * g->gso + rng_below(r, 3) - 1;
		else
			n = (1 + rng_below(r, 4)) * maxpay + rng_below(r, 3) - 1;
		break;
	case 5:
		n = 65507 - g->optlen + rng_below(r, 5) - 2;
		break;
	case 6:
		n = rng_below(r, 4000);
		break;
	default:
		n = rng_below(r, 1500);
		break;
	}
	return n < 0 ? 0 : n > 65535 ? 65535 : n;
}

static void gen_cmsg(struct rng *r, struct gen *g, struct op *o)
{
	static const int tos[] = { 0, 0x10, 0x28, 0xb8, 0x03, 0xff, 256, -1 };
	static const int ttl[] = { 1, 2, 64, 255, 0, 256, -1 };
	static const int gso[] = { 0, 8, 500, 1000, 1400, 1472, 1473, 9000,
				   65535 };
	static const int marks[] = { 0, 1, 0x1234, -1 };
	static const int prio[] = { 0, 3, 6, 7, -1 };
	static const int tsf[] = { 0, TS_TX, TS_ID_ONLY, TS_SCHED };
	static const char *const spec[] = { "0.0.0.0", NET "1", NET "2",
					     "127.0.0.1" };
	int ifx[] = { 0, ifindex_a, ifindex_lo, 999 };
	struct cm *c;

	switch (rng_below(r, 12)) {
	case 0:
		c = cmsg_int(o, SOL_IP, IP_TOS, PICK(r, tos));
		if (rng_chance(r, 30))
			c->len = 1 + rng_below(r, 2);
		break;
	case 1:
		c = cmsg_int(o, SOL_IP, IP_TTL, PICK(r, ttl));
		if (rng_chance(r, 20))
			c->len = 1 + rng_below(r, 2);
		break;
	case 2:
		c = cmsg_pktinfo(o, PICK(r, ifx), PICK(r, spec));
		if (rng_chance(r, 10))
			c->len = rng_below(r, 12);
		break;
	case 3:
		cmsg_retopts(o, rng_below(r, ARRAY_SIZE(ipopts)));
		break;
	case 4:
	case 5: {
		int v = rng_chance(r, 50) ? PICK(r, gso) :
			(g->mtu - 28 - g->optlen) - rng_below(r, 3) * 100;

		c = cmsg_u16(o, SOL_UDP, UDP_SEGMENT, v);
		if (rng_chance(r, 10))
			c->len = 4;
		break;
	}
	case 6:
		cmsg_int(o, SOL_SOCKET, SO_MARK, PICK(r, marks));
		break;
	case 7:
		cmsg_int(o, SOL_SOCKET, SO_TIMESTAMPING, PICK(r, tsf));
		break;
	case 8:
		cmsg_int(o, SOL_SOCKET, SO_PRIORITY, PICK(r, prio));
		break;
	case 9:
		cmsg_int(o, SOL_SOCKET, SCM_RIGHTS, 0);
		break;
	case 10:
		cmsg_int(o, rng_chance(r, 50) ? SOL_IP : 1234, 99, 1);
		break;
	default:
		cmsg_int(o, SOL_UDP, rng_chance(r, 50) ? UDP_CORK : 99, 1);
		break;
	}
}

static void gen_send(struct rng *r, struct gen *g, struct op *o)
{
	static const int dw[NDEST] = {
		[D_NONE] = 8, [D_B9] = 25, [D_B9000] = 30, [D_NFDROP] = 3,
		[D_MCAST] = 5, [D_BCAST] = 4, [D_LBCAST] = 2, [D_UNREACH] = 3,
		[D_PROHIBIT] = 2, [D_BLACKHOLE] = 2, [D_OTHER] = 3, [D_SELF] = 2,
	};
	static const struct { int f, p; } fl[] = {
		{ MSG_MORE, 25 }, { MSG_DONTWAIT, 10 }, { MSG_CONFIRM, 5 },
		{ MSG_DONTROUTE, 4 }, { MSG_ZEROCOPY, 15 }, { MSG_PROBE, 3 },
		{ MSG_OOB, 1 },
	};
	int i, w = 0, x;

	o->size = gen_size(r, g);
	for (i = 0; i < ARRAY_SIZE(fl); i++)
		if (rng_chance(r, fl[i].p))
			o->flags |= fl[i].f;
	if (g->connected && rng_chance(r, 60)) {
		o->dest = D_NONE;
	} else {
		for (i = 0; i < NDEST; i++)
			w += dw[i];
		x = rng_below(r, w);
		for (i = 0; x >= dw[i]; i++)
			x -= dw[i];
		o->dest = i;
	}
	if (o->dest != D_NONE && rng_chance(r, 4))
		o->nmode = 1 + rng_below(r, NNM - 1);
	o->niov = rng_chance(r, 70) ? 1 : 2 + rng_below(r, 3);
	if (rng_chance(r, 3))
		o->cbmode = 1 + rng_below(r, NCB - 1);
	x = rng_below(r, 100);
	for (i = x < 60 ? 0 : x < 85 ? 1 : x < 95 ? 2 : 3; i > 0; i--)
		gen_cmsg(r, g, o);
	o->off = rng_below(r, 65536);
}

static void gen_setopt(struct rng *r, struct gen *g, struct seq *s)
{
	static const int tos[] = { 0, 0x10, 0x28, 0xb8, 0x03, 0xff, -1, 256 };
	static const int ttl[] = { 1, 2, 64, 255, 0, -1, 256 };
	static const int gso[] = { 0, 8, 100, 500, 1000, 1200, 1472, 1473,
				   9000, 65535, -1, 65536 };
	static const int marks[] = { 0, 1, 0x1234, -1 };
	static const int prio[] = { 0, 3, 6, 7, 15, -1 };
	static const int mttl[] = { 0, 1, 64, 255, -1, 256 };
	static const int sndbuf[] = { 0, 1, 2048, 4608, 16384, 65536, 212992,
				      1 << 22, -1 };
	static const int tsf[] = { 0, TS_TX, TS_ID_ONLY, TS_SCHED, 1 << 30 };
	static const char *const maddr[] = { "0.0.0.0", NET "1", NET "2" };
	int ifx[] = { 0, ifindex_a, ifindex_lo, 999 };
	struct op *o;
	int v;

	switch (rng_below(r, 20)) {
	case 0:
	case 1:
		o = setopt(s, SOL_UDP, UDP_CORK, rng_chance(r, 90) ? rng_below(r, 2) : 2);
		break;
	case 2:
	case 3:
		v = rng_chance(r, 60) ? PICK(r, gso) :
			(g->mtu - 28 - g->optlen) - rng_below(r, 3) * 100 + rng_below(r, 2);
		o = setopt(s, SOL_UDP, UDP_SEGMENT, v);
		g->gso = v > 0 && v < 65536 ? v : g->gso;
		break;
	case 4:
		o = setopt(s, SOL_IP, IP_TOS, PICK(r, tos));
		break;
	case 5:
		o = setopt(s, SOL_IP, IP_TTL, PICK(r, ttl));
		break;
	case 6:
		v = rng_below(r, ARRAY_SIZE(ipopts));
		o = setopt_ipopts(s, v);
		if (v <= OPT_ODD)
			g->optlen = (ipopts[v].len + 3) & ~3;
		break;
	case 7:
		o = setopt(s, SOL_IP, IP_MTU_DISCOVER, rng_below(r, 8) - 1);
		break;
	case 8:
		o = setopt(s, SOL_SOCKET, SO_NO_CHECK, rng_below(r, 2));
		break;
	case 9:
		o = setopt(s, SOL_SOCKET, SO_MARK, PICK(r, marks));
		break;
	case 10:
		o = setopt(s, SOL_SOCKET, SO_PRIORITY, PICK(r, prio));
		break;
	case 11:
		o = setopt(s, SOL_SOCKET, SO_BROADCAST, rng_below(r, 2));
		break;
	case 12:
		o = setopt(s, SOL_IP, IP_MULTICAST_TTL, PICK(r, mttl));
		break;
	case 13:
		v = rng_below(r, 3);
		o = setopt_mcast_if(s, PICK(r, ifx), PICK(r, maddr),
				    v == 0 ? 4 : v == 1 ? 8 : 12);
		break;
	case 14:
		o = setopt(s, SOL_IP, IP_MULTICAST_LOOP, rng_below(r, 2));
		break;
	case 15:
		o = setopt(s, SOL_SOCKET, SO_SNDBUF, PICK(r, sndbuf));
		break;
	case 16:
		o = setopt(s, SOL_IP, IP_RECVERR, rng_chance(r, 80));
		break;
	case 17:
		o = setopt(s, SOL_SOCKET, SO_ZEROCOPY, rng_chance(r, 80));
		break;
	case 18:
		o = setopt(s, SOL_SOCKET, SO_TIMESTAMPING, PICK(r, tsf));
		break;
	default:
		o = setopt(s, SOL_IP, IP_PKTINFO, rng_below(r, 2));
		break;
	}
	/* Short option lengths: many options take a byte, some refuse. */
	if (o->level != SOL_IP || o->name != IP_OPTIONS)
		if (o->level != SOL_IP || o->name != IP_MULTICAST_IF)
			if (rng_chance(r, 8))
				o->optlen = rng_below(r, 4);
}

void gen_seq(uint64_t seed, struct seq *s)
{
	static const int mtus[] = { 1500, 1500, 1280, 1000, 576, 68, 9000,
				    65535, 1499, 1501, 1400 };
	static const struct { int level, name, len; } gets[] = {
		{ SOL_IP, IP_TOS, 4 }, { SOL_IP, IP_TTL, 4 },
		{ SOL_IP, IP_MTU, 4 }, { SOL_SOCKET, SO_SNDBUF, 4 },
		{ SOL_UDP, UDP_CORK, 4 }, { SOL_UDP, UDP_SEGMENT, 4 },
		{ SOL_SOCKET, SO_ERROR, 4 }, { SOL_IP, IP_OPTIONS, 40 },
		{ SOL_SOCKET, SO_PROTOCOL, 4 }, { SOL_IP, IP_MTU_DISCOVER, 4 },
		{ SOL_IP, IP_TOS, 1 },
	};
	struct rng r = { seed };
	struct gen g = { 1500, 0, 0, 0 };
	struct op *o;
	int n, x, i;

	s->nops = 0;
	for (i = 0; i < 3; i++)
		rng_next(&r);
	n = 1 + rng_below(&r, 24);
	while (s->nops < n) {
		x = rng_below(&r, 100);
		if (x < 55) {
			gen_send(&r, &g, add(s, K_SEND));
		} else if (x < 75) {
			gen_setopt(&r, &g, s);
		} else if (x < 78) {
			i = rng_below(&r, ARRAY_SIZE(gets));
			getopt_(s, gets[i].level, gets[i].name, gets[i].len);
		} else if (x < 83) {
			if (g.connected && rng_chance(&r, 40)) {
				add(s, K_DISCONNECT);
				g.connected = 0;
			} else {
				o = connect_(s, 1 + rng_below(&r, NDEST - 1));
				if (rng_chance(&r, 5))
					o->nmode = 1 + rng_below(&r, NNM - 1);
				g.connected = 1;
			}
		} else if (x < 88) {
			o = splice_(s, rng_chance(&r, 80) ? rng_below(&r, 4000) :
				    gen_size(&r, &g), 0);
			o->flags = rng_chance(&r, 30) ? SPLICE_F_MORE : 0;
			o->off = rng_below(&r, 65536);
		} else if (x < 92) {
			o = mtu(s, PICK(&r, mtus));
			g.mtu = o->arg;
		} else if (x < 98) {
			feature(s, rng_below(&r, NFEAT), rng_below(&r, 2));
		} else {
			add(s, K_REOPEN);
			g = (struct gen){ g.mtu, 0, 0, 0 };
		}
	}
}

/*
 * Route-change sequences: an unconnected socket sends to a few
 * destinations, often to one many times in a row, while routes, rules,
 * addresses, the device MTU, the socket's mark, tos and options change
 * between sends.  An altudp socket that kept a route the kernel would no
 * longer pick differs in the frames, their source, or the error.
 */
void gen_route_seq(uint64_t seed, struct seq *s)
{
	static const int mtus[] = { 1500, 1280, 1000, 9000 };
	static const int sizes[] = { 0, 64, 1000, 1200, 1472, 3000 };
	static const int dests_[] = { D_B9000, D_B9000, D_B9000, D_B9,
				      D_OTHER };
	static const int marks[] = { 0, 1 };
	static const int tos[] = { 0, 0x10 };
	struct rng r = { seed ^ 0x726f757465ull };
	struct gen g = { 1500, 0, 0, 0 };
	struct op *o;
	int n, x, i, last = D_B9000;

	s->nops = 0;
	for (i = 0; i < 3; i++)
		rng_next(&r);
	n = 12 + rng_below(&r, MAXOPS - 12);
	while (s->nops < n) {
		x = rng_below(&r, 100);
		if (x < 50) {
			/* the same destination again, mostly */
			if (rng_chance(&r, 25))
				last = PICK(&r, dests_);
			o = send_(s, PICK(&r, sizes), 0, last);
			if (rng_chance(&r, 10))
				o->flags |= MSG_DONTROUTE;
		} else if (x < 60) {
			gen_send(&r, &g, add(s, K_SEND));
			if (s->ops[s->nops - 1].dest == D_NONE)
				s->ops[s->nops - 1].dest = last;
		} else if (x < 80) {
			add(s, K_NET)->arg = rng_below(&r, NNET);
		} else if (x < 86) {
			setopt(s, SOL_SOCKET, SO_MARK, PICK(&r, marks));
		} else if (x < 91) {
			setopt(s, SOL_IP, IP_TOS, PICK(&r, tos));
		} else if (x < 95) {
			setopt(s, SOL_IP, IP_RECVERR, rng_chance(&r, 70));
		} else if (x < 98) {
			o = mtu(s, PICK(&r, mtus));
			g.mtu = o->arg;
		} else {
			setopt(s, SOL_IP, IP_MTU_DISCOVER, rng_below(&r, 4));
		}
	}
}
