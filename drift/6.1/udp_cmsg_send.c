int udp_cmsg_send(struct sock * sk, struct msghdr * msg, u16 * gso_size) {
	struct cmsghdr * cmsg;
	bool need_ip = false;
	int err;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg)) return -EINVAL;
		if (cmsg->cmsg_level != SOL_UDP) {
			need_ip = true;
			continue;
		}
		err = __udp_cmsg_send(cmsg, gso_size);
		if (err) return err;
	}
	return need_ip;
}
