// SPDX-License-Identifier: GPL-2.0
/*
 * One run of a sequence: its calls on a socket of one protocol, from the
 * same start each time, and the record of what each did.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "diff.h"

/* Why the last run() failed. */
char run_error[64];

/* Frames dropped by the receive backlogs (/proc/net/softnet_stat). */
static unsigned long backlog_drops(void)
{
	FILE *f = fopen("/proc/net/softnet_stat", "r");
	unsigned int processed, dropped;
	unsigned long n = 0;

	if (!f)
		die("/proc/net/softnet_stat: %s", strerror(errno));
	while (fscanf(f, "%x %x%*[^\n]", &processed, &dropped) == 2)
		n += dropped;
	fclose(f);
	return n;
}

/* ICMPv6 "packet too big" errors sent (to the sender itself). */
static long long too_big;

/*
 * The Ip6 and Udp6 lines of /proc/net/snmp6 ("name value" a line), or with
 * ALTUDP_DIFF_SNMP_ALL all of them, after those of snmp.
 */
static void read_snmp6(long long *v, int *nv, char names[][48])
{
	int all = !!getenv("ALTUDP_DIFF_SNMP_ALL");
	FILE *f = fopen("/proc/net/snmp6", "r");
	char name[48];
	long long x;

	if (!f)
		die("/proc/net/snmp6: %s", strerror(errno));
	while (fscanf(f, "%47s %lld", name, &x) == 2 && *nv < 256) {
		if (!strcmp(name, "Icmp6OutPktTooBigs"))
			too_big = x;
		if (all || !strncmp(name, "Ip6", 3) || !strncmp(name, "Udp6", 4)) {
			snprintf(names[*nv], 48, "%s", name);
			v[(*nv)++] = x;
		}
	}
	fclose(f);
}

static void read_snmp(long long *v, int *nv, char names[][48])
{
	char hdr[2048], val[2048];
	FILE *f = fopen("/proc/net/snmp", "r");

	*nv = 0;
	if (!f)
		die("/proc/net/snmp: %s", strerror(errno));
	while (fgets(hdr, sizeof(hdr), f) && fgets(val, sizeof(val), f)) {
		char *sh, *sv, *h, *x, *y;

		char *pfx = getenv("ALTUDP_DIFF_SNMP_ALL") ? "" : "Ip: Udp: ";

		h = strtok_r(hdr, " \n", &sh);
		if (*pfx && (!h || !strstr(pfx, h)))
			continue;
		strtok_r(val, " \n", &sv);
		while ((x = strtok_r(NULL, " \n", &sh)) &&
		       (y = strtok_r(NULL, " \n", &sv)) && *nv < 128) {
			snprintf(names[*nv], 48, "%.*s.%s", (int)strlen(h) - 1,
				 h, x);
			v[(*nv)++] = atoll(y);
		}
	}
	fclose(f);
	if (ipv6_dests)
		read_snmp6(v, nv, names);
}

int family = AF_INET;

/*
 * o's destination as an IPv4 sockaddr, or with family AF_INET6 an IPv6
 * one: v4-mapped for an IPv4 destination, the scope veth-a's for a
 * link-local one (NM_INET6, the wrong family, is then AF_INET); nmode
 * breaks it.
 */
static void make_addr(const struct op *o, struct sockaddr_storage *ss,
		      socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int dest = o->dest, nmode = o->nmode;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(dests[dest].port);
		if (IS_D6(dest)) {
			inet_pton(AF_INET6, dests[dest].addr, &sin6->sin6_addr);
			if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) ||
			    IN6_IS_ADDR_MC_LINKLOCAL(&sin6->sin6_addr))
				sin6->sin6_scope_id = ifindex_a;
			sin6->sin6_flowinfo = htonl(o->flowinfo);
		} else {
			sin6->sin6_addr.s6_addr[10] = 0xff;
			sin6->sin6_addr.s6_addr[11] = 0xff;
			inet_pton(AF_INET, dests[dest].addr,
				  &sin6->sin6_addr.s6_addr[12]);
		}
		*len = sizeof(*sin6);
		switch (nmode) {
		case NM_SHORT:
			*len = 8;
			break;
		case NM_INET6:
			sin6->sin6_family = AF_INET;
			break;
		case NM_UNSPEC:
			sin6->sin6_family = AF_UNSPEC;
			break;
		case NM_PORT0:
			sin6->sin6_port = 0;
			break;
		}
		return;
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(dests[dest].port);
	inet_pton(AF_INET, dests[dest].addr, &sin->sin_addr);
	*len = sizeof(*sin);
	switch (nmode) {
	case NM_SHORT:
		*len = 8;
		break;
	case NM_INET6:
		sin->sin_family = AF_INET6;
		break;
	case NM_UNSPEC:
		sin->sin_family = AF_UNSPEC;
		break;
	case NM_PORT0:
		sin->sin_port = 0;
		break;
	}
}

static int open_sock(int proto)
{
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_port = htons(SPORT) };
	int fd = socket(family, SOCK_DGRAM, proto);

	/*
	 * A fixed source port so that the frames can be equal; a send
	 * timeout so that a send that waits for buffer space that nothing
	 * frees (a cork past SO_SNDBUF) ends with EAGAIN in both runs.
	 */
	if (fd < 0 || (family == AF_INET6 ?
		       bind(fd, (struct sockaddr *)&any6, sizeof(any6)) :
		       sock_bind(fd, NULL, SPORT)) || sock_set_sndtimeo(fd, 20000))
		die("socket(%d, %d): %s", family, proto, strerror(errno));
	return fd;
}

static ssize_t do_send(int fd, const struct op *o)
{
	union {
		char buf[512];
		struct cmsghdr align;
	} ctl;
	struct sockaddr_storage sin;
	struct iovec iov[4];
	struct msghdr m;
	struct cmsghdr *c;
	socklen_t nl;
	int i, left = o->size, clen = 0;
	unsigned char *p = payload + o->off;

	memset(&m, 0, sizeof(m));
	memset(&ctl, 0, sizeof(ctl));
	if (o->dest != D_NONE) {
		make_addr(o, &sin, &nl);
		m.msg_name = &sin;
		m.msg_namelen = nl;
	}
	for (i = 0; i < o->niov; i++) {
		int n = i == o->niov - 1 ? left : left / (o->niov - i) / (i + 1);

		iov[i].iov_base = p;
		iov[i].iov_len = n;
		p += n;
		left -= n;
	}
	m.msg_iov = iov;
	m.msg_iovlen = o->niov;
	for (i = 0; i < o->ncm; i++) {
		c = (struct cmsghdr *)(ctl.buf + clen);
		c->cmsg_level = o->cm[i].level;
		c->cmsg_type = o->cm[i].type;
		c->cmsg_len = CMSG_LEN(o->cm[i].len);
		memcpy(CMSG_DATA(c), o->cm[i].data, o->cm[i].len);
		clen += CMSG_SPACE(o->cm[i].len);
	}
	if (clen || o->cbmode) {
		m.msg_control = ctl.buf;
		m.msg_controllen = clen;
	}
	c = (struct cmsghdr *)ctl.buf;
	switch (o->cbmode) {
	case CB_SMALL_LEN:
		if (!clen)
			m.msg_controllen = clen = CMSG_SPACE(4);
		c->cmsg_len = sizeof(*c) - 1;
		break;
	case CB_BIG_LEN:
		if (!clen)
			m.msg_controllen = clen = CMSG_SPACE(4);
		c->cmsg_len = clen + 8;
		break;
	case CB_SHORT_BUF:
		m.msg_controllen = 4;
		break;
	case CB_NULL_BUF:
		m.msg_control = NULL;
		m.msg_controllen = sizeof(ctl.buf) / 2;
		break;
	}
	return sendmsg(fd, &m, o->flags | MSG_NOSIGNAL);
}

static ssize_t do_splice(int fd, int *pipefd, const struct op *o)
{
	ssize_t n = write(pipefd[1], payload + o->off, o->size);

	if (n < 0)
		return n;
	return splice(pipefd[0], NULL, fd, NULL, o->size, o->flags);
}

int run(const struct seq *s, int proto, struct log *l)
{
	long long before[256], after[256], too_big0;
	unsigned long ns0;
	char names[256][48], bnames[256][48];
	int fd, nb, na, i, pipefd[2], rc = 0, psz = 1 << 20;
	struct idstate st = { 0 };
	int want[NFEAT];
	unsigned long drops;

	l->len = 0;
	if (l->buf)
		l->buf[0] = 0;
	/* The same start: device settings, empty queues. */
	for (i = 0; i < NFEAT; i++)
		want[i] = feat_init[i];
	if (set_mtu(IF_A, 1500) || features_set(want) < 0)
		die("resetting %s: %s", IF_A, strerror(errno));
	if (sync_marker(l, -1, &st))
		die("the marker did not come back before the run");
	for (i = 0; i < s->nops && !net_changed; i++)
		net_changed = s->ops[i].kind == K_NET;
	if (net_changed)
		reset_net();
	reset_routes();
	l->len = 0;
	if (pipe2(pipefd, 0) || fcntl(pipefd[1], F_SETFL, O_NONBLOCK) ||
	    fcntl(pipefd[1], F_SETPIPE_SZ, psz) < 0)
		die("pipe: %s", strerror(errno));

	read_snmp(before, &nb, bnames);
	too_big0 = too_big;
	ns0 = ns_frames;
	drops = backlog_drops();
	fd = open_sock(proto);
	flow = (struct flowstate){ 0 };
	for (i = 0; i < s->nops; i++) {
		const struct op *o = &s->ops[i];
		struct sockaddr_storage sin;
		unsigned char val[64];
		socklen_t len = 0;
		char d[1024];
		ssize_t ret = 0;
		struct pollfd p = { fd, POLLIN | POLLOUT, 0 };
		int outq = -1, want1[NFEAT], j, err;

		errno = 0;
		switch (o->kind) {
		case K_SEND:
			ret = do_send(fd, o);
			break;
		case K_SPLICE:
			ret = do_splice(fd, pipefd, o);
			break;
		case K_SETOPT:
			ret = setsockopt(fd, o->level, o->name, o->val,
					 o->optlen);
			break;
		case K_GETOPT:
			len = o->optlen;
			memset(val, 0, sizeof(val));
			ret = getsockopt(fd, o->level, o->name, val, &len);
			break;
		case K_CONNECT:
			make_addr(o, &sin, &len);
			ret = connect(fd, (struct sockaddr *)&sin, len);
			if (!ret)
				flow = (struct flowstate){ .random = 1 };
			break;
		case K_DISCONNECT:
			memset(&sin, 0, sizeof(sin));
			sin.ss_family = AF_UNSPEC;
			ret = connect(fd, (struct sockaddr *)&sin,
				      family == AF_INET6 ? sizeof(struct sockaddr_in6) :
							   sizeof(struct sockaddr_in));
			break;
		case K_MTU:
			ret = set_mtu(IF_A, o->arg);
			break;
		case K_FEATURE:
			for (j = 0; j < NFEAT; j++)
				want1[j] = j == o->arg ? o->arg2 : -1;
			ret = features_set(want1);
			break;
		case K_NET:
			ret = net_change(o->arg);
			break;
		case K_REOPEN:
			close(fd);
			fd = open_sock(proto);
			flow = (struct flowstate){ 0 };
			p.fd = fd;
			break;
		}
		err = ret < 0 ? errno : 0;
		describe(o, d, sizeof(d));
		logp(l, "c%d %s: ret=%zd errno=%d", i, d, ret, err);
		if (o->kind == K_GETOPT && ret == 0) {
			logp(l, " optlen=%u val=", len);
			loghex(l, val, len < sizeof(val) ? len : sizeof(val));
		}
		logp(l, "\n");
		if (sync_marker(l, i, &st)) {
			logp(l, "c%d RUNNER ERROR: the marker did not come back\n",
			     i);
			rc = -1;
			break;
		}
		poll(&p, 1, 0);
		ioctl(fd, SIOCOUTQ, &outq);
		logp(l, "c%d after: poll=%#x outq=%d\n", i, p.revents, outq);
		log_errqueue(l, i, fd);
	}
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
	if (!rc && sync_marker(l, s->nops, &st))
		rc = -1;
	snprintf(run_error, sizeof(run_error),
		 "the marker datagram did not come back");
	drops = backlog_drops() - drops;
	if (drops) {
		snprintf(run_error, sizeof(run_error),
			 "%lu frames dropped by a receive backlog", drops);
		logp(l, "RUNNER ERROR: %s\n", run_error);
		rc = -1;
	}
	read_snmp(after, &na, names);
	/* What the next run must not inherit (reset_routes()) */
	if (too_big != too_big0 || ns_frames != ns0)
		ipv6_learnt = 1;
	/* By name: a line may gain columns (IcmpMsg) as the run goes. */
	for (i = 0; i < na; i++) {
		long long b0 = 0;
		int j;

		for (j = 0; j < nb; j++)
			if (!strcmp(names[i], bnames[j]))
				b0 = before[j];
		logp(l, "snmp %s %lld\n", names[i], after[i] - b0);
	}
	return rc;
}
