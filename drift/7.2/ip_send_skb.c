int ip_send_skb(struct net * net, struct sk_buff * skb) {
	int err;
	err = ip_local_out(net, skb->sk, skb);
	if (err) {
		if (err > 0) err = net_xmit_errno(err);
		if (err) IP_INC_STATS(net, IPSTATS_MIB_OUTDISCARDS);
	}
	return err;
}
