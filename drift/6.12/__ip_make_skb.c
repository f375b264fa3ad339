struct sk_buff * __ip_make_skb(struct sock * sk, struct flowi4 * fl4, struct sk_buff_head * queue, struct inet_cork * cork) {
	struct sk_buff * skb, *tmp_skb;
	struct sk_buff * *tail_skb;
	struct inet_sock * inet = inet_sk(sk);
	struct net * net = sock_net(sk);
	struct ip_options * opt = NULL;
	struct rtable * rt = dst_rtable(cork->dst);
	struct iphdr * iph;
	u8 pmtudisc, ttl;
	__be16 df = 0;
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
	skb->ignore_df = ip_sk_ignore_df(sk);
	pmtudisc = READ_ONCE(inet->pmtudisc);
	if (pmtudisc == IP_PMTUDISC_DO || pmtudisc == IP_PMTUDISC_PROBE || (skb->len <= dst4_mtu(&rt->dst) && ip_dont_fragment(sk, &rt->dst))) df = htons(IP_DF);
	if (cork->flags & IPCORK_OPT) opt = cork->opt;
	if (cork->ttl != 0) ttl = cork->ttl;
	else if (rt->rt_type == RTN_MULTICAST) ttl = READ_ONCE(inet->mc_ttl);
	else ttl = ip_select_ttl(inet, &rt->dst);
	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = (cork->tos != -1) ? cork->tos : READ_ONCE(inet->tos);
	iph->frag_off = df;
	iph->ttl = ttl;
	iph->protocol = sk->sk_protocol;
	ip_copy_addrs(iph, fl4);
	ip_select_ident(net, skb, sk);
	if (opt) {
		iph->ihl += opt->optlen >> 2;
		ip_options_build(skb, opt, cork->addr, rt);
	}
	skb->priority = (cork->tos != -1) ? cork->priority : READ_ONCE(sk->sk_priority);
	skb->mark = cork->mark;
	if (sk_is_tcp(sk)) skb_set_delivery_time(skb, cork->transmit_time, SKB_CLOCK_MONOTONIC);
	else skb_set_delivery_type_by_clockid(skb, cork->transmit_time, sk->sk_clockid);
	cork->dst = NULL;
	skb_dst_set(skb, &rt->dst);
	if (iph->protocol == IPPROTO_ICMP) {
		u8 icmp_type;
		if (sk->sk_type == SOCK_RAW && !(fl4->flowi4_flags & FLOWI_FLAG_KNOWN_NH)) icmp_type = fl4->fl4_icmp_type;
		else icmp_type = icmp_hdr(skb)->type;
		icmp_out_count(net, icmp_type);
	}
	ip_cork_release(cork);
	out :
	return skb;
}
