// SPDX-License-Identifier: GPL-2.0
/*
 * The hand-written scenarios: each covers one way through the transmit
 * path, and how it fails.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/net_tstamp.h>
#include <sys/socket.h>

#include "diff.h"

static void sc_lockless(struct seq *s)
{
	static const int sz[] = { 0, 1, 8, 100, 1000, 1471, 1472 };
	int i;

	for (i = 0; i < ARRAY_SIZE(sz); i++)
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

	for (i = 0; i < ARRAY_SIZE(sz); i++)
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

	for (i = 0; i < ARRAY_SIZE(ipopts); i++) {
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

const struct scenario scenarios[] = {
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

const int nscenarios = ARRAY_SIZE(scenarios);
