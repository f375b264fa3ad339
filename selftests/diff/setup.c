// SPDX-License-Identifier: GPL-2.0
/*
 * The two namespaces joined by veth, the routes and sysctls of the runs,
 * and what puts them back as they were before each run (with the
 * rtnetlink requests of netlink.c).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "diff.h"

char ns_a[64], ns_b[64];
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
static int ctl_fd = -1;		/* ioctls on veth-a, in namespace A */
int flush_fd[2] = { -1, -1 };	/* net.ipv4.route.flush of A, B */
int cap_fd = -1;		/* AF_PACKET on veth-b, namespace B */
int lis_fd = -1;		/* UDP socket on the peer's port 9000 */
int lis6_fd = -1;		/* its IPv6 twin, with ipv6_dests */
int mark_fd = -1;	/* native UDP marker socket in A */
int ifindex_a, ifindex_lo, ifindex_vrf;
unsigned char payload[2 * 65536];

const char *const feat_name[NFEAT] = {
	"tx-scatter-gather", "tx-checksum-ip-generic",
	"tx-generic-segmentation", "tx-udp-segmentation",
};
static int feat_idx[NFEAT] = { -1, -1, -1, -1 };
int feat_init[NFEAT];
static int nfeat_words;

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

	for (i = 0; i < ARRAY_SIZE(gsysctl); i++)
		if (gsysctl[i].fd >= 0 && gsysctl[i].saved[0])
			pwrite(gsysctl[i].fd, gsysctl[i].saved,
			       strlen(gsysctl[i].saved), 0);
	cgroup_cleanup();
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
	if (enter_netns(ns))
		die("setns %s: %s", ns, strerror(errno));
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
int features_set(const int *want)
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

int set_mtu(const char *dev, int m)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, dev);
	ifr.ifr_mtu = m;
	return ioctl(ctl_fd, SIOCSIFMTU, &ifr);
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
int ipv6_learnt;

void reset_routes(void)
{
	static const char *const pfx6[] = { NET6, "fe80::" };
	int i, err = nl_prefix_route(RTM_DELROUTE, AF_INET, NET "0");

	if (err || (err = nl_prefix_route(RTM_NEWROUTE, AF_INET, NET "0")))
		die("replacing the route to " NET "0/24: %s", strerror(-err));
	/*
	 * IPv6 keeps what it learnt in exceptions of the route too
	 * (rt6_insert_exception(): an ICMPv6 "packet too big" that
	 * ip6_fragment() sends to ourselves for a datagram over IPV6_MTU),
	 * with an expiry that a flush leaves alone; they go with the route
	 * (rt6_flush_exceptions()).  Only after a run that sent one, or a
	 * neighbour solicitation.
	 */
	if (ipv6_learnt) {
		for (i = 0; i < ARRAY_SIZE(pfx6); i++)
			if ((err = nl_prefix_route(RTM_DELROUTE, AF_INET6, pfx6[i])) ||
			    (err = nl_prefix_route(RTM_NEWROUTE, AF_INET6, pfx6[i])))
				die("replacing the route to %s/64: %s", pfx6[i],
				    strerror(-err));
		flush_neigh6();
		ipv6_learnt = 0;
	}
	for (i = 0; i < 2; i++)
		if (pwrite(flush_fd[i], "1\n", 2, 0) != 2)
			die("net.ipv4.route.flush: %s", strerror(errno));
}

/*
 * With ipv6_dests, IPv6 on veth: before the links come up, what keeps the
 * namespaces quiet (no duplicate address detection, router solicitations
 * or MLD reports later than a jiffy: a frame or counter of their own
 * in a run would be taken for the call's) and the addresses; after, as
 * for IPv4, static neighbours for every destination that veth-a reaches,
 * the error routes, the nft rule on port 9001, and ICMPv6 errors without
 * a rate limit (the peer's, and the sender's to itself).
 */
#define CONF6(ns, dev)							\
	"ip netns exec " ns " sysctl -qw net.ipv6.conf." dev ".accept_dad=0 "	\
	"net.ipv6.conf." dev ".router_solicitations=0 "			\
	"net.ipv6.conf." dev ".mldv1_unsolicited_report_interval=0 "	\
	"net.ipv6.conf." dev ".mldv2_unsolicited_report_interval=0\n"
static const char ip6_preup[] =
	CONF6("$A", IF_A) CONF6("$B", IF_B)
	"ip -n $A link set " IF_A " addrgenmode none\n"
	"ip -n $B link set " IF_B " addrgenmode none\n"
	"ip -n $A addr add fe80::1/64 dev " IF_A " nodad\n"
	"ip -n $A addr add " NET6 "1/64 dev " IF_A " nodad\n"
	"ip -n $B addr add fe80::2/64 dev " IF_B " nodad\n"
	"ip -n $B addr add " NET6 "2/64 dev " IF_B " nodad\n";
static const char ip6_up[] =
	"for n in " NET6 "2 fe80::2; do\n"
	" ip -n $A neigh replace $n lladdr " MAC_B " nud permanent dev " IF_A "; done\n"
	"for n in " NET6 "3 fd00:96::1 fd00:97::1 fd00:98::1; do\n"
	" ip -n $A neigh replace $n lladdr " MAC_OTHER " nud permanent dev " IF_A "; done\n"
	"for n in " NET6 "1 fe80::1; do\n"
	" ip -n $B neigh replace $n lladdr " MAC_A " nud permanent dev " IF_B "; done\n"
	"ip -n $A route add unreachable fd00:98::/32\n"
	"ip -n $A route add prohibit fd00:97::/32\n"
	"ip -n $A route add blackhole fd00:96::/32\n"
	"printf 'table ip6 altudp_diff {\\n chain out {\\n type filter hook output priority 0;\\n udp dport 9001 drop\\n }\\n}\\n' |"
	" ip netns exec $A nft -f -\n"
	"for ns in $A $B; do\n"
	" ip netns exec $ns sysctl -qw net.ipv6.icmp.ratelimit=0\n"
	" ip netns exec $ns sh -c 'echo > /proc/sys/net/ipv6/icmp/ratemask'; done\n";

/*
 * Without ipv6_dests, no IPv6 on veth: the VRF changes cycle veth-a, and
 * the peer's addrconf frames after each carrier change (its router
 * solicitations come seconds later, from a timer on any CPU) could reach
 * veth-a while it is down and count as a receive backlog drop.  There is
 * no IPv6 with ipv6.disable=1.
 */
static const char ip6_off[] =
	"ip netns exec $A sysctl -qw net.ipv6.conf." IF_A ".disable_ipv6=1 2>/dev/null || :\n"
	"ip netns exec $B sysctl -qw net.ipv6.conf." IF_B ".disable_ipv6=1 2>/dev/null || :\n";

void setup(void)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int big = 64 << 20, i;

	snprintf(ns_a, sizeof(ns_a), "altudp-diff-%d-a", getpid());
	snprintf(ns_b, sizeof(ns_b), "altudp-diff-%d-b", getpid());
	ns_made = 1;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (i = 0; i < ARRAY_SIZE(gsysctl); i++) {
		int fd = open(gsysctl[i].path, O_RDWR);

		if (fd < 0 || read(fd, gsysctl[i].saved,
				   sizeof(gsysctl[i].saved) - 1) <= 0)
			die("%s: %s", gsysctl[i].path, strerror(errno));
		gsysctl[i].fd = fd;
		if (pwrite(fd, gsysctl[i].val, strlen(gsysctl[i].val), 0) < 0)
			die("%s: %s", gsysctl[i].path, strerror(errno));
	}
	/*
	 * The peer's static neighbours (the sender's are veth_a_routes()'s,
	 * with veth-a's routes): no ARP on the wire.
	 * The routes give each error path a destination; the nft rule drops
	 * one port at LOCAL_OUT (NF_DROP: EPERM from the send).
	 * For the route sequences' K_NET changes (netlink.c): ALT, the
	 * peer's address behind a gateway, and the VRF; an unbound socket
	 * (the marker) gets its ICMP errors through the VRF too.
	 */
	if (sh("set -e; A=%s; B=%s\n"
	       "ip netns add $A; ip netns add $B\n"
	       "ip -n $A link set lo up; ip -n $B link set lo up\n"
	       "ip link add %s netns $A address %s type veth peer name %s netns $B address %s\n"
	       "ip -n $A addr add " NET "1/24 dev %s\n"
	       "ip -n $B addr add " NET "2/24 dev %s\n"
	       "ip -n $B link set %s mtu 65535\n"
	       "%s"
	       "ip -n $A link set %s up; ip -n $B link set %s up\n"
	       "ip -n $B neigh replace " NET "1 lladdr %s nud permanent dev %s\n"
	       "ip -n $B neigh replace " NET "5 lladdr %s nud permanent dev %s\n"
	       "ip -n $A rule add pref 10 ipproto udp sport %d table 99\n"
	       "ip -n $B addr add " ALT "/32 dev %s\n"
	       "ip -n $A link add " IF_VRF " type vrf table %d\n"
	       "ip -n $A link set " IF_VRF " up\n"
	       "ip netns exec $A sysctl -qw net.ipv4.udp_l3mdev_accept=1\n"
	       "ip -n $A route add unreachable 10.98.0.0/16\n"
	       "ip -n $A route add prohibit 10.97.0.0/16\n"
	       "ip -n $A route add blackhole 10.96.0.0/16\n"
	       "printf 'table ip altudp_diff {\\n chain out {\\n type filter hook output priority 0;\\n udp dport 9001 drop\\n }\\n}\\n' |"
	       " ip netns exec $A nft -f -\n",
	       ns_a, ns_b, IF_A, MAC_A, IF_B, MAC_B, IF_A, IF_B, IF_B,
	       ipv6_dests ? ip6_preup : ip6_off, IF_A, IF_B, MAC_A, IF_B, MAC_A, IF_B,
	       MARK_SPORT, IF_B, VRF_TABLE))
		die("setting up the namespaces failed");
	if (ipv6_dests && sh("set -e; A=%s; B=%s\n%s", ns_a, ns_b, ip6_up))
		die("setting up IPv6 in the namespaces failed");

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
	    sock_set_int(cap_fd, SOL_PACKET, PACKET_AUXDATA, 1) ||
	    sock_set_int(cap_fd, SOL_SOCKET, SO_RCVBUFFORCE, big))
		die("capture socket: %s", strerror(errno));
	lis_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock_bind(lis_fd, NULL, 9000) ||
	    sock_set_int(lis_fd, SOL_SOCKET, SO_RCVBUFFORCE, big))
		die("peer socket: %s", strerror(errno));
	if (ipv6_dests) {
		struct sockaddr_in6 any6 = { .sin6_family = AF_INET6,
					     .sin6_port = htons(9000) };

		lis6_fd = socket(AF_INET6, SOCK_DGRAM, 0);
		if (sock_set_int(lis6_fd, SOL_IPV6, IPV6_V6ONLY, 1) ||
		    bind(lis6_fd, (struct sockaddr *)&any6, sizeof(any6)) ||
		    sock_set_int(lis6_fd, SOL_SOCKET, SO_RCVBUFFORCE, big))
			die("peer IPv6 socket: %s", strerror(errno));
	}

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
	ifindex_vrf = if_nametoindex(IF_VRF);
	i = veth_a_routes();
	if (i)
		die("%s's neighbours and routes: %s", IF_A, strerror(-i));
	features_init();
	mark_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (sock_bind(mark_fd, NET "1", MARK_SPORT) ||
	    sock_set_int(mark_fd, SOL_IP, IP_RECVERR, 1))
		die("marker socket: %s", strerror(errno));

	i = cgroup_setup();
	if (i) {
		printf("# warning: no cgroup BPF programs: %s\n", strerror(-i));
		cgroup_cleanup();
	}

	/* Fixed content: payload bytes are part of the record. */
	for (i = 0; i < (int)sizeof(payload); i++)
		payload[i] = (i * 2654435761u) >> 13;
	/* The MLD reports of the addresses' groups, due a jiffy on, are out. */
	if (ipv6_dests)
		usleep(300000);
}
