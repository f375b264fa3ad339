int __ip_local_out(struct net * net, struct sock * sk, struct sk_buff * skb) {
	struct iphdr * iph = ip_hdr(skb);
	IP_INC_STATS(net, IPSTATS_MIB_OUTREQUESTS);
	iph_set_totlen(iph, skb->len);
	ip_send_check(iph);
	skb = l3mdev_ip_out(sk, skb);
	if (unlikely(!skb)) return 0;
	skb->protocol = htons(ETH_P_IP);
	return nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, sk, skb, NULL, skb_dst_dev(skb), dst_output);
}
