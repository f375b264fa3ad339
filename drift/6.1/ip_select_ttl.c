static inline int ip_select_ttl(struct inet_sock * inet, struct dst_entry * dst) {
	int ttl = inet->uc_ttl;
	if (ttl < 0) ttl = ip4_dst_hoplimit(dst);
	return ttl;
}
