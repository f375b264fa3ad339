static int udp_v6_send_skb(struct sk_buff * skb, struct flowi6 * fl6, struct inet_cork * cork) {
	struct sock * sk = skb->sk;
	struct udphdr * uh;
	int err = 0;
	int is_udplite = IS_UDPLITE(sk);
	__wsum csum = 0;
	int offset = skb_transport_offset(skb);
	int len = skb->len - offset;
	int datalen = len - sizeof(*uh);
	uh = udp_hdr(skb);
	uh->source = fl6->fl6_sport;
	uh->dest = fl6->fl6_dport;
	uh->len = htons(len);
	uh->check = 0;
	if (cork->gso_size) {
		const int hlen = skb_network_header_len(skb) + sizeof(struct udphdr);
		if (hlen + min(datalen, cork->gso_size) > cork->fragsize) {
			kfree_skb(skb);
			return -EMSGSIZE;
		}
		if (datalen > cork->gso_size * UDP_MAX_SEGMENTS) {
			kfree_skb(skb);
			return -EINVAL;
		}
		if (udp_get_no_check6_tx(sk)) {
			kfree_skb(skb);
			return -EINVAL;
		}
		if (is_udplite || dst_xfrm(skb_dst(skb))) {
			kfree_skb(skb);
			return -EIO;
		}
		if (datalen > cork->gso_size) {
			skb_shinfo(skb)->gso_size = cork->gso_size;
			skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
			skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(datalen, cork->gso_size);
			goto csum_partial;
		}
	}
	if (is_udplite) csum = udplite_csum(skb);
	else if (udp_get_no_check6_tx(sk)) {
		skb->ip_summed = CHECKSUM_NONE;
		goto send;
	}
	else if (skb->ip_summed == CHECKSUM_PARTIAL) {
		csum_partial :
		udp6_hwcsum_outgoing(sk, skb, &fl6->saddr, &fl6->daddr, len);
		goto send;
	}
	else csum = udp_csum(skb);
	uh->check = csum_ipv6_magic(&fl6->saddr, &fl6->daddr, len, fl6->flowi6_proto, csum);
	if (uh->check == 0) uh->check = CSUM_MANGLED_0;
	send :
	err = ip6_send_skb(skb);
	if (err) {
		if (err == -ENOBUFS && !inet6_test_bit(RECVERR6, sk)) {
			UDP6_INC_STATS(sock_net(sk), UDP_MIB_SNDBUFERRORS, is_udplite);
			err = 0;
		}
	}
	else {
		UDP6_INC_STATS(sock_net(sk), UDP_MIB_OUTDATAGRAMS, is_udplite);
	}
	return err;
}
