void ip_options_build(struct sk_buff * skb, struct ip_options * opt, __be32 daddr, struct rtable * rt) {
	unsigned char * iph = skb_network_header(skb);
	memcpy(&(IPCB(skb)->opt), opt, sizeof(struct ip_options));
	memcpy(iph + sizeof(struct iphdr), opt->__data, opt->optlen);
	opt = &(IPCB(skb)->opt);
	if (opt->srr) memcpy(iph + opt->srr + iph[opt->srr + 1] - 4, &daddr, 4);
	if (opt->rr_needaddr) ip_rt_get_source(iph + opt->rr + iph[opt->rr + 2] - 5, skb, rt);
	if (opt->ts_needaddr) ip_rt_get_source(iph + opt->ts + iph[opt->ts + 2] - 9, skb, rt);
	if (opt->ts_needtime) {
		__be32 midtime;
		midtime = inet_current_timestamp();
		memcpy(iph + opt->ts + iph[opt->ts + 2] - 5, &midtime, 4);
	}
}
