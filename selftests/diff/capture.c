// SPDX-License-Identifier: GPL-2.0
/*
 * What a call put on the wire, as the peer's veth received it (AF_PACKET),
 * and what came back to the socket's error queue, into the record.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "diff.h"

unsigned long arp_frames, ns_frames;
struct in_addr arp_target;
struct in6_addr ns_target;
static unsigned int mark_seq;
static unsigned char framebuf[FRAME_MAX];

/*
 * Where an IPv6 packet's upper layer starts: the offset of the header
 * after the hop-by-hop, destination and routing headers and the fragment
 * header, whose offset *frag gets (0 if none); its type in *proto.
 */
static size_t ip6_upper(const unsigned char *ip, size_t len, int *proto,
			size_t *frag)
{
	size_t off = 40;
	int nh = ip[6];

	*frag = 0;
	while (off + 8 <= len) {
		if (nh == IPPROTO_FRAGMENT) {
			*frag = off;
			nh = ip[off];
			off += 8;
			if (ip[off - 6] << 8 | (ip[off - 5] & 0xf8))
				break;	/* a later fragment: no upper header */
		} else if (nh == IPPROTO_HOPOPTS || nh == IPPROTO_DSTOPTS ||
			   nh == IPPROTO_ROUTING) {
			nh = ip[off];
			off += (ip[off + 1] + 1) * 8;
		} else {
			break;
		}
	}
	*proto = nh;
	return off;
}

struct flowstate flow;

/*
 * The IPv6 header's automatic flow label (ip6_make_flowlabel()) is the
 * skb's hash: of the flow and the boot's secret (the same for both runs,
 * compared as it is), unless the socket has a transmit hash, which
 * skb_set_owner_w() gives every skb: a random one from each connect()
 * (sk_set_txhash() in __ip4_datagram_connect() and
 * __ip6_datagram_connect()), which then labels every datagram until the
 * next.  Such a label is kept as the IP id is: 0 for the first one seen
 * after the connect(), fffff for another; a label the caller chose
 * (FLOWLABEL) is compared as it is.
 */
static void normalize_label(unsigned char *ip)
{
	uint32_t label = (ip[1] & 15) << 16 | ip[2] << 8 | ip[3];

	if (!flow.random || !label || label == FLOWLABEL)
		return;
	if (!flow.label)
		flow.label = label;
	label = label == flow.label ? 0 : 0xfffff;
	ip[1] = (ip[1] & 0xf0) | label >> 16;
	ip[2] = label >> 8;
	ip[3] = label;
}

/*
 * An IPv6 fragment's identification: since 5.x a random number for each
 * datagram (ipv6_select_ident()), what a datagram's fragments carry is
 * kept as for the IPv4 id (0: the first fragment's, ffffffff: another).
 */
static void normalize6(unsigned char *ip, size_t len, struct idstate *st)
{
	size_t frag;
	uint32_t id;
	int proto;

	normalize_label(ip);
	ip6_upper(ip, len, &proto, &frag);
	if (!frag)
		return;
	id = (uint32_t)ip[frag + 4] << 24 | ip[frag + 5] << 16 |
	     ip[frag + 6] << 8 | ip[frag + 7];
	if (!((ip[frag + 2] << 8 | ip[frag + 3]) & 0xfff8))
		st->first_id6 = id;
	memset(ip + frag + 4, id == st->first_id6 ? 0 : 0xff, 4);
}

/*
 * The only normalizations of an IPv4 frame (an IPv6 one has its own,
 * normalize6()), both for what the kernel does not make deterministic:
 * - the IP identification.  Fragmented and unconnected datagrams take it
 *   from a hashed per-destination counter that advances by a random amount
 *   with time; connected sockets start from a random inet_id.  What is kept:
 *   each fragment carries the id of its datagram's first fragment (shown as
 *   0, or ffff if not).  The header checksum covers the id: it is verified
 *   (csum=ok|bad in the record) and then zeroed.
 * - the IP timestamp option, whose slots hold the time of day in ms.
 */
static void normalize(unsigned char *f, size_t len, struct idstate *st,
		      int *csum_ok)
{
	unsigned char *ip = f + 14;
	unsigned int ihl, sum = 0;
	uint16_t id, fo;
	int i;

	*csum_ok = -1;
	if (len >= 54 && f[12] == 0x86 && f[13] == 0xdd) {
		normalize6(f + 14, len - 14, st);
		return;
	}
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00)
		return;
	ihl = (ip[0] & 15) * 4;
	if (ihl < 20 || len < 14 + ihl)
		return;
	for (i = 0; i < (int)ihl; i += 2)
		sum += ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	*csum_ok = sum == 0xffff;
	ip[10] = ip[11] = 0;

	id = ip[4] << 8 | ip[5];
	fo = (ip[6] << 8 | ip[7]) & 0x1fff;
	if (!fo)
		st->first_id = id;
	id = fo && id != st->first_id ? 0xffff : 0;
	ip[4] = id >> 8;
	ip[5] = id;

	for (i = 20; i < (int)ihl;) {
		int t = ip[i], l, p, step, j;

		if (t == 0)
			break;
		if (t == 1 || i + 1 >= (int)ihl) {
			i++;
			continue;
		}
		l = ip[i + 1];
		if (l < 2 || i + l > (int)ihl)
			break;
		if (t == 68 && l >= 4) {	/* IPOPT_TS */
			p = ip[i + 2];
			step = (ip[i + 3] & 15) ? 8 : 4;
			for (j = 4; j + step <= l && j + step <= p - 1;
			     j += step)
				memset(ip + i + j + step - 4, 0, 4);
		}
		i += l;
	}
}

static void log_frame(struct log *l, int call, unsigned char *f, size_t len,
		      size_t wire, int pkttype, unsigned int status,
		      struct idstate *st)
{
	int ok;

	normalize(f, len, st, &ok);
	logp(l, "c%d frame len=%zu pkt=%d csum_state=%s%s ipcsum=%s hex=", call,
	     wire, pkttype,
	     status & TP_STATUS_CSUMNOTREADY ? "partial" : "complete",
	     status & TP_STATUS_CSUM_VALID ? ",valid" : "",
	     ok < 0 ? "n/a" : ok ? "ok" : "BAD");
	loghex(l, f, len);
	logp(l, "\n");
}

/* Is this frame the marker with number seq (and is it a marker at all)? */
static int is_marker(const unsigned char *f, size_t len, unsigned int *seq)
{
	const unsigned char *ip = f + 14, *udp;
	unsigned int ihl;

	if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || ip[9] != IPPROTO_UDP)
		return 0;
	ihl = (ip[0] & 15) * 4;
	udp = ip + ihl;
	if (len < 14 + ihl + 12 || (udp[0] << 8 | udp[1]) != MARK_SPORT ||
	    (udp[2] << 8 | udp[3]) != MARK_DPORT)
		return 0;
	memcpy(seq, udp + 8, 4);
	return 1;
}

/*
 * An IPv6 frame of the namespaces' own: neighbour discovery, MLD reports
 * (ICMPv6 informational messages) are not a call's.  A neighbour
 * solicitation is counted, as ARP is.
 */
static int ip6_own(const unsigned char *f, size_t len)
{
	size_t frag, off;
	int proto;

	off = 14 + ip6_upper(f + 14, len - 14, &proto, &frag);
	if (proto != IPPROTO_ICMPV6 || off >= len || f[off] < 128)
		return 0;
	if (f[off] == 135 && off + 24 <= len) {
		ns_frames++;
		memcpy(&ns_target, f + off + 8, 16);
	}
	return 1;
}

/* Read captured frames up to the marker; record the others. */
static int read_frames(struct log *l, int call, unsigned int want,
		       struct idstate *st)
{
	char ctl[256];

	for (;;) {
		struct sockaddr_ll sll;
		struct iovec iov = { framebuf, sizeof(framebuf) };
		struct msghdr m = { &sll, sizeof(sll), &iov, 1, ctl,
				    sizeof(ctl), 0 };
		struct tpacket_auxdata *aux = NULL;
		struct cmsghdr *c;
		struct pollfd p = { cap_fd, POLLIN, 0 };
		unsigned int seq;
		ssize_t n;

		n = recvmsg(cap_fd, &m, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 2000) <= 0)
				return -1;
			continue;
		}
		if (n < 0)
			die("capture: %s", strerror(errno));
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (sll.sll_protocol == htons(ETH_P_ARP) && n >= 42) {
			arp_frames++;
			memcpy(&arp_target, framebuf + 38, 4);
		}
		if (sll.sll_protocol != htons(ETH_P_IP) &&
		    (!ipv6_dests || sll.sll_protocol != htons(ETH_P_IPV6) || n < 54 ||
		     ip6_own(framebuf, n)))
			continue;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_PACKET &&
			    c->cmsg_type == PACKET_AUXDATA)
				aux = (void *)CMSG_DATA(c);
		if (is_marker(framebuf, n, &seq)) {
			if (seq == want)
				return 0;
			continue;
		}
		log_frame(l, call, framebuf, (size_t)n > sizeof(framebuf) ?
			  sizeof(framebuf) : (size_t)n, n, sll.sll_pkttype,
			  aux ? aux->tp_status : 0, st);
	}
}

static void drain(int fd)
{
	while (recv(fd, framebuf, sizeof(framebuf), MSG_DONTWAIT) >= 0)
		;
}

/*
 * Wait until everything the last call put on the wire has been processed:
 * the marker goes after it, and the peer's ICMP error for the marker comes
 * back after its errors for the frames before it.
 */
int sync_marker(struct log *l, int call, struct idstate *st)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(MARK_DPORT) };
	unsigned int seq = ++mark_seq, got;
	char ctl[512];

	inet_pton(AF_INET, NET "2", &to.sin_addr);
	if (sendto(mark_fd, &seq, sizeof(seq), 0, (struct sockaddr *)&to,
		   sizeof(to)) != sizeof(seq))
		return -1;
	for (;;) {
		struct iovec iov = { &got, sizeof(got) };
		struct msghdr m = { NULL, 0, &iov, 1, ctl, sizeof(ctl), 0 };
		struct pollfd p = { mark_fd, POLLERR, 0 };
		ssize_t n = recvmsg(mark_fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);

		if (n < 0 && errno == EAGAIN) {
			if (poll(&p, 1, 2000) <= 0)
				return -1;
			continue;
		}
		if (n == sizeof(got) && got == seq)
			break;
	}
	drain(lis_fd);
	if (lis6_fd >= 0)
		drain(lis6_fd);
	return read_frames(l, call, seq, st);
}

/* Everything in the socket's error queue, time normalized. */
void log_errqueue(struct log *l, int call, int fd)
{
	static unsigned char data[FRAME_MAX];
	char ctl[1024];

	for (;;) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = { NULL, 0, &iov, 1, ctl, sizeof(ctl), 0 };
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT);
		struct idstate st = { 0 };
		int ok;

		if (n < 0) {
			if (errno != EAGAIN)
				logp(l, "c%d errqueue errno=%d\n", call, errno);
			return;
		}
		logp(l, "c%d errqueue len=%zd flags=%#x", call, n, m.msg_flags);
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			unsigned char *d = CMSG_DATA(c);
			size_t dl = c->cmsg_len - CMSG_LEN(0);

			logp(l, " cmsg(%d,%d)", c->cmsg_level, c->cmsg_type);
			if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)) {
				struct sock_extended_err *e = (void *)d;
				struct sockaddr_in *off =
					(void *)SO_EE_OFFENDER(e);
				struct sockaddr_in6 *off6 = (void *)off;
				char a[INET6_ADDRSTRLEN] = "-";

				if (off->sin_family == AF_INET)
					inet_ntop(AF_INET, &off->sin_addr, a, sizeof(a));
				else if (off->sin_family == AF_INET6)
					inet_ntop(AF_INET6, &off6->sin6_addr, a, sizeof(a));
				logp(l, "=errno:%u,origin:%u,type:%u,code:%u,info:%u,data:%u,offender:%s",
				     e->ee_errno, e->ee_origin, e->ee_type,
				     e->ee_code, e->ee_info, e->ee_data, a);
			} else if (c->cmsg_level == SOL_SOCKET &&
				   c->cmsg_type == SO_TIMESTAMPING) {
				struct scm_timestamping *ts = (void *)d;
				int i;

				/* The times themselves are not compared. */
				logp(l, "=");
				for (i = 0; i < 3; i++)
					logp(l, "%c", ts->ts[i].tv_sec ||
					     ts->ts[i].tv_nsec ? 'T' : '0');
			} else {
				logp(l, "=");
				loghex(l, d, dl);
			}
		}
		/* Looped-back packets of timestamps start at the MAC header. */
		normalize(data, n, &st, &ok);
		logp(l, " data=");
		loghex(l, data, n);
		logp(l, "\n");
	}
}
