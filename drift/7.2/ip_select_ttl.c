static inline int ip_select_ttl(const struct inet_sock * inet, const struct dst_entry * dst) {
	int ttl = READ_ONCE(inet->uc_ttl);
	if (ttl < 0) ttl = ip4_dst_hoplimit(dst);
	return ttl;
}
