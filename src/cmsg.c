// SPDX-License-Identifier: GPL-2.0
/*
 * Control messages and IP options of the transmit path.
 *
 * ip_cmsg_send(), ip_options_get() and ip_options_build() are not exported,
 * so the module carries its own copies: net/ipv4/ip_sockglue.c and
 * net/ipv4/ip_options.c.
 */

#include <linux/in.h>
#include <linux/slab.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>

#include "altudp.h"

/* ip_options_get(): a private, compiled copy of user supplied options. */
static int altudp_ip_options_get(struct net *net,
				 struct ip_options_rcu **optp, sockptr_t data,
				 int optlen)
{
	struct ip_options_rcu *opt;

	opt = kzalloc(sizeof(*opt) + ((optlen + 3) & ~3),
		      GFP_KERNEL);
	if (!opt)
		return -ENOMEM;
	if (optlen && copy_from_sockptr(opt->opt.__data, data, optlen)) {
		kfree(opt);
		return -EFAULT;
	}

	while (optlen & 3)
		opt->opt.__data[optlen++] = IPOPT_END;
	opt->opt.optlen = optlen;
	if (optlen && ip_options_compile(net, &opt->opt, NULL)) {
		kfree(opt);
		return -EINVAL;
	}
	if (opt->opt.srr && !ns_capable(net->user_ns, CAP_NET_RAW)) {
		kfree(opt);
		return -EPERM;
	}
	kfree(*optp);
	*optp = opt;
	return 0;
}

/*
 * ip_cmsg_send(), with allow_ipv6 for an AF_INET6 socket's v4-mapped send
 * as udp_sendmsg() passes it.  The caller frees ipc->opt, also on error: a
 * valid IP_RETOPTS followed by a bad cmsg must not leak it.
 */
int altudp_ip_cmsg_send(struct sock *sk, struct msghdr *msg,
			struct ipcm_cookie *ipc)
{
	struct net *net = sock_net(sk);
	struct cmsghdr *cmsg;
	int err, val;

	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (sk->sk_family == AF_INET6 &&
		    cmsg->cmsg_level == SOL_IPV6 &&
		    cmsg->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo *src_info;

			if (cmsg->cmsg_len < CMSG_LEN(sizeof(*src_info)))
				return -EINVAL;
			src_info = (struct in6_pktinfo *)CMSG_DATA(cmsg);
			if (!ipv6_addr_v4mapped(&src_info->ipi6_addr))
				return -EINVAL;
			if (src_info->ipi6_ifindex)
				ipc->oif = src_info->ipi6_ifindex;
			ipc->addr = src_info->ipi6_addr.s6_addr32[3];
			continue;
		}

		if (cmsg->cmsg_level == SOL_SOCKET) {
			err = altudp_sock_cmsg_send(sk, msg, cmsg, &ipc->sockc);
			if (err)
				return err;
			continue;
		}

		if (cmsg->cmsg_level != SOL_IP)
			continue;
		switch (cmsg->cmsg_type) {
		case IP_RETOPTS:
			err = cmsg->cmsg_len - sizeof(struct cmsghdr);

			err = altudp_ip_options_get(net, &ipc->opt,
						    KERNEL_SOCKPTR(CMSG_DATA(cmsg)),
						    err < 40 ? err : 40);
			if (err)
				return err;
			break;
		case IP_PKTINFO:
		{
			struct in_pktinfo *info;

			if (cmsg->cmsg_len != CMSG_LEN(sizeof(struct in_pktinfo)))
				return -EINVAL;
			info = (struct in_pktinfo *)CMSG_DATA(cmsg);
			if (info->ipi_ifindex)
				ipc->oif = info->ipi_ifindex;
			ipc->addr = info->ipi_spec_dst.s_addr;
			break;
		}
		case IP_TTL:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
				return -EINVAL;
			val = *(int *)CMSG_DATA(cmsg);
			if (val < 1 || val > 255)
				return -EINVAL;
			ipc->ttl = val;
			break;
		case IP_TOS:
			if (cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
				val = *(int *)CMSG_DATA(cmsg);
			else if (cmsg->cmsg_len == CMSG_LEN(sizeof(u8)))
				val = *(u8 *)CMSG_DATA(cmsg);
			else
				return -EINVAL;
			if (val < 0 || val > 255)
				return -EINVAL;
			ipc->tos = val;
			altudp_ipc_priority(ipc) = rt_tos2priority(ipc->tos);
			break;
		case IP_PROTOCOL:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
				return -EINVAL;
			val = *(int *)CMSG_DATA(cmsg);
			if (val < 1 || val > 255)
				return -EINVAL;
			ipc->protocol = val;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * ip_rt_get_source() is not exported.  Its input-route branch is never
 * taken here: an altudp datagram always has an output route, whose source
 * is the one in the IP header.
 */
static void altudp_rt_get_source(u8 *addr, struct sk_buff *skb)
{
	memcpy(addr, &ip_hdr(skb)->saddr, 4);
}

/*
 * ip_options_build(): write the cork's options after the IP header and
 * fill in the source route's next hop, record route and timestamp slots.
 */
void altudp_ip_options_build(struct sk_buff *skb, struct ip_options *opt,
			     __be32 daddr, struct rtable *rt)
{
	unsigned char *iph = skb_network_header(skb);

	memcpy(&(IPCB(skb)->opt), opt, sizeof(struct ip_options));
	memcpy(iph + sizeof(struct iphdr), opt->__data, opt->optlen);
	opt = &(IPCB(skb)->opt);

	if (opt->srr)
		memcpy(iph + opt->srr + iph[opt->srr + 1] - 4, &daddr, 4);

	if (opt->rr_needaddr)
		altudp_rt_get_source(iph + opt->rr + iph[opt->rr + 2] - 5, skb);
	if (opt->ts_needaddr)
		altudp_rt_get_source(iph + opt->ts + iph[opt->ts + 2] - 9, skb);
	if (opt->ts_needtime) {
		__be32 midtime;

		midtime = altudp_inet_current_timestamp();
		memcpy(iph + opt->ts + iph[opt->ts + 2] - 5, &midtime, 4);
	}
}
