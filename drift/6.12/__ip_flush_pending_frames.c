static void __ip_flush_pending_frames(struct sock * sk, struct sk_buff_head * queue, struct inet_cork * cork) {
	struct sk_buff * skb;
	while ((skb = __skb_dequeue_tail(queue)) != NULL) kfree_skb(skb);
	ip_cork_release(cork);
}
