void udp_destroy_sock(struct sock * sk) {
	struct udp_sock * up = udp_sk(sk);
	bool slow = lock_sock_fast(sk);
	sock_set_flag(sk, SOCK_DEAD);
	udp_flush_pending_frames(sk);
	unlock_sock_fast(sk, slow);
	if (static_branch_unlikely(&udp_encap_needed_key)) {
		if (up->encap_type) {
			void(*encap_destroy) (struct sock * sk);
			encap_destroy = READ_ONCE(up->encap_destroy);
			if (encap_destroy) encap_destroy(sk);
		}
		if (udp_test_bit(ENCAP_ENABLED, sk)) static_branch_dec(&udp_encap_needed_key);
	}
}
