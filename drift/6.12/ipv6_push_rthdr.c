static u8 ipv6_push_rthdr(struct sk_buff * skb, u8 proto, struct ipv6_rt_hdr * opt, struct in6_addr * *addr_p, struct in6_addr * saddr) {
	switch (opt->type) {
		case IPV6_SRCRT_TYPE_0 :
		case IPV6_SRCRT_STRICT :
		case IPV6_SRCRT_TYPE_2 :
		proto = ipv6_push_rthdr0(skb, proto, opt, addr_p, saddr);
		break;
		case IPV6_SRCRT_TYPE_4 :
		proto = ipv6_push_rthdr4(skb, proto, opt, addr_p, saddr);
		break;
		default :
		break;
	}
	return proto;
}
