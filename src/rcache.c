// SPDX-License-Identifier: GPL-2.0
/*
 * The route of an unconnected socket's last destination, kept.
 *
 * udp_sendmsg() looks the route up on every send of an unconnected socket
 * (ip_route_output_flow()): the kernel's UDP keeps no route but a
 * connected socket's.  A server that sends from one unconnected socket
 * to many peers, often to one peer many times in a row (QUIC, DNS), pays
 * that lookup each time.  altudp keeps the last route with the whole
 * flow the lookup was given (destination, source, tos, scope, oif, mark,
 * uid, protocol, ports, flow flags and the LSM's secid, after the cgroup
 * BPF hook and the control messages) and the flow it gave back, and uses
 * it again only for the same flow and while the route is valid:
 *
 * - dst_check(), as for a connected socket's dst: the namespace's route
 *   generation (bumped by route, rule, address, device, nexthop and xfrm
 *   policy changes) and a route marked obsolete (a new PMTU or redirect
 *   exception, a flushed nexthop);
 * - an exception's route past its expiry, which only a lookup would drop;
 * - no xfrm bundle, broadcast or multicast route is kept (their state,
 *   group membership and SAs, changes without a new generation), nor any
 *   route of a socket with its own xfrm policy;
 * - no route is kept where a lookup depends on more than the flow and the
 *   generation: multipath by neighbour state, a multipath hash of other
 *   fields or of a seed the user set, nexthop objects (a resilient
 *   group's buckets move on a timer).
 *
 * Anything else looks the route up.  An entry is filled on the second
 * miss in a row to one destination, so that sends that alternate between
 * destinations do not pay for filling an entry no send will use.
 */

#include <linux/jump_label.h>
#include <linux/moduleparam.h>
#include <net/dst.h>
#include <net/ip_fib.h>
#include <net/route.h>
#include <net/sock.h>

#include "altudp.h"

/*
 * On by default: random sequences that change routes, rules, marks,
 * addresses, the MTU, VRFs, bound devices and cgroup BPF programs between
 * sends compare it with the kernel's lookups (selftests/diff.sh).  The
 * parameter flips a static key, so that the send path tests it with a
 * patched jump instead of a load.
 */
DEFINE_STATIC_KEY_TRUE(altudp_route_cache_on);
static bool altudp_route_cache = true;

/* Writes to one module's parameters are serialised (kernel_param_lock()),
 * and run after the module's jump labels are set up, at load too.
 */
static int altudp_route_cache_set(const char *val,
				  const struct kernel_param *kp)
{
	int err = param_set_bool(val, kp);

	if (err)
		return err;
	if (altudp_route_cache)
		static_branch_enable(&altudp_route_cache_on);
	else
		static_branch_disable(&altudp_route_cache_on);
	return 0;
}

static const struct kernel_param_ops altudp_route_cache_ops = {
	.set = altudp_route_cache_set,
	.get = param_get_bool,
};

module_param_cb(route_cache, &altudp_route_cache_ops, &altudp_route_cache,
		0644);
MODULE_PARM_DESC(route_cache,
		 "keep the route of an unconnected socket's last destination (default on)");

/* The same flow: every field the lookup reads, compared as words. */
static bool altudp_rcache_flow_equal(const struct flowi4 *a,
				     const struct flowi4 *b)
{
	const unsigned long *x = (const unsigned long *)a;
	const unsigned long *y = (const unsigned long *)b;
	unsigned long diff = 0;
	unsigned int i;

	/* struct flowi4 has no hole up to its ports (u32s and smaller,
	 * naturally aligned), and is long-aligned
	 */
	BUILD_BUG_ON(offsetofend(struct flowi4, uli) % sizeof(u32));
	for (i = 0; i < offsetofend(struct flowi4, uli) / sizeof(long); i++)
		diff |= x[i] ^ y[i];
	if (offsetofend(struct flowi4, uli) % sizeof(long))
		diff |= *(const u32 *)&x[i] ^ *(const u32 *)&y[i];
	return !diff;
}

/* Whether a lookup of this socket depends on the flow and the route
 * generation alone.
 */
static bool altudp_rcache_usable(struct sock *sk)
{
	const struct net *net = sock_net(sk);

#ifdef CONFIG_XFRM
	if (rcu_access_pointer(sk->sk_policy[0]) ||
	    rcu_access_pointer(sk->sk_policy[1]))
		return false;
#endif
	if (!RB_EMPTY_ROOT(&net->nexthop.rb_root))
		return false;
	return altudp_fib_multipath_stable(net);
}

static bool altudp_rcache_keep(const struct rtable *rt)
{
	return !(rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST)) &&
	       !dst_xfrm(&rt->dst) &&
	       READ_ONCE(rt->dst.obsolete) == DST_OBSOLETE_FORCE_CHK;
}

/* The next sender that takes busy with xchg() sees the entry as left. */
static void altudp_rcache_unlock(struct altudp_rcache *rc)
{
	/* release: the entry's stores before busy's */
	smp_store_release(&rc->busy, 0);
}

static bool altudp_rcache_valid(struct rtable *rt)
{
	unsigned long expires = READ_ONCE(rt->dst.expires);

	if (expires && time_after_eq(jiffies, expires))
		return false;
	return dst_check(&rt->dst, 0);
}

/*
 * altudp_rcache_route() for a destination that the entry or the last miss
 * has: a hit, or a miss that may fill the entry.
 */
struct rtable *altudp_rcache_lookup(struct sock *sk, struct flowi4 *fl4,
				    bool *hit)
{
	struct altudp_rcache *rc = &altudp_sk(sk)->rcache;
	struct net *net = sock_net(sk);
	struct rtable *rt, *old;
	bool fill;

	*hit = false;
	/* Concurrent senders on one socket: the others look up. */
	if (xchg(&rc->busy, 1))
		return ip_route_output_flow(net, fl4, sk);

	rt = rc->rt;
	if (rt && rc->key.daddr == fl4->daddr &&
	    altudp_rcache_flow_equal(&rc->key, fl4)) {
		if (likely(altudp_rcache_usable(sk) &&
			   altudp_rcache_valid(rt))) {
			dst_hold(&rt->dst);
			*fl4 = rc->fl4;
			altudp_rcache_unlock(rc);
			ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_RCACHE_HITS);
			*hit = true;
			return rt;
		}
		fill = true;
	} else {
		fill = fl4->daddr == rc->last_daddr;
		WRITE_ONCE(rc->last_daddr, fl4->daddr);
	}
	ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_RCACHE_MISSES);
	if (!fill) {
		altudp_rcache_unlock(rc);
		return ip_route_output_flow(net, fl4, sk);
	}

	old = rc->rt;
	rc->rt = NULL;
	rc->key = *fl4;
	rt = ip_route_output_flow(net, fl4, sk);
	if (!IS_ERR(rt) && altudp_rcache_keep(rt) && altudp_rcache_usable(sk)) {
		dst_hold(&rt->dst);
		rc->rt = rt;
		rc->fl4 = *fl4;
	}
	altudp_rcache_unlock(rc);
	if (old)
		ip_rt_put(old);
	return rt;
}

/* The socket is being destroyed: no sender is left. */
void altudp_rcache_release(struct sock *sk)
{
	struct altudp_rcache *rc = &altudp_sk(sk)->rcache;

	ip_rt_put(rc->rt);
	rc->rt = NULL;
}
