void udp_flush_pending_frames(struct sock * sk) {
	struct udp_sock * up = udp_sk(sk);
	if (up->pending) {
		up->len = 0;
		WRITE_ONCE(up->pending, 0);
		ip_flush_pending_frames(sk);
	}
}
