int udp_sendmsg(struct sock * sk, struct msghdr * msg, size_t len) {
	struct inet_sock * inet = inet_sk(sk);
	struct udp_sock * up = udp_sk(sk);
	DECLARE_SOCKADDR(struct sockaddr_in *, usin, msg->msg_name);
	struct flowi4 fl4_stack;
	struct flowi4 * fl4;
	int ulen = len;
	struct ipcm_cookie ipc;
	struct rtable * rt = NULL;
	int free = 0;
	int connected = 0;
	__be32 daddr, faddr, saddr;
	u8 tos, scope;
	__be16 dport;
	int err, is_udplite = IS_UDPLITE(sk);
	int corkreq = udp_test_bit(CORK, sk) || msg->msg_flags & MSG_MORE;
	int(*getfrag) (void *, char *, int, int, int, struct sk_buff *);
	struct sk_buff * skb;
	struct ip_options_data opt_copy;
	int uc_index;
	if (len > 0xFFFF) return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB) return -EOPNOTSUPP;
	getfrag = is_udplite ? udplite_getfrag : ip_generic_getfrag;
	fl4 = &inet->cork.fl.u.ip4;
	if (READ_ONCE(up->pending)) {
		lock_sock(sk);
		if (likely(up->pending)) {
			if (unlikely(up->pending != AF_INET)) {
				release_sock(sk);
				return -EINVAL;
			}
			goto do_append_data;
		}
		release_sock(sk);
	}
	ulen += sizeof(struct udphdr);
	if (usin) {
		if (msg->msg_namelen < sizeof(*usin)) return -EINVAL;
		if (usin->sin_family != AF_INET) {
			if (usin->sin_family != AF_UNSPEC) return -EAFNOSUPPORT;
		}
		daddr = usin->sin_addr.s_addr;
		dport = usin->sin_port;
		if (dport == 0) return -EINVAL;
	}
	else {
		if (sk->sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
		daddr = inet->inet_daddr;
		dport = inet->inet_dport;
		connected = 1;
	}
	ipcm_init_sk(&ipc, inet);
	ipc.gso_size = READ_ONCE(up->gso_size);
	if (msg->msg_controllen) {
		err = udp_cmsg_send(sk, msg, &ipc.gso_size);
		if (err > 0) {
			err = ip_cmsg_send(sk, msg, &ipc, sk->sk_family == AF_INET6);
			connected = 0;
		}
		if (unlikely(err < 0)) {
			kfree(ipc.opt);
			return err;
		}
		if (ipc.opt) free = 1;
	}
	if (!ipc.opt) {
		struct ip_options_rcu * inet_opt;
		rcu_read_lock();
		inet_opt = rcu_dereference(inet->inet_opt);
		if (inet_opt) {
			memcpy(&opt_copy, inet_opt, sizeof(*inet_opt) + inet_opt->opt.optlen);
			ipc.opt = &opt_copy.opt;
		}
		rcu_read_unlock();
	}
	if (cgroup_bpf_enabled(CGROUP_UDP4_SENDMSG) && !connected) {
		err = BPF_CGROUP_RUN_PROG_UDP4_SENDMSG_LOCK(sk, (struct sockaddr *) usin, &msg->msg_namelen, &ipc.addr);
		if (err) goto out_free;
		if (usin) {
			if (usin->sin_port == 0) {
				err = -EINVAL;
				goto out_free;
			}
			daddr = usin->sin_addr.s_addr;
			dport = usin->sin_port;
		}
	}
	saddr = ipc.addr;
	ipc.addr = faddr = daddr;
	if (ipc.opt && ipc.opt->opt.srr) {
		if (!daddr) {
			err = -EINVAL;
			goto out_free;
		}
		faddr = ipc.opt->opt.faddr;
		connected = 0;
	}
	tos = get_rttos(&ipc, inet);
	scope = ip_sendmsg_scope(inet, &ipc, msg);
	if (scope == RT_SCOPE_LINK) connected = 0;
	uc_index = READ_ONCE(inet->uc_index);
	if (ipv4_is_multicast(daddr)) {
		if (!ipc.oif || netif_index_is_l3_master(sock_net(sk), ipc.oif)) ipc.oif = READ_ONCE(inet->mc_index);
		if (!saddr) saddr = READ_ONCE(inet->mc_addr);
		connected = 0;
	}
	else if (!ipc.oif) {
		ipc.oif = uc_index;
	}
	else if (ipv4_is_lbcast(daddr) && uc_index) {
		if (ipc.oif != uc_index && ipc.oif == l3mdev_master_ifindex_by_index(sock_net(sk), uc_index)) {
			ipc.oif = uc_index;
		}
	}
	if (connected) rt = dst_rtable(sk_dst_check(sk, 0));
	if (!rt) {
		struct net * net = sock_net(sk);
		__u8 flow_flags = inet_sk_flowi_flags(sk);
		fl4 = &fl4_stack;
		flowi4_init_output(fl4, ipc.oif, ipc.sockc.mark, tos, scope, sk->sk_protocol, flow_flags, faddr, saddr, dport, inet->inet_sport, sk->sk_uid);
		security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));
		rt = ip_route_output_flow(net, fl4, sk);
		if (IS_ERR(rt)) {
			err = PTR_ERR(rt);
			rt = NULL;
			if (err == -ENETUNREACH) IP_INC_STATS(net, IPSTATS_MIB_OUTNOROUTES);
			goto out;
		}
		err = -EACCES;
		if ((rt->rt_flags & RTCF_BROADCAST) && !sock_flag(sk, SOCK_BROADCAST)) goto out;
		if (connected) sk_dst_set(sk, dst_clone(&rt->dst));
	}
	if (msg->msg_flags & MSG_CONFIRM) goto do_confirm;
	back_from_confirm :
	saddr = fl4->saddr;
	if (!ipc.addr) daddr = ipc.addr = fl4->daddr;
	if (!corkreq) {
		struct inet_cork cork;
		skb = ip_make_skb(sk, fl4, getfrag, msg, ulen, sizeof(struct udphdr), &ipc, &rt, &cork, msg->msg_flags);
		err = PTR_ERR(skb);
		if (!IS_ERR_OR_NULL(skb)) err = udp_send_skb(skb, fl4, &cork);
		goto out;
	}
	lock_sock(sk);
	if (unlikely(up->pending)) {
		release_sock(sk);
		net_dbg_ratelimited("socket already corked\n");
		err = -EINVAL;
		goto out;
	}
	fl4 = &inet->cork.fl.u.ip4;
	fl4->daddr = daddr;
	fl4->saddr = saddr;
	fl4->fl4_dport = dport;
	fl4->fl4_sport = inet->inet_sport;
	WRITE_ONCE(up->pending, AF_INET);
	do_append_data :
	up->len += ulen;
	err = ip_append_data(sk, fl4, getfrag, msg, ulen, sizeof(struct udphdr), &ipc, &rt, corkreq ? msg->msg_flags | MSG_MORE : msg->msg_flags);
	if (err) udp_flush_pending_frames(sk);
	else if (!corkreq) err = udp_push_pending_frames(sk);
	else if (unlikely(skb_queue_empty(&sk->sk_write_queue))) WRITE_ONCE(up->pending, 0);
	release_sock(sk);
	out :
	ip_rt_put(rt);
	out_free :
	if (free) kfree(ipc.opt);
	if (!err) return len;
	if (err == -ENOBUFS || test_bit(SOCK_NOSPACE, &sk->sk_socket->flags)) {
		UDP_INC_STATS(sock_net(sk), UDP_MIB_SNDBUFERRORS, is_udplite);
	}
	return err;
	do_confirm :
	if (msg->msg_flags & MSG_PROBE) dst_confirm_neigh(&rt->dst, &fl4->daddr);
	if (!(msg->msg_flags & MSG_PROBE) || len) goto back_from_confirm;
	err = 0;
	goto out;
}
