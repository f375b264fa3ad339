// SPDX-License-Identifier: GPL-2.0
/*
 * The sender's routes, rules, addresses, neighbours and VRF over rtnetlink:
 * the changes of K_NET and their undoing, and the prefix routes and
 * neighbours that reset_routes() (setup.c) replaces and flushes.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diff.h"

int rtnl_fd = -1;		/* NETLINK_ROUTE in namespace A */

/* An rtnetlink request, its attributes appended. */
struct nlreq {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct fib_rule_hdr fr;
		struct ifaddrmsg ifa;
		struct ndmsg nd;
		struct ifinfomsg ifi;
	};
	char attrs[256];
};

static void *nl_new(struct nlreq *r, int type, int flags, size_t hdr)
{
	memset(r, 0, sizeof(*r));
	r->nh.nlmsg_type = type;
	r->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh.nlmsg_len = NLMSG_LENGTH(hdr);
	return &r->rt;
}

static struct rtattr *nl_attr(struct nlreq *r, int type, const void *d,
			      int len)
{
	struct rtattr *rta = (void *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), d, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

static void nl_u32(struct nlreq *r, int type, uint32_t v)
{
	nl_attr(r, type, &v, 4);
}

static void nl_addr(struct nlreq *r, int type, const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	nl_attr(r, type, &in, 4);
}

/* Sent and acknowledged: 0 or -errno. */
static int nl_talk(struct nlreq *r)
{
	struct {
		struct nlmsghdr nh;
		struct nlmsgerr err;
		char more[512];
	} ack;

	if (send(rtnl_fd, r, r->nh.nlmsg_len, 0) != (ssize_t)r->nh.nlmsg_len ||
	    recv(rtnl_fd, &ack, sizeof(ack), 0) < (ssize_t)NLMSG_LENGTH(sizeof(ack.err)) ||
	    ack.nh.nlmsg_type != NLMSG_ERROR)
		die("rtnetlink: %s", strerror(errno));
	return ack.err.error;
}

/*
 * veth-a's prefix route of family af (an address's, RTPROT_KERNEL, as the
 * kernel adds it), pfx/24 or pfx/64, deleted or added again: 0 or -errno.
 */
int nl_prefix_route(int type, int af, const char *pfx)
{
	struct nlreq r;
	struct rtmsg *rt = nl_new(&r, type, type == RTM_NEWROUTE ?
				  NLM_F_CREATE | NLM_F_EXCL : 0, sizeof(*rt));
	bool v6 = af == AF_INET6;
	struct in6_addr a;

	*rt = (struct rtmsg){ .rtm_family = af, .rtm_dst_len = v6 ? 64 : 24,
			      .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_KERNEL,
			      .rtm_scope = v6 ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
			      .rtm_type = RTN_UNICAST };
	inet_pton(af, pfx, &a);
	nl_attr(&r, RTA_DST, &a, v6 ? sizeof(a) : 4);
	if (!v6)
		nl_addr(&r, RTA_PREFSRC, NET "1");
	nl_u32(&r, RTA_OIF, ifindex_a);
	if (v6)
		nl_u32(&r, RTA_PRIORITY, 256);
	return nl_talk(&r);
}

/*
 * Delete veth-a's IPv6 neighbours that are not static: a send may look
 * one up for an address that has none (a neighbour solicitation then goes
 * out, counted, and the entry stays for the next run).
 */
void flush_neigh6(void)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNEIGH,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.nd = { .ndm_family = AF_INET6 },
	};
	static union {
		char b[65536];
		struct nlmsghdr align;
	} buf;
	struct in6_addr dst[64];
	int n = 0, done = 0, i;
	struct nlreq r;
	ssize_t len;

	if (send(rtnl_fd, &req, sizeof(req), 0) != sizeof(req))
		die("rtnetlink: %s", strerror(errno));
	while (!done && (len = recv(rtnl_fd, buf.b, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *nh = &buf.align;

		for (; NLMSG_OK(nh, len); nh = NLMSG_NEXT(nh, len)) {
			struct ndmsg *nd = NLMSG_DATA(nh);
			struct rtattr *a = (void *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
			int alen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(*nd));

			if (nh->nlmsg_type == NLMSG_DONE || nh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (nh->nlmsg_type != RTM_NEWNEIGH || nd->ndm_ifindex != ifindex_a ||
			    (nd->ndm_state & (NUD_PERMANENT | NUD_NOARP)))
				continue;
			for (; RTA_OK(a, alen); a = RTA_NEXT(a, alen))
				if (a->rta_type == NDA_DST && n < ARRAY_SIZE(dst))
					memcpy(&dst[n++], RTA_DATA(a), sizeof(dst[0]));
		}
	}
	for (i = 0; i < n; i++) {
		struct ndmsg *nd = nl_new(&r, RTM_DELNEIGH, 0, sizeof(*nd));

		nd->ndm_family = AF_INET6;
		nd->ndm_ifindex = ifindex_a;
		nl_attr(&r, NDA_DST, &dst[i], sizeof(dst[i]));
		nl_talk(&r);
	}
}

/*
 * The changes of K_NET, in the sender's namespace: each one flushes the
 * namespace's route generation or marks routes obsolete, and changes
 * what a lookup of some flow gives (its device MTU, its source, an error
 * route, a rule on the mark, uid, port or tos).  NET "5" is a second
 * address of veth-a, with static neighbours both ways.  The marker's
 * own route is in table 99, before every rule they add: they never
 * change where it goes.
 *
 * veth-a enslaved to the VRF (table 110) and released: its prefix
 * route moves to the VRF's table and back, an unbound socket's sends to
 * the peer fail while a socket bound to the VRF or to veth-a reaches it.
 * A BPF_CGROUP_UDP4_SENDMSG program sends what goes to the peer's port
 * 9000 to ALT (behind a gateway, MTU locked at 1280), another refuses
 * sends to port 9 (EPERM).
 */
const char *const net_name[NNET] = {
	[N_FLUSH]		= "route flush cache",
	[N_HOST]		= "route " NET "2/32 dev " IF_A,
	[N_HOST_MTU]		= "route " NET "2/32 dev " IF_A " mtu lock 1280",
	[N_HOST_UNREACH]	= "route unreachable " NET "2/32",
	[N_HOST_PROHIBIT]	= "route prohibit " NET "2/32",
	[N_HOST_DEL]		= "route del " NET "2/32",
	[N_ADDR]		= "addr add " NET "5/24",
	[N_HOST_SRC]		= "route " NET "2/32 dev " IF_A " src " NET "5",
	[N_ADDR_DEL]		= "addr del " NET "5/24",
	[N_RULE_MARK]		= "rule fwmark 1 -> unreachable",
	[N_RULE_UID]		= "rule uid 0 -> " NET "0/24 mtu lock 1000",
	[N_RULE_DPORT]		= "rule dport 9 -> prohibit",
	[N_RULE_TOS]		= "rule tos 0x10 -> blackhole",
	[N_RULES_DEL]		= "rules deleted",
	[N_MULTIPATH]		= "route " NET "2/32 two nexthops",
	[N_VRF_ENSLAVE]		= "link " IF_A " master " IF_VRF,
	[N_VRF_RELEASE]		= "link " IF_A " nomaster",
	[N_BPF_REWRITE]		= "bpf udp4_sendmsg " NET "2:9000 -> " ALT,
	[N_BPF_REFUSE]		= "bpf udp4_sendmsg port 9 -> EPERM",
	[N_BPF_DETACH]		= "bpf udp4_sendmsg detached",
};

static void nl_mtu_lock(struct nlreq *r, uint32_t mtu)
{
	struct { struct rtattr a; uint32_t v; } m[2] = {
		{ { RTA_LENGTH(4), RTAX_MTU }, mtu },
		{ { RTA_LENGTH(4), RTAX_LOCK }, 1u << RTAX_MTU },
	};

	nl_attr(r, RTA_METRICS, m, sizeof(m));
}

/* A route in table, replaced: type, destination/len, and for unicast
 * routes veth-a, a source and a locked MTU when given.
 */
static int nl_route(int type, int table, const char *dst, int len,
		    const char *src, int mtu_lock)
{
	struct nlreq r;
	struct rtmsg *rt = nl_new(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
				  sizeof(*rt));

	*rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = len,
			      .rtm_table = RT_TABLE_UNSPEC, .rtm_protocol = RTPROT_STATIC,
			      .rtm_scope = type == RTN_UNICAST ? RT_SCOPE_LINK :
							       RT_SCOPE_UNIVERSE,
			      .rtm_type = type };
	nl_u32(&r, RTA_TABLE, table);
	if (len)
		nl_addr(&r, RTA_DST, dst);
	if (type == RTN_UNICAST)
		nl_u32(&r, RTA_OIF, ifindex_a);
	if (src)
		nl_addr(&r, RTA_PREFSRC, src);
	if (mtu_lock)
		nl_mtu_lock(&r, mtu_lock);
	return nl_talk(&r);
}

/* dst/24 via gw on veth-a, its MTU locked. */
static int nl_route_via(const char *dst, const char *gw, int mtu_lock)
{
	struct nlreq r;
	struct rtmsg *rt = nl_new(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
				  sizeof(*rt));

	*rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 24,
			      .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
			      .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	nl_addr(&r, RTA_DST, dst);
	nl_addr(&r, RTA_GATEWAY, gw);
	nl_u32(&r, RTA_OIF, ifindex_a);
	nl_mtu_lock(&r, mtu_lock);
	return nl_talk(&r);
}

/* NET "2"/32 over two nexthops: veth-a directly, and via NET "3". */
static int nl_route_multipath(void)
{
	struct nlreq r;
	struct rtmsg *rt = nl_new(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE,
				  sizeof(*rt));
	struct {
		struct rtnexthop nh1;
		struct rtnexthop nh2;
		struct rtattr gw;
		struct in_addr via;
	} mp = {
		.nh1 = { sizeof(struct rtnexthop), 0, 0, ifindex_a },
		.nh2 = { sizeof(struct rtnexthop) + RTA_LENGTH(4), 0, 0, ifindex_a },
		.gw = { RTA_LENGTH(4), RTA_GATEWAY },
	};

	inet_pton(AF_INET, NET "3", &mp.via);
	*rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = 32,
			      .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC,
			      .rtm_scope = RT_SCOPE_UNIVERSE, .rtm_type = RTN_UNICAST };
	nl_addr(&r, RTA_DST, NET "2");
	nl_attr(&r, RTA_MULTIPATH, &mp, sizeof(mp));
	return nl_talk(&r);
}

static int nl_route_del(int table, const char *dst, int len)
{
	struct nlreq r;
	struct rtmsg *rt = nl_new(&r, RTM_DELROUTE, 0, sizeof(*rt));

	*rt = (struct rtmsg){ .rtm_family = AF_INET, .rtm_dst_len = len,
			      .rtm_scope = RT_SCOPE_NOWHERE };
	nl_u32(&r, RTA_TABLE, table);
	if (len)
		nl_addr(&r, RTA_DST, dst);
	return nl_talk(&r);
}

/* A rule to table at pref: match is FRA_FWMARK, FRA_UID_RANGE,
 * FRA_DPORT_RANGE (UDP) or the tos.  Exclusive: rules may otherwise
 * repeat, and a repeat would outlive one deletion.
 */
static int nl_rule(int type, int pref, int table, int match, uint32_t v)
{
	struct nlreq r;
	struct fib_rule_hdr *fr = nl_new(&r, type,
					 type == RTM_NEWRULE ?
					 NLM_F_CREATE | NLM_F_EXCL : 0,
					 sizeof(*fr));

	fr->family = AF_INET;
	fr->action = type == RTM_NEWRULE ? FR_ACT_TO_TBL : FR_ACT_UNSPEC;
	nl_u32(&r, FRA_PRIORITY, pref);
	if (type == RTM_DELRULE)
		return nl_talk(&r);
	nl_u32(&r, FRA_TABLE, table);
	switch (match) {
	case FRA_FWMARK:
		nl_u32(&r, FRA_FWMARK, v);
		nl_u32(&r, FRA_FWMASK, 0xffffffff);
		break;
	case FRA_UID_RANGE: {
		struct fib_rule_uid_range u = { v, v };

		nl_attr(&r, FRA_UID_RANGE, &u, sizeof(u));
		break;
	}
	case FRA_DPORT_RANGE: {
		struct fib_rule_port_range p = { v, v };
		uint8_t proto = IPPROTO_UDP;

		nl_attr(&r, FRA_IP_PROTO, &proto, 1);
		nl_attr(&r, FRA_DPORT_RANGE, &p, sizeof(p));
		break;
	}
	default:
		fr->tos = v;
		break;
	}
	return nl_talk(&r);
}

static int nl_addr_change(int type, const char *a)
{
	struct nlreq r;
	struct ifaddrmsg *ifa = nl_new(&r, type,
				       type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_REPLACE : 0,
				       sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = ifindex_a;
	nl_addr(&r, IFA_LOCAL, a);
	nl_addr(&r, IFA_ADDRESS, a);
	return nl_talk(&r);
}

/* A static neighbour on veth-a: MAC_B's or MAC_OTHER's last byte. */
static int nl_neigh(const char *a, unsigned char mac)
{
	struct nlreq r;
	struct ndmsg *nd = nl_new(&r, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE,
				  sizeof(*nd));
	unsigned char ll[6] = { 2, 0, 0, 0, 6, mac };

	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = ifindex_a;
	nd->ndm_state = NUD_PERMANENT;
	nl_addr(&r, NDA_DST, a);
	nl_attr(&r, NDA_LLADDR, ll, sizeof(ll));
	return nl_talk(&r);
}

/* veth-a enslaved to the VRF (N_VRF_ENSLAVE) or not. */
static int enslaved;

/*
 * veth-a's static neighbours and routes in the sender's namespace, made by
 * setup() and again after each VRF change, which cycles the device
 * (cycle_netdev() in drivers/net/vrf.c): its routes and neighbours,
 * static ones too, are gone.  Neighbours for every destination veth-a
 * reaches, also those a send with IP_PKTINFO's ifindex reaches on-link
 * (the sender's own, those of the error routes): no ARP on the wire, no
 * neighbour timers, no late "host unreachable".  Then the marker's route
 * in table 99, the multicast route and ALT's.  A route's source must be
 * local in its table, which NET "1" is not for table 99 while enslaved;
 * the main table's routes come back with the release.
 */
int veth_a_routes(void)
{
	static const char *const other[] = { NET "1", NET "3", "10.96.0.1",
					     "10.97.0.1", "10.98.0.1" };
	int err, i;

	err = nl_neigh(NET "2", 2) ?: nl_neigh(ALT, 2);
	for (i = 0; i < ARRAY_SIZE(other); i++)
		err = err ?: nl_neigh(other[i], 3);
	err = err ?: nl_route(RTN_UNICAST, 99, NET "0", 24,
			      enslaved ? NULL : NET "1", 0);
	if (!enslaved) {
		err = err ?: nl_route(RTN_UNICAST, RT_TABLE_MAIN, "224.0.0.0", 4,
				      NULL, 0);
		err = err ?: nl_route_via(ALT_NET, NET "2", 1280);
	}
	return err;
}

/* veth-a enslaved to the VRF (which: N_VRF_ENSLAVE) or released. */
static int nl_master(int which)
{
	struct nlreq r;
	struct ifinfomsg *ifi = nl_new(&r, RTM_NEWLINK, 0, sizeof(*ifi));
	int err;

	if (ipv6_dests)
		return -EOPNOTSUPP;	/* the cycle would drop its IPv6 set-up */
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex_a;
	nl_u32(&r, IFLA_MASTER, which == N_VRF_ENSLAVE ? ifindex_vrf : 0);
	err = nl_talk(&r);
	if (err)
		return err;
	enslaved = which == N_VRF_ENSLAVE;
	return veth_a_routes();
}

/* The tables of the rules: 100 mark, 101 uid, 102 port, 103 tos. */
int net_change(int which)
{
	int i, err = 0;

	net_changed = 1;
	switch (which) {
	case N_FLUSH:
		return pwrite(flush_fd[0], "1\n", 2, 0) == 2 ? 0 : -errno;
	case N_HOST:
		return nl_route(RTN_UNICAST, RT_TABLE_MAIN, NET "2", 32, NULL, 0);
	case N_HOST_MTU:
		return nl_route(RTN_UNICAST, RT_TABLE_MAIN, NET "2", 32, NULL, 1280);
	case N_HOST_UNREACH:
		return nl_route(RTN_UNREACHABLE, RT_TABLE_MAIN, NET "2", 32, NULL, 0);
	case N_HOST_PROHIBIT:
		return nl_route(RTN_PROHIBIT, RT_TABLE_MAIN, NET "2", 32, NULL, 0);
	case N_HOST_DEL:
		return nl_route_del(RT_TABLE_MAIN, NET "2", 32);
	case N_ADDR:
		return nl_addr_change(RTM_NEWADDR, NET "5");
	case N_HOST_SRC:
		err = nl_addr_change(RTM_NEWADDR, NET "5");
		return err ?: nl_route(RTN_UNICAST, RT_TABLE_MAIN, NET "2", 32,
				       NET "5", 0);
	case N_ADDR_DEL:
		return nl_addr_change(RTM_DELADDR, NET "5");
	case N_RULE_MARK:
		err = nl_route(RTN_UNREACHABLE, 100, NULL, 0, NULL, 0);
		return err ?: nl_rule(RTM_NEWRULE, 100, 100, FRA_FWMARK, 1);
	case N_RULE_UID:
		err = nl_route(RTN_UNICAST, 101, NET "0", 24, NET "1", 1000);
		return err ?: nl_rule(RTM_NEWRULE, 101, 101, FRA_UID_RANGE, 0);
	case N_RULE_DPORT:
		err = nl_route(RTN_PROHIBIT, 102, NULL, 0, NULL, 0);
		return err ?: nl_rule(RTM_NEWRULE, 102, 102, FRA_DPORT_RANGE, 9);
	case N_RULE_TOS:
		err = nl_route(RTN_BLACKHOLE, 103, NULL, 0, NULL, 0);
		return err ?: nl_rule(RTM_NEWRULE, 103, 103, 0, 0x10);
	case N_RULES_DEL:
		for (i = 100; i <= 103; i++)
			err = nl_rule(RTM_DELRULE, i, 0, 0, 0) ?: err;
		return err;
	case N_MULTIPATH:
		return nl_route_multipath();
	case N_VRF_ENSLAVE:
	case N_VRF_RELEASE:
		return nl_master(which);
	case N_BPF_REWRITE:
	case N_BPF_REFUSE:
		return bpf_attach(which);
	case N_BPF_DETACH:
		return bpf_detach_all();
	}
	return -EINVAL;
}

int net_changed;

/* Undo every K_NET change. */
void reset_net(void)
{
	int i;

	net_changed = 0;
	bpf_detach_all();
	if (enslaved && nl_master(N_VRF_RELEASE))
		die("releasing " IF_A " from " IF_VRF);

	for (i = 100; i <= 103; i++) {
		nl_rule(RTM_DELRULE, i, 0, 0, 0);
		nl_route_del(i, i == 101 ? NET "0" : NULL, i == 101 ? 24 : 0);
	}
	nl_route_del(RT_TABLE_MAIN, NET "2", 32);
	nl_addr_change(RTM_DELADDR, NET "5");
}
