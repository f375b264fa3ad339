static u8 ipv6_push_rthdr4(struct sk_buff * skb, u8 proto, struct ipv6_rt_hdr * opt, struct in6_addr * *addr_p, struct in6_addr * saddr) {
	struct ipv6_sr_hdr * sr_phdr, *sr_ihdr;
	int plen, hops;
	sr_ihdr = (struct ipv6_sr_hdr *) opt;
	plen = (sr_ihdr->hdrlen + 1) << 3;
	sr_phdr = skb_push(skb, plen);
	memcpy(sr_phdr, sr_ihdr, sizeof(struct ipv6_sr_hdr));
	hops = sr_ihdr->first_segment + 1;
	memcpy(sr_phdr->segments + 1, sr_ihdr->segments + 1, (hops - 1) * sizeof(struct in6_addr));
	sr_phdr->segments[0] = **addr_p;
	*addr_p = &sr_ihdr->segments[sr_ihdr->segments_left];
	if (sr_ihdr->hdrlen > hops * 2) {
		int tlvs_offset, tlvs_length;
		tlvs_offset = (1 + hops * 2) << 3;
		tlvs_length = (sr_ihdr->hdrlen - hops * 2) << 3;
		memcpy((char *) sr_phdr + tlvs_offset, (char *) sr_ihdr + tlvs_offset, tlvs_length);
	}
#ifdef CONFIG_IPV6_SEG6_HMAC
	if (sr_has_hmac(sr_phdr)) {
		struct net * net = NULL;
		if (skb->dev) net = dev_net(skb->dev);
		else if (skb->sk) net = sock_net(skb->sk);
		WARN_ON(!net);
		if (net) seg6_push_hmac(net, saddr, sr_phdr);
	}
#endif
	sr_phdr->nexthdr = proto;
	return NEXTHDR_ROUTING;
}
