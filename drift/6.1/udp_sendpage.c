int udp_sendpage(struct sock * sk, struct page * page, int offset, size_t size, int flags) {
	struct bio_vec bvec;
	struct msghdr msg = {
		.msg_flags = flags | MSG_SPLICE_PAGES
	};
	if (flags & MSG_SENDPAGE_NOTLAST) msg.msg_flags |= MSG_MORE;
	bvec_set_page(&bvec, page, size, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, size);
	return udp_sendmsg(sk, &msg, size);
}
