static void ip6_cork_steal_dst(struct sk_buff * skb, struct inet_cork_full * cork) {
	struct dst_entry * dst = cork->base.dst;
	cork->base.dst = NULL;
	cork->base.flags &= ~IPCORK_ALLFRAG;
	skb_dst_set(skb, dst);
}
