int __ip6_local_out(struct net * net, struct sock * sk, struct sk_buff * skb) {
	int len;
	len = skb->len - sizeof(struct ipv6hdr);
	if (len > IPV6_MAXPLEN) len = 0;
	ipv6_hdr(skb)->payload_len = htons(len);
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);
	skb = l3mdev_ip6_out(sk, skb);
	if (unlikely(!skb)) return 0;
	skb->protocol = htons(ETH_P_IPV6);
	return nf_hook(NFPROTO_IPV6, NF_INET_LOCAL_OUT, net, sk, skb, NULL, skb_dst(skb)->dev, dst_output);
}
