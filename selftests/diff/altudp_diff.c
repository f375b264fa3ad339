// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_diff: differential test of altudp against the kernel's UDP.
 *
 * Each scenario (a sequence of socket calls, device changes and sends) runs
 * twice, back to back: once on a native UDP socket (protocol 0) and once on
 * an altudp socket, in the same two namespaces joined by veth and reset to
 * the same state before each run (device MTU and features, routes and the
 * PMTU exceptions learnt: reset_routes()).  A run records, call by call:
 * the return value and errno, SIOCOUTQ and poll() after the call,
 * everything read from the socket's error queue, and every IPv4 frame the
 * peer's veth received (AF_PACKET); at the end the deltas of the Ip and Udp
 * lines of /proc/net/snmp of the sender's namespace.  The two records must
 * be equal.
 *
 * After every call a marker datagram goes from a separate native socket to
 * a closed port of the peer; once the peer's ICMP error for it is back, the
 * frames and ICMP errors that the call caused have all been processed, so
 * each record line belongs to the right call in both runs.
 *
 * Hand-written scenarios cover each transmit path; a seeded generator draws
 * random sequences.  Must run as root, inside the test VM.
 *
 *   altudp_diff [--proto P] [--seed N] [--count N] [--scenarios|--no-scenarios]
 *               [--only NAME] [--max-report N] [--stop-on-diff] [--verbose]
 *               [--list]
 *
 * A random sequence N alone: altudp_diff --seed N --count 1 --no-scenarios.
 * --proto 0 runs native UDP against itself ("altudp" in the report is the
 * second run): a difference then comes from state that the first run left
 * behind, a fault of the runner, not of the module.
 * ALTUDP_DIFF_DUMP=DIR writes both records of each differing sequence
 * there; ALTUDP_DIFF_SNMP_ALL=1 records every line of /proc/net/snmp.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../lib/altudp_test.h"

#define NET		"10.99.6."
#define IF_A		"veth-a"
#define IF_B		"veth-b"
#define MAC_A		"02:00:00:00:06:01"
#define MAC_B		"02:00:00:00:06:02"
#define MAC_OTHER	"02:00:00:00:06:03"
#define SPORT		40000	/* the tested socket's port */
#define MARK_SPORT	40001	/* the marker socket's */
#define MARK_DPORT	7	/* closed on the peer: it answers with ICMP */
#define MAXOPS		48
#define MAXCM		3
#define FRAME_MAX	(1 << 17)
#define N(a)		((int)(sizeof(a) / sizeof((a)[0])))

/* 6.13's per-datagram timestamp key; bookworm's headers lack it.  Older
 * kernels refuse it with EINVAL, their UDP and altudp alike.
 */
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID	81
#endif

/* ---------------------------------------------------------------- state */

static char ns_a[64], ns_b[64];
static int ns_made;
/*
 * Sysctls of the initial namespace (the only one that has them) set for
 * the whole run and put back at exit:
 * - ip_error() rate-limits its ICMP errors (a packet looped back to a host
 *   that does not forward, as a send through lo to another host makes)
 *   with a token bucket that refills with time: cost 0.
 * - a call's frames all wait in the receive backlog of our CPU (veth and
 *   lo hand them to netif_rx()) until a softirq runs, which 6.1 may leave
 *   to ksoftirqd until the sender sleeps; past netdev_max_backlog (1000)
 *   frames are dropped, lost to the record and to the peer's reassembly,
 *   whose timeout then sends an ICMP error into a later run.  One call
 *   makes at most 65535 / 8 frames (a datagram with 40 bytes of IP
 *   options at MTU 68), with room for the ICMP errors and looped copies.
 */
static struct {
	const char *path, *val;
	int fd;
	char saved[32];
} gsysctl[] = {
	{ "/proc/sys/net/ipv4/route/error_cost", "0\n", -1, "" },
	{ "/proc/sys/net/core/netdev_max_backlog", "16384\n", -1, "" },
};
static unsigned long arp_frames;
static struct in_addr arp_target;
static int ctl_fd = -1;		/* ioctls on veth-a, in namespace A */
static int flush_fd[2] = { -1, -1 };	/* net.ipv4.route.flush of A, B */
static int rtnl_fd = -1;		/* NETLINK_ROUTE in namespace A */
static int cap_fd = -1;		/* AF_PACKET on veth-b, namespace B */
static int lis_fd = -1;		/* UDP socket on the peer's port 9000 */
static int mark_fd = -1;	/* native UDP marker socket in A */
static unsigned int mark_seq;
static int ifindex_a, ifindex_lo;
static int verbose;
static unsigned char payload[2 * 65536];
static unsigned char framebuf[FRAME_MAX];

enum { F_SG, F_CSUM, F_GSO, F_UDPSEG, NFEAT };
static const char *const feat_name[NFEAT] = {
	"tx-scatter-gather", "tx-checksum-ip-generic",
	"tx-generic-segmentation", "tx-udp-segmentation",
};
static int feat_idx[NFEAT] = { -1, -1, -1, -1 };
static int feat_init[NFEAT];
static int nfeat_words;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("Bail out! ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	exit(1);
}

/* ---------------------------------------------------------------- text log */

struct log {
	char *buf;
	size_t len, cap;
};

static void logp(struct log *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(l->buf + l->len, l->cap - l->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && l->len + n < l->cap)
			break;
		l->cap = l->cap ? 2 * l->cap + n : 65536 + n;
		l->buf = realloc(l->buf, l->cap);
		if (!l->buf)
			die("out of memory");
	}
	l->len += n;
}

static void loghex(struct log *l, const unsigned char *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	if (l->len + 2 * n + 2 >= l->cap) {
		l->cap = 2 * (l->len + 2 * n + 2);
		l->buf = realloc(l->buf, l->cap);
		if (!l->buf)
			die("out of memory");
	}
	for (i = 0; i < n; i++) {
		l->buf[l->len++] = hx[p[i] >> 4];
		l->buf[l->len++] = hx[p[i] & 15];
	}
	l->buf[l->len] = 0;
}

/* ---------------------------------------------------------------- ops */

enum kind { K_SEND, K_SPLICE, K_SETOPT, K_GETOPT, K_CONNECT, K_DISCONNECT,
	    K_MTU, K_FEATURE, K_REOPEN };

/* Destinations: name, address, port. */
enum { D_NONE, D_B9, D_B9000, D_NFDROP, D_MCAST, D_BCAST, D_LBCAST,
       D_UNREACH, D_PROHIBIT, D_BLACKHOLE, D_OTHER, D_SELF, NDEST };
static const struct { const char *name, *addr; int port; } dests[NDEST] = {
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
};

/* How msg_name / the connect() address is spelled. */
enum { NM_OK, NM_SHORT, NM_INET6, NM_UNSPEC, NM_PORT0, NNM };
static const char *const nm_name[NNM] = { "", " name=short", " name=inet6",
					   " name=unspec", " name=port0" };

/* Ways to spoil the control buffer as a whole. */
enum { CB_OK, CB_SMALL_LEN, CB_BIG_LEN, CB_SHORT_BUF, CB_NULL_BUF, NCB };
static const char *const cb_name[NCB] = { "", " ctl=len<hdr", " ctl=len>buf",
					   " ctl=buf<hdr", " ctl=NULL" };

struct cm {
	int level, type, len;
	unsigned char data[48];
};

struct op {
	int kind;
	/* K_SEND, K_SPLICE, K_CONNECT */
	int size, flags, dest, nmode, niov, cbmode, ncm;
	unsigned int off;
	struct cm cm[MAXCM];
	/* K_SETOPT, K_GETOPT */
	int level, name, optlen;
	unsigned char val[48];
	/* K_MTU, K_FEATURE */
	int arg, arg2;
};

struct seq {
	const char *name;
	int nops;
	struct op ops[MAXOPS];
};

static struct op *add(struct seq *s, int kind)
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

static struct op *send_(struct seq *s, int size, int flags, int dest)
{
	struct op *o = add(s, K_SEND);

	o->size = size;
	o->flags = flags;
	o->dest = dest;
	return o;
}

static struct op *splice_(struct seq *s, int size, int flags)
{
	struct op *o = add(s, K_SPLICE);

	o->size = size;
	o->flags = flags;
	return o;
}

static struct op *setopt_raw(struct seq *s, int level, int name,
			     const void *val, int len)
{
	struct op *o = add(s, K_SETOPT);

	o->level = level;
	o->name = name;
	o->optlen = len;
	memcpy(o->val, val, len);
	return o;
}

static struct op *setopt(struct seq *s, int level, int name, int val)
{
	return setopt_raw(s, level, name, &val, sizeof(val));
}

static struct op *getopt_(struct seq *s, int level, int name, int len)
{
	struct op *o = add(s, K_GETOPT);

	o->level = level;
	o->name = name;
	o->optlen = len;
	return o;
}

static struct op *connect_(struct seq *s, int dest)
{
	struct op *o = add(s, K_CONNECT);

	o->dest = dest;
	return o;
}

static struct op *mtu(struct seq *s, int m)
{
	struct op *o = add(s, K_MTU);

	o->arg = m;
	return o;
}

static struct op *feature(struct seq *s, int f, int on)
{
	struct op *o = add(s, K_FEATURE);

	o->arg = f;
	o->arg2 = on;
	return o;
}

static struct cm *cmsg_raw(struct op *o, int level, int type, const void *d,
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

static struct cm *cmsg_int(struct op *o, int level, int type, int v)
{
	return cmsg_raw(o, level, type, &v, sizeof(v));
}

static struct cm *cmsg_u16(struct op *o, int level, int type, uint16_t v)
{
	return cmsg_raw(o, level, type, &v, sizeof(v));
}

static struct cm *cmsg_u8(struct op *o, int level, int type, uint8_t v)
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
};

static const char *optname(int level, int name)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++)
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
	size_t i, len = 0;

	b[0] = 0;
	for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (flags & fl[i].f)
			len += snprintf(b + len, n - len, "%s%s", len ? "|" : "",
					fl[i].s);
	if (!len)
		snprintf(b, n, "0");
}

static void describe(const struct op *o, char *b, size_t n)
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
	}
}

/* ---------------------------------------------------------------- setup */

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < N(gsysctl); i++)
		if (gsysctl[i].fd >= 0 && gsysctl[i].saved[0])
			pwrite(gsysctl[i].fd, gsysctl[i].saved,
			       strlen(gsysctl[i].saved), 0);
	if (ns_made)
		sh("ip netns del %s 2>/dev/null; ip netns del %s 2>/dev/null",
		   ns_a, ns_b);
	ns_made = 0;
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void enter_ns(const char *ns)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		die("setns %s: %s", ns, strerror(errno));
	close(fd);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

static int eth_ioctl(void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, IF_A);
	ifr.ifr_data = data;
	return ioctl(ctl_fd, SIOCETHTOOL, &ifr);
}

/* The indices of the four features in the kernel's feature-name table. */
static void features_init(void)
{
	struct {
		struct ethtool_sset_info hdr;
		uint32_t data[1];
	} ssi = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			   .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ethtool_gstrings *gs;
	struct ethtool_gfeatures *gf;
	unsigned int i, j, count;

	if (eth_ioctl(&ssi) || !ssi.hdr.sset_mask)
		die("ETHTOOL_GSSET_INFO: %s", strerror(errno));
	count = ssi.data[0];
	gs = calloc(1, sizeof(*gs) + count * ETH_GSTRING_LEN);
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = count;
	if (eth_ioctl(gs))
		die("ETHTOOL_GSTRINGS: %s", strerror(errno));
	for (i = 0; i < count; i++)
		for (j = 0; j < NFEAT; j++)
			if (!strncmp((char *)gs->data + i * ETH_GSTRING_LEN,
				     feat_name[j], ETH_GSTRING_LEN))
				feat_idx[j] = i;
	free(gs);
	nfeat_words = (count + 31) / 32;
	gf = calloc(1, sizeof(*gf) + nfeat_words * sizeof(gf->features[0]));
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = nfeat_words;
	if (eth_ioctl(gf))
		die("ETHTOOL_GFEATURES: %s", strerror(errno));
	for (j = 0; j < NFEAT; j++) {
		if (feat_idx[j] < 0)
			die("no feature %s", feat_name[j]);
		feat_init[j] = !!(gf->features[feat_idx[j] / 32].requested &
				  (1u << (feat_idx[j] % 32)));
	}
	free(gf);
}

/* Ask for features; want[f] < 0 leaves f alone.  The ioctl's status. */
static int features_set(const int *want)
{
	struct ethtool_sfeatures *sf;
	int j, ret;

	sf = calloc(1, sizeof(*sf) + nfeat_words * sizeof(sf->features[0]));
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = nfeat_words;
	for (j = 0; j < NFEAT; j++) {
		uint32_t bit = 1u << (feat_idx[j] % 32);

		if (want[j] < 0)
			continue;
		sf->features[feat_idx[j] / 32].valid |= bit;
		if (want[j])
			sf->features[feat_idx[j] / 32].requested |= bit;
	}
	ret = eth_ioctl(sf);
	free(sf);
	return ret;
}

static int set_mtu(const char *dev, int m)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, dev);
	ifr.ifr_mtu = m;
	return ioctl(ctl_fd, SIOCSIFMTU, &ifr);
}

/* One rtnetlink request on rtnl_fd, acknowledged: 0 or -errno. */
static int rtnl_route(int type, int flags)
{
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req = {
		.nh = { .nlmsg_type = type,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags },
		.rt = { .rtm_family = AF_INET, .rtm_dst_len = 24,
			.rtm_table = RT_TABLE_MAIN,
			.rtm_protocol = RTPROT_KERNEL,
			.rtm_scope = RT_SCOPE_LINK, .rtm_type = RTN_UNICAST },
	};
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
	} ack;
	struct { unsigned short type; const char *addr; } a[] = {
		{ RTA_DST, NET "0" }, { RTA_PREFSRC, NET "1" }, { RTA_OIF, NULL },
	};
	int i, len = NLMSG_LENGTH(sizeof(req.rt));

	for (i = 0; i < N(a); i++) {
		struct rtattr *rta = (void *)((char *)&req + NLMSG_ALIGN(len));

		rta->rta_type = a[i].type;
		rta->rta_len = RTA_LENGTH(4);
		if (a[i].addr)
			inet_pton(AF_INET, a[i].addr, RTA_DATA(rta));
		else
			memcpy(RTA_DATA(rta), &ifindex_a, 4);
		len = NLMSG_ALIGN(len) + RTA_ALIGN(rta->rta_len);
	}
	req.nh.nlmsg_len = len;
	if (send(rtnl_fd, &req, len, 0) != len ||
	    recv(rtnl_fd, &ack, sizeof(ack), 0) < (ssize_t)sizeof(ack) ||
	    ack.nh.nlmsg_type != NLMSG_ERROR)
		die("rtnetlink: %s", strerror(errno));
	return ack.err.error;
}

/*
 * Forget what a run taught the routing code: before each run, once the
 * marker has shown that nothing of the run before is in flight.
 *
 * An ICMP "fragmentation needed" (ip_fragment() sends one to ourselves for
 * a DF datagram over the MTU) leaves a PMTU exception (fib_nh_exception)
 * on the nexthop of the route to the destination, and it outlives the
 * socket and the device MTU reset.  The next run would see the learnt,
 * maybe locked, MTU (ip_setup_cork(), ip_finish_output(), IP_MTU).  Even
 * an exception reset by a flush still changes things: routes to its host
 * are cached in the exception, and rt_bind_exception() retires the one
 * replaced with dst_dev_put(), so a cork holding it after an MTU change
 * (which bumps the route genid) has its datagram discarded by
 * dst_discard_out() where, without the exception, ip_fragment() refuses it
 * with EMSGSIZE.  Exceptions live as long as the nexthop: deleting and
 * adding again the prefix route of veth-a, the only route with a nexthop
 * that ICMP errors reach, makes a new fib_info with a new nexthop
 * (fib_release_info() and free_fib_info() in net/ipv4/fib_semantics.c),
 * without exceptions and without cached routes.
 *
 * Then the flush sysctl in both namespaces (ipv4_sysctl_rtcache_flush() in
 * net/ipv4/route.c, 6.1 and 6.12) bumps the route genid, so that every
 * other cached route is looked up afresh, and the exception genid, so that
 * an exception on any other route loses its PMTU when next bound.  A
 * sysctl file acts on the namespace that it was opened in.
 */
static void reset_routes(void)
{
	int i, err = rtnl_route(RTM_DELROUTE, 0);

	if (err || (err = rtnl_route(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL)))
		die("replacing the route to " NET "0/24: %s", strerror(-err));
	for (i = 0; i < 2; i++)
		if (pwrite(flush_fd[i], "1\n", 2, 0) != 2)
			die("net.ipv4.route.flush: %s", strerror(errno));
}

static void setup(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int one = 1, big = 64 << 20, i;

	snprintf(ns_a, sizeof(ns_a), "altudp-diff-%d-a", getpid());
	snprintf(ns_b, sizeof(ns_b), "altudp-diff-%d-b", getpid());
	ns_made = 1;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = 0; i < N(gsysctl); i++) {
		int fd = open(gsysctl[i].path, O_RDWR);

		if (fd < 0 || read(fd, gsysctl[i].saved,
				   sizeof(gsysctl[i].saved) - 1) <= 0)
			die("%s: %s", gsysctl[i].path, strerror(errno));
		gsysctl[i].fd = fd;
		if (pwrite(fd, gsysctl[i].val, strlen(gsysctl[i].val), 0) < 0)
			die("%s: %s", gsysctl[i].path, strerror(errno));
	}
	/*
	 * Static neighbours, also for the addresses that a send with
	 * IP_PKTINFO's ifindex can reach on-link (the sender's own, those of
	 * the error routes): no ARP on the wire, no neighbour timers, no
	 * late "host unreachable" from a failed resolution.
	 * The routes give each error path a destination; the nft rule drops
	 * one port at LOCAL_OUT (NF_DROP: EPERM from the send).
	 */
	if (sh("set -e; A=%s; B=%s\n"
	       "ip netns add $A; ip netns add $B\n"
	       "ip -n $A link set lo up; ip -n $B link set lo up\n"
	       "ip link add %s netns $A address %s type veth peer name %s netns $B address %s\n"
	       "ip -n $A addr add " NET "1/24 dev %s\n"
	       "ip -n $B addr add " NET "2/24 dev %s\n"
	       "ip -n $B link set %s mtu 65535\n"
	       "ip -n $A link set %s up; ip -n $B link set %s up\n"
	       "ip -n $A neigh replace " NET "2 lladdr %s nud permanent dev %s\n"
	       "for n in " NET "1 " NET "3 10.96.0.1 10.97.0.1 10.98.0.1; do\n"
	       " ip -n $A neigh replace $n lladdr %s nud permanent dev %s; done\n"
	       "ip -n $B neigh replace " NET "1 lladdr %s nud permanent dev %s\n"
	       "ip -n $A route add 224.0.0.0/4 dev %s\n"
	       "ip -n $A route add unreachable 10.98.0.0/16\n"
	       "ip -n $A route add prohibit 10.97.0.0/16\n"
	       "ip -n $A route add blackhole 10.96.0.0/16\n"
	       "printf 'table ip altudp_diff {\\n chain out {\\n type filter hook output priority 0;\\n udp dport 9001 drop\\n }\\n}\\n' |"
	       " ip netns exec $A nft -f -\n",
	       ns_a, ns_b, IF_A, MAC_A, IF_B, MAC_B, IF_A, IF_B, IF_B, IF_A,
	       IF_B, MAC_B, IF_A, MAC_OTHER, IF_A, MAC_A, IF_B, IF_A))
		die("setting up the namespaces failed");

	/* The peer: capture, a bound port, no ICMP rate limit. */
	enter_ns(ns_b);
	write_file("/proc/sys/net/ipv4/icmp_ratemask", "0");
	flush_fd[1] = open("/proc/sys/net/ipv4/route/flush", O_WRONLY);
	cap_fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (cap_fd < 0)
		die("AF_PACKET: %s", strerror(errno));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = if_nametoindex(IF_B);
	if (bind(cap_fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(cap_fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) ||
	    setsockopt(cap_fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		die("capture socket: %s", strerror(errno));
	lis_fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = htons(9000);
	if (bind(lis_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(lis_fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)))
		die("peer socket: %s", strerror(errno));

	/* The sender. */
	enter_ns(ns_a);
	write_file("/proc/sys/net/ipv4/icmp_ratemask", "0");
	flush_fd[0] = open("/proc/sys/net/ipv4/route/flush", O_WRONLY);
	rtnl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (flush_fd[0] < 0 || flush_fd[1] < 0 || rtnl_fd < 0)
		die("route reset: %s", strerror(errno));
	ctl_fd = socket(AF_INET, SOCK_DGRAM, 0);
	ifindex_a = if_nametoindex(IF_A);
	ifindex_lo = if_nametoindex("lo");
	features_init();
	mark_fd = socket(AF_INET, SOCK_DGRAM, 0);
	sin.sin_port = htons(MARK_SPORT);
	inet_pton(AF_INET, NET "1", &sin.sin_addr);
	if (bind(mark_fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(mark_fd, SOL_IP, IP_RECVERR, &one, sizeof(one)))
		die("marker socket: %s", strerror(errno));

	/* Fixed content: payload bytes are part of the record. */
	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (i * 2654435761u) >> 13;
}

/* ---------------------------------------------------------------- frames */

/*
 * The only normalizations, both for what the kernel does not make
 * deterministic:
 * - the IP identification.  Fragmented and unconnected datagrams take it
 *   from a hashed per-destination counter that advances by a random amount
 *   with time; connected sockets start from a random inet_id.  What is kept:
 *   each fragment carries the id of its datagram's first fragment (shown as
 *   0, or ffff if not).  The header checksum covers the id: it is verified
 *   (csum=ok|bad in the record) and then zeroed.
 * - the IP timestamp option, whose slots hold the time of day in ms.
 */
struct idstate {
	uint16_t first_id;
};

static void normalize(unsigned char *f, size_t len, struct idstate *st,
		      int *csum_ok)
{
	unsigned char *ip = f + 14;
	unsigned int ihl, sum = 0;
	uint16_t id, fo;
	int i;

	*csum_ok = -1;
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00)
		return;
	ihl = (ip[0] & 15) * 4;
	if (ihl < 20 || len < 14 + ihl)
		return;
	for (i = 0; i < (int)ihl; i += 2)
		sum += ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	*csum_ok = sum == 0xffff;
	ip[10] = ip[11] = 0;

	id = ip[4] << 8 | ip[5];
	fo = (ip[6] << 8 | ip[7]) & 0x1fff;
	if (!fo)
		st->first_id = id;
	id = fo && id != st->first_id ? 0xffff : 0;
	ip[4] = id >> 8;
	ip[5] = id;

	for (i = 20; i < (int)ihl;) {
		int t = ip[i], l, p, step, j;

		if (t == 0)
			break;
		if (t == 1 || i + 1 >= (int)ihl) {
			i++;
			continue;
		}
		l = ip[i + 1];
		if (l < 2 || i + l > (int)ihl)
			break;
		if (t == 68 && l >= 4) {	/* IPOPT_TS */
			p = ip[i + 2];
			step = (ip[i + 3] & 15) ? 8 : 4;
			for (j = 4; j + step <= l && j + step <= p - 1;
			     j += step)
				memset(ip + i + j + step - 4, 0, 4);
		}
		i += l;
	}
}

static void log_frame(struct log *l, int call, unsigned char *f, size_t len,
		      size_t wire, int pkttype, unsigned int status,
		      struct idstate *st)
{
	int ok;

	normalize(f, len, st, &ok);
	logp(l, "c%d frame len=%zu pkt=%d csum_state=%s%s ipcsum=%s hex=", call,
	     wire, pkttype,
	     status & TP_STATUS_CSUMNOTREADY ? "partial" : "complete",
	     status & TP_STATUS_CSUM_VALID ? ",valid" : "",
	     ok < 0 ? "n/a" : ok ? "ok" : "BAD");
	loghex(l, f, len);
	logp(l, "\n");
}

/* Is this frame the marker with number seq (and is it a marker at all)? */
static int is_marker(const unsigned char *f, size_t len, unsigned int *seq)
{
	const unsigned char *ip = f + 14, *udp;
	unsigned int ihl;

	if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || ip[9] != IPPROTO_UDP)
		return 0;
	ihl = (ip[0] & 15) * 4;
	udp = ip + ihl;
	if (len < 14 + ihl + 12 || (udp[0] << 8 | udp[1]) != MARK_SPORT ||
	    (udp[2] << 8 | udp[3]) != MARK_DPORT)
		return 0;
	memcpy(seq, udp + 8, 4);
	return 1;
}

/* Read captured frames up to the marker; record the others. */
static int read_frames(struct log *l, int call, unsigned int want,
		       struct idstate *st)
{
	char ctl[256];

	for (;;) {
		struct sockaddr_ll sll;
		struct iovec iov = { framebuf, sizeof(framebuf) };
		struct msghdr m = { &sll, sizeof(sll), &iov, 1, ctl,
				    sizeof(ctl), 0 };
		struct tpacket_auxdata *aux = NULL;
		struct cmsghdr *c;
		struct pollfd p = { cap_fd, POLLIN, 0 };
		unsigned int seq;
		ssize_t n;

		n = recvmsg(cap_fd, &m, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 2000) <= 0)
				return -1;
			continue;
		}
		if (n < 0)
			die("capture: %s", strerror(errno));
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (sll.sll_protocol == htons(ETH_P_ARP) && n >= 42) {
			arp_frames++;
			memcpy(&arp_target, framebuf + 38, 4);
		}
		if (sll.sll_protocol != htons(ETH_P_IP))
			continue;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_PACKET &&
			    c->cmsg_type == PACKET_AUXDATA)
				aux = (void *)CMSG_DATA(c);
		if (is_marker(framebuf, n, &seq)) {
			if (seq == want)
				return 0;
			continue;
		}
		log_frame(l, call, framebuf, (size_t)n > sizeof(framebuf) ?
			  sizeof(framebuf) : (size_t)n, n, sll.sll_pkttype,
			  aux ? aux->tp_status : 0, st);
	}
}

static void drain(int fd)
{
	while (recv(fd, framebuf, sizeof(framebuf), MSG_DONTWAIT) >= 0)
		;
}

/*
 * Wait until everything the last call put on the wire has been processed:
 * the marker goes after it, and the peer's ICMP error for the marker comes
 * back after its errors for the frames before it.
 */
static int sync_marker(struct log *l, int call, struct idstate *st)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(MARK_DPORT) };
	unsigned int seq = ++mark_seq, got;
	char ctl[512];

	inet_pton(AF_INET, NET "2", &to.sin_addr);
	if (sendto(mark_fd, &seq, sizeof(seq), 0, (struct sockaddr *)&to,
		   sizeof(to)) != sizeof(seq))
		return -1;
	for (;;) {
		struct iovec iov = { &got, sizeof(got) };
		struct msghdr m = { NULL, 0, &iov, 1, ctl, sizeof(ctl), 0 };
		struct pollfd p = { mark_fd, POLLERR, 0 };
		ssize_t n = recvmsg(mark_fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 2000) <= 0)
				return -1;
			continue;
		}
		if (n == sizeof(got) && got == seq)
			break;
	}
	drain(lis_fd);
	return read_frames(l, call, seq, st);
}

/* ---------------------------------------------------------------- runs */

/* Why the last run() failed. */
static char run_error[64];

/* Frames dropped by the receive backlogs (/proc/net/softnet_stat). */
static unsigned long backlog_drops(void)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	unsigned int processed, dropped;
	unsigned long n = 0;

	if (!f)
		die("/proc/net/softnet_stat: %s", strerror(errno));
	while (fscanf(f, "%x %x%*[^\n]", &processed, &dropped) == 2)
		n += dropped;
	fclose(f);
	return n;
}

static void read_snmp(long long *v, int *nv, char names[][48])
{
	char hdr[2048], val[2048];
	FILE *f = fopen("/proc/net/snmp", "r");

	*nv = 0;
	if (!f)
		die("/proc/net/snmp: %s", strerror(errno));
	while (fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		char *sh, *sv, *h, *x, *y;

		char *pfx = getenv("ALTUDP_DIFF_SNMP_ALL") ? "" : "Ip: Udp: ";

		h = strtok_r(hdr, " \n", &sh);
		if (*pfx && (!h || !strstr(pfx, h)))
			continue;
		strtok_r(val, " \n", &sv);
		while ((x = strtok_r(NULL, " \n", &sh)) &&
		       (y = strtok_r(NULL, " \n", &sv)) && *nv < 128) {
			snprintf(names[*nv], 48, "%.*s.%s", (int)strlen(h) - 1,
				 h, x);
			v[(*nv)++] = atoll(y);
		}
	}
	fclose(f);
}

static void make_addr(int dest, int nmode, struct sockaddr_in *sin,
		      socklen_t *len)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(dests[dest].port);
	inet_pton(AF_INET, dests[dest].addr, &sin->sin_addr);
	*len = sizeof(*sin);
	switch (nmode) {
	case NM_SHORT:
		*len = 8;
		break;
	case NM_INET6:
		sin->sin_family = AF_INET6;
		break;
	case NM_UNSPEC:
		sin->sin_family = AF_UNSPEC;
		break;
	case NM_PORT0:
		sin->sin_port = 0;
		break;
	}
}

static int open_sock(int proto)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(SPORT) };
	struct timeval tv = { 0, 20000 };
	int fd = socket(AF_INET, SOCK_DGRAM, proto);

	/*
	 * A fixed source port so that the frames can be equal; a send
	 * timeout so that a send that waits for buffer space that nothing
	 * frees (a cork past SO_SNDBUF) ends with EAGAIN in both runs.
	 */
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		die("socket(%d): %s", proto, strerror(errno));
	return fd;
}

static ssize_t do_send(int fd, const struct op *o)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_in sin;
	struct iovec iov[4];
	struct msghdr m;
	struct cmsghdr *c;
	socklen_t nl;
	int i, left = o->size, clen = 0;
	unsigned char *p = payload + o->off;

	memset(&m, 0, sizeof(m));
	memset(&ctl, 0, sizeof(ctl));
	if (o->dest != D_NONE) {
		make_addr(o->dest, o->nmode, &sin, &nl);
		m.msg_name = &sin;
		m.msg_namelen = nl;
	}
	for (i = 0; i < o->niov; i++) {
		int n = i == o->niov - 1 ? left : left / (o->niov - i) / (i + 1);

		iov[i].iov_base = p;
		iov[i].iov_len = n;
		p += n;
		left -= n;
	}
	m.msg_iov = iov;
	m.msg_iovlen = o->niov;
	for (i = 0; i < o->ncm; i++) {
		c = (struct cmsghdr *)(ctl.buf + clen);
		c->cmsg_level = o->cm[i].level;
		c->cmsg_type = o->cm[i].type;
		c->cmsg_len = CMSG_LEN(o->cm[i].len);
		memcpy(CMSG_DATA(c), o->cm[i].data, o->cm[i].len);
		clen += CMSG_SPACE(o->cm[i].len);
	}
	if (clen || o->cbmode) {
		m.msg_control = ctl.buf;
		m.msg_controllen = clen;
	}
	c = (struct cmsghdr *)ctl.buf;
	switch (o->cbmode) {
	case CB_SMALL_LEN:
		if (!clen)
			m.msg_controllen = clen = CMSG_SPACE(4);
		c->cmsg_len = sizeof(*c) - 1;
		break;
	case CB_BIG_LEN:
		if (!clen)
			m.msg_controllen = clen = CMSG_SPACE(4);
		c->cmsg_len = clen + 8;
		break;
	case CB_SHORT_BUF:
		m.msg_controllen = 4;
		break;
	case CB_NULL_BUF:
		m.msg_control = NULL;
		m.msg_controllen = sizeof(ctl.buf) / 2;
		break;
	}
	return sendmsg(fd, &m, o->flags | MSG_NOSIGNAL);
}

static ssize_t do_splice(int fd, int *pipefd, const struct op *o)
{
	ssize_t n = write(pipefd[1], payload + o->off, o->size);

	if (n < 0)
		return n;
	return splice(pipefd[0], NULL, fd, NULL, o->size, o->flags);
}

/* Everything in the socket's error queue, time normalized. */
static void log_errqueue(struct log *l, int call, int fd)
{
	static unsigned char data[FRAME_MAX];
	char ctl[1024];

	for (;;) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = { NULL, 0, &iov, 1, ctl, sizeof(ctl), 0 };
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		struct idstate st = { 0 };
		int ok;

		if (n < 0) {
			if (errno != EAGAIN)
				logp(l, "c%d errqueue errno=%d\n", call, errno);
			return;
		}
		logp(l, "c%d errqueue len=%zd flags=%#x", call, n, m.msg_flags);
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			unsigned char *d = CMSG_DATA(c);
			size_t dl = c->cmsg_len - CMSG_LEN(0);

			logp(l, " cmsg(%d,%d)", c->cmsg_level, c->cmsg_type);
			if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) {
				struct sock_extended_err *e = (void *)d;
				struct sockaddr_in *off =
					(void *)SO_EE_OFFENDER(e);

				logp(l, "=errno:%u,origin:%u,type:%u,code:%u,info:%u,data:%u,offender:%s",
				     e->ee_errno, e->ee_origin, e->ee_type,
				     e->ee_code, e->ee_info, e->ee_data,
				     off->sin_family == AF_INET ?
				     inet_ntoa(off->sin_addr) : "-");
			} else if (c->cmsg_level == SOL_SOCKET &&
				   c->cmsg_type == SO_TIMESTAMPING) {
				struct scm_timestamping *ts = (void *)d;
				int i;

				/* The times themselves are not compared. */
				logp(l, "=");
				for (i = 0; i < 3; i++)
					logp(l, "%c", ts->ts[i].tv_sec ||
					     ts->ts[i].tv_nsec ? 'T' : '0');
			} else {
				logp(l, "=");
				loghex(l, d, dl);
			}
		}
		/* Looped-back packets of timestamps start at the MAC header. */
		normalize(data, n, &st, &ok);
		logp(l, " data=");
		loghex(l, data, n);
		logp(l, "\n");
	}
}

static int run(const struct seq *s, int proto, struct log *l)
{
	long long before[128], after[128];
	char names[128][48], bnames[128][48];
	int fd, nb, na, i, pipefd[2], rc = 0, psz = 1 << 20;
	struct idstate st = { 0 };
	int want[NFEAT];
	unsigned long drops;

	l->len = 0;
	if (l->buf)
		l->buf[0] = 0;
	/* The same start: device settings, empty queues. */
	for (i = 0; i < NFEAT; i++)
		want[i] = feat_init[i];
	if (set_mtu(IF_A, 1500) || features_set(want) < 0)
		die("resetting %s: %s", IF_A, strerror(errno));
	if (sync_marker(l, -1, &st))
		die("the marker did not come back before the run");
	reset_routes();
	l->len = 0;
	if (pipe2(pipefd, 0) || fcntl(pipefd[1], F_SETFL, O_NONBLOCK) ||
	    fcntl(pipefd[1], F_SETPIPE_SZ, psz) < 0)
		die("pipe: %s", strerror(errno));

	read_snmp(before, &nb, bnames);
	drops = backlog_drops();
	fd = open_sock(proto);
	for (i = 0; i < s->nops; i++) {
		const struct op *o = &s->ops[i];
		struct sockaddr_in sin;
		unsigned char val[64];
		socklen_t len = 0;
		char d[1024];
		ssize_t ret = 0;
		struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
		int outq = -1, want1[NFEAT], j, err;

		errno = 0;
		switch (o->kind) {
		case K_SEND:
			ret = do_send(fd, o);
			break;
		case K_SPLICE:
			ret = do_splice(fd, pipefd, o);
			break;
		case K_SETOPT:
			ret = setsockopt(fd, o->level, o->name, o->val,
					 o->optlen);
			break;
		case K_GETOPT:
			len = o->optlen;
			memset(val, 0, sizeof(val));
			ret = getsockopt(fd, o->level, o->name, val, &len);
			break;
		case K_CONNECT:
			make_addr(o->dest, o->nmode, &sin, &len);
			ret = connect(fd, (struct sockaddr *)&sin, len);
			break;
		case K_DISCONNECT:
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_UNSPEC;
			ret = connect(fd, (struct sockaddr *)&sin, sizeof(sin));
			break;
		case K_MTU:
			ret = set_mtu(IF_A, o->arg);
			break;
		case K_FEATURE:
			for (j = 0; j < NFEAT; j++)
				want1[j] = j == o->arg ? o->arg2 : -1;
			ret = features_set(want1);
			break;
		case K_REOPEN:
			close(fd);
			fd = open_sock(proto);
			p.fd = fd;
			break;
		}
		err = ret < 0 ? errno : 0;
		describe(o, d, sizeof(d));
		logp(l, "c%d %s: ret=%zd errno=%d", i, d, ret, err);
		if (o->kind == K_GETOPT && ret == 0) {
			logp(l, " optlen=%u val=", len);
			loghex(l, val, len < sizeof(val) ? len : sizeof(val));
		}
		logp(l, "\n");
		if (sync_marker(l, i, &st)) {
			logp(l, "c%d RUNNER ERROR: the marker did not come back\n",
			     i);
			rc = -1;
			break;
		}
		poll(&p, 1, 0);
		ioctl(fd, SIOCOUTQ, &outq);
		logp(l, "c%d after: poll=%#x outq=%d\n", i, p.revents, outq);
		log_errqueue(l, i, fd);
	}
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
	if (!rc && sync_marker(l, s->nops, &st))
		rc = -1;
	snprintf(run_error, sizeof(run_error),
		 "the marker datagram did not come back");
	drops = backlog_drops() - drops;
	if (drops) {
		snprintf(run_error, sizeof(run_error),
			 "%lu frames dropped by a receive backlog", drops);
		logp(l, "RUNNER ERROR: %s\n", run_error);
		rc = -1;
	}
	read_snmp(after, &na, names);
	/* By name: a line may gain columns (IcmpMsg) as the run goes. */
	for (i = 0; i < na; i++) {
		long long b0 = 0;
		int j;

		for (j = 0; j < nb; j++)
			if (!strcmp(names[i], bnames[j]))
				b0 = before[j];
		logp(l, "snmp %s %lld\n", names[i], after[i] - b0);
	}
	return rc;
}

/* ---------------------------------------------------------------- values */

/* IP options, for IP_OPTIONS and the IP_RETOPTS control message. */
static const struct { int len; unsigned char b[44]; } ipopts[] = {
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
enum { OPT_NONE, OPT_NOP, OPT_RR, OPT_TS, OPT_TSADDR, OPT_LSRR, OPT_RA,
       OPT_ODD, OPT_BAD_RR, OPT_BAD_LEN, OPT_TOO_LONG };

static struct op *setopt_ipopts(struct seq *s, int which)
{
	return setopt_raw(s, SOL_IP, IP_OPTIONS, ipopts[which].b,
			  ipopts[which].len);
}

static struct cm *cmsg_retopts(struct op *o, int which)
{
	return cmsg_raw(o, SOL_IP, IP_RETOPTS, ipopts[which].b,
			ipopts[which].len);
}

static struct cm *cmsg_pktinfo(struct op *o, int ifindex, const char *spec)
{
	struct in_pktinfo pi = { .ipi_ifindex = ifindex };

	inet_pton(AF_INET, spec, &pi.ipi_spec_dst);
	return cmsg_raw(o, SOL_IP, IP_PKTINFO, &pi, sizeof(pi));
}

static struct op *setopt_mcast_if(struct seq *s, int ifindex, const char *addr,
				  int len)
{
	struct ip_mreqn mr = { .imr_ifindex = ifindex };

	inet_pton(AF_INET, addr, len == 4 ? &mr.imr_multiaddr :
		  &mr.imr_address);
	return setopt_raw(s, SOL_IP, IP_MULTICAST_IF, &mr, len);
}

#define TS_TX		(SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)
#define TS_ID		(TS_TX | SOF_TIMESTAMPING_OPT_ID)
#define TS_ID_ONLY	(TS_ID | SOF_TIMESTAMPING_OPT_TSONLY)
#define TS_SCHED	(TS_ID | SOF_TIMESTAMPING_TX_SCHED)

/* ---------------------------------------------------------------- scenarios */

static void sc_lockless(struct seq *s)
{
	static const int sz[] = { 0, 1, 8, 100, 1000, 1471, 1472 };
	int i;

	for (i = 0; i < N(sz); i++)
		send_(s, sz[i], 0, D_B9000);
	send_(s, 3000, 0, D_B9000)->niov = 3;
	connect_(s, D_B9000);
	send_(s, 64, 0, D_NONE);
	send_(s, 1472, 0, D_NONE)->niov = 2;
	send_(s, 20, 0, D_B9);
	add(s, K_DISCONNECT);
	send_(s, 10, 0, D_NONE);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	send_(s, 32, 0, D_B9);
	send_(s, 0, 0, D_B9);
	send_(s, 100, 0, D_SELF);
}

static void sc_fragment(struct seq *s)
{
	static const int sz[] = { 1473, 1480, 2952, 2953, 2960, 2961, 4000,
				  65507, 65508, 65535 };
	int i;

	for (i = 0; i < N(sz); i++)
		send_(s, sz[i], 0, D_B9000);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT);
	send_(s, 3000, 0, D_B9000)->niov = 4;
	mtu(s, 576);
	send_(s, 548, 0, D_B9000);
	send_(s, 549, 0, D_B9000);
	send_(s, 10000, 0, D_B9000);
	mtu(s, 68);
	send_(s, 41, 0, D_B9000);
	send_(s, 300, 0, D_B9000);
	mtu(s, 9000);
	send_(s, 8972, 0, D_B9000);
	send_(s, 8973, 0, D_B9000);
	mtu(s, 1500);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	send_(s, 20000, 0, D_B9);
	send_(s, 3000, 0, D_OTHER);
}

static void sc_cork_more(struct seq *s)
{
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 200, MSG_MORE, D_B9000);
	send_(s, 0, 0, D_B9000);
	send_(s, 1400, MSG_MORE, D_B9000);
	send_(s, 1400, MSG_MORE, D_NONE);
	send_(s, 10, 0, D_NONE);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9);
	send_(s, 0, MSG_MORE, D_B9000);
	send_(s, 0, 0, D_NONE);
	send_(s, 65000, MSG_MORE, D_B9000);
	send_(s, 1000, MSG_MORE, D_B9000);
	send_(s, 10, 0, D_B9000);
	send_(s, 1472, MSG_MORE, D_B9000);
	send_(s, 1, 0, D_B9000);
	connect_(s, D_B9000);
	send_(s, 30, MSG_MORE, D_NONE)->niov = 2;
	send_(s, 3000, MSG_MORE, D_NONE)->niov = 3;
	send_(s, 30, 0, D_NONE);
	send_(s, 100, MSG_MORE, D_NONE);
	add(s, K_REOPEN);
	send_(s, 100, 0, D_B9000);
}

static void sc_cork_opt(struct seq *s)
{
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 100, 0, D_B9000);
	send_(s, 1500, 0, D_B9000);
	send_(s, 3, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 0, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 60000, 0, D_B9000);
	send_(s, 6000, 0, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	getopt_(s, SOL_UDP, UDP_CORK, 4);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 70000, 0, D_B9000);
	send_(s, 500, 0, D_B9);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 50, 0, D_B9000);
	add(s, K_REOPEN);
	send_(s, 50, 0, D_B9000);
}

static void sc_fraggap(struct seq *s, int sg)
{
	feature(s, F_SG, sg);
	send_(s, 1475, MSG_MORE, D_B9000);
	send_(s, 1000, MSG_MORE, D_B9000);
	send_(s, 7, MSG_MORE, D_B9000);
	send_(s, 3000, 0, D_B9000);
	send_(s, 1473, MSG_MORE, D_B9000);
	send_(s, 1, 0, D_B9000);
	send_(s, 1479, MSG_MORE, D_B9000);
	send_(s, 2, MSG_MORE, D_B9000);
	send_(s, 1481, 0, D_B9000);
	setopt_ipopts(s, OPT_RR);
	send_(s, 1461, MSG_MORE, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 1500, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 1463, 0, D_B9000);
	send_(s, 5, 0, D_B9000);
	send_(s, 4000, 0, D_B9000)->niov = 4;
	setopt(s, SOL_UDP, UDP_CORK, 0);
}

static void sc_fraggap_sg(struct seq *s) { sc_fraggap(s, 1); }
static void sc_fraggap_nosg(struct seq *s) { sc_fraggap(s, 0); }

static void sc_sg(struct seq *s, int sg)
{
	feature(s, F_SG, sg);
	send_(s, 100, 0, D_B9000);
	send_(s, 1472, 0, D_B9000);
	send_(s, 3000, 0, D_B9000)->niov = 2;
	send_(s, 65507, 0, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 5000, MSG_MORE, D_B9000)->niov = 3;
	send_(s, 100, 0, D_B9000);
	splice_(s, 100, SPLICE_F_MORE);
	send_(s, 3000, 0, D_B9000);
	feature(s, F_SG, !sg);
	send_(s, 3000, 0, D_B9000);
	send_(s, 3000, MSG_MORE, D_B9000);
	feature(s, F_SG, sg);
	send_(s, 3000, 0, D_B9000);
}

static void sc_sg_on(struct seq *s) { sc_sg(s, 1); }
static void sc_sg_off(struct seq *s) { sc_sg(s, 0); }

static void sc_csum(struct seq *s, int on)
{
	feature(s, F_CSUM, on);
	send_(s, 100, 0, D_B9000);
	send_(s, 1472, 0, D_B9000);
	send_(s, 3000, 0, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	send_(s, 2000, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_NO_CHECK, 1);
	send_(s, 100, 0, D_B9000);
	send_(s, 3000, 0, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	feature(s, F_CSUM, !on);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_NO_CHECK, 0);
	send_(s, 100, 0, D_B9000);
	send_(s, 0, 0, D_B9000);
}

static void sc_csum_on(struct seq *s) { sc_csum(s, 1); }
static void sc_csum_off(struct seq *s) { sc_csum(s, 0); }

static void sc_gso_opt(struct seq *s)
{
	setopt(s, SOL_UDP, UDP_SEGMENT, 1000);
	getopt_(s, SOL_UDP, UDP_SEGMENT, 4);
	send_(s, 3000, 0, D_B9000);
	send_(s, 999, 0, D_B9000);
	send_(s, 1000, 0, D_B9000);
	send_(s, 1001, 0, D_B9000);
	send_(s, 64000, 0, D_B9000);
	send_(s, 64001, 0, D_B9000);
	feature(s, F_UDPSEG, 0);
	send_(s, 3500, 0, D_B9000)->niov = 3;
	feature(s, F_GSO, 0);
	send_(s, 3500, 0, D_B9000);
	feature(s, F_UDPSEG, 1);
	feature(s, F_GSO, 1);
	send_(s, 2000, MSG_MORE, D_B9000);
	send_(s, 2000, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 1472);
	send_(s, 5000, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 1473);
	send_(s, 5000, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 8);
	send_(s, 600, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 500);
	setopt(s, SOL_SOCKET, SO_NO_CHECK, 1);
	send_(s, 1500, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_NO_CHECK, 0);
	feature(s, F_CSUM, 0);
	send_(s, 1500, 0, D_B9000);
	feature(s, F_CSUM, 1);
	setopt(s, SOL_UDP, UDP_SEGMENT, 65536);
	setopt(s, SOL_UDP, UDP_SEGMENT, -1);
	setopt(s, SOL_UDP, UDP_SEGMENT, 0);
	send_(s, 3000, 0, D_B9000);
}

static void sc_gso_cmsg(struct seq *s)
{
	cmsg_u16(send_(s, 5000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1200);
	cmsg_u16(send_(s, 1200, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1200);
	cmsg_u16(send_(s, 1400, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 0);
	cmsg_int(send_(s, 5000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1200);
	cmsg_u16(send_(s, 5000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1600);
	setopt(s, SOL_UDP, UDP_SEGMENT, 1000);
	cmsg_u16(send_(s, 5000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 700);
	send_(s, 5000, 0, D_B9000);
	cmsg_u16(send_(s, 5000, MSG_MORE, D_B9000), SOL_UDP, UDP_SEGMENT, 900);
	send_(s, 100, 0, D_B9000);
	feature(s, F_UDPSEG, 0);
	cmsg_u16(send_(s, 65000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1400)->len = 2;
	cmsg_u16(send_(s, 3000, MSG_ZEROCOPY, D_B9000), SOL_UDP, UDP_SEGMENT, 1000);
	cmsg_u16(send_(s, 3000, MSG_DONTROUTE, D_OTHER), SOL_UDP, UDP_SEGMENT, 1000);
}

static void sc_zerocopy(struct seq *s)
{
	send_(s, 100, MSG_ZEROCOPY, D_B9000);
	setopt(s, SOL_SOCKET, SO_ZEROCOPY, 1);
	send_(s, 100, MSG_ZEROCOPY, D_B9000);
	send_(s, 3000, MSG_ZEROCOPY, D_B9000);
	send_(s, 65507, MSG_ZEROCOPY, D_B9000)->niov = 4;
	send_(s, 100, MSG_ZEROCOPY | MSG_MORE, D_B9000);
	send_(s, 200, MSG_ZEROCOPY | MSG_MORE, D_B9000);
	send_(s, 100, MSG_ZEROCOPY, D_B9000);
	send_(s, 0, MSG_ZEROCOPY, D_B9000);
	feature(s, F_SG, 0);
	send_(s, 3000, MSG_ZEROCOPY, D_B9000);
	feature(s, F_SG, 1);
	feature(s, F_CSUM, 0);
	send_(s, 3000, MSG_ZEROCOPY, D_B9000);
	feature(s, F_CSUM, 1);
	cmsg_u16(send_(s, 10000, MSG_ZEROCOPY, D_B9000), SOL_UDP, UDP_SEGMENT, 1000);
	send_(s, 100, MSG_ZEROCOPY, D_B9);
	send_(s, 100, MSG_ZEROCOPY, D_UNREACH);
	send_(s, 100, MSG_ZEROCOPY | MSG_PROBE, D_B9000);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 1000, MSG_ZEROCOPY, D_B9000);
	send_(s, 1000, 0, D_B9000);
	send_(s, 1000, MSG_ZEROCOPY, D_B9000);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_SOCKET, SO_ZEROCOPY, 0);
	send_(s, 100, MSG_ZEROCOPY, D_B9000);
}

static void sc_ipopts(struct seq *s)
{
	int i;

	for (i = 0; i < N(ipopts); i++) {
		setopt_ipopts(s, i);
		send_(s, 100, 0, i == OPT_LSRR ? D_OTHER : D_B9000);
		if (i == OPT_RR || i == OPT_TSADDR || i == OPT_LSRR)
			send_(s, 3000, 0, i == OPT_LSRR ? D_OTHER : D_B9000);
	}
	getopt_(s, SOL_IP, IP_OPTIONS, 40);
	setopt_ipopts(s, OPT_NONE);
	cmsg_retopts(send_(s, 100, 0, D_B9000), OPT_RR);
	cmsg_retopts(send_(s, 100, 0, D_B9000), OPT_TS);
	cmsg_retopts(send_(s, 100, 0, D_B9000), OPT_BAD_LEN);
	cmsg_retopts(send_(s, 100, 0, D_OTHER), OPT_LSRR);
	cmsg_retopts(send_(s, 65487, 0, D_B9000), OPT_RR);
	cmsg_retopts(send_(s, 65488, 0, D_B9000), OPT_RR);
	cmsg_retopts(send_(s, 100, 0, D_NONE), OPT_LSRR);
	setopt_ipopts(s, OPT_LSRR);
	connect_(s, D_OTHER);
	send_(s, 100, 0, D_NONE);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	setopt_ipopts(s, OPT_RA);
	send_(s, 100, MSG_MORE, D_B9);
	setopt_ipopts(s, OPT_TS);
	send_(s, 100, 0, D_B9);
	setopt_ipopts(s, OPT_TS);
	feature(s, F_CSUM, 0);
	send_(s, 1, 0, D_B9);
	getopt_(s, SOL_IP, IP_OPTIONS, 40);
}

static void sc_cmsgs(struct seq *s)
{
	struct op *o;

	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 0x10);
	cmsg_u8(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 0xb8);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 0x03);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 256);
	cmsg_u16(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 4);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TTL, 1);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TTL, 255);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TTL, 0);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TTL, 256);
	cmsg_u8(send_(s, 100, 0, D_B9000), SOL_IP, IP_TTL, 9);
	cmsg_pktinfo(send_(s, 100, 0, D_B9000), ifindex_a, "0.0.0.0");
	cmsg_pktinfo(send_(s, 100, 0, D_B9000), 0, NET "1");
	cmsg_pktinfo(send_(s, 100, 0, D_B9000), ifindex_lo, "0.0.0.0");
	cmsg_pktinfo(send_(s, 100, 0, D_B9000), 999, "0.0.0.0");
	cmsg_pktinfo(send_(s, 100, 0, D_B9000), 0, NET "2");
	cmsg_pktinfo(send_(s, 100, 0, D_MCAST), ifindex_a, NET "1");
	cmsg_raw(send_(s, 100, 0, D_B9000), SOL_IP, IP_PKTINFO, "\1\0\0", 3);
	cmsg_int(send_(s, 100, MSG_MORE, D_B9000), SOL_IP, IP_TOS, 0x20);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_IP, IP_TOS, 0x40);
	cmsg_int(send_(s, 3000, 0, D_B9000), SOL_IP, IP_TTL, 7);
	setopt(s, SOL_IP, IP_TOS, 0x28);
	setopt(s, SOL_IP, IP_TTL, 33);
	send_(s, 100, 0, D_B9000);
	o = send_(s, 100, 0, D_B9000);
	cmsg_int(o, SOL_IP, IP_TOS, 0x48);
	cmsg_int(o, SOL_IP, IP_TTL, 44);
	getopt_(s, SOL_IP, IP_TOS, 4);
	getopt_(s, SOL_IP, IP_TTL, 4);
	getopt_(s, SOL_IP, IP_TOS, 1);
}

static void sc_mark_prio(struct seq *s)
{
	setopt(s, SOL_SOCKET, SO_MARK, 7);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_PRIORITY, 5);
	send_(s, 3000, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_PRIORITY, 7);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SO_MARK, 9);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SO_PRIORITY, 3);
	cmsg_u16(send_(s, 100, 0, D_B9000), SOL_SOCKET, SO_MARK, 9);
	setopt(s, SOL_SOCKET, SO_MARK, -1);
	getopt_(s, SOL_SOCKET, SO_MARK, 4);
	getopt_(s, SOL_SOCKET, SO_PRIORITY, 4);
	send_(s, 100, MSG_MORE, D_B9000);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SO_MARK, 1);
}

static void sc_mcast(struct seq *s)
{
	send_(s, 100, 0, D_MCAST);
	setopt(s, SOL_IP, IP_MULTICAST_TTL, 5);
	send_(s, 100, 0, D_MCAST);
	setopt(s, SOL_IP, IP_MULTICAST_LOOP, 0);
	send_(s, 3000, 0, D_MCAST);
	setopt_mcast_if(s, ifindex_a, "0.0.0.0", sizeof(struct ip_mreqn));
	send_(s, 100, 0, D_MCAST);
	setopt_mcast_if(s, ifindex_lo, "0.0.0.0", sizeof(struct ip_mreqn));
	send_(s, 100, 0, D_MCAST);
	setopt_mcast_if(s, 0, NET "1", 4);
	send_(s, 100, 0, D_MCAST);
	setopt_mcast_if(s, 0, NET "2", 4);
	setopt_mcast_if(s, 999, "0.0.0.0", sizeof(struct ip_mreqn));
	setopt(s, SOL_IP, IP_MULTICAST_TTL, 0);
	send_(s, 100, 0, D_MCAST);
	setopt(s, SOL_IP, IP_MULTICAST_TTL, 256);
	setopt(s, SOL_IP, IP_MULTICAST_LOOP, 1);
	send_(s, 100, MSG_MORE, D_MCAST);
	send_(s, 100, 0, D_MCAST);
	connect_(s, D_MCAST);
	send_(s, 100, 0, D_NONE);
	cmsg_int(send_(s, 100, 0, D_NONE), SOL_IP, IP_TTL, 9);
	getopt_(s, SOL_IP, IP_MULTICAST_TTL, 4);
}

static void sc_bcast(struct seq *s)
{
	send_(s, 100, 0, D_BCAST);
	send_(s, 100, 0, D_LBCAST);
	connect_(s, D_BCAST);
	setopt(s, SOL_SOCKET, SO_BROADCAST, 1);
	send_(s, 100, 0, D_BCAST);
	send_(s, 3000, 0, D_BCAST);
	send_(s, 100, 0, D_LBCAST);
	send_(s, 100, MSG_MORE, D_BCAST);
	send_(s, 100, 0, D_BCAST);
	connect_(s, D_BCAST);
	send_(s, 100, 0, D_NONE);
	setopt(s, SOL_SOCKET, SO_BROADCAST, 0);
	send_(s, 100, 0, D_NONE);
	send_(s, 100, 0, D_BCAST);
}

static void sc_unreach(struct seq *s)
{
	send_(s, 100, 0, D_UNREACH);
	send_(s, 100, 0, D_PROHIBIT);
	send_(s, 100, 0, D_BLACKHOLE);
	send_(s, 100, 0, D_OTHER);
	send_(s, 100, 0, D_SELF);
	send_(s, 100, MSG_DONTROUTE, D_UNREACH);
	send_(s, 100, MSG_MORE, D_UNREACH);
	connect_(s, D_UNREACH);
	connect_(s, D_PROHIBIT);
	connect_(s, D_B9);
	send_(s, 100, 0, D_NONE);
	send_(s, 100, 0, D_NONE);
	getopt_(s, SOL_SOCKET, SO_ERROR, 4);
	send_(s, 100, 0, D_NONE);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	send_(s, 100, 0, D_NONE);
	send_(s, 3000, 0, D_NONE);
	send_(s, 100, 0, D_NONE);
	setopt(s, SOL_IP, IP_PKTINFO, 1);
	send_(s, 100, 0, D_SELF);
	add(s, K_DISCONNECT);
	send_(s, 100, 0, D_B9);
	send_(s, 100, MSG_MORE, D_B9);
	send_(s, 100, 0, D_NONE);
	send_(s, 100, 0, D_UNREACH);
}

static void sc_pmtu(struct seq *s)
{
	setopt(s, SOL_IP, IP_RECVERR, 1);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
	send_(s, 1472, 0, D_B9000);
	send_(s, 1473, 0, D_B9000);
	send_(s, 1000, MSG_MORE, D_B9000);
	send_(s, 1000, 0, D_B9000);
	connect_(s, D_B9000);
	getopt_(s, SOL_IP, IP_MTU, 4);
	mtu(s, 1280);
	getopt_(s, SOL_IP, IP_MTU, 4);
	send_(s, 1253, 0, D_NONE);
	cmsg_u16(send_(s, 5000, 0, D_NONE), SOL_UDP, UDP_SEGMENT, 1252);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE);
	send_(s, 1253, 0, D_NONE);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_INTERFACE);
	send_(s, 1253, 0, D_NONE);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_OMIT);
	send_(s, 1253, 0, D_NONE);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, 6);
	setopt(s, SOL_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
	setopt_ipopts(s, OPT_TSADDR);
	send_(s, 1232, 0, D_NONE);
	send_(s, 1233, 0, D_NONE);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 1000, 0, D_NONE);
	mtu(s, 1000);
	send_(s, 1000, 0, D_NONE);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	getopt_(s, SOL_IP, IP_MTU, 4);
	mtu(s, 67);
	mtu(s, 1500);
}

static void sc_tstamp(struct seq *s)
{
	setopt(s, SOL_SOCKET, SO_TIMESTAMPING, TS_ID_ONLY);
	send_(s, 100, 0, D_B9000);
	send_(s, 3000, 0, D_B9000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	cmsg_u16(send_(s, 3000, 0, D_B9000), SOL_UDP, UDP_SEGMENT, 1000);
	setopt(s, SOL_SOCKET, SO_TIMESTAMPING, TS_SCHED);
	send_(s, 100, 0, D_B9000);
	send_(s, 2000, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_TIMESTAMPING, 0);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SO_TIMESTAMPING, TS_SCHED);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_TIMESTAMPING, TS_ID);
	/* the key of SCM_TS_OPT_ID, not sk_tskey; corked, the cork's */
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SCM_TS_OPT_ID, 1000);
	send_(s, 100, 0, D_B9000);
	cmsg_int(send_(s, 100, MSG_MORE, D_B9000), SOL_SOCKET, SCM_TS_OPT_ID, 2000);
	cmsg_int(send_(s, 100, 0, D_B9000), SOL_SOCKET, SCM_TS_OPT_ID, 3000);
	send_(s, 100, MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_ZEROCOPY, 1);
	send_(s, 200, MSG_ZEROCOPY, D_B9000);
	send_(s, 100, 0, D_B9);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	send_(s, 100, 0, D_B9);
}

static void sc_splice(struct seq *s)
{
	splice_(s, 10, 0);
	connect_(s, D_B9000);
	splice_(s, 100, 0);
	splice_(s, 3000, 0);
	splice_(s, 100, SPLICE_F_MORE);
	splice_(s, 200, 0);
	splice_(s, 100, SPLICE_F_MORE);
	send_(s, 10, 0, D_NONE);
	send_(s, 10, MSG_MORE, D_NONE);
	splice_(s, 100, 0);
	splice_(s, 65507, 0);
	splice_(s, 0, 0);
	feature(s, F_SG, 0);
	splice_(s, 3000, 0);
	feature(s, F_SG, 1);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	splice_(s, 1000, 0);
	splice_(s, 1000, 0);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	setopt(s, SOL_UDP, UDP_SEGMENT, 500);
	splice_(s, 2000, 0);
	add(s, K_DISCONNECT);
	splice_(s, 10, 0);
}

static void sc_nft_drop(struct seq *s)
{
	send_(s, 100, 0, D_NFDROP);
	send_(s, 3000, 0, D_NFDROP);
	cmsg_u16(send_(s, 3000, 0, D_NFDROP), SOL_UDP, UDP_SEGMENT, 1000);
	setopt(s, SOL_IP, IP_RECVERR, 1);
	send_(s, 100, 0, D_NFDROP);
	send_(s, 100, MSG_MORE, D_NFDROP);
	send_(s, 100, 0, D_NFDROP);
	setopt(s, SOL_UDP, UDP_CORK, 1);
	send_(s, 100, 0, D_NFDROP);
	setopt(s, SOL_UDP, UDP_CORK, 0);
	connect_(s, D_NFDROP);
	splice_(s, 100, 0);
	send_(s, 100, 0, D_B9000);
}

static void sc_flags(struct seq *s)
{
	send_(s, 100, MSG_PROBE, D_B9000);
	send_(s, 0, MSG_PROBE, D_B9000);
	send_(s, 70000, MSG_PROBE, D_B9000);
	send_(s, 3000, MSG_PROBE, D_UNREACH);
	send_(s, 100, MSG_DONTROUTE, D_B9000);
	send_(s, 100, MSG_DONTROUTE, D_MCAST);
	send_(s, 100, MSG_CONFIRM, D_B9000);
	send_(s, 100, MSG_CONFIRM | MSG_MORE, D_B9000);
	send_(s, 100, MSG_CONFIRM, D_B9000);
	send_(s, 100, MSG_OOB, D_B9000);
	send_(s, 100, MSG_EOR, D_B9000);
	send_(s, 100, MSG_DONTWAIT, D_B9000);
	send_(s, 100, MSG_PROBE | MSG_MORE, D_B9000);
	send_(s, 100, 0, D_B9000);
	setopt(s, SOL_SOCKET, SO_SNDBUF, 0);
	getopt_(s, SOL_SOCKET, SO_SNDBUF, 4);
	send_(s, 65000, MSG_DONTWAIT | MSG_MORE, D_B9000);
	send_(s, 1000, MSG_DONTWAIT | MSG_MORE, D_B9000);
	send_(s, 1000, MSG_MORE, D_B9000);
	send_(s, 10, MSG_DONTWAIT, D_B9000);
	setopt(s, SOL_SOCKET, SO_SNDBUF, 1 << 20);
	send_(s, 1000, 0, D_B9000);
}

static void sc_names(struct seq *s)
{
	int m;

	send_(s, 10, 0, D_NONE);
	for (m = NM_SHORT; m < NNM; m++)
		send_(s, 10, 0, D_B9000)->nmode = m;
	for (m = NM_SHORT; m < NNM; m++)
		connect_(s, D_B9000)->nmode = m;
	connect_(s, D_B9000);
	for (m = NM_SHORT; m < NNM; m++)
		send_(s, 10, 0, D_B9000)->nmode = m;
	send_(s, 10, 0, D_B9);
	connect_(s, D_B9000)->nmode = NM_UNSPEC;
	send_(s, 10, 0, D_NONE);
}

static void sc_bad_cmsg(struct seq *s)
{
	struct op *o;
	int m;

	for (m = CB_SMALL_LEN; m < NCB; m++) {
		send_(s, 10, 0, D_B9000)->cbmode = m;
		o = send_(s, 10, 0, D_B9000);
		cmsg_int(o, SOL_IP, IP_TTL, 3);
		o->cbmode = m;
	}
	cmsg_int(send_(s, 10, 0, D_B9000), SOL_IP, 99, 1);
	cmsg_int(send_(s, 10, 0, D_B9000), 1234, 1, 1);
	cmsg_int(send_(s, 10, 0, D_B9000), SOL_UDP, 99, 1);
	cmsg_int(send_(s, 10, 0, D_B9000), SOL_SOCKET, SCM_RIGHTS, 0);
	cmsg_int(send_(s, 10, 0, D_B9000), SOL_SOCKET, 999, 0);
	cmsg_raw(send_(s, 10, 0, D_B9000), SOL_IP, IP_TTL, "", 0);
	cmsg_u16(send_(s, 10, 0, D_B9000), SOL_SOCKET, SO_TIMESTAMPING, 1);
	o = send_(s, 10, 0, D_B9000);
	cmsg_int(o, SOL_IP, IP_TTL, 0);
	cmsg_int(o, SOL_IP, IP_TOS, 8);
	cmsg_retopts(send_(s, 10, 0, D_B9000), OPT_BAD_RR);
	cmsg_retopts(send_(s, 10, 0, D_B9000), OPT_TOO_LONG);
	cmsg_retopts(send_(s, 10, 0, D_B9000), OPT_ODD);
	cmsg_int(send_(s, 10, MSG_MORE, D_B9000), SOL_IP, IP_TTL, 0);
	send_(s, 10, 0, D_B9000);
}

static void sc_mtu_change(struct seq *s)
{
	send_(s, 1400, MSG_MORE, D_B9000);
	mtu(s, 1000);
	send_(s, 1400, 0, D_B9000);
	send_(s, 1400, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 900);
	send_(s, 4000, 0, D_B9000);
	mtu(s, 65535);
	send_(s, 65507, 0, D_B9000);
	setopt(s, SOL_UDP, UDP_SEGMENT, 0);
	send_(s, 65507, 0, D_B9000);
	mtu(s, 1499);
	send_(s, 3000, 0, D_B9000);
	mtu(s, 1501);
	send_(s, 3000, 0, D_B9000);
	feature(s, F_CSUM, 0);
	mtu(s, 576);
	send_(s, 3000, MSG_MORE, D_B9000);
	feature(s, F_CSUM, 1);
	send_(s, 3000, 0, D_B9000);
}

static const struct scenario {
	const char *name;
	void (*build)(struct seq *s);
} scenarios[] = {
	{ "lockless", sc_lockless },
	{ "fragmenting", sc_fragment },
	{ "cork-msg-more", sc_cork_more },
	{ "cork-udp-cork", sc_cork_opt },
	{ "fraggap-sg", sc_fraggap_sg },
	{ "fraggap-nosg", sc_fraggap_nosg },
	{ "sg-on", sc_sg_on },
	{ "sg-off", sc_sg_off },
	{ "csum-offload-on", sc_csum_on },
	{ "csum-offload-off", sc_csum_off },
	{ "gso-option", sc_gso_opt },
	{ "gso-cmsg", sc_gso_cmsg },
	{ "zerocopy", sc_zerocopy },
	{ "ip-options", sc_ipopts },
	{ "tos-ttl-pktinfo-cmsg", sc_cmsgs },
	{ "so-mark-priority", sc_mark_prio },
	{ "multicast", sc_mcast },
	{ "broadcast", sc_bcast },
	{ "unreachable", sc_unreach },
	{ "pmtu-emsgsize", sc_pmtu },
	{ "timestamps", sc_tstamp },
	{ "splice", sc_splice },
	{ "nft-drop", sc_nft_drop },
	{ "flags", sc_flags },
	{ "bad-names", sc_names },
	{ "bad-cmsg", sc_bad_cmsg },
	{ "mtu-changes", sc_mtu_change },
};

/* ---------------------------------------------------------------- random */

struct rng {
	uint64_t s;
};

static uint64_t rnext(struct rng *r)	/* splitmix64 */
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rn(struct rng *r, int n)
{
	return rnext(r) % n;
}

static int pct(struct rng *r, int p)
{
	return rn(r, 100) < p;
}

#define PICK(r, a) ((a)[rn(r, N(a))])

/* What the generator knows of the socket, to aim sizes at the edges. */
struct gen {
	int mtu, gso, optlen, connected;
};

static int gen_size(struct rng *r, const struct gen *g)
{
	int hdr = 20 + g->optlen, maxpay = g->mtu - hdr - 8;
	int frag = (g->mtu - hdr) & ~7, n = 0;

	switch (rn(r, 10)) {
	case 0:
		n = rn(r, 65536);
		break;
	case 1:
		n = rn(r, 64);
		break;
	case 2:
		n = maxpay + rn(r, 5) - 2;
		break;
	case 3:
		n = (1 + rn(r, 44)) * frag - 8 + rn(r, 5) - 2;
		break;
	case 4:
		if (g->gso)
			n = (1 + rn(r, 70)) * g->gso + rn(r, 3) - 1;
		else
			n = (1 + rn(r, 4)) * maxpay + rn(r, 3) - 1;
		break;
	case 5:
		n = 65507 - g->optlen + rn(r, 5) - 2;
		break;
	case 6:
		n = rn(r, 4000);
		break;
	default:
		n = rn(r, 1500);
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

	switch (rn(r, 12)) {
	case 0:
		c = cmsg_int(o, SOL_IP, IP_TOS, PICK(r, tos));
		if (pct(r, 30))
			c->len = 1 + rn(r, 2);
		break;
	case 1:
		c = cmsg_int(o, SOL_IP, IP_TTL, PICK(r, ttl));
		if (pct(r, 20))
			c->len = 1 + rn(r, 2);
		break;
	case 2:
		c = cmsg_pktinfo(o, PICK(r, ifx), PICK(r, spec));
		if (pct(r, 10))
			c->len = rn(r, 12);
		break;
	case 3:
		cmsg_retopts(o, rn(r, N(ipopts)));
		break;
	case 4:
	case 5: {
		int v = pct(r, 50) ? PICK(r, gso) :
			(g->mtu - 28 - g->optlen) - rn(r, 3) * 100;

		c = cmsg_u16(o, SOL_UDP, UDP_SEGMENT, v);
		if (pct(r, 10))
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
		cmsg_int(o, pct(r, 50) ? SOL_IP : 1234, 99, 1);
		break;
	default:
		cmsg_int(o, SOL_UDP, pct(r, 50) ? UDP_CORK : 99, 1);
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
	for (i = 0; i < N(fl); i++)
		if (pct(r, fl[i].p))
			o->flags |= fl[i].f;
	if (g->connected && pct(r, 60)) {
		o->dest = D_NONE;
	} else {
		for (i = 0; i < NDEST; i++)
			w += dw[i];
		x = rn(r, w);
		for (i = 0; x >= dw[i]; i++)
			x -= dw[i];
		o->dest = i;
	}
	if (o->dest != D_NONE && pct(r, 4))
		o->nmode = 1 + rn(r, NNM - 1);
	o->niov = pct(r, 70) ? 1 : 2 + rn(r, 3);
	if (pct(r, 3))
		o->cbmode = 1 + rn(r, NCB - 1);
	x = rn(r, 100);
	for (i = x < 60 ? 0 : x < 85 ? 1 : x < 95 ? 2 : 3; i > 0; i--)
		gen_cmsg(r, g, o);
	o->off = rn(r, 65536);
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

	switch (rn(r, 20)) {
	case 0:
	case 1:
		o = setopt(s, SOL_UDP, UDP_CORK, pct(r, 90) ? rn(r, 2) : 2);
		break;
	case 2:
	case 3:
		v = pct(r, 60) ? PICK(r, gso) :
			(g->mtu - 28 - g->optlen) - rn(r, 3) * 100 + rn(r, 2);
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
		v = rn(r, N(ipopts));
		o = setopt_ipopts(s, v);
		if (v <= OPT_ODD)
			g->optlen = (ipopts[v].len + 3) & ~3;
		break;
	case 7:
		o = setopt(s, SOL_IP, IP_MTU_DISCOVER, rn(r, 8) - 1);
		break;
	case 8:
		o = setopt(s, SOL_SOCKET, SO_NO_CHECK, rn(r, 2));
		break;
	case 9:
		o = setopt(s, SOL_SOCKET, SO_MARK, PICK(r, marks));
		break;
	case 10:
		o = setopt(s, SOL_SOCKET, SO_PRIORITY, PICK(r, prio));
		break;
	case 11:
		o = setopt(s, SOL_SOCKET, SO_BROADCAST, rn(r, 2));
		break;
	case 12:
		o = setopt(s, SOL_IP, IP_MULTICAST_TTL, PICK(r, mttl));
		break;
	case 13:
		v = rn(r, 3);
		o = setopt_mcast_if(s, PICK(r, ifx), PICK(r, maddr),
				    v == 0 ? 4 : v == 1 ? 8 : 12);
		break;
	case 14:
		o = setopt(s, SOL_IP, IP_MULTICAST_LOOP, rn(r, 2));
		break;
	case 15:
		o = setopt(s, SOL_SOCKET, SO_SNDBUF, PICK(r, sndbuf));
		break;
	case 16:
		o = setopt(s, SOL_IP, IP_RECVERR, pct(r, 80));
		break;
	case 17:
		o = setopt(s, SOL_SOCKET, SO_ZEROCOPY, pct(r, 80));
		break;
	case 18:
		o = setopt(s, SOL_SOCKET, SO_TIMESTAMPING, PICK(r, tsf));
		break;
	default:
		o = setopt(s, SOL_IP, IP_PKTINFO, rn(r, 2));
		break;
	}
	/* Short option lengths: many options take a byte, some refuse. */
	if (o->level != SOL_IP || o->name != IP_OPTIONS)
		if (o->level != SOL_IP || o->name != IP_MULTICAST_IF)
			if (pct(r, 8))
				o->optlen = rn(r, 4);
}

static void gen_seq(uint64_t seed, struct seq *s)
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
		rnext(&r);
	n = 1 + rn(&r, 24);
	while (s->nops < n) {
		x = rn(&r, 100);
		if (x < 55) {
			gen_send(&r, &g, add(s, K_SEND));
		} else if (x < 75) {
			gen_setopt(&r, &g, s);
		} else if (x < 78) {
			i = rn(&r, N(gets));
			getopt_(s, gets[i].level, gets[i].name, gets[i].len);
		} else if (x < 83) {
			if (g.connected && pct(&r, 40)) {
				add(s, K_DISCONNECT);
				g.connected = 0;
			} else {
				o = connect_(s, 1 + rn(&r, NDEST - 1));
				if (pct(&r, 5))
					o->nmode = 1 + rn(&r, NNM - 1);
				g.connected = 1;
			}
		} else if (x < 88) {
			o = splice_(s, pct(&r, 80) ? rn(&r, 4000) :
				    gen_size(&r, &g), 0);
			o->flags = pct(&r, 30) ? SPLICE_F_MORE : 0;
			o->off = rn(&r, 65536);
		} else if (x < 92) {
			o = mtu(s, PICK(&r, mtus));
			g.mtu = o->arg;
		} else if (x < 98) {
			feature(s, rn(&r, NFEAT), rn(&r, 2));
		} else {
			add(s, K_REOPEN);
			g = (struct gen){ g.mtu, 0, 0, 0 };
		}
	}
}

/* ---------------------------------------------------------------- compare */

static int unhex(const char *h, unsigned char *out, int max)
{
	int n = 0;

	while (n < max && h[0] && h[1] && h[0] != ' ' && h[0] != '\n') {
		unsigned int b;

		if (sscanf(h, "%2x", &b) != 1)
			break;
		out[n++] = b;
		h += 2;
	}
	return n;
}

static void show_bytes(const char *who, const unsigned char *p, int n,
		       int from, int to)
{
	int i, j;

	for (i = from; i < to && i < n; i += 16) {
		printf("#   %-6s %04x:", who, i);
		for (j = i; j < i + 16 && j < n; j++)
			printf(" %02x", p[j]);
		printf("\n");
	}
}

static const char *hexstart(const char *line)
{
	const char *h = strstr(line, " hex=");

	if (h)
		return h + 5;
	h = strstr(line, " data=");
	return h ? h + 6 : NULL;
}

static void show_line(const char *who, const char *line, int len)
{
	printf("#   %s: %.*s%s\n", who, len > 300 ? 300 : len, line,
	       len > 300 ? "..." : "");
}

/* The first difference between two records, readably; 0 if none. */
static int compare(const struct seq *s, const char *a, const char *b,
		   int report)
{
	static unsigned char fa[FRAME_MAX], fb[FRAME_MAX];
	const char *ea, *eb, *ha, *hb;
	int line = 1, la = 0, lb = 0, na, nb, off, i;
	char d[1024];

	while (*a || *b) {
		ea = strchr(a, '\n');
		eb = strchr(b, '\n');
		la = ea ? ea - a : (int)strlen(a);
		lb = eb ? eb - b : (int)strlen(b);
		if (la != lb || memcmp(a, b, la))
			break;
		a += la + !!ea;
		b += lb + !!eb;
		line++;
	}
	if (!*a && !*b)
		return 0;
	if (!report)
		return 1;
	printf("# %s: first difference at record line %d:\n", s->name, line);
	show_line("native", a, la);
	show_line("altudp", b, lb);
	ha = hexstart(a);
	hb = hexstart(b);
	if (ha && hb && ha < a + la && hb < b + lb) {
		na = unhex(ha, fa, sizeof(fa));
		nb = unhex(hb, fb, sizeof(fb));
		for (off = 0; off < na && off < nb && fa[off] == fb[off]; off++)
			;
		printf("#   frames: %d and %d bytes, first differing byte at offset %d (%#x)\n",
		       na, nb, off, off);
		show_bytes("native", fa, na, 0, 64);
		show_bytes("altudp", fb, nb, 0, 64);
		if (off >= 64) {
			printf("#   ...around offset %#x:\n", off);
			show_bytes("native", fa, na, (off & ~15) - 16,
				   (off & ~15) + 32);
			show_bytes("altudp", fb, nb, (off & ~15) - 16,
				   (off & ~15) + 32);
		}
	}
	printf("#   the sequence:\n");
	for (i = 0; i < s->nops; i++) {
		describe(&s->ops[i], d, sizeof(d));
		printf("#     c%d %s\n", i, d);
	}
	return 1;
}

/* ---------------------------------------------------------------- main */

static int tap_n, tap_failed;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	tap_failed += !ok;
}

/* A whole record, to $ALTUDP_DIFF_DUMP/<name>.<which>. */
static void dump(const struct seq *s, const char *which, const struct log *l)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.%s", getenv("ALTUDP_DIFF_DUMP"),
		 s->name, which);
	f = fopen(path, "w");
	if (!f)
		return;
	fwrite(l->buf, 1, l->len, f);
	fclose(f);
}

/* Both runs of one sequence: 0 same, 1 different, -1 runner error. */
static int diff_one(const struct seq *s, int proto, int report)
{
	static struct log a, b;
	char err_a[sizeof(run_error)];
	int ra, rb, r;

	ra = run(s, 0, &a);
	snprintf(err_a, sizeof(err_a), "%s", run_error);
	rb = run(s, proto, &b);
	if (verbose) {
		printf("# ---- native record of %s\n", s->name);
		fwrite(a.buf, 1, a.len, stdout);
		if (strcmp(a.buf, b.buf)) {
			printf("# ---- altudp record of %s\n", s->name);
			fwrite(b.buf, 1, b.len, stdout);
		}
	}
	if (ra || rb) {
		printf("# %s: runner error (%s run): %s\n", s->name,
		       ra ? "native" : "altudp", ra ? err_a : run_error);
		return -1;
	}
	r = compare(s, a.buf, b.buf, report);
	if (r > 0 && getenv("ALTUDP_DIFF_DUMP")) {
		dump(s, "native", &a);
		dump(s, "altudp", &b);
	}
	return r;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: altudp_diff [--proto P] [--seed N] [--count N]\n"
		"                   [--scenarios|--no-scenarios] [--only NAME]\n"
		"                   [--max-report N] [--stop-on-diff] [--verbose] [--list]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long long seed = 1;
	int proto = -1, count = 500, do_scn = 1, max_report = 3, stop = 0, i, r;
	const char *only = NULL;
	static struct seq s;
	cpu_set_t cpus;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--proto") && v)
			proto = atoi(argv[++i]);
		else if (!strcmp(a, "--seed") && v)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(a, "--count") && v)
			count = atoi(argv[++i]);
		else if (!strcmp(a, "--max-report") && v)
			max_report = atoi(argv[++i]);
		else if (!strcmp(a, "--only") && v)
			only = argv[++i];
		else if (!strcmp(a, "--scenarios"))
			do_scn = 1;
		else if (!strcmp(a, "--no-scenarios"))
			do_scn = 0;
		else if (!strcmp(a, "--stop-on-diff"))
			stop = 1;
		else if (!strcmp(a, "--verbose"))
			verbose = 1;
		else if (!strcmp(a, "--list")) {
			for (r = 0; r < N(scenarios); r++)
				printf("%s\n", scenarios[r].name);
			return 0;
		} else
			usage();
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (proto < 0)
		proto = altudp_protocol();
	if (proto < 0) {
		printf("1..0 # SKIP altudp module not loaded\n");
		return 0;
	}
	if (geteuid()) {
		printf("1..0 # SKIP needs root (namespaces, AF_PACKET)\n");
		return 0;
	}
	/*
	 * One CPU: the veth receive backlog is per CPU, and the marker must
	 * queue behind the frames it follows.
	 */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	setup();
	printf("# %s protocol %d against UDP; namespaces %s, %s\n",
	       proto ? "altudp" : "native UDP (runner self-check),", proto,
	       ns_a, ns_b);

	for (i = 0; do_scn && i < N(scenarios); i++) {
		if (only && strcmp(only, scenarios[i].name))
			continue;
		memset(&s, 0, sizeof(s));
		s.name = scenarios[i].name;
		scenarios[i].build(&s);
		r = diff_one(&s, proto, 1);
		tap(r == 0, "scenario %s: %d calls%s", s.name, s.nops,
		    r > 0 ? " # altudp differs from UDP" :
		    r < 0 ? " # runner error" : "");
	}

	if (count > 0 && !only) {
		int differ = 0, errors = 0, reported = 0;
		double t0 = now_seconds(), dt;
		char name[64];

		for (i = 0; i < count; i++) {
			memset(&s, 0, sizeof(s));
			snprintf(name, sizeof(name), "seed %llu", seed + i);
			s.name = name;
			gen_seq(seed + i, &s);
			r = diff_one(&s, proto, reported < max_report);
			if (r) {
				if (reported++ < max_report)
					printf("#   replay: %s --seed %llu --count 1 --no-scenarios%s\n",
					       argv[0], seed + i, " --verbose");
				if (r > 0)
					differ++;
				else
					errors++;
				if (stop && r > 0) {
					i++;
					break;
				}
			}
		}
		dt = now_seconds() - t0;
		printf("# random: seeds %llu..%llu: %d sequences ran, %d differed, %d runner errors, %.1f s (%.1f sequences/s)\n",
		       seed, seed + i - 1, i, differ, errors, dt, i / dt);
		tap(!differ && !errors,
		    "random: %d sequences from seed %llu, %d differed%s", i,
		    seed, differ, errors ? ", runner errors" : "");
	}
	/* There are static neighbours for every destination. */
	if (arp_frames)
		printf("# warning: %lu ARP frames on the wire (the last for %s): a destination lacks a static neighbour\n",
		       arp_frames, inet_ntoa(arp_target));
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
