// SPDX-License-Identifier: GPL-2.0
/*
 * Random sequences: a seed gives the same sequence everywhere, aimed at
 * the edges (sizes around the MTU, the GSO size, 64 KiB).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <string.h>
#include <sys/socket.h>

#include "diff.h"

#define PICK(r, a) ((a)[rng_below(r, ARRAY_SIZE(a))])

int ipv6_dests;

/*
 * The kinds of sequence: IPv4 destinations (the only kind without
 * ipv6_dests), and with it v4-mapped ones, IPv6 ones or both, all among
 * the IPv6 options and cmsgs too.
 */
enum { G_V4, G_MAPPED, G_MIXED, G_V6 };

/*
 * IPv6 flow information of a destination or IPV6_FLOWINFO cmsg: the label
 * that setopt_flowlabel() gets (the others are nobody's: EINVAL with
 * IPV6_FLOWINFO_SEND), a traffic class.
 */
static const uint32_t flowinfo[] = { FLOWLABEL, 0x0b800000, 0x0b812345,
				     0x54321 };

/* What the generator knows of the socket, to aim sizes at the edges. */
struct gen {
	int mtu, gso, optlen, connected;
	int kind;
	int exthdr[4];		/* the sticky extension headers' lengths */
	int frag6;		/* IPV6_MTU */
	int cur6;		/* the send being made is an IPv6 one */
	int conn6;		/* connected to an IPv6 destination */
};

/* The IP header, with options or extension headers. */
static int ip_hdr(const struct gen *g)
{
	if (!g->cur6)
		return 20 + g->optlen;
	return 40 + g->exthdr[0] + g->exthdr[1] + g->exthdr[2] + g->exthdr[3];
}

/* The path MTU of the send: IPV6_MTU may lower it for IPv6. */
static int path_mtu(const struct gen *g)
{
	return g->cur6 && g->frag6 >= 1280 && g->frag6 < g->mtu ? g->frag6 :
	       g->mtu;
}

/* The UDP payload that fits the MTU unfragmented. */
static int udp_room(const struct gen *g)
{
	return path_mtu(g) - ip_hdr(g) - 8;
}

static int gen_size(struct rng *r, const struct gen *g)
{
	int hdr = ip_hdr(g), maxpay = udp_room(g);
	/* an IPv6 fragment carries a fragment header too */
	int frag = (path_mtu(g) - hdr - (g->cur6 ? 8 : 0)) & ~7, n = 0;
	int maxdg = g->cur6 ? 65535 - (hdr - 40) - 8 : 65507 - g->optlen;

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
		n = maxdg + rng_below(r, 5) - 2;
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
	static const int tclass[] = { 0, 0x10, 0xb8, 0x03, 0xff, 256, -1 };
	static const int hops[] = { 1, 2, 64, 255, 0, 256, -1 };
	static const char *const spec6[] = { "::", NET6 "1", NET6 "2", "::1",
					      "fe80::1", "::ffff:" NET "1" };
	static const int ehtype[] = { IPV6_HOPOPTS, IPV6_DSTOPTS,
				      IPV6_RTHDRDSTOPTS, IPV6_RTHDR };
	int ifx[] = { 0, ifindex_a, ifindex_lo, 999 };
	struct cm *c;
	int v;

	switch (rng_below(r, g->kind ? 19 : 12)) {
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
		v = rng_chance(r, 50) ? PICK(r, gso) :
			udp_room(g) - rng_below(r, 3) * 100;
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
	case 11:
		cmsg_int(o, SOL_UDP, rng_chance(r, 50) ? UDP_CORK : 99, 1);
		break;
	case 12:
		c = cmsg_int(o, SOL_IPV6, IPV6_TCLASS, PICK(r, tclass));
		if (rng_chance(r, 20))
			c->len = 1 + rng_below(r, 2);
		break;
	case 13:
		c = cmsg_int(o, SOL_IPV6, IPV6_HOPLIMIT, PICK(r, hops));
		if (rng_chance(r, 20))
			c->len = 1 + rng_below(r, 2);
		break;
	case 14:
		cmsg_int(o, SOL_IPV6, IPV6_DONTFRAG, rng_below(r, 3) - 1);
		break;
	case 15:
		c = cmsg_pktinfo6(o, PICK(r, ifx), PICK(r, spec6));
		if (rng_chance(r, 10))
			c->len = rng_below(r, 20);
		break;
	case 16:
		v = rng_below(r, NEXTHDRS);
		cmsg_raw(o, SOL_IPV6, PICK(r, ehtype), exthdrs[v].b,
			 exthdrs[v].len);
		break;
	case 17:
		cmsg_int(o, SOL_IPV6, IPV6_FLOWINFO, htonl(PICK(r, flowinfo)));
		break;
	default:
		/* RFC 2292's IPV6_PKTINFO, or a type there is not */
		if (rng_chance(r, 50))
			cmsg_pktinfo6(o, PICK(r, ifx), PICK(r, spec6))->type = 2;
		else
			cmsg_int(o, SOL_IPV6, 99, 1);
		break;
	}
}

/*
 * The weight of destination d in a sequence of g's kind: IPv4 (v4-mapped)
 * destinations or IPv6 ones or both; sending without one is as likely in
 * every kind.
 */
static int dest_weight(const struct gen *g, int d)
{
	static const int dw[NDEST] = {
		[D_NONE] = 8, [D_B9] = 25, [D_B9000] = 30, [D_NFDROP] = 3,
		[D_MCAST] = 5, [D_BCAST] = 4, [D_LBCAST] = 2, [D_UNREACH] = 3,
		[D_PROHIBIT] = 2, [D_BLACKHOLE] = 2, [D_OTHER] = 3, [D_SELF] = 2,
	};
	static const int dw6[NDEST] = {
		[D6_B9] = 25, [D6_B9000] = 30, [D6_NFDROP] = 3, [D6_MCAST] = 4,
		[D6_MCAST_LL] = 2, [D6_UNREACH] = 3, [D6_PROHIBIT] = 2,
		[D6_BLACKHOLE] = 2, [D6_OTHER] = 3, [D6_SELF] = 2, [D6_LL] = 5,
		[D6_LOOP] = 2,
	};

	if (d == D_NONE)
		return dw[d];
	return (g->kind != G_V6 ? dw[d] : 0) +
	       (g->kind >= G_MIXED ? dw6[d] : 0);
}

static void gen_dest(struct rng *r, struct gen *g, struct op *o)
{
	int i, w = 0, x;

	if (g->connected && rng_chance(r, 60)) {
		o->dest = D_NONE;
	} else {
		for (i = 0; i < NDEST; i++)
			w += dest_weight(g, i);
		x = rng_below(r, w);
		for (i = 0; x >= dest_weight(g, i); i++)
			x -= dest_weight(g, i);
		o->dest = i;
	}
	g->cur6 = o->dest == D_NONE ? g->conn6 : IS_D6(o->dest);
	if (IS_D6(o->dest) && rng_chance(r, 10))
		o->flowinfo = PICK(r, flowinfo);
}

/* A destination to connect to, of the sequence's kind. */
static void gen_connect(struct rng *r, struct gen *g, struct seq *s)
{
	struct op *o;

	if (g->kind == G_V6)
		o = connect_(s, NDEST4 + rng_below(r, NDEST - NDEST4));
	else
		o = connect_(s, 1 + rng_below(r, (g->kind == G_MIXED ? NDEST :
						   NDEST4) - 1));
	if (rng_chance(r, 5))
		o->nmode = 1 + rng_below(r, NNM - 1);
	if (IS_D6(o->dest) && rng_chance(r, 10))
		o->flowinfo = FLOWLABEL;
	g->connected = 1;
	g->conn6 = IS_D6(o->dest);
}

static void gen_send(struct rng *r, struct gen *g, struct op *o)
{
	static const struct { int f, p; } fl[] = {
		{ MSG_MORE, 25 }, { MSG_DONTWAIT, 10 }, { MSG_CONFIRM, 5 },
		{ MSG_DONTROUTE, 4 }, { MSG_ZEROCOPY, 15 }, { MSG_PROBE, 3 },
		{ MSG_OOB, 1 },
	};
	int i, x;

	/* IPv6 sizes are aimed at the destination's MTU: it comes first */
	if (g->kind)
		gen_dest(r, g, o);
	o->size = gen_size(r, g);
	for (i = 0; i < ARRAY_SIZE(fl); i++)
		if (rng_chance(r, fl[i].p))
			o->flags |= fl[i].f;
	if (!g->kind)
		gen_dest(r, g, o);
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
	static const int tclass[] = { 0, 0x10, 0xb8, 0x03, 0xff, -1, 256, -2 };
	static const int hops[] = { 1, 2, 64, 255, 0, -1, 256, -2 };
	static const int mtu6[] = { 0, 1279, 1280, 1300, 1400, 1452, 1500,
				    9000, 65535, -1 };
	static const int ehtype[] = { IPV6_HOPOPTS, IPV6_DSTOPTS,
				      IPV6_RTHDRDSTOPTS, IPV6_RTHDR };
	int ifx[] = { 0, ifindex_a, ifindex_lo, 999 };
	struct op *o;
	int v, t;

	switch (rng_below(r, g->kind ? 35 : 20)) {
	case 0:
	case 1:
		o = setopt(s, SOL_UDP, UDP_CORK, rng_chance(r, 90) ? rng_below(r, 2) : 2);
		break;
	case 2:
	case 3:
		v = rng_chance(r, 60) ? PICK(r, gso) :
			udp_room(g) - rng_below(r, 3) * 100 + rng_below(r, 2);
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
	case 19:
		o = setopt(s, SOL_IP, IP_PKTINFO, rng_below(r, 2));
		break;
	case 20:
		o = setopt(s, SOL_IPV6, IPV6_UNICAST_HOPS, PICK(r, hops));
		break;
	case 21:
		o = setopt(s, SOL_IPV6, IPV6_MULTICAST_HOPS, PICK(r, hops));
		break;
	case 22:
		o = setopt(s, SOL_IPV6, IPV6_TCLASS, PICK(r, tclass));
		break;
	case 23:
		o = setopt(s, SOL_IPV6, IPV6_DONTFRAG, rng_below(r, 3));
		break;
	case 24:
		o = setopt(s, SOL_IPV6, IPV6_MTU_DISCOVER, rng_below(r, 8) - 1);
		break;
	case 25:
		v = PICK(r, mtu6);
		o = setopt(s, SOL_IPV6, IPV6_MTU, v);
		g->frag6 = v >= 1280 ? v : v == 0 ? 0 : g->frag6;
		break;
	case 26:
		o = setopt(s, SOL_IPV6, IPV6_RECVERR, rng_chance(r, 80));
		break;
	case 27:
		o = setopt(s, SOL_IPV6, IPV6_FLOWINFO_SEND, rng_chance(r, 70));
		break;
	case 28:
		o = setopt(s, SOL_IPV6, IPV6_AUTOFLOWLABEL, rng_below(r, 2));
		break;
	case 29:
		o = setopt_flowlabel(s, FLOWLABEL);
		break;
	case 30:
	case 31:
		t = rng_below(r, ARRAY_SIZE(ehtype));
		v = rng_below(r, NEXTHDRS);
		o = setopt_raw(s, SOL_IPV6, ehtype[t], exthdrs[v].b,
			       exthdrs[v].len);
		/* what the header adds when it is taken */
		if (v < EH_RTHDR0 && (v == EH_RTHDR2) == (ehtype[t] == IPV6_RTHDR))
			g->exthdr[t] = exthdrs[v].len;
		else if (v == EH_NONE)
			g->exthdr[t] = 0;
		break;
	case 32:
		o = setopt(s, SOL_UDP, UDP_NO_CHECK6_TX, rng_below(r, 2));
		break;
	case 33:
		o = setopt(s, SOL_IPV6, IPV6_MULTICAST_IF, PICK(r, ifx));
		break;
	default:
		o = setopt(s, SOL_IPV6, rng_chance(r, 50) ? IPV6_MULTICAST_LOOP :
			   IPV6_RECVPKTINFO, rng_below(r, 2));
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
	/*
	 * Below 1280 the device would lose its IPv6 addresses and routes
	 * (addrconf_ifdown()), the next run its set-up.
	 */
	static const int mtus6[] = { 1500, 1500, 1280, 1281, 1320, 9000,
				     65535, 1499, 1501, 1400 };
	static const int kinds[] = { G_MAPPED, G_MIXED, G_MIXED, G_V6, G_V6,
				     G_V6 };
	static const struct { int level, name, len; } gets[] = {
		{ SOL_IP, IP_TOS, 4 }, { SOL_IP, IP_TTL, 4 },
		{ SOL_IP, IP_MTU, 4 }, { SOL_SOCKET, SO_SNDBUF, 4 },
		{ SOL_UDP, UDP_CORK, 4 }, { SOL_UDP, UDP_SEGMENT, 4 },
		{ SOL_SOCKET, SO_ERROR, 4 }, { SOL_IP, IP_OPTIONS, 40 },
		{ SOL_SOCKET, SO_PROTOCOL, 4 }, { SOL_IP, IP_MTU_DISCOVER, 4 },
		{ SOL_IP, IP_TOS, 1 },
		/* the IPv6 ones */
		{ SOL_IPV6, IPV6_MTU, 4 }, { SOL_IPV6, IPV6_UNICAST_HOPS, 4 },
		{ SOL_IPV6, IPV6_TCLASS, 4 }, { SOL_IPV6, IPV6_DONTFRAG, 4 },
		{ SOL_IPV6, IPV6_MTU_DISCOVER, 4 }, { SOL_IPV6, IPV6_HOPOPTS, 64 },
		{ SOL_IPV6, IPV6_FLOWINFO_SEND, 4 },
		{ SOL_IPV6, IPV6_AUTOFLOWLABEL, 4 },
		{ SOL_UDP, UDP_NO_CHECK6_TX, 4 }, { SOL_IPV6, IPV6_PATHMTU, 32 },
		{ SOL_IPV6, IPV6_MULTICAST_HOPS, 4 }, { SOL_IPV6, IPV6_RTHDR, 64 },
	};
	struct rng r = { seed };
	struct gen g = { .mtu = 1500 };
	struct op *o;
	int n, x, i;

	g.kind = ipv6_dests ? kinds[seed % ARRAY_SIZE(kinds)] : G_V4;
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
			/* the first 11 are the IPv4 ones */
			i = rng_below(&r, g.kind ? ARRAY_SIZE(gets) : 11);
			getopt_(s, gets[i].level, gets[i].name, gets[i].len);
		} else if (x < 83) {
			if (g.connected && rng_chance(&r, 40)) {
				add(s, K_DISCONNECT);
				g.connected = 0;
				g.conn6 = 0;
			} else {
				gen_connect(&r, &g, s);
			}
		} else if (x < 88) {
			o = splice_(s, rng_chance(&r, 80) ? rng_below(&r, 4000) :
				    gen_size(&r, &g), 0);
			o->flags = rng_chance(&r, 30) ? SPLICE_F_MORE : 0;
			o->off = rng_below(&r, 65536);
		} else if (x < 92) {
			o = mtu(s, g.kind ? PICK(&r, mtus6) : PICK(&r, mtus));
			g.mtu = o->arg;
		} else if (x < 98) {
			feature(s, rng_below(&r, NFEAT), rng_below(&r, 2));
		} else {
			add(s, K_REOPEN);
			g = (struct gen){ .mtu = g.mtu, .kind = g.kind };
		}
	}
}

/*
 * A change of the route sequences: a route, rule or address one (r
 * draws it as before there were others, so that a seed's sequence keeps
 * them), or instead, drawn from r2, a VRF or BPF one or the socket bound
 * to the VRF, to veth-a or to no device.
 */
static void gen_net(struct rng *r, struct rng *r2, struct seq *s)
{
	static const char *const dev[] = { IF_VRF, IF_A, "" };
	int arg = rng_below(r, NNET_ROUTE), x = rng_below(r2, 100);
	const char *d;

	if (x < 60) {
		add(s, K_NET)->arg = arg;
	} else if (x < 85) {
		add(s, K_NET)->arg = NNET_ROUTE + rng_below(r2, NNET - NNET_ROUTE);
	} else {
		d = PICK(r2, dev);
		setopt_raw(s, SOL_SOCKET, SO_BINDTODEVICE, d, strlen(d) + 1);
	}
}

/*
 * Route-change sequences: an unconnected socket sends to a few
 * destinations, often to one many times in a row, while routes, rules,
 * addresses, the device MTU, veth-a's VRF, the cgroup's BPF programs,
 * the socket's device, mark, tos and options change between sends.  An altudp socket that kept a route the kernel would no
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
	struct rng r2 = { seed ^ 0x7672662b627066ull };
	struct gen g = { .mtu = 1500 };
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
			gen_net(&r, &r2, s);
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
