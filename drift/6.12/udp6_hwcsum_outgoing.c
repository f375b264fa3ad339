static void udp6_hwcsum_outgoing(struct sock * sk, struct sk_buff * skb, const struct in6_addr * saddr, const struct in6_addr * daddr, int len) {
	unsigned int offset;
	struct udphdr * uh = udp_hdr(skb);
	struct sk_buff * frags = skb_shinfo(skb)->frag_list;
	__wsum csum = 0;
	if (!frags) {
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct udphdr, check);
		uh->check = ~csum_ipv6_magic(saddr, daddr, len, IPPROTO_UDP, 0);
	}
	else {
		offset = skb_transport_offset(skb);
		skb->csum = skb_checksum(skb, offset, skb->len - offset, 0);
		csum = skb->csum;
		skb->ip_summed = CHECKSUM_NONE;
		do {
			csum = csum_add(csum, frags->csum);
		}
		while ((frags = frags->next));
		uh->check = csum_ipv6_magic(saddr, daddr, len, IPPROTO_UDP, csum);
		if (uh->check == 0) uh->check = CSUM_MANGLED_0;
	}
}
