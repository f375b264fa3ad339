bool ip6_autoflowlabel(struct net * net, const struct sock * sk) {
	if (!inet6_test_bit(AUTOFLOWLABEL_SET, sk)) return ip6_default_np_autolabel(net);
	return inet6_test_bit(AUTOFLOWLABEL, sk);
}
