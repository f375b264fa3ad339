// SPDX-License-Identifier: GPL-2.0
/*
 * altudp: an alternate IPv4 UDP socket whose transmit path is the module's.
 *
 *	socket(AF_INET, SOCK_DGRAM, IPPROTO_ALTUDP)
 *
 * (main6.c registers the IPv6 one.)
 *
 * The struct proto is a copy of the kernel's udp_prot, so binding, hashing,
 * reception, ICMP errors, poll and diag are the kernel's UDP.  What sends
 * is replaced: sendmsg, the UDP_CORK push of setsockopt, sendpage and
 * splice_eof all go through the module's path, in a BPF socket map too.
 */

#include <linux/bvec.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/net.h>
#include <linux/skmsg.h>
#include <linux/uio.h>
#include <linux/udp.h>
#include <net/inet_common.h>
#include <net/protocol.h>
#include <net/udp.h>
#include <uapi/linux/altudp.h>

#include "altudp.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static int protocol = IPPROTO_ALTUDP;

static int altudp_set_protocol(const char *val, const struct kernel_param *kp)
{
	int n, err;

	err = kstrtoint(val, 0, &n);
	if (err)
		return err;
	/*
	 * Above any IP protocol number and IPPROTO_SMC (256, not in every
	 * series' headers), below IPPROTO_MAX for inet_create(), and not
	 * IPPROTO_MPTCP: 257 to 261.
	 */
	if (n <= 256 || n >= IPPROTO_MAX || n == IPPROTO_MPTCP)
		return -EINVAL;
	return param_set_int(val, kp);
}

static const struct kernel_param_ops altudp_protocol_ops = {
	.set = altudp_set_protocol,
	.get = param_get_int,
};
module_param_cb(protocol, &altudp_protocol_ops, &protocol, 0444);
MODULE_PARM_DESC(protocol, "socket() protocol number of altudp sockets (default "
		 __stringify(IPPROTO_ALTUDP) ")");

static struct proto altudp_prot;
/* altudp_prot for a socket in a BPF socket map */
static struct proto altudp_bpf_prot;

/*
 * The socket is UDP everywhere but in its transmit path.  inet_create()
 * stored the socket() protocol number in sk_protocol; the kernel's checks
 * for UDP (SO_ZEROCOPY in sock_setsockopt(), sk_is_udp(), the protocol of
 * the flow and of the IP header) read it, so it becomes IPPROTO_UDP.
 */
void altudp_sock_init(struct sock *sk)
{
	struct altudp_sock *as = altudp_sk(sk);

	as->mib = altudp_mib(sock_net(sk));
	memset(&as->rcache, 0, sizeof(as->rcache));
	sk->sk_protocol = IPPROTO_UDP;
}

static int altudp_init_sock(struct sock *sk)
{
	altudp_sock_init(sk);
	return udp_prot.init(sk);
}

/*
 * udp_destroy_sock(): pending frames are freed by the module's flush.  The
 * socket is marked dead first, as there, so that freeing a zerocopy frame
 * queues no notification on a socket being closed.
 */
static void altudp_destroy_sock(struct sock *sk)
{
	bool slow = lock_sock_fast(sk);

	sock_set_flag(sk, SOCK_DEAD);
	/*
	 * Not udp_flush_pending_frames() as in udp_destroy_sock(): a socket
	 * that IPV6_ADDRFORM made IPv4 while another thread was in
	 * altudp_udpv6_sendmsg() past its checks can hold an IPv6 datagram,
	 * whose cork may have IPv6 options that an IPv4 flush would leak, as
	 * the kernel's does.  The IPv6 flush frees the datagram of either
	 * family as its own.
	 */
	altudp_udp_v6_flush_pending_frames(sk);
	unlock_sock_fast(sk, slow);
	altudp_rcache_release(sk);
	udp_prot.destroy(sk);
}

/*
 * udp_push_pending_frames() of an IPv4 socket.  Differs from the kernel:
 * a socket that IPV6_ADDRFORM made IPv4 while another thread was in
 * altudp_udpv6_sendmsg() past its checks can hold a corked IPv6 datagram
 * (see altudp_destroy_sock()).  The kernel's udp_push_pending_frames()
 * builds that one as IPv4 and frees its cork but not the IPv6 options
 * there, which leak; here it is sent as the IPv6 datagram it is.
 */
static int altudp_push_pending(struct sock *sk)
{
	if (unlikely(udp_sk(sk)->pending == AF_INET6))
		return altudp_udp_v6_push_pending_frames(sk);
	return altudp_push_pending_frames(sk);
}

/* udp_setsockopt(): clearing UDP_CORK pushes through the module. */
static int altudp_setsockopt(struct sock *sk, int level, int optname,
			     sockptr_t optval, unsigned int optlen)
{
	if (altudp_udp_sockopt_level(level))
		return altudp_udp_lib_setsockopt(sk, level, optname, optval,
						 optlen, altudp_push_pending);
	return ip_setsockopt(sk, level, optname, optval, optlen);
}

/* udp_getsockopt() */
static int altudp_getsockopt(struct sock *sk, int level, int optname,
			     char __user *optval, int __user *optlen)
{
	if (level == SOL_UDP || level == SOL_UDPLITE)
		return altudp_udp_lib_getsockopt(sk, level, optname, optval,
						 optlen);
	return ip_getsockopt(sk, level, optname, optval, optlen);
}

/* udp_splice_eof(): the end of a splice pushes a pending datagram. */
static void altudp_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct udp_sock *up = udp_sk(sk);

	if (!READ_ONCE(up->pending) || udp_test_bit(CORK, sk))
		return;

	lock_sock(sk);
	if (up->pending && !udp_test_bit(CORK, sk))
		altudp_push_pending(sk);
	release_sock(sk);
}

#ifdef COMPAT_HAVE_PROTO_SENDPAGE
/* udp_sendpage() of kernels that still have ->sendpage. */
static int altudp_sendpage(struct sock *sk, struct page *page, int offset,
			   size_t size, int flags)
{
	struct bio_vec bvec;
	struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

	if (flags & MSG_SENDPAGE_NOTLAST)
		msg.msg_flags |= MSG_MORE;

	bvec_set_page(&bvec, page, size, offset);
	iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &bvec, 1, size);
	return altudp_sendmsg(sk, &msg, size);
}
#endif

#ifdef CONFIG_BPF_SYSCALL
/*
 * A socket in a BPF socket map (SOCKMAP, SOCKHASH) reads through its
 * psock: the map's insert swaps its proto for one whose receive side is
 * the psock's.  The kernel's (udp_bpf.c) is a copy of udp_prot or
 * udpv6_prot, with the kernel's transmit path; an altudp socket gets
 * altudp_bpf_prot (main6.c: altudp6_bpf_prot) instead, the module's proto
 * with that receive side.
 */

/*
 * udp_bpf_rebuild_protos(): the members it sets (close, recvmsg,
 * sock_is_readable, and ioctl since 6.5; 6.1's ioctl is the base's), taken
 * from the kernel's proto, which altudp_bpf_build_proto() reads, onto a
 * copy of the module's.
 */
static void altudp_bpf_rebuild_protos(struct proto *prot,
				      const struct proto *altudp,
				      const struct proto *base)
{
	*prot			= *altudp;
	prot->close		= base->close;
	prot->recvmsg		= base->recvmsg;
	prot->sock_is_readable	= base->sock_is_readable;
	prot->ioctl		= base->ioctl;
}

/* udp_bpf_update_proto(), with the module's proto for maps of one family */
int altudp_bpf_replace_proto(struct sock *sk, struct sk_psock *psock,
			     bool restore, struct proto *bpf_prot)
{
	if (restore) {
		WRITE_ONCE(sk->sk_write_space, psock->saved_write_space);
		sock_replace_proto(sk, psock->sk_proto);
		return 0;
	}

	sock_replace_proto(sk, bpf_prot);
	return 0;
}

static int altudp_bpf_update_proto(struct sock *sk, struct sk_psock *psock,
				   bool restore)
{
	return altudp_bpf_replace_proto(sk, psock, restore, &altudp_bpf_prot);
}

/*
 * The kernel's socket map protos for UDP are static in udp_bpf.c, and so
 * are their recvmsg and ioctl: a private kernel UDP socket of the family
 * goes through what a map insert does to it (a psock, then its proto's
 * psock_update_sk_prot()), the proto it then has is copied, and dropping
 * the psock puts the kernel's UDP proto back.  No other code can reach
 * that socket.  prot must be complete and registered: the copy keeps its
 * members, and its inuse_idx counts the socket in its own protocol.
 */
int altudp_bpf_build_proto(struct proto *bpf_prot, const struct proto *prot,
			   int family)
{
	struct sk_psock *psock;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, family, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;

	psock = sk_psock_init(sock->sk, NUMA_NO_NODE);
	if (IS_ERR(psock)) {
		err = PTR_ERR(psock);
		goto out;
	}
	psock->psock_update_sk_prot = sock->sk->sk_prot->psock_update_sk_prot;
	err = psock->psock_update_sk_prot(sock->sk, psock, false);
	if (!err)
		altudp_bpf_rebuild_protos(bpf_prot, prot,
					  READ_ONCE(sock->sk->sk_prot));
	sk_psock_put(sock->sk, psock);
out:
	sock_release(sock);
	return err;
}
#endif

static struct inet_protosw altudp_protosw = {
	.type		= SOCK_DGRAM,
	.prot		= &altudp_prot,
	.ops		= &inet_dgram_ops,
};

static int __init altudp_init(void)
{
	int err;

	altudp_prot = udp_prot;
	strscpy(altudp_prot.name, "ALTUDP", sizeof(altudp_prot.name));
	altudp_prot.obj_size	= sizeof(struct altudp_sock);
	altudp_prot.owner	= THIS_MODULE;
	altudp_prot.init	= altudp_init_sock;
	altudp_prot.destroy	= altudp_destroy_sock;
	altudp_prot.setsockopt	= altudp_setsockopt;
	altudp_prot.getsockopt	= altudp_getsockopt;
	altudp_prot.sendmsg	= altudp_sendmsg;
	altudp_prot.splice_eof	= altudp_splice_eof;
#ifdef COMPAT_HAVE_PROTO_SENDPAGE
	altudp_prot.sendpage	= altudp_sendpage;
#endif
#ifdef CONFIG_BPF_SYSCALL
	altudp_prot.psock_update_sk_prot = altudp_bpf_update_proto;
#endif

	err = altudp_stats_init();
	if (err)
		return err;

	err = proto_register(&altudp_prot, 1);
	if (err)
		goto err_stats;

	/* altudp_prot complete and registered: the socket map's copy of it */
	err = altudp_bpf_build_proto(&altudp_bpf_prot, &altudp_prot, PF_INET);
	if (err)
		goto err_proto;

	err = altudp6_init(protocol, &altudp_prot);
	if (err)
		goto err_proto;

	altudp_protosw.protocol = protocol;
	inet_register_protosw(&altudp_protosw);

	pr_info("UDP over socket protocol %d\n", protocol);
	return 0;

err_proto:
	proto_unregister(&altudp_prot);
err_stats:
	altudp_stats_exit();
	return err;
}

static void __exit altudp_exit(void)
{
	inet_unregister_protosw(&altudp_protosw);
	altudp6_exit();
	proto_unregister(&altudp_prot);
	altudp_stats_exit();
}

module_init(altudp_init);
module_exit(altudp_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPv4 and IPv6 UDP sockets with their own transmit path");
MODULE_AUTHOR("The altudp authors");
MODULE_VERSION(ALTUDP_VERSION);
/* A literal type: the alias macro stringifies its arguments. */
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_ALTUDP, 2 /* SOCK_DGRAM */);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_ALTUDP, 2 /* SOCK_DGRAM */);
