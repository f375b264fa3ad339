static void ip6_cork_steal_dst(struct sk_buff * skb, struct inet_cork_full * cork) {
	struct dst_entry * dst = cork->base.dst;
	cork->base.dst = NULL;
	skb_dst_set(skb, dst);
}
