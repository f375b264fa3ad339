int __ip6_local_out(struct net * net, struct sock * sk, struct sk_buff * skb) {
	ipv6_set_payload_len(ipv6_hdr(skb), skb->len - sizeof(struct ipv6hdr));
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	skb = l3mdev_ip6_out(sk, skb);
	if (unlikely(!skb)) return 0;
	skb->protocol = htons(ETH_P_IPV6);
	return nf_hook(NFPROTO_IPV6, NF_INET_LOCAL_OUT, net, sk, skb, NULL, skb_dst_dev(skb), dst_output);
}
