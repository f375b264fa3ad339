struct sk_buff * ip6_make_skb(struct sock * sk, int getfrag(void * from, char * to, int offset, int len, int odd, struct sk_buff * skb), void * from, size_t length, int transhdrlen, struct ipcm6_cookie * ipc6, struct rt6_info * rt, unsigned int flags, struct inet_cork_full * cork) {
	struct inet6_cork v6_cork;
	struct sk_buff_head queue;
	int exthdrlen = (ipc6->opt ? ipc6->opt->opt_flen : 0);
	int err;
	if (flags & MSG_PROBE) {
		dst_release(&rt->dst);
		return NULL;
	}
	__skb_queue_head_init(&queue);
	cork->base.flags = 0;
	cork->base.addr = 0;
	cork->base.opt = NULL;
	v6_cork.opt = NULL;
	err = ip6_setup_cork(sk, cork, &v6_cork, ipc6, rt);
	if (err) {
		ip6_cork_release(cork, &v6_cork);
		return ERR_PTR(err);
	}
	err = __ip6_append_data(sk, &queue, cork, &v6_cork, &current->task_frag, getfrag, from, length + exthdrlen, transhdrlen + exthdrlen, flags);
	if (err) {
		__ip6_flush_pending_frames(sk, &queue, cork, &v6_cork);
		return ERR_PTR(err);
	}
	return __ip6_make_skb(sk, &queue, cork, &v6_cork);
}
