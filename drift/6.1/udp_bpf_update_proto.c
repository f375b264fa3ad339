int udp_bpf_update_proto(struct sock * sk, struct sk_psock * psock, bool restore) {
	int family = sk->sk_family == AF_INET ? UDP_BPF_IPV4 : UDP_BPF_IPV6;
	if (restore) {
		WRITE_ONCE(sk->sk_write_space, psock->saved_write_space);
		sock_replace_proto(sk, psock->sk_proto);
		return 0;
	}
	if (sk->sk_family == AF_INET6) udp_bpf_check_v6_needs_rebuild(psock->sk_proto);
	sock_replace_proto(sk, &udp_bpf_prots[family]);
	return 0;
}
