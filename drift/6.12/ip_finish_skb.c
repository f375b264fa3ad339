static inline struct sk_buff * ip_finish_skb(struct sock * sk, struct flowi4 * fl4) {
	return __ip_make_skb(sk, fl4, &sk->sk_write_queue, &inet_sk(sk)->cork.base);
}
