int udp_getsockopt(struct sock * sk, int level, int optname, char __user * optval, int __user * optlen) {
	if (level == SOL_UDP || level == SOL_UDPLITE) return udp_lib_getsockopt(sk, level, optname, optval, optlen);
	return ip_getsockopt(sk, level, optname, optval, optlen);
}
