static void udpv6_destroy_sock(struct sock * sk) {
	struct udp_sock * up = udp_sk(sk);
	lock_sock(sk);
	sock_set_flag(sk, SOCK_DEAD);
	udp_v6_flush_pending_frames(sk);
	release_sock(sk);
	if (static_branch_unlikely(&udpv6_encap_needed_key)) {
		if (up->encap_type) {
			void(*encap_destroy) (struct sock * sk);
			encap_destroy = READ_ONCE(up->encap_destroy);
			if (encap_destroy) encap_destroy(sk);
		}
		if (udp_test_bit(ENCAP_ENABLED, sk)) {
			static_branch_dec(&udpv6_encap_needed_key);
			udp_encap_disable();
			udp_tunnel_cleanup_gro(sk);
		}
	}
}
