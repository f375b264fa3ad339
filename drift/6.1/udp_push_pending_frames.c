int udp_push_pending_frames(struct sock * sk) {
	struct udp_sock * up = udp_sk(sk);
	struct inet_sock * inet = inet_sk(sk);
	struct flowi4 * fl4 = &inet->cork.fl.u.ip4;
	struct sk_buff * skb;
	int err = 0;
	skb = ip_finish_skb(sk, fl4);
	if (!skb) goto out;
	err = udp_send_skb(skb, fl4, &inet->cork.base);
	out :
	up->len = 0;
	WRITE_ONCE(up->pending, 0);
	return err;
}
