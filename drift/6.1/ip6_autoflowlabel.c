bool ip6_autoflowlabel(struct net * net, const struct ipv6_pinfo * np) {
	if (!np->autoflowlabel_set) return ip6_default_np_autolabel(net);
	else return np->autoflowlabel;
}
