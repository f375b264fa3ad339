// SPDX-License-Identifier: GPL-2.0
/*
 * libaltudpize.so: LD_PRELOAD library that turns an unmodified program's
 * UDP sockets (IPv4 and IPv6) into altudp sockets.
 *
 * Only socket() is intercepted.  socket(AF_INET or AF_INET6, SOCK_DGRAM, 0)
 * and socket(AF_INET or AF_INET6, SOCK_DGRAM, IPPROTO_UDP), with or without
 * SOCK_NONBLOCK and SOCK_CLOEXEC, get the altudp protocol number instead,
 * read once from /sys/module/altudp/parameters/protocol.  Every other call,
 * and every call when the module is not loaded, goes to the kernel
 * unchanged.  A module without IPv6 refuses an AF_INET6 altudp socket with
 * EPROTONOSUPPORT: the call is then made again as asked, and AF_INET6
 * sockets are no longer converted.
 *
 * ALTUDPIZE_DEBUG=1 logs each conversion on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <unistd.h>

#define ALTUDP_PARAM "/sys/module/altudp/parameters/protocol"

static pthread_once_t altudp_once = PTHREAD_ONCE_INIT;
static int altudp_proto;	/* 0: no conversion */
static int altudp_debug;
static int altudp_no_inet6;	/* the module refused AF_INET6 */

static void altudp_init(void)
{
	const char *env = getenv("ALTUDPIZE_DEBUG");
	char buf[16];
	ssize_t len;
	long val;
	int fd;

	altudp_debug = env && *env && strcmp(env, "0");

	fd = open(ALTUDP_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		dprintf(STDERR_FILENO,
			"altudpize: altudp module not loaded (no %s): UDP sockets stay UDP\n",
			ALTUDP_PARAM);
		return;
	}
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0) {
		dprintf(STDERR_FILENO, "altudpize: cannot read %s: UDP sockets stay UDP\n",
			ALTUDP_PARAM);
		return;
	}
	buf[len] = '\0';
	val = strtol(buf, NULL, 10);
	if (val <= 0 || val >= 0x10000) {
		dprintf(STDERR_FILENO,
			"altudpize: bad protocol \"%s\" in %s: UDP sockets stay UDP\n",
			buf, ALTUDP_PARAM);
		return;
	}
	altudp_proto = val;
}

/* The altudp socket for socket(family, type, protocol), or -1 with errno
 * set when it cannot be had: then the kernel's is made.
 */
static int altudp_socket(int family, int type, int protocol)
{
	const char *fam = family == AF_INET ? "AF_INET" : "AF_INET6";
	int fd;

	fd = syscall(__NR_socket, family, type, altudp_proto);
	if (fd < 0 && errno == EPROTONOSUPPORT && family == AF_INET6) {
		__atomic_store_n(&altudp_no_inet6, 1, __ATOMIC_RELAXED);
		if (altudp_debug)
			dprintf(STDERR_FILENO,
				"altudpize: the altudp module has no AF_INET6 socket: AF_INET6 UDP sockets stay UDP\n");
		return -1;
	}
	if (altudp_debug)
		dprintf(STDERR_FILENO,
			"altudpize: socket(%s, SOCK_DGRAM%s%s, %d) -> protocol %d\n",
			fam, type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
			type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "",
			protocol, altudp_proto);
	return fd;
}

__attribute__((visibility("default")))
int socket(int family, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if ((family == AF_INET ||
	     (family == AF_INET6 && !__atomic_load_n(&altudp_no_inet6, __ATOMIC_RELAXED))) &&
	    base == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) {
		int err = errno;
		int fd;

		pthread_once(&altudp_once, altudp_init);
		errno = err;
		if (altudp_proto) {
			fd = altudp_socket(family, type, protocol);
			if (fd >= 0 || family == AF_INET || errno != EPROTONOSUPPORT)
				return fd;
			errno = err;
		}
	}
	return syscall(__NR_socket, family, type, protocol);
}
