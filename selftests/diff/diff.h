/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differential runner's pieces (altudp_diff.c says what it does):
 *
 *   ops.c        a sequence of calls (struct seq) and how a call reads
 *   scenarios.c  the hand-written sequences
 *   random.c     the seeded random ones
 *   setup.c      the two namespaces and the device, reset before a run
 *   netlink.c    the routes, rules, addresses and VRF changed over rtnetlink
 *   bpf.c        the runner's cgroup and its BPF_CGROUP_UDP4_SENDMSG programs
 *   capture.c    the peer's frames and the error queue, into the record
 *   run.c        one run of a sequence on one socket: its record
 *   record.c     the record as text, and two of them compared
 *   altudp_diff.c  the command line and the TAP report
 */
#ifndef ALTUDP_DIFF_H
#define ALTUDP_DIFF_H

#include <netinet/in.h>
#include <netinet/udp.h>
#include <linux/in6.h>		/* after netinet/in.h: the flow label API */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "altudp_test.h"

#define NET		"10.99.6."
#define NET6		"fd00:99:6::"
#define IF_A		"veth-a"
#define IF_B		"veth-b"
#define IF_VRF		"vrf-a"	/* the VRF that veth-a may be enslaved to */
#define VRF_TABLE	110
#define ALT		"10.99.7.2"	/* the peer's address behind a gateway */
#define ALT_NET		"10.99.7.0"
#define MAC_A		"02:00:00:00:06:01"
#define MAC_B		"02:00:00:00:06:02"
#define MAC_OTHER	"02:00:00:00:06:03"
#define SPORT		40000	/* the tested socket's port */
#define MARK_SPORT	40001	/* the marker socket's */
#define MARK_DPORT	7	/* closed on the peer: it answers with ICMP */
#define MAXOPS		48
#define MAXCM		3
#define FRAME_MAX	(1 << 17)

/* 6.13's per-datagram timestamp key; bookworm's headers lack it.  Older
 * kernels refuse it with EINVAL, their UDP and altudp alike.
 */
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID	81
#endif

/* ---------------------------------------------------------------- ops.c */

enum kind { K_SEND, K_SPLICE, K_SETOPT, K_GETOPT, K_CONNECT, K_DISCONNECT,
	    K_MTU, K_FEATURE, K_REOPEN, K_NET };

/*
 * K_NET: a change of the sender's routes, rules or addresses, veth-a's
 * VRF or the cgroup's BPF programs (netlink.c).  NNET_ROUTE are the
 * first kinds, those of the route sequences before the VRF and BPF ones.
 */
enum { N_FLUSH, N_HOST, N_HOST_MTU, N_HOST_UNREACH, N_HOST_PROHIBIT,
       N_HOST_DEL, N_ADDR, N_HOST_SRC, N_ADDR_DEL, N_RULE_MARK, N_RULE_UID,
       N_RULE_DPORT, N_RULE_TOS, N_RULES_DEL, N_MULTIPATH, NNET_ROUTE,
       N_VRF_ENSLAVE = NNET_ROUTE, N_VRF_RELEASE, N_BPF_REWRITE,
       N_BPF_REFUSE, N_BPF_DETACH, NNET };
extern const char *const net_name[NNET];

/*
 * Destinations: name, address, port.  The IPv4 ones (v4-mapped on an IPv6
 * socket) come first, NDEST4 of them with D_NONE; then the IPv6 ones.
 */
enum { D_NONE, D_B9, D_B9000, D_NFDROP, D_MCAST, D_BCAST, D_LBCAST,
       D_UNREACH, D_PROHIBIT, D_BLACKHOLE, D_OTHER, D_SELF, NDEST4,
       D6_B9 = NDEST4, D6_B9000, D6_NFDROP, D6_MCAST, D6_MCAST_LL,
       D6_UNREACH, D6_PROHIBIT, D6_BLACKHOLE, D6_OTHER, D6_SELF, D6_LL,
       D6_LOOP, NDEST };
#define IS_D6(d)	((d) >= NDEST4)
struct dest {
	const char *name, *addr;
	int port;
};
extern const struct dest dests[NDEST];

/* How msg_name / the connect() address is spelled. */
enum { NM_OK, NM_SHORT, NM_INET6, NM_UNSPEC, NM_PORT0, NNM };

/* Ways to spoil the control buffer as a whole. */
enum { CB_OK, CB_SMALL_LEN, CB_BIG_LEN, CB_SHORT_BUF, CB_NULL_BUF, NCB };

struct cm {
	int level, type, len;
	unsigned char data[48];
};

struct op {
	int kind;
	/* K_SEND, K_SPLICE, K_CONNECT */
	int size, flags, dest, nmode, niov, cbmode, ncm;
	unsigned int off;
	uint32_t flowinfo;	/* sin6_flowinfo of an IPv6 destination */
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

struct op *add(struct seq *s, int kind);
struct op *send_(struct seq *s, int size, int flags, int dest);
struct op *splice_(struct seq *s, int size, int flags);
struct op *setopt_raw(struct seq *s, int level, int name, const void *val,
		      int len);
struct op *setopt(struct seq *s, int level, int name, int val);
struct op *getopt_(struct seq *s, int level, int name, int len);
struct op *connect_(struct seq *s, int dest);
struct op *mtu(struct seq *s, int m);
struct op *feature(struct seq *s, int f, int on);
struct cm *cmsg_raw(struct op *o, int level, int type, const void *d, int len);
struct cm *cmsg_int(struct op *o, int level, int type, int v);
struct cm *cmsg_u16(struct op *o, int level, int type, uint16_t v);
struct cm *cmsg_u8(struct op *o, int level, int type, uint8_t v);

/* IP options, for IP_OPTIONS and the IP_RETOPTS control message. */
enum { OPT_NONE, OPT_NOP, OPT_RR, OPT_TS, OPT_TSADDR, OPT_LSRR, OPT_RA,
       OPT_ODD, OPT_BAD_RR, OPT_BAD_LEN, OPT_TOO_LONG, NIPOPTS };
struct ipopt {
	int len;
	unsigned char b[44];
};
extern const struct ipopt ipopts[NIPOPTS];

struct op *setopt_ipopts(struct seq *s, int which);
struct cm *cmsg_retopts(struct op *o, int which);
struct cm *cmsg_pktinfo(struct op *o, int ifindex, const char *spec);
struct op *setopt_mcast_if(struct seq *s, int ifindex, const char *addr,
			   int len);

/* IPv6 extension headers, for the sticky options and the cmsgs. */
enum { EH_NONE, EH_PADN, EH_RA, EH_16, EH_UNKNOWN, EH_40, EH_RTHDR2,
       EH_RTHDR0, EH_BAD_LEN, EH_ODD, NEXTHDRS };
extern const struct ipopt exthdrs[NEXTHDRS];
struct cm *cmsg_pktinfo6(struct op *o, int ifindex, const char *spec);
struct op *setopt_flowlabel(struct seq *s, uint32_t label);
#define FLOWLABEL	0x12345	/* the label that setopt_flowlabel() gets */

#define TS_TX		(SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE)
#define TS_ID		(TS_TX | SOF_TIMESTAMPING_OPT_ID)
#define TS_ID_ONLY	(TS_ID | SOF_TIMESTAMPING_OPT_TSONLY)
#define TS_SCHED	(TS_ID | SOF_TIMESTAMPING_TX_SCHED)

/* A call in words, as the record and the report show it. */
void describe(const struct op *o, char *b, size_t n);

/* ---------------------------------------------------------- scenarios.c */

struct scenario {
	const char *name;
	void (*build)(struct seq *s);
};
extern const struct scenario scenarios[];
extern const int nscenarios;

/* ------------------------------------------------------------- random.c */

/*
 * What sequences gen_seq() makes: IPv4 destinations (v4-mapped on an IPv6
 * socket), or with ipv6_dests, by seed, IPv6 ones, a mix, or v4-mapped ones
 * among IPv6 options.
 */
extern int ipv6_dests;
void gen_seq(uint64_t seed, struct seq *s);
void gen_route_seq(uint64_t seed, struct seq *s);

/* -------------------------------------------------------------- setup.c */

/* The device features that a sequence may change. */
enum { F_SG, F_CSUM, F_GSO, F_UDPSEG, NFEAT };
extern const char *const feat_name[NFEAT];
extern int feat_init[NFEAT];

extern char ns_a[64], ns_b[64];
extern int ifindex_a, ifindex_lo, ifindex_vrf;
extern int cap_fd, lis_fd, lis6_fd, mark_fd;
/* net.ipv4.route.flush of the sender's namespace and the peer's. */
extern int flush_fd[2];
/* What the sends send: fixed, as payload bytes are part of the record. */
extern unsigned char payload[2 * 65536];

void setup(void);
int features_set(const int *want);
int set_mtu(const char *dev, int m);
/* The last run may have left IPv6 state behind: a PMTU exception, a
 * neighbour entry.
 */
extern int ipv6_learnt;
void reset_routes(void);

/* ------------------------------------------------------------ netlink.c */

/* NETLINK_ROUTE in the sender's namespace, opened by setup(). */
extern int rtnl_fd;
int net_change(int which);
/* Undo every K_NET change, before a run of a sequence that has some or
 * after one that made some.
 */
extern int net_changed;
void reset_net(void);
/* veth-a's static neighbours and routes, from setup() and a VRF change. */
int veth_a_routes(void);
/* veth-a's prefix route, deleted or added again: 0 or -errno. */
int nl_prefix_route(int type, int af, const char *pfx);
/* Delete veth-a's IPv6 neighbours that are not static. */
void flush_neigh6(void);

/* --------------------------------------------------------------- bpf.c */

/* The runner in a cgroup of its own, the programs loaded: 0 or -errno. */
int cgroup_setup(void);
void cgroup_cleanup(void);
/* Attach prog (N_BPF_REWRITE or N_BPF_REFUSE), or detach both. */
int bpf_attach(int which);
int bpf_detach_all(void);

/* ------------------------------------------------------------ capture.c */

/* The IP id of the first fragment of the datagram being captured, and
 * the IPv6 fragment header's identification.
 */
struct idstate {
	uint16_t first_id;
	uint32_t first_id6;
};

struct log;

/* ARP seen on the wire: a destination without a static neighbour. */
extern unsigned long arp_frames, ns_frames;
extern struct in_addr arp_target;
extern struct in6_addr ns_target;

/*
 * Whether the socket's automatic flow labels are random (it has connected
 * since it was made), and the first such label seen; run() keeps it.
 */
struct flowstate {
	int random;
	uint32_t label;
};
extern struct flowstate flow;

int sync_marker(struct log *l, int call, struct idstate *st);
void log_errqueue(struct log *l, int call, int fd);

/* ---------------------------------------------------------------- run.c */

/* Why the last run() failed. */
extern char run_error[64];

/* AF_INET, or AF_INET6: the sockets are IPv6 ones sending to v4-mapped
 * destinations.
 */
extern int family;
int run(const struct seq *s, int proto, struct log *l);

/* ------------------------------------------------------------- record.c */

struct log {
	char *buf;
	size_t len, cap;
};

void logp(struct log *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void loghex(struct log *l, const unsigned char *p, size_t n);
int compare(const struct seq *s, const char *a, const char *b, int report);

#endif /* ALTUDP_DIFF_H */
