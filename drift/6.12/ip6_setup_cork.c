static int ip6_setup_cork(struct sock * sk, struct inet_cork_full * cork, struct inet6_cork * v6_cork, struct ipcm6_cookie * ipc6, struct rt6_info * rt) {
	struct ipv6_pinfo * np = inet6_sk(sk);
	unsigned int mtu, frag_size;
	struct ipv6_txoptions * nopt, *opt = ipc6->opt;
	cork->base.dst = &rt->dst;
	if (unlikely(opt)) {
		if (WARN_ON(v6_cork->opt)) return -EINVAL;
		nopt = v6_cork->opt = kzalloc(sizeof(*opt), sk->sk_allocation);
		if (unlikely(!nopt)) return -ENOBUFS;
		nopt->tot_len = sizeof(*opt);
		nopt->opt_flen = opt->opt_flen;
		nopt->opt_nflen = opt->opt_nflen;
		nopt->dst0opt = ip6_opt_dup(opt->dst0opt, sk->sk_allocation);
		if (opt->dst0opt && !nopt->dst0opt) return -ENOBUFS;
		nopt->dst1opt = ip6_opt_dup(opt->dst1opt, sk->sk_allocation);
		if (opt->dst1opt && !nopt->dst1opt) return -ENOBUFS;
		nopt->hopopt = ip6_opt_dup(opt->hopopt, sk->sk_allocation);
		if (opt->hopopt && !nopt->hopopt) return -ENOBUFS;
		nopt->srcrt = ip6_rthdr_dup(opt->srcrt, sk->sk_allocation);
		if (opt->srcrt && !nopt->srcrt) return -ENOBUFS;
	}
	v6_cork->hop_limit = ipc6->hlimit;
	v6_cork->tclass = ipc6->tclass;
	v6_cork->dontfrag = ipc6->dontfrag;
	if (rt->dst.flags & DST_XFRM_TUNNEL) mtu = READ_ONCE(np->pmtudisc) >= IPV6_PMTUDISC_PROBE ? READ_ONCE(rt->dst.dev->mtu) : dst6_mtu(&rt->dst);
	else mtu = READ_ONCE(np->pmtudisc) >= IPV6_PMTUDISC_PROBE ? READ_ONCE(rt->dst.dev->mtu) : dst6_mtu(xfrm_dst_path(&rt->dst));
	frag_size = READ_ONCE(np->frag_size);
	if (frag_size && frag_size < mtu) mtu = frag_size;
	if (sk_is_udp(sk)) mtu = min(mtu, IP6_MAX_MTU);
	cork->base.fragsize = mtu;
	cork->base.gso_size = ipc6->gso_size;
	cork->base.tx_flags = 0;
	cork->base.mark = ipc6->sockc.mark;
	sock_tx_timestamp(sk, ipc6->sockc.tsflags, &cork->base.tx_flags);
	cork->base.length = 0;
	cork->base.transmit_time = ipc6->sockc.transmit_time;
	return 0;
}
