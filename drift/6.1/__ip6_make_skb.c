struct sk_buff * __ip6_make_skb(struct sock * sk, struct sk_buff_head * queue, struct inet_cork_full * cork, struct inet6_cork * v6_cork) {
	struct sk_buff * skb, *tmp_skb;
	struct sk_buff * *tail_skb;
	struct in6_addr * final_dst;
	struct ipv6_pinfo * np = inet6_sk(sk);
	struct net * net = sock_net(sk);
	struct ipv6hdr * hdr;
	struct ipv6_txoptions * opt = v6_cork->opt;
	struct rt6_info * rt = dst_rt6_info(cork->base.dst);
	struct flowi6 * fl6 = &cork->fl.u.ip6;
	unsigned char proto = fl6->flowi6_proto;
	skb = __skb_dequeue(queue);
	if (!skb) goto out;
	tail_skb = &(skb_shinfo(skb)->frag_list);
	if (skb->data < skb_network_header(skb)) __skb_pull(skb, skb_network_offset(skb));
	while ((tmp_skb = __skb_dequeue(queue)) != NULL) {
		__skb_pull(tmp_skb, skb_network_header_len(skb));
		*tail_skb = tmp_skb;
		tail_skb = &(tmp_skb->next);
		skb->len += tmp_skb->len;
		skb->data_len += tmp_skb->len;
		skb->truesize += tmp_skb->truesize;
		tmp_skb->destructor = NULL;
		tmp_skb->sk = NULL;
	}
	skb->ignore_df = ip6_sk_ignore_df(sk);
	__skb_pull(skb, skb_network_header_len(skb));
	final_dst = &fl6->daddr;
	if (opt && opt->opt_flen) ipv6_push_frag_opts(skb, opt, &proto);
	if (opt && opt->opt_nflen) ipv6_push_nfrag_opts(skb, opt, &proto, &final_dst, &fl6->saddr);
	skb_push(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	hdr = ipv6_hdr(skb);
	ip6_flow_hdr(hdr, v6_cork->tclass, ip6_make_flowlabel(net, skb, fl6->flowlabel, ip6_autoflowlabel(net, np), fl6));
	hdr->hop_limit = v6_cork->hop_limit;
	hdr->nexthdr = proto;
	hdr->saddr = fl6->saddr;
	hdr->daddr = *final_dst;
	skb->priority = sk->sk_priority;
	skb->mark = cork->base.mark;
	skb->tstamp = cork->base.transmit_time;
	ip6_cork_steal_dst(skb, cork);
	IP6_UPD_PO_STATS(net, rt->rt6i_idev, IPSTATS_MIB_OUT, skb->len);
	if (proto == IPPROTO_ICMPV6) {
		struct inet6_dev * idev = ip6_dst_idev(skb_dst(skb));
		u8 icmp6_type;
		if (sk->sk_socket->type == SOCK_RAW && !(fl6->flowi6_flags & FLOWI_FLAG_KNOWN_NH)) icmp6_type = fl6->fl6_icmp_type;
		else icmp6_type = icmp6_hdr(skb)->icmp6_type;
		ICMP6MSGOUT_INC_STATS(net, idev, icmp6_type);
		ICMP6_INC_STATS(net, idev, ICMP6_MIB_OUTMSGS);
	}
	ip6_cork_release(cork, v6_cork);
	out :
	return skb;
}
