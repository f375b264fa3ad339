static void ipv6_push_exthdr(struct sk_buff * skb, u8 * proto, u8 type, struct ipv6_opt_hdr * opt) {
	struct ipv6_opt_hdr * h = skb_push(skb, ipv6_optlen(opt));
	memcpy(h, opt, ipv6_optlen(opt));
	h->nexthdr = *proto;
	*proto = type;
}
