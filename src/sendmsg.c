// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_sendmsg(): udp_sendmsg() of net/ipv4/udp.c, re-walked.
 *
 * Address checks, control messages, route, then either the lockless
 * uncorked path (altudp_make_skb() + altudp_send_skb()) or the corked
 * path, which appends to the socket's pending queue under the socket lock
 * and pushes it through altudp_push_pending_frames().
 */

#include <linux/bpf-cgroup.h>
#include <linux/in.h>
#include <linux/security.h>
#include <linux/udp.h>
#include <net/l3mdev.h>
#include <net/route.h>
#include <net/udp.h>

#include "altudp.h"
#include "trace.h"

/*
 * Push out all pending data as one UDP datagram.  Socket is locked.
 * Mirrors udp_push_pending_frames(); ip_finish_skb() is
 * __ip_make_skb() on the socket's own queue and cork.
 */
int altudp_push_pending_frames(struct sock *sk)
{
	struct udp_sock *up = udp_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct flowi4 *fl4 = &inet->cork.fl.u.ip4;
	struct sk_buff *skb;
	int err = 0;

	skb = __altudp_make_skb(sk, fl4, &sk->sk_write_queue, &inet->cork.base);
	if (IS_ERR_OR_NULL(skb)) {
		err = PTR_ERR(skb);
		goto out;
	}

	err = altudp_send_skb(skb, fl4, &inet->cork.base);

out:
	up->len = 0;
	WRITE_ONCE(up->pending, 0);
	return err;
}

/* udp_flush_pending_frames() + ip_flush_pending_frames() */
void altudp_flush_pending_frames(struct sock *sk)
{
	struct udp_sock *up = udp_sk(sk);

	if (up->pending) {
		up->len = 0;
		WRITE_ONCE(up->pending, 0);
		altudp_flush_queue(sk, &sk->sk_write_queue,
				   &inet_sk(sk)->cork.base);
	}
}

/* A broadcast route needs SO_BROADCAST (udp_sendmsg()'s EACCES). */
static inline bool altudp_route_allowed(const struct sock *sk,
					const struct rtable *rt)
{
	return !(rt->rt_flags & RTCF_BROADCAST) ||
	       sock_flag(sk, SOCK_BROADCAST);
}

int altudp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct inet_sock *inet = inet_sk(sk);
	struct udp_sock *up = udp_sk(sk);
	DECLARE_SOCKADDR(struct sockaddr_in *, usin, msg->msg_name);
	struct flowi4 fl4_stack;
	struct flowi4 *fl4;
	int ulen = len;
	struct ipcm_cookie ipc;
	struct rtable *rt = NULL;
	int free = 0;
	int connected = 0;
	__be32 daddr, faddr, saddr;
	u8 tos, scope;
	__be16 dport;
	int err;
	int corkreq = udp_test_bit(CORK, sk) || msg->msg_flags & MSG_MORE;
	struct sk_buff *skb;
	ALTUDP_DEFINE_OPT_COPY(opt_copy);
	int uc_index;

	trace_altudp_sendmsg(sk, msg, len, corkreq);

	if (len > 0xFFFF) {
		err = -EMSGSIZE;
		goto out_stat;
	}

	/* Mirror BSD error message compatibility */
	if (msg->msg_flags & MSG_OOB) {
		err = -EOPNOTSUPP;
		goto out_stat;
	}

	fl4 = &inet->cork.fl.u.ip4;
	if (READ_ONCE(up->pending)) {
		/*
		 * There are pending frames.
		 * The socket lock must be held while it's corked.
		 */
		lock_sock(sk);
		if (likely(up->pending)) {
			if (unlikely(up->pending != AF_INET)) {
				release_sock(sk);
				err = -EINVAL;
				goto out_stat;
			}
			goto do_append_data;
		}
		release_sock(sk);
	}
	ulen += sizeof(struct udphdr);

	/* Get and verify the address. */
	if (usin) {
		err = -EINVAL;
		if (msg->msg_namelen < sizeof(*usin))
			goto out_stat;
		if (usin->sin_family != AF_INET &&
		    usin->sin_family != AF_UNSPEC) {
			err = -EAFNOSUPPORT;
			goto out_stat;
		}

		daddr = usin->sin_addr.s_addr;
		dport = usin->sin_port;
		if (dport == 0)
			goto out_stat;
	} else {
		if (sk->sk_state != TCP_ESTABLISHED) {
			err = -EDESTADDRREQ;
			goto out_stat;
		}
		daddr = inet->inet_daddr;
		dport = inet->inet_dport;
		/* Open fast path for connected socket.
		 * Route will not be used, if at least one option is set.
		 */
		connected = 1;
	}

	ipcm_init_sk(&ipc, inet);
	ipc.gso_size = READ_ONCE(up->gso_size);

	if (msg->msg_controllen) {
		err = altudp_udp_cmsg_send(sk, msg, &ipc.gso_size);
		if (err > 0) {
			err = altudp_ip_cmsg_send(sk, msg, &ipc);
			connected = 0;
		}
		if (unlikely(err < 0)) {
			kfree(ipc.opt);
			goto out_stat;
		}
		if (ipc.opt)
			free = 1;
	}
	if (!ipc.opt) {
		struct ip_options_rcu *inet_opt;

		/* A private copy: IP_OPTIONS may change under us (CVE-2012-3552). */
		rcu_read_lock();
		inet_opt = rcu_dereference(inet->inet_opt);
		if (inet_opt) {
			memcpy(opt_copy, inet_opt,
			       sizeof(*inet_opt) + inet_opt->opt.optlen);
			ipc.opt = opt_copy;
		}
		rcu_read_unlock();
	}

	if (cgroup_bpf_enabled(CGROUP_UDP4_SENDMSG) && !connected) {
		err = altudp_bpf_udp4_sendmsg(sk, msg, usin, &ipc.addr);
		if (err)
			goto out_free;
		if (usin) {
			if (usin->sin_port == 0) {
				/* BPF program set invalid port. Reject it. */
				err = -EINVAL;
				goto out_free;
			}
			daddr = usin->sin_addr.s_addr;
			dport = usin->sin_port;
		}
	}

	saddr = ipc.addr;
	ipc.addr = daddr;
	faddr = daddr;

	if (ipc.opt && ipc.opt->opt.srr) {
		if (!daddr) {
			err = -EINVAL;
			goto out_free;
		}
		faddr = ipc.opt->opt.faddr;
		connected = 0;
	}
	if (altudp_sendmsg_scope(sk, &ipc, msg, &scope))
		connected = 0;

	uc_index = READ_ONCE(inet->uc_index);
	if (ipv4_is_multicast(daddr)) {
		if (!ipc.oif || netif_index_is_l3_master(sock_net(sk), ipc.oif))
			ipc.oif = READ_ONCE(inet->mc_index);
		if (!saddr)
			saddr = READ_ONCE(inet->mc_addr);
		connected = 0;
	} else if (!ipc.oif) {
		ipc.oif = uc_index;
	} else if (ipv4_is_lbcast(daddr) && uc_index) {
		/* oif is set, packet is to local broadcast and
		 * uc_index is set. oif is most likely set
		 * by sk_bound_dev_if. If uc_index != oif check if the
		 * oif is an L3 master and uc_index is an L3 slave.
		 * If so, we want to allow the send using the uc_index.
		 */
		if (ipc.oif != uc_index &&
		    ipc.oif == l3mdev_master_ifindex_by_index(sock_net(sk),
							      uc_index))
			ipc.oif = uc_index;
	}

	if (connected)
		rt = dst_rtable(sk_dst_check(sk, 0));

	if (!rt) {
		__u8 flow_flags = inet_sk_flowi_flags(sk);
		bool hit = false;

		fl4 = &fl4_stack;
		tos = altudp_flow_tos(&ipc, inet, &scope);

		/* IPPROTO_UDP as in 7.2: sk_protocol is always UDP here */
		flowi4_init_output(fl4, ipc.oif, ipc.sockc.mark, tos, scope,
				   IPPROTO_UDP, flow_flags, faddr, saddr,
				   dport, inet->inet_sport, sk_uid(sk));

		security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));
		if (!connected) {
			rt = altudp_rcache_route(sk, fl4, &hit);
		} else {
			rt = ip_route_output_flow(sock_net(sk), fl4, sk);
			/* The kernel's sk_dst_set() after the EACCES check
			 * below, made here: one test of connected a send.
			 */
			if (!IS_ERR(rt) && altudp_route_allowed(sk, rt))
				sk_dst_set(sk, dst_clone(&rt->dst));
		}
		if (IS_ERR(rt)) {
			err = PTR_ERR(rt);
			if (err == -ENETUNREACH)
				IP_INC_STATS(sock_net(sk), IPSTATS_MIB_OUTNOROUTES);
			/* no route to put */
			goto out_free;
		}

		err = -EACCES;
		if (!altudp_route_allowed(sk, rt))
			goto out;
		trace_altudp_route(sk, fl4, rt, hit ? ALTUDP_ROUTE_RCACHE :
						      ALTUDP_ROUTE_LOOKUP);
	} else {
		trace_altudp_route(sk, fl4, rt, ALTUDP_ROUTE_SOCKET);
	}

	if (msg->msg_flags & MSG_CONFIRM)
		goto do_confirm;
back_from_confirm:

	saddr = fl4->saddr;
	if (!ipc.addr) {
		daddr = fl4->daddr;
		ipc.addr = daddr;
	}

	/* Lockless fast path for the non-corking case. */
	if (!corkreq) {
		struct inet_cork cork;

		skb = altudp_make_skb(sk, fl4, msg, ulen,
				      sizeof(struct udphdr), &ipc, &rt,
				      &cork, msg->msg_flags);
		err = PTR_ERR(skb);
		if (!IS_ERR_OR_NULL(skb))
			err = altudp_send_skb(skb, fl4, &cork);
		goto out;
	}

	lock_sock(sk);
	if (unlikely(up->pending)) {
		/* The socket is already corked while preparing it. */
		/* ... which is an evident application bug. --ANK */
		release_sock(sk);

		net_dbg_ratelimited("socket already corked\n");
		err = -EINVAL;
		goto out;
	}
	/* Now cork the socket to pend data. */
	fl4 = &inet->cork.fl.u.ip4;
	fl4->daddr = daddr;
	fl4->saddr = saddr;
	fl4->fl4_dport = dport;
	fl4->fl4_sport = inet->inet_sport;
	WRITE_ONCE(up->pending, AF_INET);

do_append_data:
	ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CORKEDSENDS);
	up->len += ulen;
	err = altudp_ip_append_data(sk, fl4, msg, ulen,
				    sizeof(struct udphdr), &ipc, &rt,
				    corkreq ? msg->msg_flags | MSG_MORE :
					      msg->msg_flags);
	if (err)
		altudp_flush_pending_frames(sk);
	else if (!corkreq)
		err = altudp_push_pending_frames(sk);
	else if (unlikely(skb_queue_empty(&sk->sk_write_queue)))
		WRITE_ONCE(up->pending, 0);
	release_sock(sk);

out:
	ip_rt_put(rt);
out_free:
	if (free)
		kfree(ipc.opt);
	if (!err)
		return len;
	/*
	 * ENOBUFS = no kernel mem, SOCK_NOSPACE = no sndbuf space.  Reporting
	 * ENOBUFS might not be good (it's not tunable per se), but otherwise
	 * we don't have a good statistic (IpOutDiscards but it can be too many
	 * things).  We could add another new stat but at least for now that
	 * seems like overkill.
	 */
	if (err == -ENOBUFS || test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		altudp_udp_inc_stats(sock_net(sk), UDP_MIB_SNDBUFERRORS);
out_stat:
	altudp_count_error(sock_net(sk), err);
	return err;

do_confirm:
	if (msg->msg_flags & MSG_PROBE)
		dst_confirm_neigh(&rt->dst, &fl4->daddr);
	if (!(msg->msg_flags & MSG_PROBE) || len)
		goto back_from_confirm;
	err = 0;
	goto out;
}
