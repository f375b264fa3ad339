int udpv6_sendmsg(struct sock * sk, struct msghdr * msg, size_t len) {
	int corkreq = udp_test_bit(CORK, sk) || msg->msg_flags & MSG_MORE;
	DECLARE_SOCKADDR(struct sockaddr_in6 *, sin6, msg->msg_name);
	struct ipv6_txoptions * opt_to_free = NULL;
	struct in6_addr * daddr, *final_p, final;
	struct ip6_flowlabel * flowlabel = NULL;
	struct inet_sock * inet = inet_sk(sk);
	struct ipv6_pinfo * np = inet6_sk(sk);
	struct ipv6_txoptions * opt = NULL;
	struct udp_sock * up = udp_sk(sk);
	struct ipv6_txoptions opt_space;
	int addr_len = msg->msg_namelen;
	struct inet_cork_full cork;
	struct ipcm6_cookie ipc6;
	bool connected = false;
	struct dst_entry * dst;
	struct flowi6 * fl6;
	int ulen = len;
	int err;
	fl6 = &cork.fl.u.ip6;
	ipcm6_init_sk(&ipc6, sk);
	ipc6.gso_size = READ_ONCE(up->gso_size);
	if (sin6) {
		if (addr_len < offsetof(struct sockaddr, sa_data)) return -EINVAL;
		switch (sin6->sin6_family) {
			case AF_INET6 :
			if (addr_len < SIN6_LEN_RFC2133) return -EINVAL;
			daddr = &sin6->sin6_addr;
			if (ipv6_addr_any(daddr) && ipv6_addr_v4mapped(&np->saddr)) ipv6_addr_set_v4mapped(htonl(INADDR_LOOPBACK), daddr);
			break;
			case AF_INET :
			goto do_udp_sendmsg;
			case AF_UNSPEC :
			msg->msg_name = sin6 = NULL;
			msg->msg_namelen = addr_len = 0;
			daddr = NULL;
			break;
			default :
			return -EINVAL;
		}
	}
	else if (!READ_ONCE(up->pending)) {
		if (sk->sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
		daddr = &sk->sk_v6_daddr;
	}
	else daddr = NULL;
	if (daddr) {
		if (ipv6_addr_v4mapped(daddr)) {
			struct sockaddr_in sin;
			sin.sin_family = AF_INET;
			sin.sin_port = sin6 ? sin6->sin6_port : inet->inet_dport;
			sin.sin_addr.s_addr = daddr->s6_addr32[3];
			msg->msg_name = &sin;
			msg->msg_namelen = sizeof(sin);
			do_udp_sendmsg :
			err = ipv6_only_sock(sk) ? -ENETUNREACH : udp_sendmsg(sk, msg, len);
			msg->msg_name = sin6;
			msg->msg_namelen = addr_len;
			return err;
		}
	}
	if (len > INT_MAX - sizeof(struct udphdr)) return -EMSGSIZE;
	if (READ_ONCE(up->pending)) {
		if (READ_ONCE(up->pending) == AF_INET) return udp_sendmsg(sk, msg, len);
		lock_sock(sk);
		if (likely(up->pending)) {
			if (unlikely(up->pending != AF_INET6)) {
				release_sock(sk);
				return -EAFNOSUPPORT;
			}
			dst = NULL;
			goto do_append_data;
		}
		release_sock(sk);
	}
	ulen += sizeof(struct udphdr);
	memset(fl6, 0, sizeof(*fl6));
	if (sin6) {
		if (sin6->sin6_port == 0) return -EINVAL;
		fl6->fl6_dport = sin6->sin6_port;
		daddr = &sin6->sin6_addr;
		if (inet6_test_bit(SNDFLOW, sk)) {
			fl6->flowlabel = sin6->sin6_flowinfo & IPV6_FLOWINFO_MASK;
			if (fl6->flowlabel & IPV6_FLOWLABEL_MASK) {
				flowlabel = fl6_sock_lookup(sk, fl6->flowlabel);
				if (IS_ERR(flowlabel)) return -EINVAL;
			}
		}
		if (sk->sk_state == TCP_ESTABLISHED && ipv6_addr_equal(daddr, &sk->sk_v6_daddr)) daddr = &sk->sk_v6_daddr;
		if (addr_len >= sizeof(struct sockaddr_in6) && sin6->sin6_scope_id && __ipv6_addr_needs_scope_id(__ipv6_addr_type(daddr))) fl6->flowi6_oif = sin6->sin6_scope_id;
	}
	else {
		if (sk->sk_state != TCP_ESTABLISHED) return -EDESTADDRREQ;
		fl6->fl6_dport = inet->inet_dport;
		daddr = &sk->sk_v6_daddr;
		fl6->flowlabel = np->flow_label;
		connected = true;
	}
	if (!fl6->flowi6_oif) fl6->flowi6_oif = READ_ONCE(sk->sk_bound_dev_if);
	if (!fl6->flowi6_oif) fl6->flowi6_oif = np->sticky_pktinfo.ipi6_ifindex;
	fl6->flowi6_uid = sk_uid(sk);
	if (msg->msg_controllen) {
		opt = &opt_space;
		memset(opt, 0, sizeof(struct ipv6_txoptions));
		opt->tot_len = sizeof(*opt);
		ipc6.opt = opt;
		err = udp_cmsg_send(sk, msg, &ipc6.gso_size);
		if (err > 0) {
			err = ip6_datagram_send_ctl(sock_net(sk), sk, msg, fl6, &ipc6);
			connected = false;
		}
		if (err < 0) {
			fl6_sock_release(flowlabel);
			return err;
		}
		if ((fl6->flowlabel & IPV6_FLOWLABEL_MASK) && !flowlabel) {
			flowlabel = fl6_sock_lookup(sk, fl6->flowlabel);
			if (IS_ERR(flowlabel)) return -EINVAL;
		}
		if (!(opt->opt_nflen | opt->opt_flen)) opt = NULL;
	}
	if (!opt) {
		opt = txopt_get(np);
		opt_to_free = opt;
	}
	if (flowlabel) opt = fl6_merge_options(&opt_space, flowlabel, opt);
	opt = ipv6_fixup_options(&opt_space, opt);
	ipc6.opt = opt;
	fl6->flowi6_proto = IPPROTO_UDP;
	fl6->flowi6_mark = ipc6.sockc.mark;
	fl6->daddr = *daddr;
	if (ipv6_addr_any(&fl6->saddr) && !ipv6_addr_any(&np->saddr)) fl6->saddr = np->saddr;
	fl6->fl6_sport = inet->inet_sport;
	if (cgroup_bpf_enabled(CGROUP_UDP6_SENDMSG) && !connected) {
		err = BPF_CGROUP_RUN_PROG_UDP6_SENDMSG_LOCK(sk, (struct sockaddr *) sin6, &addr_len, &fl6->saddr);
		if (err) goto out_no_dst;
		if (sin6) {
			if (ipv6_addr_v4mapped(&sin6->sin6_addr)) {
				err = -ENOTSUPP;
				goto out_no_dst;
			}
			if (sin6->sin6_port == 0) {
				err = -EINVAL;
				goto out_no_dst;
			}
			fl6->fl6_dport = sin6->sin6_port;
			fl6->daddr = sin6->sin6_addr;
		}
	}
	if (ipv6_addr_any(&fl6->daddr)) fl6->daddr.s6_addr[15] = 0x1;
	final_p = fl6_update_dst(fl6, opt, &final);
	if (final_p) connected = false;
	if (!fl6->flowi6_oif && ipv6_addr_is_multicast(&fl6->daddr)) {
		fl6->flowi6_oif = READ_ONCE(np->mcast_oif);
		connected = false;
	}
	else if (!fl6->flowi6_oif) fl6->flowi6_oif = READ_ONCE(np->ucast_oif);
	security_sk_classify_flow(sk, flowi6_to_flowi_common(fl6));
	fl6->flowlabel = ip6_make_flowinfo(ipc6.tclass, fl6->flowlabel);
	dst = ip6_sk_dst_lookup_flow(sk, fl6, final_p, connected);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		dst = NULL;
		goto out;
	}
	if (ipc6.hlimit < 0) ipc6.hlimit = ip6_sk_dst_hoplimit(np, fl6, dst);
	if (msg->msg_flags & MSG_CONFIRM) goto do_confirm;
	back_from_confirm :
	if (!corkreq) {
		struct sk_buff * skb;
		skb = ip6_make_skb(sk, ip_generic_getfrag, msg, ulen, sizeof(struct udphdr), &ipc6, dst_rt6_info(dst), msg->msg_flags, &cork);
		err = PTR_ERR(skb);
		if (!IS_ERR_OR_NULL(skb)) err = udp_v6_send_skb(skb, fl6, &cork.base);
		goto out_no_dst;
	}
	lock_sock(sk);
	if (unlikely(up->pending)) {
		release_sock(sk);
		net_dbg_ratelimited("udp cork app bug 2\n");
		err = -EINVAL;
		goto out;
	}
	WRITE_ONCE(up->pending, AF_INET6);
	do_append_data :
	up->len += ulen;
	err = ip6_append_data(sk, ip_generic_getfrag, msg, ulen, sizeof(struct udphdr), &ipc6, fl6, dst_rt6_info(dst), corkreq ? msg->msg_flags | MSG_MORE : msg->msg_flags);
	if (err) udp_v6_flush_pending_frames(sk);
	else if (!corkreq) err = udp_v6_push_pending_frames(sk);
	else if (unlikely(skb_queue_empty(&sk->sk_write_queue))) WRITE_ONCE(up->pending, 0);
	if (err > 0) err = inet6_test_bit(RECVERR6, sk) ? net_xmit_errno(err) : 0;
	release_sock(sk);
	out :
	dst_release(dst);
	out_no_dst :
	fl6_sock_release(flowlabel);
	txopt_put(opt_to_free);
	if (!err) return len;
	if (err == -ENOBUFS || test_bit(SOCK_NOSPACE, &sk->sk_socket->flags)) UDP6_INC_STATS(sock_net(sk), UDP_MIB_SNDBUFERRORS);
	return err;
	do_confirm :
	if (msg->msg_flags & MSG_PROBE) dst_confirm_neigh(dst, &fl6->daddr);
	if (!(msg->msg_flags & MSG_PROBE) || len) goto back_from_confirm;
	err = 0;
	goto out;
}
