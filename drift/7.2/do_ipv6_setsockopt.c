int do_ipv6_setsockopt(struct sock * sk, int level, int optname, sockptr_t optval, unsigned int optlen) {
	struct ipv6_pinfo * np = inet6_sk(sk);
	struct net * net = sock_net(sk);
	int retv = -ENOPROTOOPT;
	int val, valbool;
	if (sockptr_is_null(optval)) val = 0;
	else {
		if (optlen >= sizeof(int)) {
			if (copy_from_sockptr(&val, optval, sizeof(val))) return -EFAULT;
		}
		else val = 0;
	}
	valbool = (val != 0);
	if (ip6_mroute_opt(optname)) return ip6_mroute_setsockopt(sk, optname, optval, optlen);
	switch (optname) {
		case IPV6_UNICAST_HOPS :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val > 255 || val < -1) return -EINVAL;
		WRITE_ONCE(np->hop_limit, val);
		return 0;
		case IPV6_MULTICAST_LOOP :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val != valbool) return -EINVAL;
		inet6_assign_bit(MC6_LOOP, sk, valbool);
		return 0;
		case IPV6_MULTICAST_HOPS :
		if (sk->sk_type == SOCK_STREAM) return retv;
		if (optlen < sizeof(int)) return -EINVAL;
		if (val > 255 || val < -1) return -EINVAL;
		WRITE_ONCE(np->mcast_hops, val == -1 ? IPV6_DEFAULT_MCASTHOPS : val);
		return 0;
		case IPV6_MTU :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val && val < IPV6_MIN_MTU) return -EINVAL;
		WRITE_ONCE(np->frag_size, val);
		return 0;
		case IPV6_MINHOPCOUNT :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val < 0 || val > 255) return -EINVAL;
		if (val) static_branch_enable(&ip6_min_hopcount);
		WRITE_ONCE(np->min_hopcount, val);
		return 0;
		case IPV6_RECVERR_RFC4884 :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val < 0 || val > 1) return -EINVAL;
		inet6_assign_bit(RECVERR6_RFC4884, sk, valbool);
		return 0;
		case IPV6_MULTICAST_ALL :
		if (optlen < sizeof(int)) return -EINVAL;
		inet6_assign_bit(MC6_ALL, sk, valbool);
		return 0;
		case IPV6_AUTOFLOWLABEL :
		inet6_assign_bit(AUTOFLOWLABEL, sk, valbool);
		inet6_set_bit(AUTOFLOWLABEL_SET, sk);
		return 0;
		case IPV6_DONTFRAG :
		inet6_assign_bit(DONTFRAG, sk, valbool);
		return 0;
		case IPV6_RECVERR :
		if (optlen < sizeof(int)) return -EINVAL;
		inet6_assign_bit(RECVERR6, sk, valbool);
		if (!val) skb_errqueue_purge(&sk->sk_error_queue);
		return 0;
		case IPV6_ROUTER_ALERT_ISOLATE :
		if (optlen < sizeof(int)) return -EINVAL;
		inet6_assign_bit(RTALERT_ISOLATE, sk, valbool);
		return 0;
		case IPV6_MTU_DISCOVER :
		if (optlen < sizeof(int)) return -EINVAL;
		if (val < IPV6_PMTUDISC_DONT || val > IPV6_PMTUDISC_OMIT) return -EINVAL;
		WRITE_ONCE(np->pmtudisc, val);
		return 0;
		case IPV6_FLOWINFO_SEND :
		if (optlen < sizeof(int)) return -EINVAL;
		inet6_assign_bit(SNDFLOW, sk, valbool);
		return 0;
		case IPV6_ADDR_PREFERENCES :
		if (optlen < sizeof(int)) return -EINVAL;
		return ip6_sock_set_addr_preferences(sk, val);
		case IPV6_MULTICAST_IF :
		if (sk->sk_type == SOCK_STREAM) return -ENOPROTOOPT;
		if (optlen < sizeof(int)) return -EINVAL;
		if (val) {
			struct net_device * dev;
			int bound_dev_if, midx;
			rcu_read_lock();
			dev = dev_get_by_index_rcu(net, val);
			if (!dev) {
				rcu_read_unlock();
				return -ENODEV;
			}
			midx = l3mdev_master_ifindex_rcu(dev);
			rcu_read_unlock();
			bound_dev_if = READ_ONCE(sk->sk_bound_dev_if);
			if (bound_dev_if && bound_dev_if != val && (!midx || midx != bound_dev_if)) return -EINVAL;
		}
		WRITE_ONCE(np->mcast_oif, val);
		return 0;
		case IPV6_UNICAST_IF :
		{
			struct net_device * dev;
			int ifindex;
			if (optlen != sizeof(int)) return -EINVAL;
			ifindex = (__force int) ntohl((__force __be32) val);
			if (!ifindex) {
				WRITE_ONCE(np->ucast_oif, 0);
				return 0;
			}
			dev = dev_get_by_index(net, ifindex);
			if (!dev) return -EADDRNOTAVAIL;
			dev_put(dev);
			if (READ_ONCE(sk->sk_bound_dev_if)) return -EINVAL;
			WRITE_ONCE(np->ucast_oif, ifindex);
			return 0;
		}
	}
	sockopt_lock_sock(sk);
	if (unlikely(sk->sk_family != AF_INET6)) goto unlock;
	switch (optname) {
		case IPV6_ADDRFORM :
		if (optlen < sizeof(int)) goto e_inval;
		if (val == PF_INET) {
			if (sk->sk_type == SOCK_RAW) break;
			if (sk->sk_protocol == IPPROTO_UDP) {
				if (udp_sk(sk)->pending == AF_INET6) {
					retv = -EBUSY;
					break;
				}
			}
			else if (sk->sk_protocol == IPPROTO_TCP) {
				if (sk->sk_prot != &tcpv6_prot) {
					retv = -EBUSY;
					break;
				}
			}
			else {
				break;
			}
			if (sk->sk_state != TCP_ESTABLISHED) {
				retv = -ENOTCONN;
				break;
			}
			if (ipv6_only_sock(sk) || !ipv6_addr_v4mapped(&sk->sk_v6_daddr)) {
				retv = -EADDRNOTAVAIL;
				break;
			}
			__ipv6_sock_mc_close(sk);
			__ipv6_sock_ac_close(sk);
			if (sk->sk_protocol == IPPROTO_TCP) {
				struct inet_connection_sock * icsk = inet_csk(sk);
				sock_prot_inuse_add(net, sk->sk_prot, -1);
				sock_prot_inuse_add(net, &tcp_prot, 1);
				WRITE_ONCE(sk->sk_prot, &tcp_prot);
				WRITE_ONCE(icsk->icsk_af_ops, &ipv4_specific);
				WRITE_ONCE(sk->sk_socket->ops, &inet_stream_ops);
				WRITE_ONCE(sk->sk_family, PF_INET);
				tcp_sync_mss(sk, icsk->icsk_pmtu_cookie);
			}
			else {
				sock_prot_inuse_add(net, sk->sk_prot, -1);
				sock_prot_inuse_add(net, &udp_prot, 1);
				WRITE_ONCE(sk->sk_prot, &udp_prot);
				WRITE_ONCE(sk->sk_socket->ops, &inet_dgram_ops);
				WRITE_ONCE(sk->sk_family, PF_INET);
			}
			np->rxopt.all = 0;
			inet6_cleanup_sock(sk);
			module_put(THIS_MODULE);
			retv = 0;
			break;
		}
		goto e_inval;
		case IPV6_V6ONLY :
		if (optlen < sizeof(int) || inet_sk(sk)->inet_num) goto e_inval;
		sk->sk_ipv6only = valbool;
		retv = 0;
		break;
		case IPV6_RECVPKTINFO :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxinfo = valbool;
		retv = 0;
		break;
		case IPV6_2292PKTINFO :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxoinfo = valbool;
		retv = 0;
		break;
		case IPV6_RECVHOPLIMIT :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxhlim = valbool;
		retv = 0;
		break;
		case IPV6_2292HOPLIMIT :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxohlim = valbool;
		retv = 0;
		break;
		case IPV6_RECVRTHDR :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.srcrt = valbool;
		retv = 0;
		break;
		case IPV6_2292RTHDR :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.osrcrt = valbool;
		retv = 0;
		break;
		case IPV6_RECVHOPOPTS :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.hopopts = valbool;
		retv = 0;
		break;
		case IPV6_2292HOPOPTS :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.ohopopts = valbool;
		retv = 0;
		break;
		case IPV6_RECVDSTOPTS :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.dstopts = valbool;
		retv = 0;
		break;
		case IPV6_2292DSTOPTS :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.odstopts = valbool;
		retv = 0;
		break;
		case IPV6_TCLASS :
		if (optlen < sizeof(int)) goto e_inval;
		if (val < -1 || val > 0xff) goto e_inval;
		if (val == -1) val = 0;
		if (sk->sk_type == SOCK_STREAM) {
			val &= ~INET_ECN_MASK;
			val |= np->tclass & INET_ECN_MASK;
		}
		if (np->tclass != val) {
			np->tclass = val;
			sk_dst_reset(sk);
		}
		retv = 0;
		break;
		case IPV6_RECVTCLASS :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxtclass = valbool;
		retv = 0;
		break;
		case IPV6_FLOWINFO :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxflow = valbool;
		retv = 0;
		break;
		case IPV6_RECVPATHMTU :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxpmtu = valbool;
		retv = 0;
		break;
		case IPV6_TRANSPARENT :
		if (valbool && !sockopt_ns_capable(net->user_ns, CAP_NET_RAW) && !sockopt_ns_capable(net->user_ns, CAP_NET_ADMIN)) {
			retv = -EPERM;
			break;
		}
		if (optlen < sizeof(int)) goto e_inval;
		inet_assign_bit(TRANSPARENT, sk, valbool);
		retv = 0;
		break;
		case IPV6_FREEBIND :
		if (optlen < sizeof(int)) goto e_inval;
		inet_assign_bit(FREEBIND, sk, valbool);
		retv = 0;
		break;
		case IPV6_RECVORIGDSTADDR :
		if (optlen < sizeof(int)) goto e_inval;
		np->rxopt.bits.rxorigdstaddr = valbool;
		retv = 0;
		break;
		case IPV6_HOPOPTS :
		case IPV6_RTHDRDSTOPTS :
		case IPV6_RTHDR :
		case IPV6_DSTOPTS :
		retv = ipv6_set_opt_hdr(sk, optname, optval, optlen);
		break;
		case IPV6_PKTINFO :
		{
			struct in6_pktinfo pkt;
			if (optlen == 0) goto e_inval;
			else if (optlen < sizeof(struct in6_pktinfo) || sockptr_is_null(optval)) goto e_inval;
			if (copy_from_sockptr(&pkt, optval, sizeof(pkt))) {
				retv = -EFAULT;
				break;
			}
			if (!sk_dev_equal_l3scope(sk, pkt.ipi6_ifindex)) goto e_inval;
			np->sticky_pktinfo.ipi6_ifindex = pkt.ipi6_ifindex;
			np->sticky_pktinfo.ipi6_addr = pkt.ipi6_addr;
			retv = 0;
			break;
		}
		case IPV6_2292PKTOPTIONS :
		{
			struct ipv6_txoptions * opt = NULL;
			struct msghdr msg;
			struct flowi6 fl6;
			struct ipcm6_cookie ipc6;
			memset(&fl6, 0, sizeof(fl6));
			fl6.flowi6_oif = sk->sk_bound_dev_if;
			fl6.flowi6_mark = sk->sk_mark;
			if (optlen == 0) goto update;
			retv = -EINVAL;
			if (optlen > 64 * 1024) break;
			opt = sock_kmalloc(sk, sizeof(*opt) + optlen, GFP_KERNEL);
			retv = -ENOBUFS;
			if (!opt) break;
			memset(opt, 0, sizeof(*opt));
			refcount_set(&opt->refcnt, 1);
			opt->tot_len = sizeof(*opt) + optlen;
			retv = -EFAULT;
			if (copy_from_sockptr(opt + 1, optval, optlen)) goto done;
			msg.msg_controllen = optlen;
			msg.msg_control_is_user = false;
			msg.msg_control = (void *) (opt + 1);
			ipc6.opt = opt;
			retv = ip6_datagram_send_ctl(net, sk, &msg, &fl6, &ipc6);
			if (retv) goto done;
			update :
			retv = 0;
			opt = ipv6_update_options(sk, opt);
			done :
			if (opt) {
				atomic_sub(opt->tot_len, &sk->sk_omem_alloc);
				txopt_put(opt);
			}
			break;
		}
		case IPV6_ADD_MEMBERSHIP :
		case IPV6_DROP_MEMBERSHIP :
		{
			struct ipv6_mreq mreq;
			if (optlen < sizeof(struct ipv6_mreq)) goto e_inval;
			retv = -EPROTO;
			if (inet_test_bit(IS_ICSK, sk)) break;
			retv = -EFAULT;
			if (copy_from_sockptr(&mreq, optval, sizeof(struct ipv6_mreq))) break;
			if (optname == IPV6_ADD_MEMBERSHIP) retv = ipv6_sock_mc_join(sk, mreq.ipv6mr_ifindex, &mreq.ipv6mr_multiaddr);
			else retv = ipv6_sock_mc_drop(sk, mreq.ipv6mr_ifindex, &mreq.ipv6mr_multiaddr);
			break;
		}
		case IPV6_JOIN_ANYCAST :
		case IPV6_LEAVE_ANYCAST :
		{
			struct ipv6_mreq mreq;
			if (optlen < sizeof(struct ipv6_mreq)) goto e_inval;
			retv = -EFAULT;
			if (copy_from_sockptr(&mreq, optval, sizeof(struct ipv6_mreq))) break;
			if (optname == IPV6_JOIN_ANYCAST) retv = ipv6_sock_ac_join(sk, mreq.ipv6mr_ifindex, &mreq.ipv6mr_acaddr);
			else retv = ipv6_sock_ac_drop(sk, mreq.ipv6mr_ifindex, &mreq.ipv6mr_acaddr);
			break;
		}
		case MCAST_JOIN_GROUP :
		case MCAST_LEAVE_GROUP :
		if (in_compat_syscall()) retv = compat_ipv6_mcast_join_leave(sk, optname, optval, optlen);
		else retv = ipv6_mcast_join_leave(sk, optname, optval, optlen);
		break;
		case MCAST_JOIN_SOURCE_GROUP :
		case MCAST_LEAVE_SOURCE_GROUP :
		case MCAST_BLOCK_SOURCE :
		case MCAST_UNBLOCK_SOURCE :
		retv = do_ipv6_mcast_group_source(sk, optname, optval, optlen);
		break;
		case MCAST_MSFILTER :
		if (in_compat_syscall()) retv = compat_ipv6_set_mcast_msfilter(sk, optval, optlen);
		else retv = ipv6_set_mcast_msfilter(sk, optval, optlen);
		break;
		case IPV6_ROUTER_ALERT :
		if (optlen < sizeof(int)) goto e_inval;
		retv = ip6_ra_control(sk, val);
		if (retv == 0) inet6_assign_bit(RTALERT, sk, valbool);
		break;
		case IPV6_FLOWLABEL_MGR :
		retv = ipv6_flowlabel_opt(sk, optval, optlen);
		break;
		case IPV6_IPSEC_POLICY :
		case IPV6_XFRM_POLICY :
		retv = -EPERM;
		if (!sockopt_ns_capable(net->user_ns, CAP_NET_ADMIN)) break;
		retv = xfrm_user_policy(sk, optname, optval, optlen);
		break;
		case IPV6_RECVFRAGSIZE :
		np->rxopt.bits.recvfragsize = valbool;
		retv = 0;
		break;
	}
	unlock :
	sockopt_release_sock(sk);
	return retv;
	e_inval :
	retv = -EINVAL;
	goto unlock;
}
