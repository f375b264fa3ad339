static int __ip_append_data(struct sock * sk, struct flowi4 * fl4, struct sk_buff_head * queue, struct inet_cork * cork, struct page_frag * pfrag, int getfrag(void * from, char * to, int offset, int len, int odd, struct sk_buff * skb), void * from, int length, int transhdrlen, unsigned int flags) {
	struct inet_sock * inet = inet_sk(sk);
	struct ubuf_info * uarg = NULL;
	struct sk_buff * skb;
	struct ip_options * opt = cork->opt;
	int hh_len;
	int exthdrlen;
	int mtu;
	int copy;
	int err;
	int offset = 0;
	bool zc = false;
	unsigned int maxfraglen, fragheaderlen, maxnonfragsize;
	int csummode = CHECKSUM_NONE;
	struct rtable * rt = dst_rtable(cork->dst);
	bool paged, hold_tskey, extra_uref = false;
	unsigned int wmem_alloc_delta = 0;
	u32 tskey = 0;
	skb = skb_peek_tail(queue);
	exthdrlen = !skb ? rt->dst.header_len : 0;
	mtu = cork->gso_size ? IP_MAX_MTU : cork->fragsize;
	paged = !!cork->gso_size;
	hh_len = LL_RESERVED_SPACE(rt->dst.dev);
	fragheaderlen = sizeof(struct iphdr) + (opt ? opt->optlen : 0);
	maxfraglen = ((mtu - fragheaderlen) & ~7) + fragheaderlen;
	maxnonfragsize = ip_sk_ignore_df(sk) ? IP_MAX_MTU : mtu;
	if (cork->length + length > maxnonfragsize - fragheaderlen) {
		ip_local_error(sk, EMSGSIZE, fl4->daddr, inet->inet_dport, mtu - (opt ? opt->optlen : 0));
		return -EMSGSIZE;
	}
	if (transhdrlen && length + fragheaderlen <= mtu && rt->dst.dev->features & (NETIF_F_HW_CSUM | NETIF_F_IP_CSUM) && (!(flags & MSG_MORE) || cork->gso_size) && (!exthdrlen || (rt->dst.dev->features & NETIF_F_HW_ESP_TX_CSUM))) csummode = CHECKSUM_PARTIAL;
	if ((flags & MSG_ZEROCOPY) && length) {
		struct msghdr * msg = from;
		if (getfrag == ip_generic_getfrag && msg->msg_ubuf) {
			if (skb_zcopy(skb) && msg->msg_ubuf != skb_zcopy(skb)) return -EINVAL;
			if ((rt->dst.dev->features & NETIF_F_SG) && csummode == CHECKSUM_PARTIAL) {
				paged = true;
				zc = true;
				uarg = msg->msg_ubuf;
			}
		}
		else if (sock_flag(sk, SOCK_ZEROCOPY)) {
			uarg = msg_zerocopy_realloc(sk, length, skb_zcopy(skb));
			if (!uarg) return -ENOBUFS;
			extra_uref = !skb_zcopy(skb);
			if (rt->dst.dev->features & NETIF_F_SG && csummode == CHECKSUM_PARTIAL) {
				paged = true;
				zc = true;
			}
			else {
				uarg_to_msgzc(uarg)->zerocopy = 0;
				skb_zcopy_set(skb, uarg, &extra_uref);
			}
		}
	}
	else if ((flags & MSG_SPLICE_PAGES) && length) {
		if (inet_test_bit(HDRINCL, sk)) return -EPERM;
		if (rt->dst.dev->features & NETIF_F_SG && getfrag == ip_generic_getfrag) paged = true;
		else flags &= ~MSG_SPLICE_PAGES;
	}
	cork->length += length;
	hold_tskey = cork->tx_flags & SKBTX_ANY_TSTAMP && READ_ONCE(sk->sk_tsflags) & SOF_TIMESTAMPING_OPT_ID;
	if (hold_tskey) tskey = atomic_inc_return(&sk->sk_tskey) - 1;
	if (!skb) goto alloc_new_skb;
	while (length > 0) {
		copy = mtu - skb->len;
		if (copy < length) copy = maxfraglen - skb->len;
		if (copy <= 0) {
			char * data;
			unsigned int datalen;
			unsigned int fraglen;
			unsigned int fraggap;
			unsigned int alloclen, alloc_extra;
			unsigned int pagedlen;
			struct sk_buff * skb_prev;
			alloc_new_skb :
			skb_prev = skb;
			if (skb_prev) fraggap = skb_prev->len - maxfraglen;
			else fraggap = 0;
			datalen = length + fraggap;
			if (datalen > mtu - fragheaderlen) datalen = maxfraglen - fragheaderlen;
			fraglen = datalen + fragheaderlen;
			pagedlen = 0;
			alloc_extra = hh_len + 15;
			alloc_extra += exthdrlen;
			if (datalen == length + fraggap) alloc_extra += rt->dst.trailer_len;
			if ((flags & MSG_MORE) && !(rt->dst.dev->features & NETIF_F_SG)) alloclen = mtu;
			else if (!paged && (fraglen + alloc_extra < SKB_MAX_ALLOC || !(rt->dst.dev->features & NETIF_F_SG))) alloclen = fraglen;
			else {
				alloclen = fragheaderlen + transhdrlen + fraggap;
				pagedlen = datalen - transhdrlen - fraggap;
			}
			alloclen += alloc_extra;
			if (transhdrlen) {
				skb = sock_alloc_send_skb(sk, alloclen, (flags & MSG_DONTWAIT), &err);
			}
			else {
				skb = NULL;
				if (refcount_read(&sk->sk_wmem_alloc) + wmem_alloc_delta <= 2 * sk->sk_sndbuf) skb = alloc_skb(alloclen, sk->sk_allocation);
				if (unlikely(!skb)) err = -ENOBUFS;
			}
			if (!skb) goto error;
			skb->ip_summed = csummode;
			skb->csum = 0;
			skb_reserve(skb, hh_len);
			data = skb_put(skb, fraglen + exthdrlen - pagedlen);
			skb_set_network_header(skb, exthdrlen);
			skb->transport_header = (skb->network_header + fragheaderlen);
			data += fragheaderlen + exthdrlen;
			if (fraggap) {
				skb->csum = skb_copy_and_csum_bits(skb_prev, maxfraglen, data + transhdrlen, fraggap);
				skb_prev->csum = csum_sub(skb_prev->csum, skb->csum);
				data += fraggap;
				pskb_trim_unique(skb_prev, maxfraglen);
			}
			copy = datalen - transhdrlen - fraggap - pagedlen;
			if (copy > 0 && INDIRECT_CALL_1(getfrag, ip_generic_getfrag, from, data + transhdrlen, offset, copy, fraggap, skb) < 0) {
				err = -EFAULT;
				kfree_skb(skb);
				goto error;
			}
			else if (flags & MSG_SPLICE_PAGES) {
				copy = 0;
			}
			offset += copy;
			length -= copy + transhdrlen;
			transhdrlen = 0;
			exthdrlen = 0;
			csummode = CHECKSUM_NONE;
			skb_shinfo(skb)->tx_flags = cork->tx_flags;
			cork->tx_flags = 0;
			skb_shinfo(skb)->tskey = tskey;
			tskey = 0;
			skb_zcopy_set(skb, uarg, &extra_uref);
			if ((flags & MSG_CONFIRM) && !skb_prev) skb_set_dst_pending_confirm(skb, 1);
			if (!skb->destructor) {
				skb->destructor = sock_wfree;
				skb->sk = sk;
				wmem_alloc_delta += skb->truesize;
			}
			__skb_queue_tail(queue, skb);
			continue;
		}
		if (copy > length) copy = length;
		if (!(rt->dst.dev->features & NETIF_F_SG) && skb_tailroom(skb) >= copy) {
			unsigned int off;
			off = skb->len;
			if (INDIRECT_CALL_1(getfrag, ip_generic_getfrag, from, skb_put(skb, copy), offset, copy, off, skb) < 0) {
				__skb_trim(skb, off);
				err = -EFAULT;
				goto error;
			}
		}
		else if (flags & MSG_SPLICE_PAGES) {
			struct msghdr * msg = from;
			err = -EIO;
			if (WARN_ON_ONCE(copy > msg->msg_iter.count)) goto error;
			err = skb_splice_from_iter(skb, &msg->msg_iter, copy, sk->sk_allocation);
			if (err < 0) goto error;
			copy = err;
			if (!(flags & MSG_NO_SHARED_FRAGS)) skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
			wmem_alloc_delta += copy;
		}
		else if (!zc) {
			int i = skb_shinfo(skb)->nr_frags;
			err = -ENOMEM;
			if (!sk_page_frag_refill(sk, pfrag)) goto error;
			skb_zcopy_downgrade_managed(skb);
			if (!skb_can_coalesce(skb, i, pfrag->page, pfrag->offset)) {
				err = -EMSGSIZE;
				if (i == MAX_SKB_FRAGS) goto error;
				__skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, 0);
				skb_shinfo(skb)->nr_frags = ++i;
				get_page(pfrag->page);
			}
			copy = min_t(int, copy, pfrag->size - pfrag->offset);
			if (INDIRECT_CALL_1(getfrag, ip_generic_getfrag, from, page_address(pfrag->page) + pfrag->offset, offset, copy, skb->len, skb) < 0) goto error_efault;
			pfrag->offset += copy;
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
			skb_len_add(skb, copy);
			wmem_alloc_delta += copy;
		}
		else {
			err = skb_zerocopy_iter_dgram(skb, from, copy);
			if (err < 0) goto error;
		}
		offset += copy;
		length -= copy;
	}
	if (wmem_alloc_delta) refcount_add(wmem_alloc_delta, &sk->sk_wmem_alloc);
	return 0;
	error_efault :
	err = -EFAULT;
	error :
	net_zcopy_put_abort(uarg, extra_uref);
	cork->length -= length;
	IP_INC_STATS(sock_net(sk), IPSTATS_MIB_OUTDISCARDS);
	refcount_add(wmem_alloc_delta, &sk->sk_wmem_alloc);
	if (hold_tskey) atomic_dec(&sk->sk_tskey);
	return err;
}
