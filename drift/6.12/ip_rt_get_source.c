void ip_rt_get_source(u8 * addr, struct sk_buff * skb, struct rtable * rt) {
	__be32 src;
	if (rt_is_output_route(rt)) src = ip_hdr(skb)->saddr;
	else {
		struct fib_result res;
		struct iphdr * iph = ip_hdr(skb);
		struct flowi4 fl4 = {
			.daddr = iph->daddr,.saddr = iph->saddr,.flowi4_tos = iph->tos & INET_DSCP_MASK,.flowi4_oif = rt->dst.dev->ifindex,.flowi4_iif = skb->dev->ifindex,.flowi4_mark = skb->mark,
		};
		rcu_read_lock();
		if (fib_lookup(dev_net(rt->dst.dev), &fl4, &res, 0) == 0) src = fib_result_prefsrc(dev_net(rt->dst.dev), &res);
		else src = inet_select_addr(rt->dst.dev, rt_nexthop(rt, iph->daddr), RT_SCOPE_UNIVERSE);
		rcu_read_unlock();
	}
	memcpy(addr, &src, 4);
}
