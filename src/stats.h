/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per network namespace counters of the transmit path, per CPU as the
 * kernel's SNMP MIBs are, shown in /proc/net/altudp.
 */
#ifndef _ALTUDP_STATS_H
#define _ALTUDP_STATS_H

#include <net/net_namespace.h>
#include <net/netns/generic.h>

enum {
	ALTUDP_MIB_OUTDATAGRAMS,
	ALTUDP_MIB_OUTBYTES,
	ALTUDP_MIB_CORKEDSENDS,
	ALTUDP_MIB_FRAGMENTS,
	ALTUDP_MIB_FRAGGAPS,
	ALTUDP_MIB_SGFRAGS,
	ALTUDP_MIB_LINEARCOPIES,
	ALTUDP_MIB_GSOSENDS,
	ALTUDP_MIB_GSOSEGS,
	ALTUDP_MIB_CSUMHW,
	ALTUDP_MIB_CSUMSW,
	ALTUDP_MIB_CSUMNONE,
	ALTUDP_MIB_ZEROCOPYSENDS,
	ALTUDP_MIB_ZEROCOPYCOPIED,
	ALTUDP_MIB_ZEROCOPYKEPT,
	ALTUDP_MIB_NFDROPS,
	ALTUDP_MIB_RCACHE_HITS,
	ALTUDP_MIB_RCACHE_MISSES,
	/* sendmsg() errors, one counter per errno */
	ALTUDP_MIB_ERR_EMSGSIZE,
	ALTUDP_MIB_ERR_EINVAL,
	ALTUDP_MIB_ERR_ENOBUFS,
	ALTUDP_MIB_ERR_EAGAIN,
	ALTUDP_MIB_ERR_EFAULT,
	ALTUDP_MIB_ERR_EACCES,
	ALTUDP_MIB_ERR_EPERM,
	ALTUDP_MIB_ERR_ENETUNREACH,
	ALTUDP_MIB_ERR_EHOSTUNREACH,
	ALTUDP_MIB_ERR_EDESTADDRREQ,
	ALTUDP_MIB_ERR_EAFNOSUPPORT,
	ALTUDP_MIB_ERR_EOPNOTSUPP,
	ALTUDP_MIB_ERR_EIO,
	ALTUDP_MIB_ERR_ENOMEM,
	ALTUDP_MIB_ERR_OTHER,
	ALTUDP_MIB_MAX
};

struct altudp_mib {
	unsigned long mibs[ALTUDP_MIB_MAX];
};

struct altudp_net {
	struct altudp_mib __percpu *mib;
};

extern unsigned int altudp_net_id;

static inline struct altudp_mib __percpu *altudp_mib(const struct net *net)
{
	return ((struct altudp_net *)net_generic(net, altudp_net_id))->mib;
}

/*
 * The counters' lookup by namespace, for the paths that have no altudp
 * socket at hand.  net_generic() brackets it with rcu_read_lock(), which
 * on a preemptible-RCU kernel (Debian's) is two out-of-line calls; a
 * preempt-disabled section is an RCU reader too (net->gen is freed with
 * kfree_rcu()) and costs two inline instructions.  The send path takes
 * the socket's own pointer instead (ALTUDP_SK_ADD_STATS, altudp.h).
 */
static inline struct altudp_mib __percpu *
altudp_mib_sched(const struct net *net)
{
	struct net_generic *ng = rcu_dereference_sched(net->gen);

	return ((struct altudp_net *)ng->ptr[altudp_net_id])->mib;
}

#define ALTUDP_ADD_STATS(net, field, val)				\
	do {								\
		rcu_read_lock_sched();					\
		this_cpu_add(altudp_mib_sched(net)->mibs[field], val);	\
		rcu_read_unlock_sched();				\
	} while (0)
#define ALTUDP_INC_STATS(net, field) ALTUDP_ADD_STATS(net, field, 1)

void altudp_count_error(struct net *net, int err);
int altudp_stats_init(void);
void altudp_stats_exit(void);

#endif /* _ALTUDP_STATS_H */
