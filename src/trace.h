/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the transmit path, one per stage:
 *   sendmsg -> route -> setup_cork -> append_alloc (each new skb of the
 *   append loop, before its allocation) / append_copy (each fill of the
 *   tail skb in place) ->
 *   make_skb -> send_skb -> local_out -> xmit
 * IPv6 sends fire sendmsg6, route6 and make_skb6 in place of the three
 * whose fields are IPv4 addresses or header fields, and the others as is.
 * A disabled event costs a static branch; its fields are read only when
 * it is enabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM altudp

#if !defined(_ALTUDP_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _ALTUDP_TRACE_H

#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/sock_diag.h>
#include <linux/tracepoint.h>
#include <linux/udp.h>
#include <net/inet_sock.h>
#include <net/ip6_fib.h>
#include <net/route.h>
#include <net/sock.h>

/* How __ip_append_data() filled the tail skb: altudp_append_copy's "how" */
#ifndef ALTUDP_COPY_LINEAR
#define ALTUDP_COPY_LINEAR	0	/* no SG: into the tailroom */
#define ALTUDP_COPY_PAGEFRAG	1	/* SG: into the socket's page frag */
#define ALTUDP_COPY_ZEROCOPY	2	/* MSG_ZEROCOPY: user pages pinned */
#define ALTUDP_COPY_SPLICE	3	/* MSG_SPLICE_PAGES: pages attached */

/*
 * sock_i_ino() without its read_lock_bh(&sk->sk_callback_lock): a
 * tracepoint runs with preemption disabled, and on PREEMPT_RT that rwlock
 * sleeps, so a sendmsg() racing a writer (a sockmap update) scheduled in
 * atomic context.  The sender holds the socket's file, which keeps
 * sk_socket from being orphaned meanwhile.
 */
static inline unsigned long altudp_trace_ino(const struct sock *sk)
{
	struct socket *sock = READ_ONCE(sk->sk_socket);

	return sock ? SOCK_INODE(sock)->i_ino : 0;
}
#endif

TRACE_EVENT(altudp_sendmsg,
	TP_PROTO(struct sock *sk, struct msghdr *msg, size_t len, int corked),
	TP_ARGS(sk, msg, len, corked),
	TP_STRUCT__entry(
		__field(u64, cookie)
		__field(unsigned long, ino)
		__field(size_t, len)
		__field(unsigned int, flags)
		__array(u8, daddr, 4)
		__field(u16, dport)
		__field(int, corked)
		__field(int, pending)
	),
	TP_fast_assign(
		const struct sockaddr_in *usin = msg->msg_name;
		u32 cookie[2];

		/* SO_COOKIE's value, assigned on first use as SO_COOKIE
		 * does: __sock_gen_cookie() is not exported
		 */
		sock_diag_save_cookie(sk, cookie);
		__entry->cookie = (u64)cookie[1] << 32 | cookie[0];
		__entry->ino = altudp_trace_ino(sk);
		__entry->len = len;
		__entry->flags = msg->msg_flags;
		if (usin && msg->msg_namelen >= sizeof(*usin)) {
			memcpy(__entry->daddr, &usin->sin_addr.s_addr, 4);
			__entry->dport = ntohs(usin->sin_port);
		} else {
			memcpy(__entry->daddr, &inet_sk(sk)->inet_daddr, 4);
			__entry->dport = ntohs(inet_sk(sk)->inet_dport);
		}
		__entry->corked = corked;
		__entry->pending = READ_ONCE(udp_sk(sk)->pending);
	),
	TP_printk("cookie=%llu ino=%lu len=%zu flags=%#x dst=%pI4:%u corked=%d pending=%d",
		  __entry->cookie, __entry->ino, __entry->len, __entry->flags,
		  __entry->daddr, __entry->dport, __entry->corked,
		  __entry->pending)
);

TRACE_DEFINE_ENUM(ALTUDP_ROUTE_LOOKUP);
TRACE_DEFINE_ENUM(ALTUDP_ROUTE_SOCKET);
TRACE_DEFINE_ENUM(ALTUDP_ROUTE_RCACHE);

/* "cached": the connected socket's route; "rcache": the route cache's. */
TRACE_EVENT(altudp_route,
	TP_PROTO(struct sock *sk, struct flowi4 *fl4, struct rtable *rt,
		 enum altudp_route_from from),
	TP_ARGS(sk, fl4, rt, from),
	TP_STRUCT__entry(
		__field(int, oif)
		__array(u8, saddr, 4)
		__array(u8, daddr, 4)
		__field(unsigned int, mtu)
		__field(u8, from)
		__field(u16, type)
	),
	TP_fast_assign(
		__entry->oif = rt->dst.dev ? rt->dst.dev->ifindex : 0;
		memcpy(__entry->saddr, &fl4->saddr, 4);
		memcpy(__entry->daddr, &fl4->daddr, 4);
		__entry->mtu = dst_mtu(&rt->dst);
		__entry->from = from;
		__entry->type = rt->rt_type;
	),
	TP_printk("oif=%d src=%pI4 dst=%pI4 mtu=%u %s type=%u",
		  __entry->oif, __entry->saddr, __entry->daddr, __entry->mtu,
		  __print_symbolic(__entry->from,
				   { ALTUDP_ROUTE_LOOKUP, "lookup" },
				   { ALTUDP_ROUTE_SOCKET, "cached" },
				   { ALTUDP_ROUTE_RCACHE, "rcache" }),
		  __entry->type)
);

TRACE_EVENT(altudp_setup_cork,
	TP_PROTO(struct sock *sk, struct inet_cork *cork),
	TP_ARGS(sk, cork),
	TP_STRUCT__entry(
		__field(unsigned int, fragsize)
		__field(u16, gso_size)
		__field(int, tos)
		__field(u8, ttl)
		__field(u8, optlen)
	),
	TP_fast_assign(
		__entry->fragsize = cork->fragsize;
		__entry->gso_size = cork->gso_size;
		__entry->tos = cork->tos;
		__entry->ttl = cork->ttl;
		__entry->optlen = cork->opt ? cork->opt->optlen : 0;
	),
	TP_printk("fragsize=%u gso_size=%u tos=%d ttl=%u optlen=%u",
		  __entry->fragsize, __entry->gso_size, __entry->tos,
		  __entry->ttl, __entry->optlen)
);

/*
 * copy is computed here from transhdrlen, as the append loops compute it:
 * an argument of its own would be computed before the allocation and kept
 * across it.
 */
TRACE_EVENT(altudp_append_alloc,
	TP_PROTO(struct sock *sk, unsigned int datalen, unsigned int fraglen,
		 unsigned int alloclen, unsigned int pagedlen,
		 unsigned int fraggap, int transhdrlen, int csummode, bool zc),
	TP_ARGS(sk, datalen, fraglen, alloclen, pagedlen, fraggap, transhdrlen,
		csummode, zc),
	TP_STRUCT__entry(
		__field(unsigned int, datalen)
		__field(unsigned int, fraglen)
		__field(unsigned int, alloclen)
		__field(unsigned int, pagedlen)
		__field(unsigned int, fraggap)
		__field(int, copy)
		__field(int, csummode)
		__field(bool, zc)
	),
	TP_fast_assign(
		__entry->datalen = datalen;
		__entry->fraglen = fraglen;
		__entry->alloclen = alloclen;
		__entry->pagedlen = pagedlen;
		__entry->fraggap = fraggap;
		__entry->copy = datalen - transhdrlen - fraggap - pagedlen;
		__entry->csummode = csummode;
		__entry->zc = zc;
	),
	TP_printk("datalen=%u fraglen=%u alloclen=%u pagedlen=%u fraggap=%u copy=%d csum=%s zerocopy=%d",
		  __entry->datalen, __entry->fraglen, __entry->alloclen,
		  __entry->pagedlen, __entry->fraggap, __entry->copy,
		  __entry->csummode == CHECKSUM_PARTIAL ? "partial" : "none",
		  __entry->zc)
);

TRACE_EVENT(altudp_append_copy,
	TP_PROTO(struct sk_buff *skb, int how, int copy),
	TP_ARGS(skb, how, copy),
	TP_STRUCT__entry(
		__field(int, how)
		__field(int, copy)
		__field(unsigned int, len)
		__field(unsigned int, nr_frags)
	),
	TP_fast_assign(
		__entry->how = how;
		__entry->copy = copy;
		__entry->len = skb->len;
		__entry->nr_frags = skb_shinfo(skb)->nr_frags;
	),
	TP_printk("%s copy=%d len=%u frags=%u",
		  __print_symbolic(__entry->how,
				   { ALTUDP_COPY_LINEAR, "linear" },
				   { ALTUDP_COPY_PAGEFRAG, "pagefrag" },
				   { ALTUDP_COPY_ZEROCOPY, "zerocopy" },
				   { ALTUDP_COPY_SPLICE, "splice" }),
		  __entry->copy, __entry->len, __entry->nr_frags)
);

TRACE_EVENT(altudp_make_skb,
	TP_PROTO(struct sk_buff *skb),
	TP_ARGS(skb),
	TP_STRUCT__entry(
		__field(unsigned int, len)
		__field(unsigned int, data_len)
		__field(unsigned int, nr_frags)
		__field(unsigned int, nr_fraglist)
		__field(bool, df)
		__field(u16, id)
		__field(u8, tos)
		__field(u8, ttl)
	),
	TP_fast_assign(
		const struct iphdr *iph = ip_hdr(skb);
		struct sk_buff *frag;
		unsigned int n = 0;

		skb_walk_frags(skb, frag)
			n++;
		__entry->len = skb->len;
		__entry->data_len = skb->data_len;
		__entry->nr_frags = skb_shinfo(skb)->nr_frags;
		__entry->nr_fraglist = n;
		__entry->df = !!(iph->frag_off & htons(IP_DF));
		__entry->id = ntohs(iph->id);
		__entry->tos = iph->tos;
		__entry->ttl = iph->ttl;
	),
	TP_printk("len=%u data_len=%u frags=%u frag_list=%u df=%d id=%u tos=%#x ttl=%u",
		  __entry->len, __entry->data_len, __entry->nr_frags,
		  __entry->nr_fraglist, __entry->df, __entry->id,
		  __entry->tos, __entry->ttl)
);

TRACE_EVENT(altudp_send_skb,
	TP_PROTO(struct sk_buff *skb, struct udphdr *uh, int datalen),
	TP_ARGS(skb, uh, datalen),
	TP_STRUCT__entry(
		__field(u16, sport)
		__field(u16, dport)
		__field(int, datalen)
		__field(u8, ip_summed)
		__field(u16, check)
		__field(unsigned int, gso_size)
		__field(unsigned int, gso_segs)
	),
	TP_fast_assign(
		__entry->sport = ntohs(uh->source);
		__entry->dport = ntohs(uh->dest);
		__entry->datalen = datalen;
		__entry->ip_summed = skb->ip_summed;
		__entry->check = ntohs((__force __be16)uh->check);
		__entry->gso_size = skb_shinfo(skb)->gso_size;
		__entry->gso_segs = skb_shinfo(skb)->gso_segs;
	),
	TP_printk("sport=%u dport=%u datalen=%d csum=%s check=%#06x gso_size=%u gso_segs=%u",
		  __entry->sport, __entry->dport,
		  __entry->datalen,
		  __print_symbolic(__entry->ip_summed,
				   { CHECKSUM_NONE, "none" },
				   { CHECKSUM_UNNECESSARY, "unnecessary" },
				   { CHECKSUM_COMPLETE, "complete" },
				   { CHECKSUM_PARTIAL, "partial" }),
		  __entry->check, __entry->gso_size, __entry->gso_segs)
);

/* nf_hook(): 1 to go on, 0 stolen or queued, -errno dropped */
TRACE_EVENT(altudp_local_out,
	TP_PROTO(unsigned int len, int ret),
	TP_ARGS(len, ret),
	TP_STRUCT__entry(
		__field(unsigned int, len)
		__field(int, verdict)
		__field(int, ret)
	),
	TP_fast_assign(
		__entry->len = len;
		__entry->verdict = ret == 1 ? NF_ACCEPT :
				   ret < 0 ? NF_DROP : NF_STOLEN;
		__entry->ret = ret;
	),
	TP_printk("len=%u verdict=%s ret=%d", __entry->len,
		  __print_symbolic(__entry->verdict,
				   { NF_ACCEPT, "accept" },
				   { NF_DROP, "drop" },
				   { NF_STOLEN, "stolen" }),
		  __entry->ret)
);

TRACE_EVENT(altudp_xmit,
	TP_PROTO(struct sock *sk, int err),
	TP_ARGS(sk, err),
	TP_STRUCT__entry(
		__field(int, err)
	),
	TP_fast_assign(
		__entry->err = err;
	),
	TP_printk("dst_output=%d", __entry->err)
);

/* IPv6: the events of the stages whose fields are addresses or headers */
TRACE_EVENT(altudp_sendmsg6,
	TP_PROTO(struct sock *sk, struct msghdr *msg, size_t len, int corked),
	TP_ARGS(sk, msg, len, corked),
	TP_STRUCT__entry(
		__field(u64, cookie)
		__field(unsigned long, ino)
		__field(size_t, len)
		__field(unsigned int, flags)
		__array(u8, daddr, 16)
		__field(u16, dport)
		__field(int, corked)
		__field(int, pending)
	),
	TP_fast_assign(
		const struct sockaddr_in6 *sin6 = msg->msg_name;
		u32 cookie[2];

		sock_diag_save_cookie(sk, cookie);
		__entry->cookie = (u64)cookie[1] << 32 | cookie[0];
		__entry->ino = altudp_trace_ino(sk);
		__entry->len = len;
		__entry->flags = msg->msg_flags;
		if (sin6 && msg->msg_namelen >= SIN6_LEN_RFC2133 &&
		    sin6->sin6_family == AF_INET6) {
			memcpy(__entry->daddr, &sin6->sin6_addr, 16);
			__entry->dport = ntohs(sin6->sin6_port);
		} else {
			memcpy(__entry->daddr, &sk->sk_v6_daddr, 16);
			__entry->dport = ntohs(inet_sk(sk)->inet_dport);
		}
		__entry->corked = corked;
		__entry->pending = READ_ONCE(udp_sk(sk)->pending);
	),
	TP_printk("cookie=%llu ino=%lu len=%zu flags=%#x dst=[%pI6c]:%u corked=%d pending=%d",
		  __entry->cookie, __entry->ino, __entry->len, __entry->flags,
		  __entry->daddr, __entry->dport, __entry->corked,
		  __entry->pending)
);

TRACE_EVENT(altudp_route6,
	TP_PROTO(struct sock *sk, struct flowi6 *fl6, struct dst_entry *dst),
	TP_ARGS(sk, fl6, dst),
	TP_STRUCT__entry(
		__field(int, oif)
		__array(u8, saddr, 16)
		__array(u8, daddr, 16)
		__field(unsigned int, mtu)
	),
	TP_fast_assign(
		__entry->oif = dst->dev ? dst->dev->ifindex : 0;
		memcpy(__entry->saddr, &fl6->saddr, 16);
		memcpy(__entry->daddr, &fl6->daddr, 16);
		__entry->mtu = dst_mtu(dst);
	),
	TP_printk("oif=%d src=%pI6c dst=%pI6c mtu=%u",
		  __entry->oif, __entry->saddr, __entry->daddr, __entry->mtu)
);

TRACE_EVENT(altudp_make_skb6,
	TP_PROTO(struct sk_buff *skb),
	TP_ARGS(skb),
	TP_STRUCT__entry(
		__field(unsigned int, len)
		__field(unsigned int, data_len)
		__field(unsigned int, nr_frags)
		__field(unsigned int, nr_fraglist)
		__field(u32, flowlabel)
		__field(u8, tclass)
		__field(u8, hop_limit)
		__field(u8, nexthdr)
	),
	TP_fast_assign(
		const struct ipv6hdr *hdr = ipv6_hdr(skb);
		struct sk_buff *frag;
		unsigned int n = 0;

		skb_walk_frags(skb, frag)
			n++;
		__entry->len = skb->len;
		__entry->data_len = skb->data_len;
		__entry->nr_frags = skb_shinfo(skb)->nr_frags;
		__entry->nr_fraglist = n;
		__entry->flowlabel = ntohl(ip6_flowlabel(hdr));
		__entry->tclass = ip6_tclass(ip6_flowinfo(hdr));
		__entry->hop_limit = hdr->hop_limit;
		__entry->nexthdr = hdr->nexthdr;
	),
	TP_printk("len=%u data_len=%u frags=%u frag_list=%u flowlabel=%#x tclass=%#x hlim=%u nexthdr=%u",
		  __entry->len, __entry->data_len, __entry->nr_frags,
		  __entry->nr_fraglist, __entry->flowlabel, __entry->tclass,
		  __entry->hop_limit, __entry->nexthdr)
);

#endif /* _ALTUDP_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
