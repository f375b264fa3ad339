static int udp_v6_push_pending_frames(struct sock * sk) {
	struct sk_buff * skb;
	struct udp_sock * up = udp_sk(sk);
	int err = 0;
	if (up->pending == AF_INET) return udp_push_pending_frames(sk);
	skb = ip6_finish_skb(sk);
	if (!skb) goto out;
	err = udp_v6_send_skb(skb, &inet_sk(sk)->cork.fl.u.ip6, &inet_sk(sk)->cork.base);
	out :
	up->len = 0;
	WRITE_ONCE(up->pending, 0);
	return err;
}
