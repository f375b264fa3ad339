// SPDX-License-Identifier: GPL-2.0
/*
 * Socket and namespace helpers of the C test programs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "altudp_test.h"

int sock_set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

int sock_bind(int fd, const char *addr, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	struct sockaddr_in6 sin6 = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(port),
	};

	if (addr && strchr(addr, ':')) {
		if (inet_pton(AF_INET6, addr, &sin6.sin6_addr) != 1)
			return -1;
		return bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	if (addr && inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return -1;
	return bind(fd, (struct sockaddr *)&sin, sizeof(sin));
}

int sock_set_sndtimeo(int fd, long usec)
{
	struct timeval tv = { usec / 1000000, usec % 1000000 };

	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int enter_netns(const char *ns)
{
	char path[128];
	int fd, ret;

	if (!strchr(ns, '/')) {
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		ns = path;
	}
	fd = open(ns, O_RDONLY);
	if (fd < 0)
		return -1;
	ret = setns(fd, CLONE_NEWNET);
	close(fd);
	return ret;
}

/* How many sends the zerocopy completions of one error message cover. */
static unsigned long zc_ids(struct msghdr *msg)
{
	struct sock_extended_err *ee;
	struct cmsghdr *cm;
	unsigned long ids = 0;

	for (cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if ((cm->cmsg_level != SOL_IP || cm->cmsg_type != IP_RECVERR) &&
		    (cm->cmsg_level != SOL_IPV6 || cm->cmsg_type != IPV6_RECVERR))
			continue;
		ee = (struct sock_extended_err *)CMSG_DATA(cm);
		/* a completion holds the range of send ids info..data */
		if (ee->ee_origin == SO_EE_ORIGIN_ZEROCOPY && !ee->ee_errno)
			ids += ee->ee_data - ee->ee_info + 1;
	}
	return ids;
}

unsigned long zc_reap(int fd)
{
	char control[128];
	struct msghdr msg = {
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	unsigned long ids = 0;

	while (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) >= 0) {
		ids += zc_ids(&msg);
		msg.msg_controllen = sizeof(control);
	}
	return ids;
}

unsigned long zc_wait_reap(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd };

	poll(&p, 1, timeout_ms);
	return zc_reap(fd);
}
