// SPDX-License-Identifier: GPL-2.0
/*
 * IPv6 output: ip6_send_skb() of net/ipv6/ip6_output.c, ip6_local_out()
 * and __ip6_local_out() of net/ipv6/output_core.c, re-walked.  The
 * datagram leaves through netfilter's NF_INET_LOCAL_OUT hook (IPv6) and
 * dst_output(), as the kernel's UDPv6 does.
 */

#include <linux/errqueue.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv6.h>
#include <net/dst.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/l3mdev.h>

#include "altudp.h"
#include "trace.h"

/* __ip6_local_out() + ip6_local_out() */
static int altudp_ip6_local_out(struct net *net, struct sock *sk,
				struct sk_buff *skb)
{
	unsigned int len;
	int err;

	ipv6_set_payload_len(ipv6_hdr(skb), skb->len - sizeof(struct ipv6hdr));
	IP6CB(skb)->nhoff = offsetof(struct ipv6hdr, nexthdr);

	/* if egress device is enslaved to an L3 master device pass the
	 * skb to its handler for processing
	 */
	skb = l3mdev_ip6_out(sk, skb);
	if (unlikely(!skb))
		return 0;

	skb->protocol = htons(ETH_P_IPV6);

	len = skb->len;
	err = nf_hook(NFPROTO_IPV6, NF_INET_LOCAL_OUT, net, sk, skb, NULL,
		      skb_dst_dev(skb), dst_output);
	/* skb may be gone: stolen, dropped or queued */
	trace_altudp_local_out(len, err);
	if (likely(err == 1)) {
		err = dst_output(net, sk, skb);
		trace_altudp_xmit(sk, err);
	} else if (err < 0) {
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_NFDROPS);
	}

	return err;
}

/* ip6_send_skb() */
int altudp_ip6_send_skb(struct sk_buff *skb)
{
	struct net *net = sock_net(skb->sk);
	struct rt6_info *rt = dst_rt6_info(skb_dst(skb));
	int err;

	rcu_read_lock();
	err = altudp_ip6_local_out(net, skb->sk, skb);
	if (err) {
		if (err > 0)
			err = net_xmit_errno(err);
		if (err)
			IP6_INC_STATS(net, rt->rt6i_idev,
				      IPSTATS_MIB_OUTDISCARDS);
	}

	rcu_read_unlock();
	return err;
}

/*
 * ipv6_local_error(), not exported: queue a locally detected error
 * (EMSGSIZE with the path MTU) on an IPV6_RECVERR socket's error queue.
 */
void altudp_ipv6_local_error(struct sock *sk, int err, struct flowi6 *fl6,
			     u32 info)
{
	struct sock_exterr_skb *serr;
	struct ipv6hdr *iph;
	struct sk_buff *skb;

	if (!altudp_inet6_recverr(sk))
		return;

	skb = alloc_skb(sizeof(struct ipv6hdr), GFP_ATOMIC);
	if (!skb)
		return;

	skb->protocol = htons(ETH_P_IPV6);

	skb_put(skb, sizeof(struct ipv6hdr));
	skb_reset_network_header(skb);
	iph = ipv6_hdr(skb);
	iph->daddr = fl6->daddr;
	ip6_flow_hdr(iph, 0, 0);

	serr = SKB_EXT_ERR(skb);
	serr->ee.ee_errno = err;
	serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	serr->ee.ee_type = 0;
	serr->ee.ee_code = 0;
	serr->ee.ee_pad = 0;
	serr->ee.ee_info = info;
	serr->ee.ee_data = 0;
	serr->addr_offset = (u8 *)&iph->daddr - skb_network_header(skb);
	serr->port = fl6->fl6_dport;

	__skb_pull(skb, skb_tail_pointer(skb) - skb->data);
	skb_reset_transport_header(skb);

	if (sock_queue_err_skb(sk, skb))
		kfree_skb(skb);
}
