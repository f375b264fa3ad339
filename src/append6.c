// SPDX-License-Identifier: GPL-2.0
/*
 * Cork, append, build for IPv6: ip6_setup_cork(), __ip6_append_data(),
 * ip6_append_data(), ip6_make_skb() and __ip6_make_skb() of
 * net/ipv6/ip6_output.c, re-walked, with the static helpers they use.
 *
 * ip6_append_data() is exported, the others are not; the module uses
 * none of them.  As for IPv4 (append.c), the loop builds a queue of
 * sk_buffs, one per future fragment, and __altudp_ip6_make_skb() makes
 * it one datagram whose frag_list ip6_fragment() can cut.
 */

#include <linux/indirect_call_wrapper.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/seg6.h>
#include <net/seg6_hmac.h>
#include <net/sock.h>
#include <net/xfrm.h>

#include "altudp.h"
#include "trace.h"

static inline struct ipv6_opt_hdr *altudp_ip6_opt_dup(struct ipv6_opt_hdr *src,
						      gfp_t gfp)
{
	return src ? kmemdup(src, (src->hdrlen + 1) * 8, gfp) : NULL;
}

static inline struct ipv6_rt_hdr *altudp_ip6_rthdr_dup(struct ipv6_rt_hdr *src,
						       gfp_t gfp)
{
	return src ? kmemdup(src, (src->hdrlen + 1) * 8, gfp) : NULL;
}

/* ip6_append_data_mtu() */
static void altudp_ip6_append_data_mtu(unsigned int *mtu, int *maxfraglen,
				       unsigned int fragheaderlen,
				       struct sk_buff *skb,
				       struct rt6_info *rt,
				       unsigned int orig_mtu)
{
	if (!(rt->dst.flags & DST_XFRM_TUNNEL)) {
		if (!skb) {
			/* first fragment, reserve header_len */
			*mtu = orig_mtu - rt->dst.header_len;

		} else {
			/*
			 * this fragment is not first, the headers
			 * space is regarded as data space.
			 */
			*mtu = orig_mtu;
		}
		*maxfraglen = ((*mtu - fragheaderlen) & ~7)
			      + fragheaderlen - sizeof(struct frag_hdr);
	}
}

/* ip6_setup_cork() */
static int altudp_ip6_setup_cork(struct sock *sk, struct inet_cork_full *cork,
				 struct inet6_cork *v6_cork,
				 struct ipcm6_cookie *ipc6, struct rt6_info *rt)
{
	struct ipv6_pinfo *np = altudp_inet6_sk(sk);
	unsigned int mtu, frag_size;
	struct ipv6_txoptions *nopt, *opt = ipc6->opt;

	/* callers pass dst together with a reference, set it first so
	 * altudp_ip6_cork_release() can put it down even in case of an error.
	 */
	cork->base.dst = &rt->dst;

	/*
	 * setup for corking
	 */
	if (unlikely(opt)) {
		if (WARN_ON(v6_cork->opt))
			return -EINVAL;

		nopt = kzalloc_obj(*opt, sk->sk_allocation);
		v6_cork->opt = nopt;
		if (unlikely(!nopt))
			return -ENOBUFS;

		nopt->tot_len = sizeof(*opt);
		nopt->opt_flen = opt->opt_flen;
		nopt->opt_nflen = opt->opt_nflen;

		nopt->dst0opt = altudp_ip6_opt_dup(opt->dst0opt, sk->sk_allocation);
		if (opt->dst0opt && !nopt->dst0opt)
			return -ENOBUFS;

		nopt->dst1opt = altudp_ip6_opt_dup(opt->dst1opt, sk->sk_allocation);
		if (opt->dst1opt && !nopt->dst1opt)
			return -ENOBUFS;

		nopt->hopopt = altudp_ip6_opt_dup(opt->hopopt, sk->sk_allocation);
		if (opt->hopopt && !nopt->hopopt)
			return -ENOBUFS;

		nopt->srcrt = altudp_ip6_rthdr_dup(opt->srcrt, sk->sk_allocation);
		if (opt->srcrt && !nopt->srcrt)
			return -ENOBUFS;

		/* need source address above miyazawa*/
	}
	v6_cork->hop_limit = ipc6->hlimit;
	v6_cork->tclass = ipc6->tclass;
	altudp_v6_cork_set_dontfrag(v6_cork, ipc6);
	if (rt->dst.flags & DST_XFRM_TUNNEL)
		mtu = altudp_np_pmtudisc(np) >= IPV6_PMTUDISC_PROBE ?
		      READ_ONCE(rt->dst.dev->mtu) : dst6_mtu(&rt->dst);
	else
		mtu = altudp_np_pmtudisc(np) >= IPV6_PMTUDISC_PROBE ?
			READ_ONCE(rt->dst.dev->mtu) : dst6_mtu(xfrm_dst_path(&rt->dst));

	frag_size = altudp_np_frag_size(np);
	if (frag_size && frag_size < mtu)
		mtu = frag_size;

	if (ALTUDP_CORK6_CAPS_FRAGSIZE)
		mtu = min(mtu, IP6_MAX_MTU);
	cork->base.fragsize = mtu;
	cork->base.gso_size = ipc6->gso_size;
	cork->base.tx_flags = 0;
	cork->base.mark = ipc6->sockc.mark;
	altudp_cork6_set_priority(&cork->base, ipc6);
	altudp_cork_tx_timestamp(sk, &cork->base, &ipc6->sockc);
	/* 6.1: an allfrag route fragments every datagram */
	if (altudp_dst_allfrag(xfrm_dst_path(&rt->dst)))
		cork->base.flags |= ALTUDP_IPCORK_ALLFRAG;

	cork->base.length = 0;
	cork->base.transmit_time = ipc6->sockc.transmit_time;

	trace_altudp_setup_cork(sk, &cork->base);
	return 0;
}

/*
 * ipv6_local_rxpmtu(), not exported: IPV6_RECVPATHMTU's notification.  Out
 * of line as the kernel's: inlined, it made __altudp_ip6_append_data() set
 * up a frame pointer on every call.
 */
static noinline void altudp_ipv6_local_rxpmtu(struct sock *sk,
					      struct flowi6 *fl6, u32 mtu)
{
	struct ipv6_pinfo *np = altudp_inet6_sk(sk);
	struct ipv6hdr *iph;
	struct sk_buff *skb;
	struct ip6_mtuinfo *mtu_info;

	if (!np->rxopt.bits.rxpmtu)
		return;

	skb = alloc_skb(sizeof(struct ipv6hdr), GFP_ATOMIC);
	if (!skb)
		return;

	skb_put(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	iph = ipv6_hdr(skb);
	iph->daddr = fl6->daddr;

	mtu_info = IP6CBMTU(skb);

	mtu_info->ip6m_mtu = mtu;
	mtu_info->ip6m_addr.sin6_family = AF_INET6;
	mtu_info->ip6m_addr.sin6_port = 0;
	mtu_info->ip6m_addr.sin6_flowinfo = 0;
	mtu_info->ip6m_addr.sin6_scope_id = fl6->flowi6_oif;
	mtu_info->ip6m_addr.sin6_addr = ipv6_hdr(skb)->daddr;

	__skb_pull(skb, skb_tail_pointer(skb) - skb->data);
	skb_reset_transport_header(skb);

	skb = xchg(&np->rxpmtu, skb);
	kfree_skb(skb);
}

/* __ip6_append_data(); ipc6 is 6.1's, which reads its dontfrag here. */
static int __altudp_ip6_append_data(struct sock *sk,
				    struct sk_buff_head *queue,
				    struct inet_cork_full *cork_full,
				    struct inet6_cork *v6_cork,
				    struct page_frag *pfrag,
				    altudp_getfrag_t getfrag,
				    void *from, size_t length, int transhdrlen,
				    unsigned int flags,
				    const struct ipcm6_cookie *ipc6)
{
	struct sk_buff *skb, *skb_prev = NULL;
	struct inet_cork *cork = &cork_full->base;
	struct flowi6 *fl6 = &cork_full->fl.u.ip6;
	unsigned int maxfraglen, fragheaderlen, mtu, orig_mtu, pmtu;
	struct ubuf_info *uarg = NULL;
	int exthdrlen = 0;
	int dst_exthdrlen = 0;
	int hh_len;
	int copy;
	int err;
	int offset = 0;
	bool zc = false;
	u32 tskey = 0;
	struct rt6_info *rt = dst_rt6_info(cork->dst);
	bool paged, hold_tskey = false, extra_uref = false;
	struct ipv6_txoptions *opt = v6_cork->opt;
	int csummode = CHECKSUM_NONE;
	unsigned int maxnonfragsize, headersize;
	unsigned int wmem_alloc_delta = 0;

	/* 6.1 has no MSG_SPLICE_PAGES in this loop: its UDP copies. */
	flags &= ~MSG_SPLICE_PAGES | ALTUDP_SPLICE_PAGES;

	skb = skb_peek_tail(queue);
	if (!skb) {
		exthdrlen = opt ? opt->opt_flen : 0;
		dst_exthdrlen = rt->dst.header_len - rt->rt6i_nfheader_len;
	}

	paged = !!cork->gso_size;
	mtu = cork->gso_size ? IP6_MAX_MTU : cork->fragsize;
	orig_mtu = mtu;

	hh_len = LL_RESERVED_SPACE(rt->dst.dev);

	fragheaderlen = sizeof(struct ipv6hdr) + rt->rt6i_nfheader_len +
			(opt ? opt->opt_nflen : 0);

	headersize = sizeof(struct ipv6hdr) +
		     (opt ? opt->opt_flen + opt->opt_nflen : 0) +
		     (altudp_dst_allfrag(&rt->dst) ?
		      sizeof(struct frag_hdr) : 0) +
		     rt->rt6i_nfheader_len;

	if (mtu <= fragheaderlen ||
	    ((mtu - fragheaderlen) & ~7) + fragheaderlen <= sizeof(struct frag_hdr))
		goto emsgsize;

	maxfraglen = ((mtu - fragheaderlen) & ~7) + fragheaderlen -
		     sizeof(struct frag_hdr);

	/* as per RFC 7112 section 5, the entire IPv6 Header Chain must fit
	 * the first fragment
	 */
	if (headersize + transhdrlen > mtu)
		goto emsgsize;

	if (cork->length + length > mtu - headersize &&
	    altudp_v6_cork_dontfrag(v6_cork, ipc6)) {
		/* the kernel's test of sk_protocol: always UDP here */
		altudp_ipv6_local_rxpmtu(sk, fl6, mtu - headersize +
					 sizeof(struct ipv6hdr));
		goto emsgsize;
	}

	if (ip6_sk_ignore_df(sk))
		maxnonfragsize = sizeof(struct ipv6hdr) + IPV6_MAXPLEN;
	else
		maxnonfragsize = mtu;

	if (cork->length + length > maxnonfragsize - headersize) {
emsgsize:
		pmtu = max_t(int, mtu - headersize + sizeof(struct ipv6hdr), 0);
		altudp_ipv6_local_error(sk, EMSGSIZE, fl6, pmtu);
		return -EMSGSIZE;
	}

	/* CHECKSUM_PARTIAL only with no extension headers and when
	 * we are not going to fragment
	 */
	if (transhdrlen && headersize == sizeof(struct ipv6hdr) &&
	    length <= mtu - headersize &&
	    (!(flags & MSG_MORE) || cork->gso_size) &&
	    rt->dst.dev->features & (NETIF_F_IPV6_CSUM | NETIF_F_HW_CSUM))
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
			/* Not the kernel's !skb_zcopy(skb): see append.c */
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
		/* No IP_HDRINCL check: a UDP socket never has it. */
		if (rt->dst.dev->features & NETIF_F_SG &&
		    getfrag == ip_generic_getfrag)
			/* We need an empty buffer to attach stuff to */
			paged = true;
		else
			flags &= ~MSG_SPLICE_PAGES;
	}
	if (zc)
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_ZEROCOPYSENDS);

	if (cork->tx_flags & SKBTX_ANY_TSTAMP &&
	    READ_ONCE(sk->sk_tsflags) & SOF_TIMESTAMPING_OPT_ID) {
		/* 7.2: SCM_TS_OPT_ID's key, when given, not sk_tskey */
		if (!altudp_cork_ts_opt_id(cork, &tskey)) {
			tskey = atomic_inc_return(&sk->sk_tskey) - 1;
			hold_tskey = true;
		}
	}

	/*
	 * Let's try using as much space as possible.
	 * Use MTU if total length of the message fits into the MTU.
	 * Otherwise, we need to reserve fragment header and
	 * fragment alignment (= 8-15 octects, in total).
	 *
	 * Note that we may need to "move" the data from the tail
	 * of the buffer to the new fragment when we split
	 * the message.
	 */

	cork->length += length;
	if (!skb)
		goto alloc_new_skb;

	while (length > 0) {
		/* Check if the remaining data fits into current packet. */
		copy = (cork->length <= mtu &&
			!(cork->flags & ALTUDP_IPCORK_ALLFRAG) ?
			mtu : maxfraglen) - skb->len;
		if (copy < length)
			copy = maxfraglen - skb->len;

		if (copy <= 0) {
			char *data;
			unsigned int datalen;
			unsigned int fraglen;
			unsigned int fraggap;
			unsigned int alloclen, alloc_extra;
			unsigned int pagedlen;
alloc_new_skb:
			/* There's no room in the current skb */
			if (skb)
				fraggap = skb->len - maxfraglen;
			else
				fraggap = 0;
			/* update mtu and maxfraglen if necessary */
			if (!skb || !skb_prev)
				altudp_ip6_append_data_mtu(&mtu, &maxfraglen,
							   fragheaderlen, skb,
							   rt, orig_mtu);

			skb_prev = skb;

			/*
			 * If remaining data exceeds the mtu,
			 * we know we need more fragment(s).
			 */
			datalen = length + fraggap;

			if (datalen > (cork->length <= mtu &&
				       !(cork->flags & ALTUDP_IPCORK_ALLFRAG) ?
				       mtu : maxfraglen) - fragheaderlen)
				datalen = maxfraglen - fragheaderlen -
					  rt->dst.trailer_len;
			fraglen = datalen + fragheaderlen;
			pagedlen = 0;

			alloc_extra = hh_len;
			alloc_extra += dst_exthdrlen;
			alloc_extra += rt->dst.trailer_len;

			/* We just reserve space for fragment header.
			 * Note: this may be overallocation if the message
			 * (without MSG_MORE) fits into the MTU.
			 */
			alloc_extra += sizeof(struct frag_hdr);

			if ((flags & MSG_MORE) &&
			    !(rt->dst.dev->features & NETIF_F_SG)) {
				alloclen = mtu;
			} else if (!paged &&
				   (fraglen + alloc_extra < SKB_MAX_ALLOC ||
				    !(rt->dst.dev->features & NETIF_F_SG))) {
				alloclen = fraglen;
			} else {
				alloclen = fragheaderlen + transhdrlen + fraggap;
				pagedlen = datalen - transhdrlen - fraggap;
			}
			alloclen += alloc_extra;

			if (datalen != length + fraggap) {
				/*
				 * this is not the last fragment, the trailer
				 * space is regarded as data space.
				 */
				datalen += rt->dst.trailer_len;
			}

			fraglen = datalen + fragheaderlen;

			copy = datalen - transhdrlen - fraggap - pagedlen;
			/* [CVE-2017-9242] checked before anything is written */
			if (copy < 0) {
				err = -EINVAL;
				goto error;
			}
			/* before the allocation, as in append.c */
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
			/*
			 *	Fill in the control structures
			 */
			skb->protocol = htons(ETH_P_IPV6);
			skb->ip_summed = csummode;
			skb->csum = 0;
			/* reserve for fragmentation and ipsec header */
			skb_reserve(skb, hh_len + sizeof(struct frag_hdr) +
				    dst_exthdrlen);

			/*
			 *	Find where to start putting bytes
			 */
			data = skb_put(skb, fraglen - pagedlen);
			skb_set_network_header(skb, exthdrlen);
			data += fragheaderlen;
			skb->transport_header = (skb->network_header +
						 fragheaderlen);
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
			dst_exthdrlen = 0;

			/* Only the initial fragment is time stamped */
			skb_shinfo(skb)->tx_flags = cork->tx_flags;
			cork->tx_flags = 0;
			skb_shinfo(skb)->tskey = tskey;
			tskey = 0;
			skb_zcopy_set(skb, uarg, &extra_uref);

			if ((flags & MSG_CONFIRM) && !skb_prev)
				skb_set_dst_pending_confirm(skb, 1);

			/*
			 * Put the packet on the pending queue
			 */
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
			skb->len += copy;
			skb->data_len += copy;
			skb->truesize += copy;
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

	/* A new uarg that no new skb took: see append.c. */
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
	IP6_INC_STATS(sock_net(sk), rt->rt6i_idev, IPSTATS_MIB_OUTDISCARDS);
	refcount_add(wmem_alloc_delta, &sk->sk_wmem_alloc);
	if (hold_tskey)
		atomic_dec(&sk->sk_tskey);
	return err;
}

/*
 * ip6_append_data(): append to the socket's pending queue, setting up
 * the cork (its flow included) on the first call.
 */
int altudp_ip6_append_data(struct sock *sk, altudp_getfrag_t getfrag,
			   void *from, size_t length, int transhdrlen,
			   struct ipcm6_cookie *ipc6, struct flowi6 *fl6,
			   struct rt6_info *rt, unsigned int flags)
{
	struct inet_sock *inet = inet_sk(sk);
	struct inet6_cork *v6_cork = altudp_sk_v6_cork(sk);
	int exthdrlen;
	int err;

	if (flags & MSG_PROBE)
		return 0;
	if (skb_queue_empty(&sk->sk_write_queue)) {
		/*
		 * setup for corking
		 */
		dst_hold(&rt->dst);
		err = altudp_ip6_setup_cork(sk, &inet->cork, v6_cork, ipc6, rt);
		if (err)
			return err;

		inet->cork.fl.u.ip6 = *fl6;
		exthdrlen = (ipc6->opt ? ipc6->opt->opt_flen : 0);
		length += exthdrlen;
		transhdrlen += exthdrlen;
	} else {
		transhdrlen = 0;
	}

	return __altudp_ip6_append_data(sk, &sk->sk_write_queue, &inet->cork,
					v6_cork, sk_page_frag(sk), getfrag,
					from, length, transhdrlen, flags, ipc6);
}

/* ip6_cork_steal_dst() */
static void altudp_ip6_cork_steal_dst(struct sk_buff *skb,
				      struct inet_cork_full *cork)
{
	struct dst_entry *dst = cork->base.dst;

	cork->base.dst = NULL;
	cork->base.flags &= ~ALTUDP_IPCORK_ALLFRAG;
	skb_dst_set(skb, dst);
}

/* ip6_cork_release() */
static void altudp_ip6_cork_release(struct inet_cork_full *cork,
				    struct inet6_cork *v6_cork)
{
	if (unlikely(v6_cork->opt)) {
		struct ipv6_txoptions *opt = v6_cork->opt;

		kfree(opt->dst0opt);
		kfree(opt->dst1opt);
		kfree(opt->hopopt);
		kfree(opt->srcrt);
		kfree(opt);
		v6_cork->opt = NULL;
	}

	if (cork->base.dst) {
		dst_release(cork->base.dst);
		cork->base.dst = NULL;
		cork->base.flags &= ~ALTUDP_IPCORK_ALLFRAG;
	}
}

/*
 * Not in the kernel's __ip6_make_skb(): as __altudp_make_skb() does for
 * IPv4 (see altudp_leaves_whole() there), the skbs of the frag_list of a
 * zerocopy datagram that leaves whole give up their references.  Such a
 * datagram was built for a smaller MTU than the one it leaves by, or is
 * GSO; a looped-back multicast copy or a TX timestamp of it would hold
 * the uarg, and the socket, from that socket's own queues.  IPv6 has no
 * broadcast, and loops multicast back after ip6_fragment(), one fragment
 * at a time: a datagram that will be fragmented keeps them.  The test is
 * __ip6_finish_output()'s.
 */
static bool altudp_ip6_leaves_whole(struct sk_buff *skb,
				    const struct inet_cork_full *cork)
{
	return cork->base.gso_size || skb->len <= ip6_skb_dst_mtu(skb);
}

/* ip6_autoflowlabel(), not exported */
static bool altudp_ip6_autoflowlabel(struct net *net, const struct sock *sk)
{
	if (!altudp_inet6_autoflowlabel_set(sk))
		return ip6_default_np_autolabel(net);
	return altudp_inet6_autoflowlabel(sk);
}

/*
 * ipv6_push_rthdr0(), ipv6_push_rthdr4(), ipv6_push_rthdr(),
 * ipv6_push_exthdr() and ipv6_push_nfrag_opts() of net/ipv6/exthdrs.c:
 * the routing and hop-by-hop headers in front of the datagram.  Not
 * exported.
 */
static u8 altudp_ipv6_push_rthdr0(struct sk_buff *skb, u8 proto,
				  struct ipv6_rt_hdr *opt,
				  struct in6_addr **addr_p,
				  struct in6_addr *saddr)
{
	struct rt0_hdr *phdr, *ihdr;
	int hops;

	ihdr = (struct rt0_hdr *)opt;

	phdr = skb_push(skb, (ihdr->rt_hdr.hdrlen + 1) << 3);
	memcpy(phdr, ihdr, sizeof(struct rt0_hdr));

	hops = ihdr->rt_hdr.hdrlen >> 1;

	if (hops > 1)
		memcpy(phdr->addr, ihdr->addr + 1,
		       (hops - 1) * sizeof(struct in6_addr));

	phdr->addr[hops - 1] = **addr_p;
	*addr_p = ihdr->addr;

	phdr->rt_hdr.nexthdr = proto;
	return NEXTHDR_ROUTING;
}

static u8 altudp_ipv6_push_rthdr4(struct sk_buff *skb, u8 proto,
				  struct ipv6_rt_hdr *opt,
				  struct in6_addr **addr_p,
				  struct in6_addr *saddr)
{
	struct ipv6_sr_hdr *sr_phdr, *sr_ihdr;
	int plen, hops;

	sr_ihdr = (struct ipv6_sr_hdr *)opt;
	plen = (sr_ihdr->hdrlen + 1) << 3;

	sr_phdr = skb_push(skb, plen);
	memcpy(sr_phdr, sr_ihdr, sizeof(struct ipv6_sr_hdr));

	hops = sr_ihdr->first_segment + 1;
	memcpy(sr_phdr->segments + 1, sr_ihdr->segments + 1,
	       (hops - 1) * sizeof(struct in6_addr));

	sr_phdr->segments[0] = **addr_p;
	*addr_p = &sr_ihdr->segments[sr_ihdr->segments_left];

	if (sr_ihdr->hdrlen > hops * 2) {
		int tlvs_offset, tlvs_length;

		tlvs_offset = (1 + hops * 2) << 3;
		tlvs_length = (sr_ihdr->hdrlen - hops * 2) << 3;
		memcpy((char *)sr_phdr + tlvs_offset,
		       (char *)sr_ihdr + tlvs_offset, tlvs_length);
	}

#ifdef CONFIG_IPV6_SEG6_HMAC
	if (sr_has_hmac(sr_phdr)) {
		struct net *net = NULL;

		if (skb->dev)
			net = dev_net(skb->dev);
		else if (skb->sk)
			net = sock_net(skb->sk);

		WARN_ON(!net);

		if (net)
			seg6_push_hmac(net, saddr, sr_phdr);
	}
#endif

	sr_phdr->nexthdr = proto;
	return NEXTHDR_ROUTING;
}

static u8 altudp_ipv6_push_rthdr(struct sk_buff *skb, u8 proto,
				 struct ipv6_rt_hdr *opt,
				 struct in6_addr **addr_p,
				 struct in6_addr *saddr)
{
	switch (opt->type) {
	case IPV6_SRCRT_TYPE_0:
	case IPV6_SRCRT_STRICT:
	case IPV6_SRCRT_TYPE_2:
		proto = altudp_ipv6_push_rthdr0(skb, proto, opt, addr_p, saddr);
		break;
	case IPV6_SRCRT_TYPE_4:
		proto = altudp_ipv6_push_rthdr4(skb, proto, opt, addr_p, saddr);
		break;
	default:
		break;
	}
	return proto;
}

static u8 altudp_ipv6_push_exthdr(struct sk_buff *skb, u8 proto, u8 type,
				  struct ipv6_opt_hdr *opt)
{
	struct ipv6_opt_hdr *h = skb_push(skb, ipv6_optlen(opt));

	memcpy(h, opt, ipv6_optlen(opt));
	h->nexthdr = proto;
	return type;
}

static u8 altudp_ipv6_push_nfrag_opts(struct sk_buff *skb,
				      struct ipv6_txoptions *opt, u8 proto,
				      struct in6_addr **daddr,
				      struct in6_addr *saddr)
{
	if (opt->srcrt) {
		proto = altudp_ipv6_push_rthdr(skb, proto, opt->srcrt, daddr,
					       saddr);
		/*
		 * IPV6_RTHDRDSTOPTS is ignored
		 * unless IPV6_RTHDR is set (RFC3542).
		 */
		if (opt->dst0opt)
			proto = altudp_ipv6_push_exthdr(skb, proto, NEXTHDR_DEST,
							opt->dst0opt);
	}
	if (opt->hopopt)
		proto = altudp_ipv6_push_exthdr(skb, proto, NEXTHDR_HOP,
						opt->hopopt);
	return proto;
}

/*
 * __ip6_make_skb(): combine the queued fragments into one datagram and
 * write the extension headers and the IPv6 header.
 */
struct sk_buff *__altudp_ip6_make_skb(struct sock *sk,
				      struct sk_buff_head *queue,
				      struct inet_cork_full *cork,
				      struct inet6_cork *v6_cork)
{
	struct sk_buff *skb, *tmp_skb;
	struct sk_buff **tail_skb;
	struct in6_addr *final_dst;
	struct net *net = sock_net(sk);
	struct ipv6hdr *hdr;
	struct ipv6_txoptions *opt = v6_cork->opt;
	struct rt6_info *rt = dst_rt6_info(cork->base.dst);
	struct flowi6 *fl6 = &cork->fl.u.ip6;
	unsigned char proto = fl6->flowi6_proto;
	bool zc_frags = false;

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

	/* Allow local fragmentation. */
	skb->ignore_df = ip6_sk_ignore_df(sk);
	__skb_pull(skb, skb_network_header_len(skb));

	final_dst = &fl6->daddr;
	if (unlikely(opt)) {
		if (opt->opt_flen)
			proto = altudp_ipv6_push_frag_opts(skb, opt, proto);
		if (opt->opt_nflen)
			proto = altudp_ipv6_push_nfrag_opts(skb, opt, proto,
							    &final_dst,
							    &fl6->saddr);
	}
	skb_push(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	hdr = ipv6_hdr(skb);

	ip6_flow_hdr(hdr, v6_cork->tclass,
		     ip6_make_flowlabel(net, skb, fl6->flowlabel,
					altudp_ip6_autoflowlabel(net, sk), fl6));
	hdr->hop_limit = v6_cork->hop_limit;
	hdr->nexthdr = proto;
	hdr->saddr = fl6->saddr;
	hdr->daddr = *final_dst;

	skb->priority = altudp_cork6_priority(sk, &cork->base);
	skb->mark = cork->base.mark;
	altudp_set_transmit_time(skb, sk, cork->base.transmit_time);

	altudp_ip6_cork_steal_dst(skb, cork);
	altudp_ip6_make_skb_count(net, rt->rt6i_idev, skb);
	/* The ICMPv6 accounting of __ip6_make_skb() is left out: never ICMP. */

	if (zc_frags && altudp_ip6_leaves_whole(skb, cork))
		altudp_orphan_frag_list(net, skb, sk->sk_allocation);

	trace_altudp_make_skb6(skb);
	altudp_ip6_cork_release(cork, v6_cork);
out:
	return skb;
}

/* __ip6_flush_pending_frames() */
void __altudp_ip6_flush_pending_frames(struct sock *sk,
				       struct sk_buff_head *queue,
				       struct inet_cork_full *cork,
				       struct inet6_cork *v6_cork)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue_tail(queue)) != NULL) {
		if (skb_dst(skb))
			IP6_INC_STATS(sock_net(sk), ip6_dst_idev(skb_dst(skb)),
				      IPSTATS_MIB_OUTDISCARDS);
		kfree_skb(skb);
	}

	altudp_ip6_cork_release(cork, v6_cork);
}

/* ip6_make_skb(): the lockless path, on a private queue and cork. */
struct sk_buff *altudp_ip6_make_skb(struct sock *sk, altudp_getfrag_t getfrag,
				    void *from, size_t length, int transhdrlen,
				    struct ipcm6_cookie *ipc6,
				    struct rt6_info *rt, unsigned int flags,
				    struct inet_cork_full *cork)
{
	struct inet6_cork v6_cork_stack;
	struct inet6_cork *v6_cork = altudp_stack_v6_cork(cork, &v6_cork_stack);
	struct sk_buff_head queue;
	int exthdrlen = (ipc6->opt ? ipc6->opt->opt_flen : 0);
	int err;

	if (flags & MSG_PROBE) {
		dst_release(&rt->dst);
		return NULL;
	}

	__skb_queue_head_init(&queue);

	cork->base.flags = 0;
	cork->base.addr = 0;
	cork->base.opt = NULL;
	v6_cork->opt = NULL;
	err = altudp_ip6_setup_cork(sk, cork, v6_cork, ipc6, rt);
	if (err) {
		altudp_ip6_cork_release(cork, v6_cork);
		return ERR_PTR(err);
	}
	/* 6.1 fills in the socket's IPV6_DONTFRAG here */
	altudp_ipc6_dontfrag(ipc6, sk);

	err = __altudp_ip6_append_data(sk, &queue, cork, v6_cork,
				       &current->task_frag, getfrag, from,
				       length + exthdrlen,
				       transhdrlen + exthdrlen, flags, ipc6);
	if (err) {
		__altudp_ip6_flush_pending_frames(sk, &queue, cork, v6_cork);
		return ERR_PTR(err);
	}

	return __altudp_ip6_make_skb(sk, &queue, cork, v6_cork);
}
