// SPDX-License-Identifier: GPL-2.0
/*
 * A sequence of calls: the ops that make it up, the values they take,
 * and their description in the record and the report.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "diff.h"

/* ---------------------------------------------------------------- ops */

/* Destinations: name, address, port. */
const struct dest dests[NDEST] = {
	[D_NONE]	= { "none", NULL, 0 },
	[D_B9]		= { "peer:9(closed)", NET "2", 9 },
	[D_B9000]	= { "peer:9000(bound)", NET "2", 9000 },
	[D_NFDROP]	= { "peer:9001(nft drop)", NET "2", 9001 },
	[D_MCAST]	= { "239.1.2.3:9000", "239.1.2.3", 9000 },
	[D_BCAST]	= { NET "255:9000", NET "255", 9000 },
	[D_LBCAST]	= { "255.255.255.255:9000", "255.255.255.255", 9000 },
	[D_UNREACH]	= { "10.98.0.1:9(unreachable)", "10.98.0.1", 9 },
	[D_PROHIBIT]	= { "10.97.0.1:9(prohibit)", "10.97.0.1", 9 },
	[D_BLACKHOLE]	= { "10.96.0.1:9(blackhole)", "10.96.0.1", 9 },
	[D_OTHER]	= { NET "3:9(other host)", NET "3", 9 },
	[D_SELF]	= { NET "1:9(self)", NET "1", 9 },
	[D6_B9]		= { "peer6:9(closed)", NET6 "2", 9 },
	[D6_B9000]	= { "peer6:9000(bound)", NET6 "2", 9000 },
	[D6_NFDROP]	= { "peer6:9001(nft drop)", NET6 "2", 9001 },
	[D6_MCAST]	= { "[ff0e::1:2:3]:9000", "ff0e::1:2:3", 9000 },
	[D6_MCAST_LL]	= { "[ff02::1%" IF_A "]:9000", "ff02::1", 9000 },
	[D6_UNREACH]	= { "[fd00:98::1]:9(unreachable)", "fd00:98::1", 9 },
	[D6_PROHIBIT]	= { "[fd00:97::1]:9(prohibit)", "fd00:97::1", 9 },
	[D6_BLACKHOLE]	= { "[fd00:96::1]:9(blackhole)", "fd00:96::1", 9 },
	[D6_OTHER]	= { "[" NET6 "3]:9(other host)", NET6 "3", 9 },
	[D6_SELF]	= { "[" NET6 "1]:9(self)", NET6 "1", 9 },
	[D6_LL]		= { "[fe80::2%" IF_A "]:9000(peer)", "fe80::2", 9000 },
	[D6_LOOP]	= { "[::1]:9", "::1", 9 },
};

/* How msg_name / the connect() address is spelled. */
static const char *const nm_name[NNM] = { "", " name=short", " name=inet6",
					   " name=unspec", " name=port0" };

/* Ways to spoil the control buffer as a whole. */
static const char *const cb_name[NCB] = { "", " ctl=len<hdr", " ctl=len>buf",
					   " ctl=buf<hdr", " ctl=NULL" };

struct op *add(struct seq *s, int kind)
{
	struct op *o;

	if (s->nops == MAXOPS)
		die("scenario %s: too many ops", s->name);
	o = &s->ops[s->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	o->niov = 1;
	o->off = (s->nops * 7919u) % 65536;
	return o;
}

struct op *send_(struct seq *s, int size, int flags, int dest)
{
	struct op *o = add(s, K_SEND);

	o->size = size;
	o->flags = flags;
	o->dest = dest;
	return o;
}

struct op *splice_(struct seq *s, int size, int flags)
{
	struct op *o = add(s, K_SPLICE);

	o->size = size;
	o->flags = flags;
	return o;
}

struct op *setopt_raw(struct seq *s, int level, int name,
			     const void *val, int len)
{
	struct op *o = add(s, K_SETOPT);

	o->level = level;
	o->name = name;
	o->optlen = len;
	memcpy(o->val, val, len);
	return o;
}

struct op *setopt(struct seq *s, int level, int name, int val)
{
	return setopt_raw(s, level, name, &val, sizeof(val));
}

struct op *getopt_(struct seq *s, int level, int name, int len)
{
	struct op *o = add(s, K_GETOPT);

	o->level = level;
	o->name = name;
	o->optlen = len;
	return o;
}

struct op *connect_(struct seq *s, int dest)
{
	struct op *o = add(s, K_CONNECT);

	o->dest = dest;
	return o;
}

struct op *mtu(struct seq *s, int m)
{
	struct op *o = add(s, K_MTU);

	o->arg = m;
	return o;
}

struct op *feature(struct seq *s, int f, int on)
{
	struct op *o = add(s, K_FEATURE);

	o->arg = f;
	o->arg2 = on;
	return o;
}

struct cm *cmsg_raw(struct op *o, int level, int type, const void *d,
			   int len)
{
	struct cm *c;

	if (o->ncm == MAXCM)
		die("too many cmsgs");
	c = &o->cm[o->ncm++];
	c->level = level;
	c->type = type;
	c->len = len;
	memcpy(c->data, d, len);
	return c;
}

struct cm *cmsg_int(struct op *o, int level, int type, int v)
{
	return cmsg_raw(o, level, type, &v, sizeof(v));
}

struct cm *cmsg_u16(struct op *o, int level, int type, uint16_t v)
{
	return cmsg_raw(o, level, type, &v, sizeof(v));
}

struct cm *cmsg_u8(struct op *o, int level, int type, uint8_t v)
{
	return cmsg_raw(o, level, type, &v, sizeof(v));
}

/* ---------------------------------------------------------------- names */

struct name { int level, name; const char *str; };
static const struct name opt_names[] = {
	{ SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF" },
	{ SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST" },
	{ SOL_SOCKET, SO_NO_CHECK, "SO_NO_CHECK" },
	{ SOL_SOCKET, SO_MARK, "SO_MARK" },
	{ SOL_SOCKET, SO_PRIORITY, "SO_PRIORITY" },
	{ SOL_SOCKET, SO_ZEROCOPY, "SO_ZEROCOPY" },
	{ SOL_SOCKET, SO_TIMESTAMPING, "SO_TIMESTAMPING" },
	{ SOL_SOCKET, SO_ERROR, "SO_ERROR" },
	{ SOL_SOCKET, SO_PROTOCOL, "SO_PROTOCOL" },
	{ SOL_SOCKET, SCM_RIGHTS, "SCM_RIGHTS" },
	{ SOL_SOCKET, SCM_TS_OPT_ID, "SCM_TS_OPT_ID" },
	{ SOL_IP, IP_TOS, "IP_TOS" },
	{ SOL_IP, IP_TTL, "IP_TTL" },
	{ SOL_IP, IP_OPTIONS, "IP_OPTIONS" },
	{ SOL_IP, IP_RETOPTS, "IP_RETOPTS" },
	{ SOL_IP, IP_PKTINFO, "IP_PKTINFO" },
	{ SOL_IP, IP_RECVERR, "IP_RECVERR" },
	{ SOL_IP, IP_MTU_DISCOVER, "IP_MTU_DISCOVER" },
	{ SOL_IP, IP_MTU, "IP_MTU" },
	{ SOL_IP, IP_MULTICAST_TTL, "IP_MULTICAST_TTL" },
	{ SOL_IP, IP_MULTICAST_IF, "IP_MULTICAST_IF" },
	{ SOL_IP, IP_MULTICAST_LOOP, "IP_MULTICAST_LOOP" },
	{ SOL_UDP, UDP_CORK, "UDP_CORK" },
	{ SOL_UDP, UDP_SEGMENT, "UDP_SEGMENT" },
	{ SOL_UDP, UDP_NO_CHECK6_TX, "UDP_NO_CHECK6_TX" },
	{ SOL_IPV6, IPV6_UNICAST_HOPS, "IPV6_UNICAST_HOPS" },
	{ SOL_IPV6, IPV6_MULTICAST_HOPS, "IPV6_MULTICAST_HOPS" },
	{ SOL_IPV6, IPV6_MULTICAST_IF, "IPV6_MULTICAST_IF" },
	{ SOL_IPV6, IPV6_MULTICAST_LOOP, "IPV6_MULTICAST_LOOP" },
	{ SOL_IPV6, IPV6_TCLASS, "IPV6_TCLASS" },
	{ SOL_IPV6, IPV6_HOPLIMIT, "IPV6_HOPLIMIT" },
	{ SOL_IPV6, IPV6_DONTFRAG, "IPV6_DONTFRAG" },
	{ SOL_IPV6, IPV6_MTU_DISCOVER, "IPV6_MTU_DISCOVER" },
	{ SOL_IPV6, IPV6_MTU, "IPV6_MTU" },
	{ SOL_IPV6, IPV6_PATHMTU, "IPV6_PATHMTU" },
	{ SOL_IPV6, IPV6_RECVERR, "IPV6_RECVERR" },
	{ SOL_IPV6, IPV6_RECVPKTINFO, "IPV6_RECVPKTINFO" },
	{ SOL_IPV6, IPV6_PKTINFO, "IPV6_PKTINFO" },
	{ SOL_IPV6, IPV6_FLOWINFO, "IPV6_FLOWINFO" },
	{ SOL_IPV6, IPV6_FLOWINFO_SEND, "IPV6_FLOWINFO_SEND" },
	{ SOL_IPV6, IPV6_FLOWLABEL_MGR, "IPV6_FLOWLABEL_MGR" },
	{ SOL_IPV6, IPV6_AUTOFLOWLABEL, "IPV6_AUTOFLOWLABEL" },
	{ SOL_IPV6, IPV6_HOPOPTS, "IPV6_HOPOPTS" },
	{ SOL_IPV6, IPV6_DSTOPTS, "IPV6_DSTOPTS" },
	{ SOL_IPV6, IPV6_RTHDRDSTOPTS, "IPV6_RTHDRDSTOPTS" },
	{ SOL_IPV6, IPV6_RTHDR, "IPV6_RTHDR" },
	{ SOL_IPV6, IPV6_V6ONLY, "IPV6_V6ONLY" },
};

static const char *optname(int level, int name)
{
	static char buf[32];
	int i;

	for (i = 0; i < ARRAY_SIZE(opt_names); i++)
		if (opt_names[i].level == level && opt_names[i].name == name)
			return opt_names[i].str;
	snprintf(buf, sizeof(buf), "opt(%d,%d)", level, name);
	return buf;
}

static void flagstr(char *b, size_t n, int flags)
{
	static const struct { int f; const char *s; } fl[] = {
		{ MSG_MORE, "MORE" }, { MSG_DONTWAIT, "DONTWAIT" },
		{ MSG_CONFIRM, "CONFIRM" }, { MSG_DONTROUTE, "DONTROUTE" },
		{ MSG_ZEROCOPY, "ZEROCOPY" }, { MSG_PROBE, "PROBE" },
		{ MSG_OOB, "OOB" }, { MSG_EOR, "EOR" },
	};
	size_t len = 0;
	int i;

	b[0] = 0;
	for (i = 0; i < ARRAY_SIZE(fl); i++)
		if (flags & fl[i].f)
			len += snprintf(b + len, n - len, "%s%s", len ? "|" : "",
					fl[i].s);
	if (!len)
		snprintf(b, n, "0");
}

void describe(const struct op *o, char *b, size_t n)
{
	char f[96];
	size_t len = 0;
	int i, j;

	switch (o->kind) {
	case K_SEND:
	case K_SPLICE:
		flagstr(f, sizeof(f), o->flags);
		len = snprintf(b, n, "%s %d flags=%s", o->kind == K_SEND ?
			       "sendmsg" : "splice", o->size,
			       o->kind == K_SEND ? f :
			       (o->flags & SPLICE_F_MORE ? "SPLICE_MORE" : "0"));
		if (o->kind == K_SPLICE)
			break;
		len += snprintf(b + len, n - len, " to=%s%s%s",
				dests[o->dest].name, nm_name[o->nmode],
				cb_name[o->cbmode]);
		if (o->flowinfo)
			len += snprintf(b + len, n - len, " flowinfo=%#x",
					o->flowinfo);
		if (o->niov > 1)
			len += snprintf(b + len, n - len, " iov=%d", o->niov);
		for (i = 0; i < o->ncm; i++) {
			len += snprintf(b + len, n - len, " cmsg=%s[",
					optname(o->cm[i].level, o->cm[i].type));
			for (j = 0; j < o->cm[i].len && len < n; j++)
				len += snprintf(b + len, n - len, "%02x",
						o->cm[i].data[j]);
			len += snprintf(b + len, n - len, "]");
		}
		break;
	case K_SETOPT:
	case K_GETOPT:
		len = snprintf(b, n, "%ssockopt %s len=%d",
			       o->kind == K_SETOPT ? "set" : "get",
			       optname(o->level, o->name), o->optlen);
		if (o->kind == K_SETOPT) {
			len += snprintf(b + len, n - len, " val=");
			for (j = 0; j < o->optlen && len < n; j++)
				len += snprintf(b + len, n - len, "%02x",
						o->val[j]);
		}
		break;
	case K_CONNECT:
		snprintf(b, n, "connect %s%s", dests[o->dest].name,
			 nm_name[o->nmode]);
		if (o->flowinfo)
			snprintf(b + strlen(b), n - strlen(b), " flowinfo=%#x",
				 o->flowinfo);
		break;
	case K_DISCONNECT:
		snprintf(b, n, "connect AF_UNSPEC");
		break;
	case K_MTU:
		snprintf(b, n, "mtu %s %d", IF_A, o->arg);
		break;
	case K_FEATURE:
		snprintf(b, n, "ethtool %s %s %s", IF_A, feat_name[o->arg],
			 o->arg2 ? "on" : "off");
		break;
	case K_REOPEN:
		snprintf(b, n, "close, new socket");
		break;
	case K_NET:
		snprintf(b, n, "net: %s", net_name[o->arg]);
		break;
	}
}

/* ---------------------------------------------------------------- values */

/* IP options, for IP_OPTIONS and the IP_RETOPTS control message. */
const struct ipopt ipopts[NIPOPTS] = {
	{ 0, { 0 } },					/* none */
	{ 4, { 1, 1, 1, 0 } },				/* NOPs, EOL */
	{ 12, { 7, 11, 4 } },				/* record route */
	{ 12, { 68, 12, 5, 0 } },			/* timestamps */
	{ 20, { 68, 20, 5, 1 } },			/* timestamps, addresses */
	{ 8, { 131, 7, 4, 10, 99, 6, 2, 0 } },		/* LSRR via the peer */
	{ 4, { 148, 4, 0, 0 } },			/* router alert */
	{ 3, { 1, 1, 1 } },				/* length not a multiple of 4 */
	{ 4, { 7, 2, 4, 0 } },				/* bad: RR too short */
	{ 8, { 68, 40, 5, 0 } },			/* bad: longer than given */
	{ 44, { 1, 1, 1, 1 } },				/* bad: over 40 bytes */
};
struct op *setopt_ipopts(struct seq *s, int which)
{
	return setopt_raw(s, SOL_IP, IP_OPTIONS, ipopts[which].b,
			  ipopts[which].len);
}

struct cm *cmsg_retopts(struct op *o, int which)
{
	return cmsg_raw(o, SOL_IP, IP_RETOPTS, ipopts[which].b,
			ipopts[which].len);
}

struct cm *cmsg_pktinfo(struct op *o, int ifindex, const char *spec)
{
	struct in_pktinfo pi = { .ipi_ifindex = ifindex };

	inet_pton(AF_INET, spec, &pi.ipi_spec_dst);
	return cmsg_raw(o, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
}

struct op *setopt_mcast_if(struct seq *s, int ifindex, const char *addr,
				  int len)
{
	struct ip_mreqn mr = { .imr_ifindex = ifindex };

	inet_pton(AF_INET, addr, len == 4 ? &mr.imr_multiaddr :
		  &mr.imr_address);
	return setopt_raw(s, SOL_IP, IP_MULTICAST_IF, &mr, len);
}

/*
 * IPv6 extension headers (RFC 8200 4.3, 4.4): next header and length
 * bytes, then options padded to a multiple of 8.  The kernel fills in the
 * next header; it refuses a length byte that disagrees with the option's
 * length, a length that is not a multiple of 8, and routing headers other
 * than type 2 with one address.
 */
const struct ipopt exthdrs[NEXTHDRS] = {
	{ 0, { 0 } },						/* none */
	{ 8, { 0, 0, 1, 4 } },					/* PadN */
	{ 8, { 0, 0, 5, 2, 0, 0, 1, 0 } },			/* router alert */
	{ 16, { 0, 1, 1, 12 } },				/* 16 bytes */
	{ 8, { 0, 0, 0x1e, 4, 1, 2, 3, 4 } },			/* unknown, skip */
	{ 40, { 0, 4, 1, 36 } },				/* 40 bytes */
	{ 24, { 0, 2, 2, 1, 0, 0, 0, 0, 0xfd, 0, 0, 0x99, 0, 6,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } },		/* type 2 to the peer */
	{ 24, { 0, 2, 0, 1, 0, 0, 0, 0, 0xfd, 0, 0, 0x99, 0, 6,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } },		/* bad: type 0 */
	{ 8, { 0, 1, 1, 4 } },					/* bad: says 16 */
	{ 6, { 0, 0, 1, 2 } },					/* bad: not 8n */
};

struct cm *cmsg_pktinfo6(struct op *o, int ifindex, const char *spec)
{
	struct in6_pktinfo pi = { .ipi6_ifindex = ifindex };

	inet_pton(AF_INET6, spec, &pi.ipi6_addr);
	return cmsg_raw(o, SOL_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
}

/*
 * A flow label of the socket's own (IPV6_FL_A_GET, created if need be),
 * shared with any socket: both runs get it whichever made it first, as a
 * closed socket's label lingers for a while.
 */
struct op *setopt_flowlabel(struct seq *s, uint32_t label)
{
	struct in6_flowlabel_req fr = {
		.flr_label = htonl(label),
		.flr_action = IPV6_FL_A_GET,
		.flr_share = IPV6_FL_S_ANY,
		.flr_flags = IPV6_FL_F_CREATE,
	};

	inet_pton(AF_INET6, NET6 "2", &fr.flr_dst);
	return setopt_raw(s, SOL_IPV6, IPV6_FLOWLABEL_MGR, &fr, sizeof(fr));
}
