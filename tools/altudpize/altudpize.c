// SPDX-License-Identifier: GPL-2.0
/*
 * libaltudpize.so: LD_PRELOAD library that turns an unmodified program's
 * IPv4 UDP sockets into altudp sockets.
 *
 * Only socket() is intercepted.  socket(AF_INET, SOCK_DGRAM, 0) and
 * socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP), with or without SOCK_NONBLOCK
 * and SOCK_CLOEXEC, get the altudp protocol number instead, read once from
 * /sys/module/altudp/parameters/protocol.  Every other call, and every call
 * when the module is not loaded, goes to the kernel unchanged.
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

__attribute__((visibility("default")))
int socket(int family, int type, int protocol)
{
	int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (family == AF_INET && base == SOCK_DGRAM &&
	    (protocol == 0 || protocol == IPPROTO_UDP)) {
		int err = errno;

		pthread_once(&altudp_once, altudp_init);
		errno = err;
		if (altudp_proto) {
			if (altudp_debug)
				dprintf(STDERR_FILENO,
					"altudpize: %s(AF_INET, SOCK_DGRAM%s%s, %d) -> protocol %d\n",
					__func__, type & SOCK_NONBLOCK ? "|SOCK_NONBLOCK" : "",
					type & SOCK_CLOEXEC ? "|SOCK_CLOEXEC" : "",
					protocol, altudp_proto);
			protocol = altudp_proto;
		}
	}
	return syscall(__NR_socket, family, type, protocol);
}
