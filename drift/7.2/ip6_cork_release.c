static void ip6_cork_release(struct inet_cork_full * cork) {
	struct inet6_cork * v6_cork = &cork->base6;
	if (unlikely(v6_cork->opt)) {
		struct ipv6_txoptions * opt = v6_cork->opt;
		kfree(opt->dst0opt);
		kfree(opt->dst1opt);
		kfree(opt->hopopt);
		kfree(opt->srcrt);
		kfree(opt);
		v6_cork->opt = NULL;
	}
	if (cork->base.dst) {
		dst_release(cork->base.dst);
		cork->base.dst = NULL;
	}
}
