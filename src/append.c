// SPDX-License-Identifier: GPL-2.0
/*
 * Cork, append, build: ip_setup_cork(), __ip_append_data(), ip_append_data(),
 * ip_make_skb() and __ip_make_skb() of net/ipv4/ip_output.c, re-walked.
 *
 * None of them is exported.  The loop below builds a queue of sk_buffs,
 * one per future IP fragment, each payload but the last a multiple of 8
 * bytes; __altudp_make_skb() turns the queue into one datagram whose
 * frag_list ip_fragment() can cut without copying.
 */

#include <linux/indirect_call_wrapper.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/route.h>
#include <net/sock.h>

#include "altudp.h"
#include "trace.h"

/* ip_select_ttl(), static in ip_output.c */
static u8 altudp_select_ttl(const struct inet_sock *inet,
			    const struct dst_entry *dst)
{
	int ttl = READ_ONCE(inet->uc_ttl);

	if (ttl < 0)
		ttl = ip4_dst_hoplimit(dst);
	return ttl;
}

/* ip_copy_addrs(), static in ip_output.c */
static void altudp_copy_addrs(struct iphdr *iph, const struct flowi4 *fl4)
{
	iph->saddr = fl4->saddr;
	iph->daddr = fl4->daddr;
}

/* ip_cork_release() */
static void altudp_cork_release(struct inet_cork *cork)
{
	cork->flags &= ~IPCORK_OPT;
	kfree(cork->opt);
	cork->opt = NULL;
	dst_release(cork->dst);
	cork->dst = NULL;
}

/* __ip_flush_pending_frames(): throw away all pending data. */
void altudp_flush_queue(struct sock *sk, struct sk_buff_head *queue,
			struct inet_cork *cork)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue_tail(queue)) != NULL)
		kfree_skb(skb);

	altudp_cork_release(cork);
}

static int altudp_append_data(struct sock *sk, struct flowi4 *fl4,
			      struct sk_buff_head *queue,
			      struct inet_cork *cork,
			      struct page_frag *pfrag,
			      void *from, int length, int transhdrlen,
			      unsigned int flags)
{
	/* __ip_append_data()'s argument: UDP's, a constant (altudp.h) */
	const altudp_getfrag_t getfrag = ip_generic_getfrag;
	struct inet_sock *inet = inet_sk(sk);
	struct ubuf_info *uarg = NULL;
	struct sk_buff *skb;
	struct ip_options *opt = cork->opt;
	int hh_len;
	int exthdrlen;
	int mtu;
	int copy;
	int err;
	int offset = 0;
	bool zc = false;
	unsigned int maxfraglen, fragheaderlen, maxnonfragsize;
	int csummode = CHECKSUM_NONE;
	struct rtable *rt = dst_rtable(cork->dst);
	bool paged, hold_tskey = false, extra_uref = false;
	unsigned int wmem_alloc_delta = 0;
	u32 tskey = 0;

	/* 6.1 has no MSG_SPLICE_PAGES in this loop: its UDP copies. */
	flags &= ~MSG_SPLICE_PAGES | ALTUDP_SPLICE_PAGES;

	skb = skb_peek_tail(queue);

	exthdrlen = !skb ? rt->dst.header_len : 0;
	mtu = cork->gso_size ? IP_MAX_MTU : cork->fragsize;
	paged = !!cork->gso_size;

	hh_len = LL_RESERVED_SPACE(rt->dst.dev);

	fragheaderlen = sizeof(struct iphdr) + (opt ? opt->optlen : 0);
	maxfraglen = ((mtu - fragheaderlen) & ~7) + fragheaderlen;
	/* ip_sk_ignore_df(): its usual case, IP_PMTUDISC_WANT, tested first */
	maxnonfragsize = likely(READ_ONCE(inet->pmtudisc) < IP_PMTUDISC_DO) ||
			 ip_sk_ignore_df(sk) ? IP_MAX_MTU : mtu;

	if (cork->length + length > maxnonfragsize - fragheaderlen) {
		altudp_local_error(sk, EMSGSIZE, fl4->daddr, inet->inet_dport,
				   mtu - (opt ? opt->optlen : 0));
		return -EMSGSIZE;
	}

	/*
	 * transhdrlen > 0 means that this is the first fragment and we wish
	 * it won't be fragmented in the future.
	 */
	if (transhdrlen &&
	    length + fragheaderlen <= mtu &&
	    rt->dst.dev->features & (NETIF_F_HW_CSUM | NETIF_F_IP_CSUM) &&
	    (!(flags & MSG_MORE) || cork->gso_size) &&
	    (!exthdrlen || (rt->dst.dev->features & NETIF_F_HW_ESP_TX_CSUM)))
		csummode = CHECKSUM_PARTIAL;

	if ((flags & MSG_ZEROCOPY) && length) {
		struct msghdr *msg = from;

		if (getfrag == ip_generic_getfrag && msg->msg_ubuf) {
			if (skb_zcopy(skb) && msg->msg_ubuf != skb_zcopy(skb))
				return -EINVAL;

			/* Leave uarg NULL if can't zerocopy, callers should
			 * be able to handle it.
			 */
			if ((rt->dst.dev->features & NETIF_F_SG) &&
			    csummode == CHECKSUM_PARTIAL) {
				paged = true;
				zc = true;
				uarg = msg->msg_ubuf;
			}
		} else if (sock_flag(sk, SOCK_ZEROCOPY)) {
			uarg = altudp_msg_zerocopy_realloc(sk, length,
							   skb_zcopy(skb));
			if (!uarg)
				return -ENOBUFS;
			/* Differs from 6.1/6.12's __ip_append_data(), which
			 * takes !skb_zcopy(skb): when a lockless send moved
			 * sk_zckey since the corked datagram's last append,
			 * msg_zerocopy_realloc() returns a new uarg even
			 * though that datagram has one.  Its first reference
			 * is then ours: the kernel gives it to no skb (a new
			 * skb takes one more) and never drops it, leaking the
			 * uarg and the socket it holds.
			 */
			extra_uref = uarg != skb_zcopy(skb);
			if (rt->dst.dev->features & NETIF_F_SG &&
			    csummode == CHECKSUM_PARTIAL) {
				paged = true;
				zc = true;
			} else {
				uarg_to_msgzc(uarg)->zerocopy = 0;
				skb_zcopy_set(skb, uarg, &extra_uref);
				ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_ZEROCOPYCOPIED);
			}
		}
	} else if ((flags & MSG_SPLICE_PAGES) && length) {
		if (rt->dst.dev->features & NETIF_F_SG &&
		    getfrag == ip_generic_getfrag)
			/* We need an empty buffer to attach stuff to */
			paged = true;
		else
			flags &= ~MSG_SPLICE_PAGES;
	}
	if (zc)
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_ZEROCOPYSENDS);

	cork->length += length;

	if (cork->tx_flags & SKBTX_ANY_TSTAMP &&
	    READ_ONCE(sk->sk_tsflags) & SOF_TIMESTAMPING_OPT_ID) {
		/* 7.2: SCM_TS_OPT_ID's key, when given, not sk_tskey */
		if (!altudp_cork_ts_opt_id(cork, &tskey)) {
			tskey = atomic_inc_return(&sk->sk_tskey) - 1;
			hold_tskey = true;
		}
	}

	/* So, what's going on in the loop below?
	 *
	 * We use calculated fragment length to generate chained skb,
	 * each of segments is IP fragment ready for sending to network after
	 * adding appropriate IP header.
	 */

	if (!skb)
		goto alloc_new_skb;

	while (length > 0) {
		/* Check if the remaining data fits into current packet. */
		copy = mtu - skb->len;
		if (copy < length)
			copy = maxfraglen - skb->len;
		if (copy <= 0) {
			char *data;
			unsigned int datalen;
			unsigned int fraglen;
			unsigned int fraggap;
			unsigned int alloclen, alloc_extra;
			unsigned int pagedlen;
			struct sk_buff *skb_prev;
alloc_new_skb:
			skb_prev = skb;
			if (skb_prev)
				fraggap = skb_prev->len - maxfraglen;
			else
				fraggap = 0;

			/*
			 * If remaining data exceeds the mtu,
			 * we know we need more fragment(s).
			 */
			datalen = length + fraggap;
			if (datalen > mtu - fragheaderlen)
				datalen = maxfraglen - fragheaderlen;
			fraglen = datalen + fragheaderlen;
			pagedlen = 0;

			alloc_extra = hh_len + 15;
			alloc_extra += exthdrlen;

			/* The last fragment gets additional space at tail.
			 * Note, with MSG_MORE we overallocate on fragments,
			 * because we have no idea what fragment will be
			 * the last.
			 */
			if (datalen == length + fraggap)
				alloc_extra += rt->dst.trailer_len;

			if ((flags & MSG_MORE) &&
			    !(rt->dst.dev->features & NETIF_F_SG)) {
				alloclen = mtu;
			} else if (!paged &&
				 (fraglen + alloc_extra < SKB_MAX_ALLOC ||
				  !(rt->dst.dev->features & NETIF_F_SG))) {
				alloclen = fraglen;
			} else {
				/* "ipv4: account for fraggap on the paged
				 * allocation path": the gap stays linear.
				 */
				alloclen = fragheaderlen + transhdrlen + fraggap;
				pagedlen = datalen - transhdrlen - fraggap;
			}

			alloclen += alloc_extra;

			/* Traced before the allocation, where its fields are
			 * at hand: after it, they cost the loop spills.
			 */
			trace_altudp_append_alloc(sk, datalen, fraglen,
						  alloclen, pagedlen, fraggap,
						  transhdrlen, csummode, zc);
			if (transhdrlen) {
				skb = sock_alloc_send_skb(sk, alloclen,
							  (flags & MSG_DONTWAIT),
							  &err);
			} else {
				skb = NULL;
				if (refcount_read(&sk->sk_wmem_alloc) + wmem_alloc_delta <=
				    2 * sk->sk_sndbuf)
					skb = alloc_skb(alloclen,
							sk->sk_allocation);
				if (unlikely(!skb))
					err = -ENOBUFS;
			}
			if (!skb)
				goto error;

			/* Fill in the control structures */
			skb->ip_summed = csummode;
			skb->csum = 0;
			skb_reserve(skb, hh_len);

			/* Find where to start putting bytes. */
			data = skb_put(skb, fraglen + exthdrlen - pagedlen);
			skb_set_network_header(skb, exthdrlen);
			skb->transport_header = (skb->network_header +
						 fragheaderlen);
			data += fragheaderlen + exthdrlen;

			if (fraggap) {
				skb->csum = skb_copy_and_csum_bits(skb_prev,
								   maxfraglen,
								   data + transhdrlen,
								   fraggap);
				skb_prev->csum = csum_sub(skb_prev->csum,
							  skb->csum);
				data += fraggap;
				pskb_trim_unique(skb_prev, maxfraglen);
				ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_FRAGGAPS);
			}

			copy = datalen - transhdrlen - fraggap - pagedlen;
			ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_FRAGMENTS);
			if (copy > 0 &&
			    INDIRECT_CALL_1(getfrag, ip_generic_getfrag,
					    from, data + transhdrlen, offset,
					    copy, fraggap, skb) < 0) {
				err = -EFAULT;
				kfree_skb(skb);
				goto error;
			} else if (flags & MSG_SPLICE_PAGES) {
				copy = 0;
			}

			offset += copy;
			length -= copy + transhdrlen;
			transhdrlen = 0;
			exthdrlen = 0;
			csummode = CHECKSUM_NONE;

			/* only the initial fragment is time stamped */
			skb_shinfo(skb)->tx_flags = cork->tx_flags;
			cork->tx_flags = 0;
			skb_shinfo(skb)->tskey = tskey;
			tskey = 0;
			skb_zcopy_set(skb, uarg, &extra_uref);

			if ((flags & MSG_CONFIRM) && !skb_prev)
				skb_set_dst_pending_confirm(skb, 1);

			/* Put the packet on the pending queue. */
			if (!skb->destructor) {
				skb->destructor = sock_wfree;
				skb->sk = sk;
				wmem_alloc_delta += skb->truesize;
			}
			__skb_queue_tail(queue, skb);
			continue;
		}

		if (copy > length)
			copy = length;

		if (!(rt->dst.dev->features & NETIF_F_SG) &&
		    skb_tailroom(skb) >= copy) {
			unsigned int off;

			off = skb->len;
			if (INDIRECT_CALL_1(getfrag, ip_generic_getfrag,
					    from, skb_put(skb, copy),
					    offset, copy, off, skb) < 0) {
				__skb_trim(skb, off);
				err = -EFAULT;
				goto error;
			}
			ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_LINEARCOPIES);
			trace_altudp_append_copy(skb, ALTUDP_COPY_LINEAR, copy);
		} else if (flags & MSG_SPLICE_PAGES) {
			struct msghdr *msg = from;

			err = -EIO;
			if (WARN_ON_ONCE(copy > msg->msg_iter.count))
				goto error;

			err = altudp_splice_from_iter(skb, &msg->msg_iter, copy,
						      sk->sk_allocation);
			if (err < 0)
				goto error;
			copy = err;
			if (!(flags & MSG_NO_SHARED_FRAGS))
				skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
			wmem_alloc_delta += copy;
			trace_altudp_append_copy(skb, ALTUDP_COPY_SPLICE, copy);
		} else if (!zc) {
			int i = skb_shinfo(skb)->nr_frags;

			err = -ENOMEM;
			if (!sk_page_frag_refill(sk, pfrag))
				goto error;

			skb_zcopy_downgrade_managed(skb);
			if (!skb_can_coalesce(skb, i, pfrag->page,
					      pfrag->offset)) {
				err = -EMSGSIZE;
				if (i == MAX_SKB_FRAGS)
					goto error;

				__skb_fill_page_desc(skb, i, pfrag->page,
						     pfrag->offset, 0);
				skb_shinfo(skb)->nr_frags = ++i;
				get_page(pfrag->page);
				ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_SGFRAGS);
			}
			copy = min_t(int, copy, pfrag->size - pfrag->offset);
			if (INDIRECT_CALL_1(getfrag, ip_generic_getfrag,
					    from,
					    page_address(pfrag->page) + pfrag->offset,
					    offset, copy, skb->len, skb) < 0)
				goto error_efault;

			pfrag->offset += copy;
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
			skb_len_add(skb, copy);
			wmem_alloc_delta += copy;
			trace_altudp_append_copy(skb, ALTUDP_COPY_PAGEFRAG, copy);
		} else {
			err = skb_zerocopy_iter_dgram(skb, from, copy);
			if (err < 0)
				goto error;
			trace_altudp_append_copy(skb, ALTUDP_COPY_ZEROCOPY, copy);
		}
		offset += copy;
		length -= copy;
	}

	/* A new uarg that no new skb took (see extra_uref above): drop
	 * our reference, which completes its id as copied.
	 */
	if (extra_uref)
		net_zcopy_put(uarg);
	if (wmem_alloc_delta)
		refcount_add(wmem_alloc_delta, &sk->sk_wmem_alloc);
	return 0;

error_efault:
	err = -EFAULT;
error:
	net_zcopy_put_abort(uarg, extra_uref);
	cork->length -= length;
	IP_INC_STATS(sock_net(sk), IPSTATS_MIB_OUTDISCARDS);
	refcount_add(wmem_alloc_delta, &sk->sk_wmem_alloc);
	if (hold_tskey)
		atomic_dec(&sk->sk_tskey);
	return err;
}

/* ip_setup_cork(): the route, the options and the per-datagram settings. */
static int altudp_setup_cork(struct sock *sk, struct inet_cork *cork,
			     struct ipcm_cookie *ipc, struct rtable **rtp)
{
	struct ip_options_rcu *opt;
	struct rtable *rt;

	rt = *rtp;
	if (unlikely(!rt))
		return -EFAULT;

	cork->fragsize = ip_sk_use_pmtu(sk) ?
			 dst4_mtu(&rt->dst) : READ_ONCE(rt->dst.dev->mtu);
	if (ALTUDP_CORK_CAPS_FRAGSIZE)
		cork->fragsize = min(cork->fragsize, IP_MAX_MTU);

	if (!inetdev_valid_mtu(cork->fragsize))
		return -ENETUNREACH;

	/* setup for corking. */
	opt = ipc->opt;
	if (opt) {
		if (!cork->opt) {
			cork->opt = kmalloc(sizeof(*cork->opt) + 40,
					    sk->sk_allocation);
			if (unlikely(!cork->opt))
				return -ENOBUFS;
		}
		memcpy(cork->opt, &opt->opt,
		       sizeof(struct ip_options) + opt->opt.optlen);
		cork->flags |= IPCORK_OPT;
		cork->addr = ipc->addr;
	}

	cork->gso_size = ipc->gso_size;

	cork->dst = &rt->dst;
	/* We stole this route, caller should not release it. */
	*rtp = NULL;

	cork->length = 0;
	cork->ttl = ipc->ttl;
	cork->tos = ipc->tos;
	cork->mark = ipc->sockc.mark;
	cork->priority = altudp_ipc_priority(ipc);
	cork->transmit_time = ipc->sockc.transmit_time;
	cork->tx_flags = 0;
	altudp_cork_tx_timestamp(sk, cork, &ipc->sockc);

	trace_altudp_setup_cork(sk, cork);
	return 0;
}

/*
 * ip_append_data(): append to the socket's pending queue, setting up the
 * cork on the first call.  Later calls of a corked datagram keep the cork
 * of the first: changing options in between has no effect on it
 * (the lesson of CVE-2017-1000112).
 */
int altudp_ip_append_data(struct sock *sk, struct flowi4 *fl4, void *from,
			  int length, int transhdrlen, struct ipcm_cookie *ipc,
			  struct rtable **rtp, unsigned int flags)
{
	struct inet_sock *inet = inet_sk(sk);
	int err;

	if (flags & MSG_PROBE)
		return 0;

	if (skb_queue_empty(&sk->sk_write_queue)) {
		err = altudp_setup_cork(sk, &inet->cork.base, ipc, rtp);
		if (err)
			return err;
	} else {
		transhdrlen = 0;
	}

	return altudp_append_data(sk, fl4, &sk->sk_write_queue,
				  &inet->cork.base, sk_page_frag(sk), from,
				  length, transhdrlen, flags);
}

/*
 * Not in 6.1's or 6.12's __ip_make_skb(): the skbs of the frag_list of
 * a datagram that leaves whole give up their zerocopy state here.  Each
 * would keep its own uarg reference there, but the copies made of the
 * datagram for a loopback receive or a TX timestamp
 * (skb_orphan_frags_rx()) release the first skb's only.  A broadcast or
 * multicast datagram that ip_mc_output() loops back to its sender, or
 * one time stamped on a device whose MTU grew under the cork, then holds
 * the uarg, and through it the socket, from that socket's own receive or
 * error queue, which is purged only when the socket is freed: closed
 * unread, the socket leaks, as it does with the kernel's UDP.
 * The data is a copy already (a datagram longer than the MTU it was
 * built for is not CHECKSUM_PARTIAL, so not zerocopy): this only drops
 * the references, unless page frags were appended, which are copied
 * again.  A datagram that ip_fragment() will cut keeps them, so that its
 * ids complete in the kernel's order: each fragment is copied on its own.
 * An MTU that grows between here and ip_finish_output() escapes this.
 */
static bool altudp_leaves_whole(struct sock *sk, struct sk_buff *skb,
				const struct rtable *rt,
				const struct inet_cork *cork)
{
	return rt->rt_flags & (RTCF_BROADCAST | RTCF_MULTICAST) ||
	       cork->gso_size || skb->len <= ip_skb_dst_mtu(sk, skb);
}

/*
 * Without memory for the copy, an skb keeps its references, as the
 * kernel's would: the datagram is sent all the same (it has taken its
 * IP id, zerocopy id and timestamp key already), at the cost of the leak
 * above for that one datagram.  skb_copy_ubufs() leaves an skb it could
 * not copy as it was; the skbs before it stay copied.  IPv6 too
 * (__altudp_ip6_make_skb()).
 */
void altudp_orphan_frag_list(struct net *net, struct sk_buff *skb, gfp_t gfp)
{
	struct sk_buff *frag;

	skb_walk_frags(skb, frag)
		if (skb_orphan_frags_rx(frag, gfp))
			ALTUDP_INC_STATS(net, ALTUDP_MIB_ZEROCOPYKEPT);
}

/*
 * __ip_make_skb(): combine the queued fragments into one datagram, the
 * first skb carrying the rest on its frag_list, and write the IP header.
 */
struct sk_buff *__altudp_make_skb(struct sock *sk, struct flowi4 *fl4,
				  struct sk_buff_head *queue,
				  struct inet_cork *cork)
{
	struct sk_buff *skb, *tmp_skb;
	struct sk_buff **tail_skb;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct ip_options *opt = NULL;
	struct rtable *rt = dst_rtable(cork->dst);
	struct iphdr *iph;
	bool zc_frags = false;
	u8 pmtudisc, ttl;
	__be16 df = 0;

	skb = __skb_dequeue(queue);
	if (!skb)
		goto out;
	tail_skb = &(skb_shinfo(skb)->frag_list);

	/* move skb->data to ip header from ext header */
	if (skb->data < skb_network_header(skb))
		__skb_pull(skb, skb_network_offset(skb));
	while ((tmp_skb = __skb_dequeue(queue)) != NULL) {
		__skb_pull(tmp_skb, skb_network_header_len(skb));
		*tail_skb = tmp_skb;
		tail_skb = &tmp_skb->next;
		skb->len += tmp_skb->len;
		skb->data_len += tmp_skb->len;
		skb->truesize += tmp_skb->truesize;
		tmp_skb->destructor = NULL;
		tmp_skb->sk = NULL;
		/* only zerocopy skbs hold references: see below */
		if (skb_zcopy(tmp_skb))
			zc_frags = true;
	}

	/* Unless user demanded real pmtu discovery (IP_PMTUDISC_DO), we allow
	 * to fragment the frame generated here. No matter, what transforms
	 * how transforms change size of the packet, it will come out.
	 */
	skb->ignore_df = ip_sk_ignore_df(sk);

	/* DF bit is set when we want to see DF on outgoing frames.
	 * If ignore_df is set too, we still allow to fragment this frame
	 * locally.
	 */
	pmtudisc = READ_ONCE(inet->pmtudisc);
	if (pmtudisc == IP_PMTUDISC_DO ||
	    pmtudisc == IP_PMTUDISC_PROBE ||
	    (skb->len <= dst4_mtu(&rt->dst) &&
	     ip_dont_fragment(sk, &rt->dst)))
		df = htons(IP_DF);

	if (cork->flags & IPCORK_OPT)
		opt = cork->opt;

	if (cork->ttl != 0)
		ttl = cork->ttl;
	else if (rt->rt_type == RTN_MULTICAST)
		ttl = READ_ONCE(inet->mc_ttl);
	else
		ttl = altudp_select_ttl(inet, &rt->dst);

	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = (cork->tos != -1) ? cork->tos : READ_ONCE(inet->tos);
	iph->frag_off = df;
	iph->ttl = ttl;
	iph->protocol = sk->sk_protocol;
	altudp_copy_addrs(iph, fl4);
	ip_select_ident(net, skb, sk);

	if (opt) {
		iph->ihl += opt->optlen >> 2;
		altudp_ip_options_build(skb, opt, cork->addr, rt);
	}

	skb->priority = altudp_cork_priority(sk, cork);
	skb->mark = cork->mark;
	altudp_set_transmit_time(skb, sk, cork->transmit_time);
	/*
	 * Steal rt from cork.dst to avoid a pair of atomic_inc/atomic_dec
	 * on dst refcount
	 */
	cork->dst = NULL;
	skb_dst_set(skb, &rt->dst);

	/* The ICMP accounting of __ip_make_skb() is left out: never ICMP. */

	if (zc_frags && altudp_leaves_whole(sk, skb, rt, cork))
		altudp_orphan_frag_list(net, skb, sk->sk_allocation);

	trace_altudp_make_skb(skb);
	altudp_cork_release(cork);
out:
	return skb;
}

/* ip_make_skb(): the lockless path, on a private queue and cork. */
struct sk_buff *altudp_make_skb(struct sock *sk, struct flowi4 *fl4,
				void *from, int length, int transhdrlen,
				struct ipcm_cookie *ipc, struct rtable **rtp,
				struct inet_cork *cork, unsigned int flags)
{
	struct sk_buff_head queue;
	int err;

	if (flags & MSG_PROBE)
		return NULL;

	__skb_queue_head_init(&queue);

	cork->flags = 0;
	cork->addr = 0;
	cork->opt = NULL;
	err = altudp_setup_cork(sk, cork, ipc, rtp);
	if (err)
		return ERR_PTR(err);

	err = altudp_append_data(sk, fl4, &queue, cork,
				 &current->task_frag, from, length,
				 transhdrlen, flags);
	if (err) {
		altudp_flush_queue(sk, &queue, cork);
		return ERR_PTR(err);
	}

	return __altudp_make_skb(sk, fl4, &queue, cork);
}
