void ipv6_local_error(struct sock * sk, int err, struct flowi6 * fl6, u32 info) {
	struct sock_exterr_skb * serr;
	struct ipv6hdr * iph;
	struct sk_buff * skb;
	if (!inet6_test_bit(RECVERR6, sk)) return;
	skb = alloc_skb(sizeof(struct ipv6hdr), GFP_ATOMIC);
	if (!skb) return;
	skb->protocol = htons(ETH_P_IPV6);
	skb_put(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	iph = ipv6_hdr(skb);
	iph->daddr = fl6->daddr;
	ip6_flow_hdr(iph, 0, 0);
	serr = SKB_EXT_ERR(skb);
	serr->ee.ee_errno = err;
	serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	serr->ee.ee_type = 0;
	serr->ee.ee_code = 0;
	serr->ee.ee_pad = 0;
	serr->ee.ee_info = info;
	serr->ee.ee_data = 0;
	serr->addr_offset = (u8 *) & iph->daddr - skb_network_header(skb);
	serr->port = fl6->fl6_dport;
	__skb_pull(skb, skb_tail_pointer(skb) - skb->data);
	skb_reset_transport_header(skb);
	if (sock_queue_err_skb(sk, skb)) kfree_skb(skb);
}
