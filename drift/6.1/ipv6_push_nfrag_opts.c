void ipv6_push_nfrag_opts(struct sk_buff * skb, struct ipv6_txoptions * opt, u8 * proto, struct in6_addr * *daddr, struct in6_addr * saddr) {
	if (opt->srcrt) {
		ipv6_push_rthdr(skb, proto, opt->srcrt, daddr, saddr);
		if (opt->dst0opt) ipv6_push_exthdr(skb, proto, NEXTHDR_DEST, opt->dst0opt);
	}
	if (opt->hopopt) ipv6_push_exthdr(skb, proto, NEXTHDR_HOP, opt->hopopt);
}
