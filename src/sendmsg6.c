// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_udpv6_sendmsg(): udpv6_sendmsg() of net/ipv6/udp.c, re-walked,
 * with udp_v6_send_skb(), udp_v6_push_pending_frames() and
 * udp_v6_flush_pending_frames().
 *
 * A v4-mapped destination, and a datagram corked by one, goes to the
 * module's IPv4 path (altudp_sendmsg()), where the kernel's goes to
 * udp_sendmsg().
 */

#include <linux/bpf-cgroup.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/security.h>
#include <linux/udp.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/transp_v6.h>
#include <net/udp.h>

#include "altudp.h"
#include "trace.h"

/* udp6_hwcsum_outgoing(), static in udp.c */
static void altudp_udp6_hwcsum_outgoing(struct sock *sk, struct sk_buff *skb,
					const struct in6_addr *saddr,
					const struct in6_addr *daddr, int len)
{
	unsigned int offset;
	struct udphdr *uh = udp_hdr(skb);
	struct sk_buff *frags = skb_shinfo(skb)->frag_list;
	__wsum csum = 0;

	if (!frags) {
		/* Only one fragment on the socket.  */
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
		uh->check = ~csum_ipv6_magic(saddr, daddr, len, IPPROTO_UDP, 0);
	} else {
		/*
		 * HW-checksum won't work as there are two or more
		 * fragments on the socket so that all csums of sk_buffs
		 * should be together
		 */
		offset = skb_transport_offset(skb);
		skb->csum = skb_checksum(skb, offset, skb->len - offset, 0);
		csum = skb->csum;

		skb->ip_summed = CHECKSUM_NONE;

		do {
			csum = csum_add(csum, frags->csum);
		} while ((frags = frags->next));

		uh->check = csum_ipv6_magic(saddr, daddr, len, IPPROTO_UDP,
					    csum);
		if (uh->check == 0)
			uh->check = CSUM_MANGLED_0;
	}
}

/* udp_v6_send_skb(), less UDP-Lite, which an altudp socket never is. */
static int altudp_udp_v6_send_skb(struct sk_buff *skb, struct flowi6 *fl6,
				  struct inet_cork *cork)
{
	struct sock *sk = skb->sk;
	struct udphdr *uh;
	int err = 0;
	__wsum csum = 0;
	int offset = skb_transport_offset(skb);
	int len = skb->len - offset;
	int datalen = len - sizeof(*uh);

	/*
	 * Create a UDP header
	 */
	uh = udp_hdr(skb);
	uh->source = fl6->fl6_sport;
	uh->dest = fl6->fl6_dport;
	uh->len = htons(len);
	uh->check = 0;

	if (cork->gso_size) {
		const int hlen = skb_network_header_len(skb) +
				 sizeof(struct udphdr);

		if (hlen + min(datalen, cork->gso_size) > cork->fragsize) {
			kfree_skb(skb);
			return -EMSGSIZE;
		}
		if (datalen > cork->gso_size * UDP_MAX_SEGMENTS) {
			kfree_skb(skb);
			return -EINVAL;
		}
		if (udp_get_no_check6_tx(sk)) {
			kfree_skb(skb);
			return -EINVAL;
		}
		if ((ALTUDP_GSO_NEEDS_CSUM_OFFLOAD &&
		     skb->ip_summed != CHECKSUM_PARTIAL) ||
		    dst_xfrm(skb_dst(skb))) {
			kfree_skb(skb);
			return -EIO;
		}

		if (datalen > cork->gso_size) {
			skb_shinfo(skb)->gso_size = cork->gso_size;
			skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
			skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(datalen,
								 cork->gso_size);
			ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_GSOSENDS);
			ALTUDP_SK_ADD_STATS(sk, ALTUDP_MIB_GSOSEGS,
					    skb_shinfo(skb)->gso_segs);

			/* Don't checksum the payload, skb will get segmented */
			goto csum_partial;
		}
		/* 6.1 reaches csum_partial for every GSO skb: it is partial. */
	}

	if (udp_get_no_check6_tx(sk)) {   /* UDP csum disabled */
		skb->ip_summed = CHECKSUM_NONE;
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMNONE);
		goto send;
	} else if (skb->ip_summed == CHECKSUM_PARTIAL) { /* UDP hardware csum */
csum_partial:
		altudp_udp6_hwcsum_outgoing(sk, skb, &fl6->saddr, &fl6->daddr,
					    len);
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMHW);
		goto send;
	} else {
		csum = udp_csum(skb);
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMSW);
	}

	/* add protocol-dependent pseudo-header: IPPROTO_UDP as in 7.2, the
	 * flowi6_proto of every altudp flow
	 */
	uh->check = csum_ipv6_magic(&fl6->saddr, &fl6->daddr,
				    len, IPPROTO_UDP, csum);
	if (uh->check == 0)
		uh->check = CSUM_MANGLED_0;

send:
	trace_altudp_send_skb(skb, uh, datalen);
	err = altudp_ip6_send_skb(skb);
	if (err) {
		if (err == -ENOBUFS && !altudp_inet6_recverr(sk)) {
			altudp_udp6_inc_stats(sock_net(sk),
					      UDP_MIB_SNDBUFERRORS);
			err = 0;
		}
	} else {
		altudp_udp6_inc_stats(sock_net(sk), UDP_MIB_OUTDATAGRAMS);
		altudp_sk_count_sent(sk, datalen);
	}
	return err;
}

/*
 * udp_v6_push_pending_frames(): a datagram corked by a v4-mapped send is
 * pushed by the IPv4 path; ip6_finish_skb() is __ip6_make_skb() on the
 * socket's own queue and cork.
 */
int altudp_udp_v6_push_pending_frames(struct sock *sk)
{
	struct sk_buff *skb;
	struct udp_sock *up = udp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	int err = 0;

	if (up->pending == AF_INET)
		return altudp_push_pending_frames(sk);

	skb = __altudp_ip6_make_skb(sk, &sk->sk_write_queue, &inet->cork,
				    altudp_sk_v6_cork(sk));
	if (!skb)
		goto out;

	err = altudp_udp_v6_send_skb(skb, &inet->cork.fl.u.ip6,
				     &inet->cork.base);
out:
	up->len = 0;
	WRITE_ONCE(up->pending, 0);
	return err;
}

/* udp_v6_flush_pending_frames() + ip6_flush_pending_frames() */
void altudp_udp_v6_flush_pending_frames(struct sock *sk)
{
	struct udp_sock *up = udp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);

	if (up->pending == AF_INET) {
		altudp_flush_pending_frames(sk);
	} else if (up->pending) {
		up->len = 0;
		WRITE_ONCE(up->pending, 0);
		__altudp_ip6_flush_pending_frames(sk, &sk->sk_write_queue,
						  &inet->cork,
						  altudp_sk_v6_cork(sk));
	}
}

/*
 * A v4-mapped destination: udp_sendmsg() in the kernel, the module's
 * IPv4 path here.  IPV6_V6ONLY refuses it as the kernel does.
 */
static int altudp_udpv6_sendmsg_v4(struct sock *sk, struct msghdr *msg,
				   size_t len)
{
	return ipv6_only_sock(sk) ? -ENETUNREACH : altudp_sendmsg(sk, msg, len);
}

int altudp_udpv6_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct ipv6_txoptions opt_space;
	struct udp_sock *up = udp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct ipv6_pinfo *np = altudp_inet6_sk(sk);
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, msg->msg_name);
	struct in6_addr *daddr, *final_p, final;
	struct ipv6_txoptions *opt = NULL;
	struct ipv6_txoptions *opt_to_free = NULL;
	struct ip6_flowlabel *flowlabel = NULL;
	struct inet_cork_full cork;
	struct flowi6 *fl6 = &cork.fl.u.ip6;
	struct dst_entry *dst;
	struct ipcm6_cookie ipc6;
	int addr_len = msg->msg_namelen;
	bool connected = false;
	int ulen = len;
	int corkreq = udp_test_bit(CORK, sk) || msg->msg_flags & MSG_MORE;
	int err;
	altudp_getfrag_t getfrag = ip_generic_getfrag;

	trace_altudp_sendmsg6(sk, msg, len, corkreq);

	altudp_ipcm6_init_sk(&ipc6, sk);
	ipc6.gso_size = READ_ONCE(up->gso_size);

	/* destination address check */
	if (sin6) {
		if (addr_len < offsetof(struct sockaddr, sa_data)) {
			err = -EINVAL;
			goto out_stat;
		}

		switch (sin6->sin6_family) {
		case AF_INET6:
			if (addr_len < SIN6_LEN_RFC2133) {
				err = -EINVAL;
				goto out_stat;
			}
			daddr = &sin6->sin6_addr;
			if (ipv6_addr_any(daddr) &&
			    ipv6_addr_v4mapped(&np->saddr))
				ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK),
						       daddr);
			break;
		case AF_INET:
			goto do_udp_sendmsg;
		case AF_UNSPEC:
			msg->msg_name = NULL;
			sin6 = NULL;
			msg->msg_namelen = 0;
			addr_len = 0;
			daddr = NULL;
			break;
		default:
			err = -EINVAL;
			goto out_stat;
		}
	} else if (!READ_ONCE(up->pending)) {
		if (sk->sk_state != TCP_ESTABLISHED) {
			err = -EDESTADDRREQ;
			goto out_stat;
		}
		daddr = &sk->sk_v6_daddr;
	} else {
		daddr = NULL;
	}

	if (daddr) {
		if (ipv6_addr_v4mapped(daddr)) {
			struct sockaddr_in sin;

			sin.sin_family = AF_INET;
			sin.sin_port = sin6 ? sin6->sin6_port : inet->inet_dport;
			sin.sin_addr.s_addr = daddr->s6_addr32[3];
			msg->msg_name = &sin;
			msg->msg_namelen = sizeof(sin);
do_udp_sendmsg:
			err = altudp_udpv6_sendmsg_v4(sk, msg, len);
			msg->msg_name = sin6;
			msg->msg_namelen = addr_len;
			return err;
		}
	}

	/* Rough check on arithmetic overflow,
	 * better check is made in ip6_append_data().
	 */
	if (len > INT_MAX - sizeof(struct udphdr)) {
		err = -EMSGSIZE;
		goto out_stat;
	}

	if (READ_ONCE(up->pending)) {
		if (READ_ONCE(up->pending) == AF_INET)
			return altudp_sendmsg(sk, msg, len);
		/*
		 * There are pending frames.
		 * The socket lock must be held while it's corked.
		 */
		lock_sock(sk);
		if (likely(up->pending)) {
			if (unlikely(up->pending != AF_INET6)) {
				release_sock(sk);
				err = -EAFNOSUPPORT;
				goto out_stat;
			}
			dst = NULL;
			goto do_append_data;
		}
		release_sock(sk);
	}
	ulen += sizeof(struct udphdr);

	memset(fl6, 0, sizeof(*fl6));

	if (sin6) {
		if (sin6->sin6_port == 0) {
			err = -EINVAL;
			goto out_stat;
		}

		fl6->fl6_dport = sin6->sin6_port;
		daddr = &sin6->sin6_addr;

		if (altudp_inet6_sndflow(sk)) {
			fl6->flowlabel = sin6->sin6_flowinfo & IPV6_FLOWINFO_MASK;
			if (fl6->flowlabel & IPV6_FLOWLABEL_MASK) {
				flowlabel = fl6_sock_lookup(sk, fl6->flowlabel);
				if (IS_ERR(flowlabel)) {
					err = -EINVAL;
					goto out_stat;
				}
			}
		}

		/*
		 * Otherwise it will be difficult to maintain
		 * sk->sk_dst_cache.
		 */
		if (sk->sk_state == TCP_ESTABLISHED &&
		    ipv6_addr_equal(daddr, &sk->sk_v6_daddr))
			daddr = &sk->sk_v6_daddr;

		if (addr_len >= sizeof(struct sockaddr_in6) &&
		    sin6->sin6_scope_id &&
		    __ipv6_addr_needs_scope_id(__ipv6_addr_type(daddr)))
			fl6->flowi6_oif = sin6->sin6_scope_id;
	} else {
		if (sk->sk_state != TCP_ESTABLISHED) {
			err = -EDESTADDRREQ;
			goto out_stat;
		}

		fl6->fl6_dport = inet->inet_dport;
		daddr = &sk->sk_v6_daddr;
		fl6->flowlabel = np->flow_label;
		connected = true;
	}

	if (!fl6->flowi6_oif)
		fl6->flowi6_oif = READ_ONCE(sk->sk_bound_dev_if);

	if (!fl6->flowi6_oif)
		fl6->flowi6_oif = np->sticky_pktinfo.ipi6_ifindex;

	fl6->flowi6_uid = sk_uid(sk);

	if (msg->msg_controllen) {
		opt = &opt_space;
		memset(opt, 0, sizeof(struct ipv6_txoptions));
		opt->tot_len = sizeof(*opt);
		ipc6.opt = opt;

		err = altudp_udp_cmsg_send(sk, msg, &ipc6.gso_size);
		if (err > 0) {
			err = ip6_datagram_send_ctl(sock_net(sk), sk, msg, fl6,
						    &ipc6);
			connected = false;
		}
		if (err < 0) {
			fl6_sock_release(flowlabel);
			goto out_stat;
		}
		if ((fl6->flowlabel & IPV6_FLOWLABEL_MASK) && !flowlabel) {
			flowlabel = fl6_sock_lookup(sk, fl6->flowlabel);
			if (IS_ERR(flowlabel)) {
				err = -EINVAL;
				goto out_stat;
			}
		}
		if (!(opt->opt_nflen | opt->opt_flen))
			opt = NULL;
	}
	if (!opt) {
		opt = txopt_get(np);
		opt_to_free = opt;
	}
	if (flowlabel)
		opt = fl6_merge_options(&opt_space, flowlabel, opt);
	opt = ipv6_fixup_options(&opt_space, opt);
	ipc6.opt = opt;

	/* 7.2's constant: an altudp socket's sk_protocol is always UDP */
	fl6->flowi6_proto = IPPROTO_UDP;
	fl6->flowi6_mark = ipc6.sockc.mark;
	fl6->daddr = *daddr;
	if (ipv6_addr_any(&fl6->saddr) && !ipv6_addr_any(&np->saddr))
		fl6->saddr = np->saddr;
	fl6->fl6_sport = inet->inet_sport;

	if (cgroup_bpf_enabled(CGROUP_UDP6_SENDMSG) && !connected) {
		err = altudp_bpf_udp6_sendmsg(sk, msg, sin6, &addr_len,
					      &fl6->saddr);
		if (err)
			goto out_no_dst;
		if (sin6) {
			if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
				/* BPF program rewrote IPv6-only by IPv4-mapped
				 * IPv6. It's currently unsupported.
				 */
				err = -ENOTSUPP;
				goto out_no_dst;
			}
			if (sin6->sin6_port == 0) {
				/* BPF program set invalid port. Reject it. */
				err = -EINVAL;
				goto out_no_dst;
			}
			fl6->fl6_dport = sin6->sin6_port;
			fl6->daddr = sin6->sin6_addr;
		}
	}

	if (ipv6_addr_any(&fl6->daddr))
		fl6->daddr.s6_addr[15] = 0x1; /* :: means loopback (BSD'ism) */

	final_p = fl6_update_dst(fl6, opt, &final);
	if (final_p)
		connected = false;

	if (!fl6->flowi6_oif && ipv6_addr_is_multicast(&fl6->daddr)) {
		fl6->flowi6_oif = READ_ONCE(np->mcast_oif);
		connected = false;
	} else if (!fl6->flowi6_oif) {
		fl6->flowi6_oif = READ_ONCE(np->ucast_oif);
	}

	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));

	/* 6.1 takes the socket's IPV6_TCLASS here */
	altudp_ipc6_tclass(&ipc6, np);
	fl6->flowlabel = ip6_make_flowinfo(ipc6.tclass, fl6->flowlabel);

	dst = altudp_ip6_sk_dst_lookup_flow(sk, fl6, final_p, connected);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		dst = NULL;
		goto out;
	}
	trace_altudp_route6(sk, fl6, dst);

	if (ipc6.hlimit < 0)
		ipc6.hlimit = ip6_sk_dst_hoplimit(np, fl6, dst);

	if (msg->msg_flags & MSG_CONFIRM)
		goto do_confirm;
back_from_confirm:

	/* Lockless fast path for the non-corking case */
	if (!corkreq) {
		struct sk_buff *skb;

		skb = altudp_ip6_make_skb(sk, getfrag, msg, ulen,
					  sizeof(struct udphdr), &ipc6,
					  dst_rt6_info(dst),
					  msg->msg_flags, &cork);
		err = PTR_ERR(skb);
		if (!IS_ERR_OR_NULL(skb))
			err = altudp_udp_v6_send_skb(skb, fl6, &cork.base);
		/* altudp_ip6_make_skb steals dst reference */
		goto out_no_dst;
	}

	lock_sock(sk);
	if (unlikely(up->pending)) {
		/* The socket is already corked while preparing it. */
		/* ... which is an evident application bug. --ANK */
		release_sock(sk);

		net_dbg_ratelimited("udp cork app bug 2\n");
		err = -EINVAL;
		goto out;
	}

	WRITE_ONCE(up->pending, AF_INET6);

do_append_data:
	ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CORKEDSENDS);
	/* 6.1 takes the socket's IPV6_DONTFRAG here */
	altudp_ipc6_dontfrag(&ipc6, sk);
	up->len += ulen;
	err = altudp_ip6_append_data(sk, getfrag, msg, ulen,
				     sizeof(struct udphdr), &ipc6, fl6,
				     dst_rt6_info(dst),
				     corkreq ? msg->msg_flags | MSG_MORE :
					       msg->msg_flags);
	if (err)
		altudp_udp_v6_flush_pending_frames(sk);
	else if (!corkreq)
		err = altudp_udp_v6_push_pending_frames(sk);
	else if (unlikely(skb_queue_empty(&sk->sk_write_queue)))
		WRITE_ONCE(up->pending, 0);

	if (err > 0)
		err = altudp_inet6_recverr(sk) ? net_xmit_errno(err) : 0;
	release_sock(sk);

out:
	dst_release(dst);
out_no_dst:
	fl6_sock_release(flowlabel);
	txopt_put(opt_to_free);
	if (!err)
		return len;
	/*
	 * ENOBUFS = no kernel mem, SOCK_NOSPACE = no sndbuf space.  Reporting
	 * ENOBUFS might not be good (it's not tunable per se), but otherwise
	 * we don't have a good statistic (IpOutDiscards but it can be too many
	 * things).  We could add another new stat but at least for now that
	 * seems like overkill.
	 */
	if (err == -ENOBUFS || test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		altudp_udp6_inc_stats(sock_net(sk), UDP_MIB_SNDBUFERRORS);
out_stat:
	altudp_count_error(sock_net(sk), err);
	return err;

do_confirm:
	if (msg->msg_flags & MSG_PROBE)
		dst_confirm_neigh(dst, &fl6->daddr);
	if (!(msg->msg_flags & MSG_PROBE) || len)
		goto back_from_confirm;
	err = 0;
	goto out;
}
