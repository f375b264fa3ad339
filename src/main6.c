// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv6 altudp socket:
 *
 *	socket(AF_INET6, SOCK_DGRAM, IPPROTO_ALTUDP)
 *
 * Its struct proto is a copy of the kernel's udpv6_prot, which is not
 * exported: it is read at load from a private kernel UDPv6 socket, with
 * the socket operations (inet6_dgram_ops, not exported either).  What
 * sends is replaced, as for IPv4: sendmsg, the UDP_CORK push of
 * setsockopt and splice_eof.  IPV6_ADDRFORM, which makes the socket an
 * IPv4 one, gives it the module's IPv4 proto, not the kernel's udp_prot.
 * In a BPF socket map it has altudp6_bpf_prot, as main.c's IPv4 socket.
 */

#include <linux/in6.h>
#include <linux/ipv6.h>
#include <linux/net.h>
#include <linux/skmsg.h>
#include <linux/udp.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/udp.h>

#include "altudp.h"

static struct proto altudp6_prot;
/* altudp6_prot for a socket in a BPF socket map */
static struct proto altudp6_bpf_prot;
/* The kernel's udpv6_prot, and the IPv4 proto ADDRFORM switches to */
static const struct proto *altudp_udpv6_prot;
static struct proto *altudp6_prot4;

/* The socket is UDP to the rest of the kernel (see altudp_init_sock()). */
static int altudp6_init_sock(struct sock *sk)
{
	altudp_sock_init(sk);
	return altudp_udpv6_prot->init(sk);
}

/*
 * udpv6_destroy_sock(): pending frames are freed by the module's flush,
 * the socket marked dead first as there; the rest (encapsulation) is
 * the kernel's.
 */
static void altudp6_destroy_sock(struct sock *sk)
{
	lock_sock(sk);
	sock_set_flag(sk, SOCK_DEAD);
	altudp_udp_v6_flush_pending_frames(sk);
	release_sock(sk);
	/* filled by v4-mapped sends, which take the IPv4 path */
	altudp_rcache_release(sk);
	altudp_udpv6_prot->destroy(sk);
}

#ifdef CONFIG_BPF_SYSCALL
/* udp_bpf_update_proto() for AF_INET6 sockets, with the module's proto */
static int altudp6_bpf_update_proto(struct sock *sk, struct sk_psock *psock,
				    bool restore)
{
	return altudp_bpf_replace_proto(sk, psock, restore, &altudp6_bpf_prot);
}

/*
 * The kernel's IPV6_ADDRFORM gives a socket in a socket map udp_prot too,
 * leaving a psock whose proto to restore is the IPv6 one: its reads no
 * longer go through the psock, nor its close through sock_map_close(),
 * and a delete puts the IPv6 proto back on an IPv4 socket.  An altudp
 * socket is made what an IPv4 one in the map is: the psock restores the
 * module's IPv4 proto, which is swapped for its map proto as an insert
 * does.  sk_callback_lock orders this with the psock's drop.
 */
static void altudp6_addrform_proto(struct sock *sk)
{
	struct sk_psock *psock;

	write_lock_bh(&sk->sk_callback_lock);
	rcu_read_lock();
	psock = sk_psock(sk);
	if (psock) {
		psock->sk_proto = altudp6_prot4;
		psock->psock_update_sk_prot = altudp6_prot4->psock_update_sk_prot;
		psock->psock_update_sk_prot(sk, psock, false);
	} else {
		/* Paired with READ_ONCE(sk->sk_prot) in inet_dgram_ops */
		WRITE_ONCE(sk->sk_prot, altudp6_prot4);
	}
	rcu_read_unlock();
	write_unlock_bh(&sk->sk_callback_lock);
}
#else
static void altudp6_addrform_proto(struct sock *sk)
{
	/* Paired with READ_ONCE(sk->sk_prot) in inet_dgram_ops */
	WRITE_ONCE(sk->sk_prot, altudp6_prot4);
}
#endif

/*
 * IPV6_ADDRFORM to PF_INET: do_ipv6_setsockopt() checks the socket
 * (EINVAL, EBUSY with a pending IPv6 datagram, ENOTCONN, EADDRNOTAVAIL),
 * leaves its IPv6 multicast and anycast groups, frees its IPv6 options and
 * makes it an IPv4 socket with udp_prot, as it does for any socket whose
 * sk_protocol is UDP.  The groups' helpers are not exported, so the
 * kernel does all of it, and the proto is then the module's IPv4 one,
 * moving the socket's count in /proc/net/protocols along.
 */
static int altudp6_addrform(struct sock *sk, int level, int optname,
			    sockptr_t optval, unsigned int optlen)
{
	int err;

	err = altudp_udpv6_prot->setsockopt(sk, level, optname, optval, optlen);
	if (err || READ_ONCE(sk->sk_prot) != &udp_prot)
		return err;

	lock_sock(sk);
	sock_prot_inuse_add(sock_net(sk), &udp_prot, -1);
	sock_prot_inuse_add(sock_net(sk), altudp6_prot4, 1);
	altudp6_addrform_proto(sk);
	release_sock(sk);
	return 0;
}

/* udpv6_setsockopt(): clearing UDP_CORK pushes through the module. */
static int altudp6_setsockopt(struct sock *sk, int level, int optname,
			      sockptr_t optval, unsigned int optlen)
{
	if (altudp_udp_sockopt_level(level))
		return altudp_udp_lib_setsockopt(sk, level, optname, optval,
						 optlen,
						 altudp_udp_v6_push_pending_frames);
	if (level == SOL_IPV6 && optname == IPV6_ADDRFORM)
		return altudp6_addrform(sk, level, optname, optval, optlen);
	return ipv6_setsockopt(sk, level, optname, optval, optlen);
}

/* udpv6_splice_eof() */
static void altudp6_splice_eof(struct socket *sock)
{
	struct sock *sk = sock->sk;
	struct udp_sock *up = udp_sk(sk);

	if (!READ_ONCE(up->pending) || udp_test_bit(CORK, sk))
		return;

	lock_sock(sk);
	if (up->pending && !udp_test_bit(CORK, sk))
		altudp_udp_v6_push_pending_frames(sk);
	release_sock(sk);
}

static struct inet_protosw altudp6_protosw = {
	.type		= SOCK_DGRAM,
	.prot		= &altudp6_prot,
};

/*
 * udpv6_prot and inet6_dgram_ops, from a kernel UDPv6 socket that no
 * other code can reach: both outlive it (the kernel's own, static).
 */
static int altudp6_read_kernel_proto(void)
{
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, PF_INET6, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return err;
	altudp_udpv6_prot = READ_ONCE(sock->sk->sk_prot);
	altudp6_protosw.ops = sock->ops;
	sock_release(sock);
	return 0;
}

static bool altudp6_registered;

/* Without IPv6 (ipv6.disable=1) the module gives IPv4 sockets only. */
int altudp6_init(int protocol, struct proto *prot4)
{
	int err;

	err = altudp6_read_kernel_proto();
	if (err == -EAFNOSUPPORT) {
		pr_info("no IPv6 in this kernel: IPv4 sockets only\n");
		return 0;
	}
	if (err)
		return err;

	altudp6_prot4 = prot4;
	altudp6_prot = *altudp_udpv6_prot;
	strscpy(altudp6_prot.name, "ALTUDPv6", sizeof(altudp6_prot.name));
	altudp6_prot.owner	= THIS_MODULE;
	altudp6_prot.obj_size	= sizeof(struct altudp6_sock);
#ifdef COMPAT_HAVE_PROTO_IPV6_PINFO_OFFSET
	altudp6_prot.ipv6_pinfo_offset = offsetof(struct altudp6_sock, inet6);
#endif
	altudp6_prot.init	= altudp6_init_sock;
	altudp6_prot.destroy	= altudp6_destroy_sock;
	altudp6_prot.setsockopt	= altudp6_setsockopt;
	altudp6_prot.sendmsg	= altudp_udpv6_sendmsg;
	altudp6_prot.splice_eof	= altudp6_splice_eof;
#ifdef CONFIG_BPF_SYSCALL
	altudp6_prot.psock_update_sk_prot = altudp6_bpf_update_proto;
#endif

	err = proto_register(&altudp6_prot, 1);
	if (err)
		return err;

	/* altudp6_prot complete and registered: the socket map's copy of it */
	err = altudp_bpf_build_proto(&altudp6_bpf_prot, &altudp6_prot,
				     PF_INET6);
	if (err)
		goto err_proto;

	altudp6_protosw.protocol = protocol;
	err = inet6_register_protosw(&altudp6_protosw);
	if (err)
		goto err_proto;
	altudp6_registered = true;
	return 0;

err_proto:
	proto_unregister(&altudp6_prot);
	return err;
}

void altudp6_exit(void)
{
	if (!altudp6_registered)
		return;
	/* synchronize_net(): no socket() still in inet6_create() with it */
	inet6_unregister_protosw(&altudp6_protosw);
	proto_unregister(&altudp6_prot);
}
