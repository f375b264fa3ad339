static int __udp_cmsg_send(struct cmsghdr * cmsg, u16 * gso_size) {
	switch (cmsg->cmsg_type) {
		case UDP_SEGMENT :
		if (cmsg->cmsg_len != CMSG_LEN(sizeof(__u16))) return -EINVAL;
		*gso_size = *(__u16 *) CMSG_DATA(cmsg);
		return 0;
		default :
		return -EINVAL;
	}
}
