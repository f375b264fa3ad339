int ip6_local_out(struct net * net, struct sock * sk, struct sk_buff * skb) {
	int err;
	err = __ip6_local_out(net, sk, skb);
	if (likely(err == 1)) err = dst_output(net, sk, skb);
	return err;
}
