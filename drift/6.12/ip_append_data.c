int ip_append_data(struct sock * sk, struct flowi4 * fl4, int getfrag(void * from, char * to, int offset, int len, int odd, struct sk_buff * skb), void * from, int length, int transhdrlen, struct ipcm_cookie * ipc, struct rtable * *rtp, unsigned int flags) {
	struct inet_sock * inet = inet_sk(sk);
	int err;
	if (flags & MSG_PROBE) return 0;
	if (skb_queue_empty(&sk->sk_write_queue)) {
		err = ip_setup_cork(sk, &inet->cork.base, ipc, rtp);
		if (err) return err;
	}
	else {
		transhdrlen = 0;
	}
	return __ip_append_data(sk, fl4, &sk->sk_write_queue, &inet->cork.base, sk_page_frag(sk), getfrag, from, length, transhdrlen, flags);
}
