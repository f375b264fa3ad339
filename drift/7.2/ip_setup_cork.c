static int ip_setup_cork(struct sock * sk, struct inet_cork * cork, struct ipcm_cookie * ipc, struct rtable * *rtp) {
	struct ip_options_rcu * opt;
	struct rtable * rt;
	rt = *rtp;
	if (unlikely(!rt)) return -EFAULT;
	cork->fragsize = ip_sk_use_pmtu(sk) ? dst4_mtu(&rt->dst) : READ_ONCE(rt->dst.dev->mtu);
	cork->fragsize = min(cork->fragsize, IP_MAX_MTU);
	if (!inetdev_valid_mtu(cork->fragsize)) return -ENETUNREACH;
	opt = ipc->opt;
	if (opt) {
		if (!cork->opt) {
			cork->opt = kmalloc(sizeof(struct ip_options) + 40, sk->sk_allocation);
			if (unlikely(!cork->opt)) return -ENOBUFS;
		}
		memcpy(cork->opt, &opt->opt, sizeof(struct ip_options) + opt->opt.optlen);
		cork->flags |= IPCORK_OPT;
		cork->addr = ipc->addr;
	}
	cork->gso_size = ipc->gso_size;
	cork->dst = &rt->dst;
	*rtp = NULL;
	cork->length = 0;
	cork->ttl = ipc->ttl;
	cork->tos = ipc->tos;
	cork->mark = ipc->sockc.mark;
	cork->priority = ipc->sockc.priority;
	cork->transmit_time = ipc->sockc.transmit_time;
	cork->tx_flags = 0;
	sock_tx_timestamp(sk, &ipc->sockc, &cork->tx_flags);
	if (ipc->sockc.tsflags & SOCKCM_FLAG_TS_OPT_ID) {
		cork->flags |= IPCORK_TS_OPT_ID;
		cork->ts_opt_id = ipc->sockc.ts_opt_id;
	}
	return 0;
}
