int ip6_append_data(struct sock * sk, int getfrag(void * from, char * to, int offset, int len, int odd, struct sk_buff * skb), void * from, size_t length, int transhdrlen, struct ipcm6_cookie * ipc6, struct flowi6 * fl6, struct rt6_info * rt, unsigned int flags) {
	struct inet_sock * inet = inet_sk(sk);
	struct ipv6_pinfo * np = inet6_sk(sk);
	int exthdrlen;
	int err;
	if (flags & MSG_PROBE) return 0;
	if (skb_queue_empty(&sk->sk_write_queue)) {
		dst_hold(&rt->dst);
		err = ip6_setup_cork(sk, &inet->cork, &np->cork, ipc6, rt);
		if (err) return err;
		inet->cork.fl.u.ip6 = *fl6;
		exthdrlen = (ipc6->opt ? ipc6->opt->opt_flen : 0);
		length += exthdrlen;
		transhdrlen += exthdrlen;
	}
	else {
		transhdrlen = 0;
	}
	return __ip6_append_data(sk, &sk->sk_write_queue, &inet->cork, &np->cork, sk_page_frag(sk), getfrag, from, length, transhdrlen, flags, ipc6);
}
