/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The route cache of an unconnected altudp socket (rcache.c).
 */
#ifndef _ALTUDP_RCACHE_H
#define _ALTUDP_RCACHE_H

#include <linux/jump_label.h>
#include <net/flow.h>
#include <net/route.h>

struct altudp_rcache {
	struct rtable *rt;	/* held, as a connected socket's dst */
	struct flowi4 key;	/* the flow given to the lookup */
	struct flowi4 fl4;	/* the flow the lookup gave back */
	__be32 last_daddr;	/* the destination of the last miss */
	int busy;		/* one sender at a time uses the entry */
};

struct sock;

DECLARE_STATIC_KEY_TRUE(altudp_route_cache_on);

struct rtable *altudp_rcache_lookup(struct sock *sk, struct flowi4 *fl4,
				    bool *hit);
void altudp_rcache_release(struct sock *sk);

#endif /* _ALTUDP_RCACHE_H */
