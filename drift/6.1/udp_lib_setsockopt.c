int udp_lib_setsockopt(struct sock * sk, int level, int optname, sockptr_t optval, unsigned int optlen, int(*push_pending_frames) (struct sock *)) {
	struct udp_sock * up = udp_sk(sk);
	int val, valbool;
	int err = 0;
	int is_udplite = IS_UDPLITE(sk);
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
		switch (val) {
			case 0 :
#ifdef CONFIG_XFRM
			case UDP_ENCAP_ESPINUDP :
			case UDP_ENCAP_ESPINUDP_NON_IKE :
#if IS_ENABLED(CONFIG_IPV6)
			if (sk->sk_family == AF_INET6) WRITE_ONCE(up->encap_rcv, ipv6_stub->xfrm6_udp_encap_rcv);
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
		if (valbool) udp_tunnel_encap_enable(sk);
		udp_assign_bit(GRO_ENABLED, sk, valbool);
		udp_assign_bit(ACCEPT_L4, sk, valbool);
		break;
		case UDPLITE_SEND_CSCOV :
		if (!is_udplite) return -ENOPROTOOPT;
		if (val != 0 && val < 8) val = 8;
		else if (val > USHRT_MAX) val = USHRT_MAX;
		up->pcslen = val;
		up->pcflag |= UDPLITE_SEND_CC;
		break;
		case UDPLITE_RECV_CSCOV :
		if (!is_udplite) return -ENOPROTOOPT;
		if (val != 0 && val < 8) val = 8;
		else if (val > USHRT_MAX) val = USHRT_MAX;
		up->pcrlen = val;
		up->pcflag |= UDPLITE_RECV_CC;
		break;
		default :
		err = -ENOPROTOOPT;
		break;
	}
	return err;
}
