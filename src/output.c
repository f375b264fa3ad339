// SPDX-License-Identifier: GPL-2.0
/*
 * Output: udp_send_skb() of net/ipv4/udp.c, then ip_send_skb(),
 * ip_local_out() and __ip_local_out() of net/ipv4/ip_output.c, re-walked.
 * The datagram leaves through netfilter's NF_INET_LOCAL_OUT hook and
 * dst_output(), as the kernel's UDP does.
 */

#include <linux/errqueue.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/l3mdev.h>
#include <net/udp.h>
#include <net/xfrm.h>

#include "altudp.h"
#include "trace.h"

/* __ip_local_out() + ip_local_out() */
static int altudp_local_out(struct net *net, struct sock *sk,
			    struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int len = skb->len;
	int err;

	altudp_local_out_count(net);
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);

	/* if egress device is enslaved to an L3 master device pass the
	 * skb to its handler for processing
	 */
	skb = l3mdev_ip_out(sk, skb);
	if (unlikely(!skb))
		return 0;

	skb->protocol = htons(ETH_P_IP);

	err = nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, sk, skb, NULL,
		      skb_dst(skb)->dev, dst_output);
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

/* ip_send_skb() */
static int altudp_ip_send_skb(struct net *net, struct sk_buff *skb)
{
	int err;

	err = altudp_local_out(net, skb->sk, skb);
	if (err) {
		if (err > 0)
			err = net_xmit_errno(err);
		if (err)
			IP_INC_STATS(net, IPSTATS_MIB_OUTDISCARDS);
	}

	return err;
}

/* udp_send_skb(), less UDP-Lite, which an altudp socket never is. */
int altudp_send_skb(struct sk_buff *skb, struct flowi4 *fl4,
		    struct inet_cork *cork)
{
	struct sock *sk = skb->sk;
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct udphdr *uh;
	int err;
	int offset = skb_transport_offset(skb);
	int len = skb->len - offset;
	int datalen = len - sizeof(*uh);
	__wsum csum = 0;

	/* Create a UDP header */
	uh = udp_hdr(skb);
	uh->source = inet->inet_sport;
	uh->dest = fl4->fl4_dport;
	uh->len = htons(len);
	uh->check = 0;

	if (cork->gso_size) {
		const int hlen = skb_network_header_len(skb) +
				 sizeof(struct udphdr);

		err = -EMSGSIZE;
		if (hlen + min(datalen, cork->gso_size) > cork->fragsize)
			goto drop;
		err = -EINVAL;
		if (datalen > cork->gso_size * UDP_MAX_SEGMENTS)
			goto drop;
		if (sk->sk_no_check_tx)
			goto drop;
		err = -EIO;
		if ((ALTUDP_GSO_NEEDS_CSUM_OFFLOAD &&
		     skb->ip_summed != CHECKSUM_PARTIAL) ||
		    dst_xfrm(skb_dst(skb)))
			goto drop;

		if (datalen > cork->gso_size) {
			skb_shinfo(skb)->gso_size = cork->gso_size;
			skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4;
			skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(datalen,
								 cork->gso_size);
			ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_GSOSENDS);
			ALTUDP_SK_ADD_STATS(sk, ALTUDP_MIB_GSOSEGS,
					    skb_shinfo(skb)->gso_segs);

			/* Don't checksum the payload, skb will get segmented */
			goto csum_partial;
		}
		/* 6.1 reaches csum_partial for every GSO skb: it is partial. */
	}

	if (sk->sk_no_check_tx) {			 /* UDP csum off */
		skb->ip_summed = CHECKSUM_NONE;
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMNONE);
		goto send;

	} else if (skb->ip_summed == CHECKSUM_PARTIAL) { /* UDP hardware csum */
csum_partial:
		udp4_hwcsum(skb, fl4->saddr, fl4->daddr);
		ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMHW);
		goto send;
	}

	csum = udp_csum(skb);
	ALTUDP_SK_INC_STATS(sk, ALTUDP_MIB_CSUMSW);

	/* add protocol-dependent pseudo-header: sk_protocol is UDP (main.c) */
	uh->check = csum_tcpudp_magic(fl4->saddr, fl4->daddr, len,
				      IPPROTO_UDP, csum);
	if (uh->check == 0)
		uh->check = CSUM_MANGLED_0;

send:
	trace_altudp_send_skb(skb, uh, datalen);
	err = altudp_ip_send_skb(net, skb);
	if (err) {
		if (err == -ENOBUFS && !altudp_inet_recverr(sk)) {
			altudp_udp_inc_stats(net, UDP_MIB_SNDBUFERRORS);
			err = 0;
		}
	} else {
		altudp_udp_inc_stats(net, UDP_MIB_OUTDATAGRAMS);
		altudp_sk_count_sent(sk, datalen);
	}
	return err;

drop:
	kfree_skb(skb);
	return err;
}

/*
 * ip_local_error(): queue a locally detected error (EMSGSIZE with the MTU)
 * on an IP_RECVERR socket's error queue.
 */
void altudp_local_error(struct sock *sk, int err, __be32 daddr, __be16 port,
			u32 info)
{
	struct sock_exterr_skb *serr;
	struct iphdr *iph;
	struct sk_buff *skb;

	if (!altudp_inet_recverr(sk))
		return;

	skb = alloc_skb(sizeof(struct iphdr), GFP_ATOMIC);
	if (!skb)
		return;

	skb_put(skb, sizeof(struct iphdr));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	iph->daddr = daddr;

	serr = SKB_EXT_ERR(skb);
	serr->ee.ee_errno = err;
	serr->ee.ee_origin = SO_EE_ORIGIN_LOCAL;
	serr->ee.ee_type = 0;
	serr->ee.ee_code = 0;
	serr->ee.ee_pad = 0;
	serr->ee.ee_info = info;
	serr->ee.ee_data = 0;
	serr->addr_offset = (u8 *)&iph->daddr - skb_network_header(skb);
	serr->port = port;

	__skb_pull(skb, skb_tail_pointer(skb) - skb->data);
	skb_reset_transport_header(skb);

	if (sock_queue_err_skb(sk, skb))
		kfree_skb(skb);
}
