static inline int skb_zerocopy_iter_dgram(struct sk_buff * skb, struct msghdr * msg, int len) {
	return __zerocopy_sg_from_iter(msg, skb->sk, skb, &msg->msg_iter, len, NULL);
}
