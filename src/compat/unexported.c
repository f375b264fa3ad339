// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel functions of the transmit path that some series no longer
 * export: the module's own copies, built where compat/Kbuild.include
 * finds no export (7.2).
 */

#include <linux/math64.h>
#include <linux/socket.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/udp.h>

#include "altudp.h"

#ifndef COMPAT_EXPORTS_UDP_CMSG_SEND
/* __udp_cmsg_send(), static in net/ipv4/udp.c */
static int __altudp_udp_cmsg_send(struct cmsghdr *cmsg, u16 *gso_size)
{
	switch (cmsg->cmsg_type) {
	case UDP_SEGMENT:
		if (cmsg->cmsg_len != CMSG_LEN(sizeof(__u16)))
			return -EINVAL;
		*gso_size = *(__u16 *)CMSG_DATA(cmsg);
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * udp_cmsg_send() of 7.2: the SOL_UDP messages; 1 when others are left
 * for ip_cmsg_send().
 */
int altudp_udp_cmsg_send(struct sock *sk, struct msghdr *msg, u16 *gso_size)
{
	struct cmsghdr *cmsg;
	bool need_ip = false;
	int err;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;

		if (cmsg->cmsg_level != SOL_UDP) {
			need_ip = true;
			continue;
		}

		err = __altudp_udp_cmsg_send(cmsg, gso_size);
		if (err)
			return err;
	}

	return need_ip;
}
#endif

#ifndef COMPAT_EXPORTS_INET_CURRENT_TIMESTAMP
#define SECONDS_PER_DAY	86400

/*
 * inet_current_timestamp() of net/ipv4/af_inet.c: milliseconds since
 * midnight UT in network byte order, for the IP timestamp option.
 */
__be32 altudp_inet_current_timestamp(void)
{
	u32 secs;
	u32 msecs;
	struct timespec64 ts;

	ktime_get_real_ts64(&ts);

	/* Get secs since midnight. */
	(void)div_u64_rem(ts.tv_sec, SECONDS_PER_DAY, &secs);
	/* Convert to msecs. */
	msecs = secs * MSEC_PER_SEC;
	/* Convert nsec to msec. */
	msecs += (u32)ts.tv_nsec / NSEC_PER_MSEC;

	/* Convert to network byte order. */
	return htonl(msecs);
}
#endif

#ifndef COMPAT_EXPORTS_UDP_LIB_SETSOCKOPT
/*
 * udp_lib_setsockopt() of 7.2.  Its UDP_CORK case is copied: clearing the
 * cork pushes the pending datagram, through the module.  Every other
 * option is the kernel's: udp_prot.setsockopt, udp_setsockopt(), calls
 * udp_lib_setsockopt() for SOL_UDP and SOL_SOCKET and ip_setsockopt()
 * for the other levels.
 */
int altudp_udp_lib_setsockopt(struct sock *sk, int level, int optname,
			      sockptr_t optval, unsigned int optlen,
			      int (*push_pending_frames)(struct sock *))
{
	int val;

	if (level != SOL_UDP || optname != UDP_CORK)
		return udp_prot.setsockopt(sk, level, optname, optval, optlen);

	if (optlen < sizeof(int))
		return -EINVAL;

	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	if (val != 0) {
		udp_set_bit(CORK, sk);
	} else {
		udp_clear_bit(CORK, sk);
		lock_sock(sk);
		push_pending_frames(sk);
		release_sock(sk);
	}
	return 0;
}
#endif

#ifndef COMPAT_EXPORTS_UDP_LIB_GETSOCKOPT
/*
 * udp_lib_getsockopt(): reading an option sends nothing, so it is the
 * kernel's, reached as udp_getsockopt() reaches it.
 */
int altudp_udp_lib_getsockopt(struct sock *sk, int level, int optname,
			      char __user *optval, int __user *optlen)
{
	return udp_prot.getsockopt(sk, level, optname, optval, optlen);
}
#endif

#ifndef COMPAT_EXPORTS_IP6_SK_DST_LOOKUP_FLOW
/* ip6_rt_check(), static in net/ipv6/ip6_output.c */
static inline int altudp_ip6_rt_check(const struct rt6key *rt_key,
				      const struct in6_addr *fl_addr,
				      const struct in6_addr *addr_cache)
{
	return (rt_key->plen != 128 || !ipv6_addr_equal(fl_addr, &rt_key->addr)) &&
		(!addr_cache || !ipv6_addr_equal(fl_addr, addr_cache));
}

/* ip6_sk_dst_check(), static: is the socket's cached route still good? */
static struct dst_entry *altudp_ip6_sk_dst_check(struct sock *sk,
						 struct dst_entry *dst,
						 const struct flowi6 *fl6)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct rt6_info *rt;

	if (!dst)
		goto out;

	if (dst->ops->family != AF_INET6) {
		dst_release(dst);
		return NULL;
	}

	rt = dst_rt6_info(dst);
	/* A host route must be to the flow's address, a network route to
	 * the last address used (daddr_cache), and the oif must be the
	 * same: the kernel's comment has the history.
	 */
	if (altudp_ip6_rt_check(&rt->rt6i_dst, &fl6->daddr,
				np->daddr_cache ? &sk->sk_v6_daddr : NULL) ||
#ifdef CONFIG_IPV6_SUBTREES
	    altudp_ip6_rt_check(&rt->rt6i_src, &fl6->saddr,
				np->saddr_cache ? &np->saddr : NULL) ||
#endif
	   (fl6->flowi6_oif && fl6->flowi6_oif != dst_dev(dst)->ifindex)) {
		dst_release(dst);
		dst = NULL;
	}

out:
	return dst;
}

/* ip6_sk_dst_store_flow() of net/ipv6/route.c */
static void altudp_ip6_sk_dst_store_flow(struct sock *sk,
					 struct dst_entry *dst,
					 const struct flowi6 *fl6)
{
#ifdef CONFIG_IPV6_SUBTREES
	struct ipv6_pinfo *np = inet6_sk(sk);
#endif

	ip6_dst_store(sk, dst,
		      ipv6_addr_equal(&fl6->daddr, &sk->sk_v6_daddr),
#ifdef CONFIG_IPV6_SUBTREES
		      ipv6_addr_equal(&fl6->saddr, &np->saddr) ?
		      true :
#endif
		      false);
}

/*
 * ip6_sk_dst_lookup_flow() of 7.2: the socket's cached route if it still
 * fits the flow, else a lookup, cached for a connected socket.
 */
struct dst_entry *altudp_ip6_sk_dst_lookup_flow(struct sock *sk,
						struct flowi6 *fl6,
						const struct in6_addr *final_dst,
						bool connected)
{
	struct dst_entry *dst = sk_dst_check(sk, inet6_sk(sk)->dst_cookie);

	dst = altudp_ip6_sk_dst_check(sk, dst, fl6);
	if (dst)
		return dst;

	dst = ip6_dst_lookup_flow(sock_net(sk), sk, fl6, final_dst);
	if (connected && !IS_ERR(dst))
		altudp_ip6_sk_dst_store_flow(sk, dst_clone(dst), fl6);

	return dst;
}
#endif
