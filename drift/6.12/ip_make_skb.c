struct sk_buff * ip_make_skb(struct sock * sk, struct flowi4 * fl4, int getfrag(void * from, char * to, int offset, int len, int odd, struct sk_buff * skb), void * from, int length, int transhdrlen, struct ipcm_cookie * ipc, struct rtable * *rtp, struct inet_cork * cork, unsigned int flags) {
	struct sk_buff_head queue;
	int err;
	if (flags & MSG_PROBE) return NULL;
	__skb_queue_head_init(&queue);
	cork->flags = 0;
	cork->addr = 0;
	cork->opt = NULL;
	err = ip_setup_cork(sk, cork, ipc, rtp);
	if (err) return ERR_PTR(err);
	err = __ip_append_data(sk, fl4, &queue, cork, &current->task_frag, getfrag, from, length, transhdrlen, flags);
	if (err) {
		__ip_flush_pending_frames(sk, &queue, cork);
		return ERR_PTR(err);
	}
	return __ip_make_skb(sk, fl4, &queue, cork);
}
