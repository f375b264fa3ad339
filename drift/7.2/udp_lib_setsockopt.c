int udp_lib_setsockopt(struct sock * sk, int level, int optname, sockptr_t optval, unsigned int optlen, int(*push_pending_frames) (struct sock *)) {
	struct udp_sock * up = udp_sk(sk);
	int val, valbool;
	int err = 0;
	if (level == SOL_SOCKET) {
		err = sk_setsockopt(sk, level, optname, optval, optlen);
		if (optname == SO_RCVBUF || optname == SO_RCVBUFFORCE) {
			sockopt_lock_sock(sk);
			WRITE_ONCE(up->forward_threshold, sk->sk_rcvbuf >> 2);
			sockopt_release_sock(sk);
		}
		return err;
	}
	if (optlen < sizeof(int)) return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val))) return -EFAULT;
	valbool = val ? 1 : 0;
	switch (optname) {
		case UDP_CORK :
		if (val != 0) {
			udp_set_bit(CORK, sk);
		}
		else {
			udp_clear_bit(CORK, sk);
			lock_sock(sk);
			push_pending_frames(sk);
			release_sock(sk);
		}
		break;
		case UDP_ENCAP :
		sockopt_lock_sock(sk);
		switch (val) {
			case 0 :
#ifdef CONFIG_XFRM
			case UDP_ENCAP_ESPINUDP :
			set_xfrm_gro_udp_encap_rcv(val, sk->sk_family, sk);
#if IS_ENABLED(CONFIG_IPV6)
			if (sk->sk_family == AF_INET6) WRITE_ONCE(up->encap_rcv, xfrm6_udp_encap_rcv);
			else
#endif
			WRITE_ONCE(up->encap_rcv, xfrm4_udp_encap_rcv);
#endif
			fallthrough;
			case UDP_ENCAP_L2TPINUDP :
			WRITE_ONCE(up->encap_type, val);
			udp_tunnel_encap_enable(sk);
			break;
			default :
			err = -ENOPROTOOPT;
			break;
		}
		sockopt_release_sock(sk);
		break;
		case UDP_NO_CHECK6_TX :
		udp_set_no_check6_tx(sk, valbool);
		break;
		case UDP_NO_CHECK6_RX :
		udp_set_no_check6_rx(sk, valbool);
		break;
		case UDP_SEGMENT :
		if (val < 0 || val > USHRT_MAX) return -EINVAL;
		WRITE_ONCE(up->gso_size, val);
		break;
		case UDP_GRO :
		sockopt_lock_sock(sk);
		if (valbool) udp_tunnel_encap_enable(sk);
		udp_assign_bit(GRO_ENABLED, sk, valbool);
		udp_assign_bit(ACCEPT_L4, sk, valbool);
		set_xfrm_gro_udp_encap_rcv(up->encap_type, sk->sk_family, sk);
		sockopt_release_sock(sk);
		break;
		default :
		err = -ENOPROTOOPT;
		break;
	}
	return err;
}
