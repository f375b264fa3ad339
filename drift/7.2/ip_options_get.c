int ip_options_get(struct net * net, struct ip_options_rcu * *optp, sockptr_t data, int optlen) {
	struct ip_options_rcu * opt;
	opt = kzalloc(sizeof(struct ip_options_rcu) + ((optlen + 3) & ~3), GFP_KERNEL);
	if (!opt) return -ENOMEM;
	if (optlen && copy_from_sockptr(opt->opt.__data, data, optlen)) {
		kfree(opt);
		return -EFAULT;
	}
	while (optlen & 3) opt->opt.__data[optlen++] = IPOPT_END;
	opt->opt.optlen = optlen;
	if (optlen && ip_options_compile(net, &opt->opt, NULL)) {
		kfree(opt);
		return -EINVAL;
	}
	if (opt->opt.srr && !ns_capable(net->user_ns, CAP_NET_RAW)) {
		kfree(opt);
		return -EPERM;
	}
	kfree(*optp);
	*optp = opt;
	return 0;
}
