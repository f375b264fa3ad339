/* SPDX-License-Identifier: GPL-2.0 */
/*
 * altudp: the IPv4 UDP transmit path re-walked by a module.
 *
 * One function here for each kernel function it mirrors:
 *
 *   altudp_sendmsg()             udp_sendmsg()           net/ipv4/udp.c
 *   altudp_push_pending_frames() udp_push_pending_frames()
 *   altudp_send_skb()            udp_send_skb()
 *   altudp_ip_cmsg_send()        ip_cmsg_send()          ip_sockglue.c
 *   altudp_setup_cork()          ip_setup_cork()         ip_output.c
 *   altudp_append_data()         __ip_append_data()
 *   altudp_ip_append_data()      ip_append_data()
 *   altudp_make_skb()            ip_make_skb()
 *   __altudp_make_skb()          __ip_make_skb()
 *   altudp_ip_send_skb()         ip_send_skb()
 *   altudp_local_out()           ip_local_out() + __ip_local_out()
 *
 * and for IPv6 (AF_INET6 sockets, v4-mapped destinations going to the
 * IPv4 functions above, as the kernel's go to udp_sendmsg()):
 *
 *   altudp_udpv6_sendmsg()       udpv6_sendmsg()         net/ipv6/udp.c
 *   altudp_udp_v6_push_pending_frames() udp_v6_push_pending_frames()
 *   altudp_udp_v6_send_skb()     udp_v6_send_skb()
 *   altudp_ip6_setup_cork()      ip6_setup_cork()        ip6_output.c
 *   __altudp_ip6_append_data()   __ip6_append_data()
 *   altudp_ip6_append_data()     ip6_append_data()
 *   altudp_ip6_make_skb()        ip6_make_skb()
 *   __altudp_ip6_make_skb()      __ip6_make_skb()
 *   altudp_ip6_send_skb()        ip6_send_skb()
 *   altudp_ip6_local_out()       ip6_local_out() + __ip6_local_out() output_core.c
 *
 * and, in compat/unexported.c where the kernel (7.2) no longer exports
 * them:
 *
 *   altudp_udp_cmsg_send()       udp_cmsg_send()         net/ipv4/udp.c
 *   altudp_udp_lib_setsockopt()  udp_lib_setsockopt()
 *   altudp_inet_current_timestamp() inet_current_timestamp() af_inet.c
 *   altudp_ip6_sk_dst_lookup_flow() ip6_sk_dst_lookup_flow() ip6_output.c
 */
#ifndef _ALTUDP_H
#define _ALTUDP_H

#include <linux/skbuff.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "rcache.h"
#include "stats.h"

/*
 * An altudp socket: the kernel's UDP socket, then what the module keeps
 * per socket (altudp_prot's obj_size).
 */
struct altudp_sock {
	struct udp_sock udp;
	/* the counters of its namespace, which outlives the socket */
	struct altudp_mib __percpu *mib;
	struct altudp_rcache rcache;
};

static inline struct altudp_sock *altudp_sk(const struct sock *sk)
{
	return (struct altudp_sock *)sk;
}

/* Where altudp_sendmsg() took its route from (the altudp_route event). */
enum altudp_route_from {
	ALTUDP_ROUTE_LOOKUP,	/* ip_route_output_flow() */
	ALTUDP_ROUTE_SOCKET,	/* the connected socket's sk_dst_cache */
	ALTUDP_ROUTE_RCACHE,	/* the socket's route cache (rcache.c) */
};

/*
 * An IPv6 altudp socket: the same, then ipv6_pinfo, last as in udp6_sock
 * (6.1's inet6_sk_generic() puts it at the end of obj_size).  v4-mapped
 * sends and IPV6_ADDRFORM reach the IPv4 path, which reads altudp_sock.
 */
struct altudp6_sock {
	struct altudp_sock as;
	struct ipv6_pinfo inet6;
};

/*
 * The ipv6_pinfo of an altudp IPv6 socket, as inet6_sk() finds it: at
 * the offset where inet6_create() pointed its pinet6
 * (altudp_pinfo_offset()), as the socket of a sendmsg() is a full one.  A
 * constant offset from sk: no sk_fullsock() test, no load, and nothing
 * for the compiler to keep in a register over a call.
 */
static inline struct ipv6_pinfo *altudp_inet6_sk(const struct sock *sk)
{
	return (struct ipv6_pinfo *)((u8 *)sk +
				     altudp_pinfo_offset(struct altudp6_sock,
							 inet6));
}

void altudp_sock_init(struct sock *sk);

/*
 * The send path's counters.  The socket holds a reference on its
 * namespace, so the pointer it took at creation stays valid without RCU,
 * and this_cpu_add() is one instruction that preemption cannot split,
 * PREEMPT_RT included.
 */
#define ALTUDP_SK_ADD_STATS(sk, field, val) \
	this_cpu_add(altudp_sk(sk)->mib->mibs[field], val)
#define ALTUDP_SK_INC_STATS(sk, field) ALTUDP_SK_ADD_STATS(sk, field, 1)

/*
 * A datagram sent: both counters through one load of the pointer, which
 * the compiler would reload after the first this_cpu_add() (an asm that
 * writes memory).  datalen is never negative: no sign extension.
 */
static inline void altudp_sk_count_sent(const struct sock *sk,
					unsigned int datalen)
{
	struct altudp_mib __percpu *mib = altudp_sk(sk)->mib;

	this_cpu_inc(mib->mibs[ALTUDP_MIB_OUTDATAGRAMS]);
	this_cpu_add(mib->mibs[ALTUDP_MIB_OUTBYTES], datalen);
}

/*
 * ip_route_output_flow(net, fl4, sk) for udp_sendmsg()'s unconnected
 * sends: a held route (the caller releases it) or an ERR_PTR(), and fl4
 * as the lookup leaves it; *hit tells whether it came from the route
 * cache (rcache.c).  A destination that is neither the entry's nor the
 * last miss's can neither hit nor fill the entry: that miss, most of a
 * round robin's sends, is counted here, without the entry's busy flag.
 */
static inline struct rtable *altudp_rcache_route(struct sock *sk,
						 struct flowi4 *fl4, bool *hit)
{
	struct altudp_rcache *rc = &altudp_sk(sk)->rcache;

	if (static_branch_likely(&altudp_route_cache_on)) {
		/* hints only: altudp_rcache_lookup() takes the entry */
		if (fl4->daddr == data_race(rc->last_daddr) ||
		    /* the entry's destination, a hint as well */
		    fl4->daddr == data_race(rc->key.daddr))
			return altudp_rcache_lookup(sk, fl4, hit);
		WRITE_ONCE(rc->last_daddr, fl4->daddr);
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_RCACHE_MISSES);
	}
	return ip_route_output_flow(sock_net(sk), fl4, sk);
}

/*
 * The getfrag of __ip_append_data() and __ip6_append_data().  UDP's is
 * ip_generic_getfrag(); udplite_getfrag() is UDP-Lite's, which the module
 * is not.  The IPv4 append functions take it as a constant rather than
 * an argument, so that their calls of it are direct and their tests of
 * it fold: 10 instructions fewer in a three-fragment send on 6.1.  The
 * IPv6 ones keep the argument: as a constant, the IPv6 append function
 * of 7.2's build spent 12 more a send.
 */
typedef int (*altudp_getfrag_t)(void *from, char *to, int offset, int len,
				int odd, struct sk_buff *skb);

/* sendmsg.c */
int altudp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int altudp_push_pending_frames(struct sock *sk);
void altudp_flush_pending_frames(struct sock *sk);

/* cmsg.c */
int altudp_ip_cmsg_send(struct sock *sk, struct msghdr *msg,
			struct ipcm_cookie *ipc);
void altudp_ip_options_build(struct sk_buff *skb, struct ip_options *opt,
			     __be32 daddr, struct rtable *rt);

/* append.c */
int altudp_ip_append_data(struct sock *sk, struct flowi4 *fl4, void *from,
			  int length, int transhdrlen, struct ipcm_cookie *ipc,
			  struct rtable **rtp, unsigned int flags);
struct sk_buff *altudp_make_skb(struct sock *sk, struct flowi4 *fl4,
				void *from, int length, int transhdrlen,
				struct ipcm_cookie *ipc, struct rtable **rtp,
				struct inet_cork *cork, unsigned int flags);
struct sk_buff *__altudp_make_skb(struct sock *sk, struct flowi4 *fl4,
				  struct sk_buff_head *queue,
				  struct inet_cork *cork);
void altudp_flush_queue(struct sock *sk, struct sk_buff_head *queue,
			struct inet_cork *cork);
void altudp_orphan_frag_list(struct net *net, struct sk_buff *skb, gfp_t gfp);

/* sendmsg6.c */
int altudp_udpv6_sendmsg(struct sock *sk, struct msghdr *msg, size_t len);
int altudp_udp_v6_push_pending_frames(struct sock *sk);
void altudp_udp_v6_flush_pending_frames(struct sock *sk);

/* append6.c */
int altudp_ip6_append_data(struct sock *sk, altudp_getfrag_t getfrag,
			   void *from, size_t length, int transhdrlen,
			   struct ipcm6_cookie *ipc6, struct flowi6 *fl6,
			   struct rt6_info *rt, unsigned int flags);
struct sk_buff *altudp_ip6_make_skb(struct sock *sk, altudp_getfrag_t getfrag,
				    void *from, size_t length, int transhdrlen,
				    struct ipcm6_cookie *ipc6,
				    struct rt6_info *rt, unsigned int flags,
				    struct inet_cork_full *cork);
struct sk_buff *__altudp_ip6_make_skb(struct sock *sk,
				      struct sk_buff_head *queue,
				      struct inet_cork_full *cork,
				      struct inet6_cork *v6_cork);
void __altudp_ip6_flush_pending_frames(struct sock *sk,
				       struct sk_buff_head *queue,
				       struct inet_cork_full *cork,
				       struct inet6_cork *v6_cork);

/* output6.c */
int altudp_ip6_send_skb(struct sk_buff *skb);
void altudp_ipv6_local_error(struct sock *sk, int err, struct flowi6 *fl6,
			     u32 info);

/* main.c */
#ifdef CONFIG_BPF_SYSCALL
struct sk_psock;
int altudp_bpf_replace_proto(struct sock *sk, struct sk_psock *psock,
			     bool restore, struct proto *bpf_prot);
int altudp_bpf_build_proto(struct proto *bpf_prot, const struct proto *prot,
			   int family);
#else
static inline int altudp_bpf_build_proto(struct proto *bpf_prot,
					 const struct proto *prot, int family)
{
	return 0;
}
#endif

/* main6.c */
int altudp6_init(int protocol, struct proto *prot4);
void altudp6_exit(void);

/* output.c */
int altudp_send_skb(struct sk_buff *skb, struct flowi4 *fl4,
		    struct inet_cork *cork);
void altudp_local_error(struct sock *sk, int err, __be32 daddr, __be16 port,
			u32 info);

#endif /* _ALTUDP_H */
