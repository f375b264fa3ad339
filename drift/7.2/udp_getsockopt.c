static int udp_getsockopt(struct sock * sk, int level, int optname, char __user * optval, int __user * optlen) {
	if (level == SOL_UDP) return udp_lib_getsockopt(sk, level, optname, optval, optlen);
	return ip_getsockopt(sk, level, optname, optval, optlen);
}
