/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernel series altudp builds against, each
 * mapped to one name the transmit code uses.  The COMPAT_* flags come from
 * header probes in compat/Kbuild.include, not from version numbers.
 */
#ifndef _ALTUDP_COMPAT_H
#define _ALTUDP_COMPAT_H

#include <linux/bpf-cgroup.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>

/* 6.6 turned the inet_sock bit fields into atomic flags. */
#ifdef COMPAT_HAVE_INET_TEST_BIT
static inline bool altudp_inet_recverr(const struct sock *sk)
{
	return inet_test_bit(RECVERR, sk);
}
#else
static inline bool altudp_inet_recverr(const struct sock *sk)
{
	return inet_sk(sk)->recverr;
}
#endif

/*
 * udp_sendmsg()'s private copy of the socket's IP options, on the stack:
 * a struct ip_options_data until 7.2 removed it, DEFINE_RAW_FLEX() since.
 * The pointer is to the whole struct, options included: FORTIFY_SOURCE
 * would take one to its .opt member for 32 bytes and warn at the copy.
 */
#ifdef COMPAT_HAVE_IP_OPTIONS_DATA
#define ALTUDP_DEFINE_OPT_COPY(name)				\
	struct ip_options_data name##_data;			\
	struct ip_options_rcu *(name) = (struct ip_options_rcu *)&name##_data
#else
#define ALTUDP_DEFINE_OPT_COPY(name)				\
	DEFINE_RAW_FLEX(struct ip_options_rcu, name, opt.__data,	\
			IP_OPTIONS_DATA_FIXED_SIZE)
#endif

/*
 * The tos of udp_sendmsg()'s flow.  7.2's ipcm_init_sk() sets ipc->tos
 * from the socket (no more -1 for "the socket's"), and its udp_sendmsg()
 * masks that where older ones call get_rttos().
 */
#ifdef COMPAT_HAVE_GET_RTTOS
#define altudp_rttos(ipc, inet)	get_rttos(ipc, inet)
#else
#define altudp_rttos(ipc, inet)	((u8)((ipc)->tos & INET_DSCP_MASK))
#endif

/* The kernel's UDP counters; an altudp socket is never UDP-Lite. */
#ifdef COMPAT_UDP_STATS_HAVE_UDPLITE
#define altudp_udp_inc_stats(net, field)	UDP_INC_STATS(net, field, 0)
#define altudp_udp6_inc_stats(net, field)	UDP6_INC_STATS(net, field, 0)
#else
#define altudp_udp_inc_stats(net, field)	UDP_INC_STATS(net, field)
#define altudp_udp6_inc_stats(net, field)	UDP6_INC_STATS(net, field)
#endif

/*
 * The datagram's priority.  Since SO_PRIORITY became a control message,
 * ipcm_init_sk() sets ipc->sockc.priority from the socket, IP_TOS and
 * SO_PRIORITY messages override it, and __ip_make_skb() takes the cork's
 * as is.  Before, ipc->priority counts only with an IP_TOS message and
 * __ip_make_skb() otherwise reads the socket's.
 */
#ifdef COMPAT_SOCKCM_HAS_PRIORITY
#define altudp_ipc_priority(ipc)	((ipc)->sockc.priority)
static inline u32 altudp_cork_priority(const struct sock *sk,
				       const struct inet_cork *cork)
{
	return cork->priority;
}
#else
#define altudp_ipc_priority(ipc)	((ipc)->priority)
static inline u32 altudp_cork_priority(const struct sock *sk,
				       const struct inet_cork *cork)
{
	return (cork->tos != -1) ? cork->priority : READ_ONCE(sk->sk_priority);
}
#endif

/* MSG_ZEROCOPY from user memory: no device memory (dmabuf) here. */
#ifdef COMPAT_ZEROCOPY_HAS_DEVMEM
#define altudp_msg_zerocopy_realloc(sk, size, uarg) \
	msg_zerocopy_realloc(sk, size, uarg, false)
#else
#define altudp_msg_zerocopy_realloc	msg_zerocopy_realloc
#endif

/*
 * SCM_TS_OPT_ID gives a datagram its timestamp key: ip_setup_cork()
 * records it in the cork, and __ip_append_data() takes it instead of the
 * socket's next sk_tskey.  Older kernels have no such key.
 */
#ifdef COMPAT_HAVE_IPCORK_TS_OPT_ID
static inline void altudp_cork_tx_timestamp(struct sock *sk,
					    struct inet_cork *cork,
					    const struct sockcm_cookie *sockc)
{
	sock_tx_timestamp(sk, sockc, &cork->tx_flags);
	if (sockc->tsflags & SOCKCM_FLAG_TS_OPT_ID) {
		cork->flags |= IPCORK_TS_OPT_ID;
		cork->ts_opt_id = sockc->ts_opt_id;
	}
}

static inline bool altudp_cork_ts_opt_id(const struct inet_cork *cork,
					 u32 *tskey)
{
	if (!(cork->flags & IPCORK_TS_OPT_ID))
		return false;
	*tskey = cork->ts_opt_id;
	return true;
}
#else
static inline void altudp_cork_tx_timestamp(struct sock *sk,
					    struct inet_cork *cork,
					    const struct sockcm_cookie *sockc)
{
	sock_tx_timestamp(sk, sockc->tsflags, &cork->tx_flags);
}

static inline bool altudp_cork_ts_opt_id(const struct inet_cork *cork,
					 u32 *tskey)
{
	return false;
}
#endif

/* compat/unexported.c: copies of what the kernel no longer exports */
#ifdef COMPAT_EXPORTS_UDP_CMSG_SEND
#define altudp_udp_cmsg_send	udp_cmsg_send
#else
int altudp_udp_cmsg_send(struct sock *sk, struct msghdr *msg, u16 *gso_size);
#endif
#ifdef COMPAT_EXPORTS_INET_CURRENT_TIMESTAMP
#define altudp_inet_current_timestamp	inet_current_timestamp
#else
__be32 altudp_inet_current_timestamp(void);
#endif
#ifdef COMPAT_EXPORTS_UDP_LIB_SETSOCKOPT
#define altudp_udp_lib_setsockopt	udp_lib_setsockopt
#else
int altudp_udp_lib_setsockopt(struct sock *sk, int level, int optname,
			      sockptr_t optval, unsigned int optlen,
			      int (*push_pending_frames)(struct sock *));
#endif
/*
 * The levels udp_setsockopt() hands to udp_lib_setsockopt().  6.1 has no
 * SOCK_CUSTOM_SOCKOPT: SOL_SOCKET never reaches the proto there, and its
 * udp_lib_setsockopt() would read SO_* names as UDP_* ones.
 */
static inline bool altudp_udp_sockopt_level(int level)
{
#ifdef COMPAT_HAVE_SOCK_CUSTOM_SOCKOPT
	if (level == SOL_SOCKET)
		return true;
#endif
	return level == SOL_UDP || level == SOL_UDPLITE;
}

#ifdef COMPAT_EXPORTS_UDP_LIB_GETSOCKOPT
#define altudp_udp_lib_getsockopt	udp_lib_getsockopt
#else
int altudp_udp_lib_getsockopt(struct sock *sk, int level, int optname,
			      char __user *optval, int __user *optlen);
#endif

#ifndef COMPAT_HAVE_SK_UID
static inline kuid_t sk_uid(const struct sock *sk)
{
	return sk->sk_uid;
}
#endif

#ifndef COMPAT_HAVE_DST_RTABLE
#define dst_rtable(_dst) container_of_const(_dst, struct rtable, dst)
#endif

#ifndef COMPAT_HAVE_DST4_MTU
#define dst4_mtu(dst) dst_mtu(dst)
#endif

/*
 * udp_sendmsg() asks for a link-scope route for SO_DONTROUTE, MSG_DONTROUTE
 * and strict source routes.  6.1 does it by setting RTO_ONLINK in the flow's
 * tos; later kernels pass RT_SCOPE_LINK from ip_sendmsg_scope().  Returns
 * true when the route is link scoped (the socket's cached route is then
 * not used).
 */
static inline bool altudp_sendmsg_scope(struct sock *sk,
					const struct ipcm_cookie *ipc,
					const struct msghdr *msg, u8 *scope)
{
#ifdef COMPAT_HAVE_IP_SENDMSG_SCOPE
	*scope = ip_sendmsg_scope(inet_sk(sk), ipc, msg);
#else
	/* Only a mark here: altudp_flow_tos() makes it RTO_ONLINK. */
	if (sock_flag(sk, SOCK_LOCALROUTE) ||
	    (msg->msg_flags & MSG_DONTROUTE) ||
	    (ipc->opt && ipc->opt->opt.is_strictroute))
		*scope = RT_SCOPE_LINK;
	else
		*scope = RT_SCOPE_UNIVERSE;
#endif
	return *scope == RT_SCOPE_LINK;
}

/*
 * The tos and scope of udp_sendmsg()'s flow, computed where the route
 * is looked up so that a send on the socket's route keeps neither.
 * Before ip_sendmsg_scope() (6.1), a link scope is RTO_ONLINK in the
 * tos and the flow's scope is RT_SCOPE_UNIVERSE.
 */
static inline u8 altudp_flow_tos(struct ipcm_cookie *ipc,
				 struct inet_sock *inet, u8 *scope)
{
#ifdef COMPAT_HAVE_IP_SENDMSG_SCOPE
	return altudp_rttos(ipc, inet);
#else
	if (*scope == RT_SCOPE_LINK) {
		*scope = RT_SCOPE_UNIVERSE;
		return altudp_rttos(ipc, inet) | RTO_ONLINK;
	}
	return altudp_rttos(ipc, inet);
#endif
}

#ifdef COMPAT_SOCK_CMSG_SEND_NO_MSG
#define altudp_sock_cmsg_send(sk, msg, cmsg, sockc) \
	__sock_cmsg_send(sk, cmsg, sockc)
#else
#define altudp_sock_cmsg_send(sk, msg, cmsg, sockc) \
	__sock_cmsg_send(sk, msg, cmsg, sockc)
#endif

#ifdef COMPAT_BPF_SENDMSG_HAS_ADDRLEN
#define altudp_bpf_udp4_sendmsg(sk, msg, usin, addr)			\
	BPF_CGROUP_RUN_PROG_UDP4_SENDMSG_LOCK(sk, (struct sockaddr *)(usin), \
					      &(msg)->msg_namelen, addr)
#else
#define altudp_bpf_udp4_sendmsg(sk, msg, usin, addr)			\
	BPF_CGROUP_RUN_PROG_UDP4_SENDMSG_LOCK(sk, (struct sockaddr *)(usin), addr)
#endif

/* __ip_make_skb(): later kernels record the clock of SO_TXTIME. */
static inline void altudp_set_transmit_time(struct sk_buff *skb,
					    struct sock *sk, u64 t)
{
#ifdef COMPAT_HAVE_DELIVERY_TYPE_BY_CLOCKID
	skb_set_delivery_type_by_clockid(skb, t, sk->sk_clockid);
#else
	skb->tstamp = t;
#endif
}

/*
 * MSG_SPLICE_PAGES: 6.5+ lets __ip_append_data() attach the caller's pages.
 * Where the kernel lacks skb_splice_from_iter() the flag is dropped and the
 * data copied, which is what that kernel's own UDP does.
 */
#ifdef COMPAT_HAVE_SKB_SPLICE_FROM_ITER
#define ALTUDP_SPLICE_PAGES	MSG_SPLICE_PAGES
#ifdef COMPAT_SKB_SPLICE_FROM_ITER_GFP
#define altudp_splice_from_iter	skb_splice_from_iter
#else
#define altudp_splice_from_iter(skb, iter, maxsize, gfp) \
	skb_splice_from_iter(skb, iter, maxsize)
#endif
#else
#define ALTUDP_SPLICE_PAGES	0
static inline ssize_t altudp_splice_from_iter(struct sk_buff *skb,
					      struct iov_iter *iter,
					      ssize_t maxsize, gfp_t gfp)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * 6.3 moved the Ip OutRequests count from ip_output() into __ip_local_out()
 * (and named it IPSTATS_MIB_OUTREQUESTS); before, dst_output() counts it.
 */
static inline void altudp_local_out_count(struct net *net)
{
#ifdef COMPAT_LOCAL_OUT_COUNTS_OUTREQUESTS
	IP_INC_STATS(net, IPSTATS_MIB_OUTREQUESTS);
#endif
}

/*
 * 6.1 refuses UDP_SEGMENT without checksum offload (EIO); "udp: Allow GSO
 * transmit from devices with no checksum offload" (6.11) lets the stack
 * checksum the segments.  The change touched no header (only
 * net/ipv4/udp.c, udp_offload.c and net/ipv6/udp.c), so no probe can see
 * it and the kernel version is the only thing to test.  A backport to an
 * older series would change udp_send_skb(), which the drift guard
 * (scripts/drift) reports.
 */
#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define ALTUDP_GSO_NEEDS_CSUM_OFFLOAD	false
#else
#define ALTUDP_GSO_NEEDS_CSUM_OFFLOAD	true
#endif

/*
 * 7.2's ip_setup_cork() caps the fragment size at IP_MAX_MTU, so that a
 * device MTU above it no longer lets a datagram outgrow what IP can
 * carry.  The change touched no header either.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
#define ALTUDP_CORK_CAPS_FRAGSIZE	true
#else
#define ALTUDP_CORK_CAPS_FRAGSIZE	false
#endif

/* IPv6 */

/* ipv6_pinfo's flags: bit fields in 6.1, atomic bits since. */
#ifdef COMPAT_HAVE_INET6_TEST_BIT
#define altudp_inet6_recverr(sk)	inet6_test_bit(RECVERR6, sk)
#define altudp_inet6_sndflow(sk)	inet6_test_bit(SNDFLOW, sk)
#define altudp_inet6_autoflowlabel_set(sk) inet6_test_bit(AUTOFLOWLABEL_SET, sk)
#define altudp_inet6_autoflowlabel(sk)	inet6_test_bit(AUTOFLOWLABEL, sk)
#else
#define altudp_inet6_recverr(sk)	(inet6_sk(sk)->recverr)
#define altudp_inet6_sndflow(sk)	(inet6_sk(sk)->sndflow)
#define altudp_inet6_autoflowlabel_set(sk) (inet6_sk(sk)->autoflowlabel_set)
#define altudp_inet6_autoflowlabel(sk)	(inet6_sk(sk)->autoflowlabel)
#endif

/*
 * The v6 part of a cork: the socket's ipv6_pinfo.cork and a private one
 * on ip6_make_skb()'s stack until 7.2, inet_cork_full.base6 since.
 */
#ifdef COMPAT_HAVE_CORK_BASE6
#define altudp_sk_v6_cork(sk)		(&inet_sk(sk)->cork.base6)
#define altudp_stack_v6_cork(cork, stack) ((void)(stack), &(cork)->base6)
#else
#define altudp_sk_v6_cork(sk)		(&altudp_inet6_sk(sk)->cork)
#define altudp_stack_v6_cork(cork, stack) (stack)
#endif

/*
 * Where inet6_create() points an IPv6 socket's pinet6: at the protocol's
 * ipv6_pinfo_offset (6.5 and later, set to the member's offset), or, by
 * 6.1's inet6_sk_generic(), in the last bytes of obj_size (the object's
 * size), which tail padding can put past the member.
 */
#ifdef COMPAT_HAVE_PROTO_IPV6_PINFO_OFFSET
#define altudp_pinfo_offset(type, member)	offsetof(type, member)
#else
#define altudp_pinfo_offset(type, member) \
	(sizeof(type) - sizeof(struct ipv6_pinfo))
#endif

/* 6.1's pmtudisc and frag_size are bit fields, not READ_ONCE()'s. */
#ifdef COMPAT_HAVE_INET6_TEST_BIT
#define altudp_np_pmtudisc(np)		READ_ONCE((np)->pmtudisc)
#define altudp_np_frag_size(np)		READ_ONCE((np)->frag_size)
#else
#define altudp_np_pmtudisc(np)		((np)->pmtudisc)
#define altudp_np_frag_size(np)		((np)->frag_size)
#endif

/*
 * IPV6_TCLASS and IPV6_DONTFRAG: 6.12's ipcm6_init_sk() takes them from
 * the socket up front and the cork keeps dontfrag; 6.1 starts from -1,
 * fills them in udpv6_sendmsg() and reads dontfrag from each call's cookie.
 * altudp_ipc6_dontfrag() takes the socket: since 6.12 it does nothing, and
 * an inet6_sk() in its arguments would still cost sk_fullsock()'s test.
 */
#ifdef COMPAT_HAVE_V6_CORK_DONTFRAG
static inline void altudp_ipcm6_init_sk(struct ipcm6_cookie *ipc6,
					struct sock *sk)
{
	ipcm6_init_sk(ipc6, sk);
#ifndef COMPAT_IPCM6_INIT_SK_SOCKC
	ipc6->sockc.tsflags = READ_ONCE(sk->sk_tsflags);
	ipc6->sockc.mark = READ_ONCE(sk->sk_mark);
#endif
}

static inline void altudp_ipc6_tclass(struct ipcm6_cookie *ipc6,
				      const struct ipv6_pinfo *np)
{
}

static inline void altudp_ipc6_dontfrag(struct ipcm6_cookie *ipc6,
					const struct sock *sk)
{
}

static inline void altudp_v6_cork_set_dontfrag(struct inet6_cork *v6_cork,
					       const struct ipcm6_cookie *ipc6)
{
	v6_cork->dontfrag = ipc6->dontfrag;
}

static inline bool altudp_v6_cork_dontfrag(const struct inet6_cork *v6_cork,
					   const struct ipcm6_cookie *ipc6)
{
	return v6_cork->dontfrag;
}
#else
static inline void altudp_ipcm6_init_sk(struct ipcm6_cookie *ipc6,
					struct sock *sk)
{
	ipcm6_init(ipc6);
	ipc6->sockc.tsflags = READ_ONCE(sk->sk_tsflags);
	ipc6->sockc.mark = READ_ONCE(sk->sk_mark);
}

static inline void altudp_ipc6_tclass(struct ipcm6_cookie *ipc6,
				      const struct ipv6_pinfo *np)
{
	if (ipc6->tclass < 0)
		ipc6->tclass = np->tclass;
}

static inline void altudp_ipc6_dontfrag(struct ipcm6_cookie *ipc6,
					const struct sock *sk)
{
	if (ipc6->dontfrag < 0)
		ipc6->dontfrag = inet6_sk(sk)->dontfrag;
}

static inline void altudp_v6_cork_set_dontfrag(struct inet6_cork *v6_cork,
					       const struct ipcm6_cookie *ipc6)
{
}

static inline bool altudp_v6_cork_dontfrag(const struct inet6_cork *v6_cork,
					   const struct ipcm6_cookie *ipc6)
{
	return ipc6->dontfrag > 0;
}
#endif

/* 6.1's IPCORK_ALLFRAG: every datagram of an allfrag route is fragmented. */
#ifdef COMPAT_HAVE_IPCORK_ALLFRAG
#define ALTUDP_IPCORK_ALLFRAG		IPCORK_ALLFRAG
#define altudp_dst_allfrag(dst)		dst_allfrag(dst)
#else
#define ALTUDP_IPCORK_ALLFRAG		0
#define altudp_dst_allfrag(dst)		false
#endif

/* kzalloc_obj() of 7.2, which its checkpatch.pl asks for */
#ifndef kzalloc_obj
#define kzalloc_obj(obj, gfp)		kzalloc(sizeof(obj), gfp)
#endif

#ifndef COMPAT_HAVE_DST6_MTU
#define dst6_mtu(dst) dst_mtu(dst)
#endif

#ifndef COMPAT_HAVE_IPV6_SET_PAYLOAD_LEN
static inline void ipv6_set_payload_len(struct ipv6hdr *ip6, unsigned int len)
{
	ip6->payload_len = htons(len > IPV6_MAXPLEN ? 0 : len);
}
#endif

#ifdef COMPAT_IPV6_PUSH_OPTS_RETURN_PROTO
#define altudp_ipv6_push_frag_opts(skb, opt, proto) \
	ipv6_push_frag_opts(skb, opt, proto)
#else
static inline u8 altudp_ipv6_push_frag_opts(struct sk_buff *skb,
					    struct ipv6_txoptions *opt,
					    u8 proto)
{
	ipv6_push_frag_opts(skb, opt, &proto);
	return proto;
}
#endif

/* The datagram's priority: the cork's since 7.2 (see altudp_cork_priority). */
#ifdef COMPAT_SOCKCM_HAS_PRIORITY
static inline void altudp_cork6_set_priority(struct inet_cork *cork,
					     const struct ipcm6_cookie *ipc6)
{
	cork->priority = ipc6->sockc.priority;
}

static inline u32 altudp_cork6_priority(const struct sock *sk,
					const struct inet_cork *cork)
{
	return cork->priority;
}
#else
static inline void altudp_cork6_set_priority(struct inet_cork *cork,
					     const struct ipcm6_cookie *ipc6)
{
}

static inline u32 altudp_cork6_priority(const struct sock *sk,
					const struct inet_cork *cork)
{
	return READ_ONCE(sk->sk_priority);
}
#endif

/* __ip6_make_skb()'s count: Ip6OutRequests, 6.1 with its octets. */
static inline void altudp_ip6_make_skb_count(struct net *net,
					     struct inet6_dev *idev,
					     const struct sk_buff *skb)
{
#ifdef COMPAT_LOCAL_OUT_COUNTS_OUTREQUESTS
	IP6_INC_STATS(net, idev, IPSTATS_MIB_OUTREQUESTS);
#else
	IP6_UPD_PO_STATS(net, idev, IPSTATS_MIB_OUT, skb->len);
#endif
}

#ifdef COMPAT_BPF_SENDMSG_HAS_ADDRLEN
#define altudp_bpf_udp6_sendmsg(sk, msg, sin6, addr_len, saddr)		\
	BPF_CGROUP_RUN_PROG_UDP6_SENDMSG_LOCK(sk, (struct sockaddr *)(sin6), \
					      addr_len, saddr)
#else
#define altudp_bpf_udp6_sendmsg(sk, msg, sin6, addr_len, saddr)		\
	BPF_CGROUP_RUN_PROG_UDP6_SENDMSG_LOCK(sk, (struct sockaddr *)(sin6), saddr)
#endif

#ifdef COMPAT_EXPORTS_IP6_SK_DST_LOOKUP_FLOW
#define altudp_ip6_sk_dst_lookup_flow	ip6_sk_dst_lookup_flow
#else
struct dst_entry *altudp_ip6_sk_dst_lookup_flow(struct sock *sk,
						struct flowi6 *fl6,
						const struct in6_addr *final_dst,
						bool connected);
#endif

/*
 * 6.12's ip6_setup_cork() caps a UDP socket's fragment size at
 * IP6_MAX_MTU; 6.1's does not.  No header shows it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ALTUDP_CORK6_CAPS_FRAGSIZE	true
#else
#define ALTUDP_CORK6_CAPS_FRAGSIZE	false
#endif

/*
 * Whether a multipath route's choice depends on the flow alone: not with
 * fib_multipath_use_neigh (the neighbours' state), a hash policy other
 * than L3 (fields the flow may not fix), or a hash seed the user set
 * (6.11+; changing it flushes no route).
 */
static inline bool altudp_fib_multipath_stable(const struct net *net)
{
#ifdef CONFIG_IP_ROUTE_MULTIPATH
	if (READ_ONCE(net->ipv4.sysctl_fib_multipath_use_neigh) ||
	    READ_ONCE(net->ipv4.sysctl_fib_multipath_hash_policy))
		return false;
#ifdef COMPAT_HAVE_FIB_MULTIPATH_HASH_SEED
	if (READ_ONCE(net->ipv4.sysctl_fib_multipath_hash_seed.user_seed))
		return false;
#endif
#endif
	return true;
}

#endif /* _ALTUDP_COMPAT_H */
