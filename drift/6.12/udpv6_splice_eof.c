static void udpv6_splice_eof(struct socket * sock) {
	struct sock * sk = sock->sk;
	struct udp_sock * up = udp_sk(sk);
	if (!READ_ONCE(up->pending) || udp_test_bit(CORK, sk)) return;
	lock_sock(sk);
	if (up->pending && !udp_test_bit(CORK, sk)) udp_v6_push_pending_frames(sk);
	release_sock(sk);
}
