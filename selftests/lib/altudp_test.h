/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C test programs (selftests/diff, selftests/fuzz,
 * selftests/zc_race, bench) share, after the manner of the kernel's
 * tools/testing/selftests/net/lib: the constants an older libc lacks,
 * reporting a fatal error, the module's protocol number, clocks, command
 * line options (altudp_test.c), sockets and namespaces (sock.c), and the
 * seeded random numbers of the fuzzer and of the differential runner.
 * Each program is linked with the .c files of this folder (lib.mk).
 */
#ifndef ALTUDP_TEST_H
#define ALTUDP_TEST_H

#include <netinet/in.h>
#include <stdint.h>

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_CORK
#define UDP_CORK 1
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SO_ZEROCOPY
#define SO_ZEROCOPY 60
#endif
#ifndef MSG_ZEROCOPY
#define MSG_ZEROCOPY 0x4000000
#endif
#ifndef MSG_PROBE
#define MSG_PROBE 0x10		/* include/linux/socket.h, not in libc */
#endif
#ifndef SO_EE_ORIGIN_ZEROCOPY
#define SO_EE_ORIGIN_ZEROCOPY 5
#endif

#define ARRAY_SIZE(a)	((int)(sizeof(a) / sizeof((a)[0])))

/* kselftest's exit statuses (tools/testing/selftests/kselftest.h) */
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

/* altudp_test.c */

/*
 * How die() reports: a TAP program (the differential runner) bails out
 * on stdout, where its harness reads the TAP stream, and exits 1; the
 * others print on stderr and exit 2, their status for "could not test".
 */
void test_set_tap(int tap);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* die() with "what: strerror(errno)", as perror() words it. */
void die_errno(const char *what) __attribute__((noreturn));

long read_long_file(const char *path, long dflt);
int altudp_protocol(void);
double now_seconds(void);
unsigned long long now_ns(void);

/*
 * Command line options, "--name value" or "--name" alone (ARG_SET and
 * ARG_CLEAR).  Each program has its own table and usage text; the table
 * ends with an entry whose name is NULL.
 */
enum test_opt_kind {
	ARG_INT,	/* int, atoi() */
	ARG_U64,	/* uint64_t, strtoull() in any base */
	ARG_DOUBLE,	/* double, atof() */
	ARG_STR,	/* const char * */
	ARG_ADDR,	/* struct in_addr, dotted quad */
	ARG_SET,	/* int set to 1, no value */
	ARG_CLEAR,	/* int set to 0, no value */
};

struct test_opt {
	const char *name;	/* without the leading "--" */
	enum test_opt_kind kind;
	void *val;
};

/* 0, or -1 on an unknown option, a missing value or a bad address. */
int test_parse_opts(int argc, char **argv, const struct test_opt *opts);

/* sock.c */

/* setsockopt() of an int; its status. */
int sock_set_int(int fd, int level, int name, int val);
/*
 * bind() to addr (INADDR_ANY if NULL; an IPv6 address binds an AF_INET6
 * socket) and port; its status.
 */
int sock_bind(int fd, const char *addr, int port);
/* SO_SNDTIMEO of usec microseconds; its status. */
int sock_set_sndtimeo(int fd, long usec);
/*
 * Into a network namespace: ip netns's NAME (/run/netns/NAME) or a path
 * (with a '/'); 0 or -1.
 */
int enter_netns(const char *ns);
/*
 * Reads the MSG_ZEROCOPY completions queued on fd's error queue, without
 * waiting; returns how many sends they cover.
 */
unsigned long zc_reap(int fd);
/* The same after waiting up to timeout_ms for one to be queued. */
unsigned long zc_wait_reap(int fd, int timeout_ms);

/* splitmix64: seeded, so that a seed replays its sequence anywhere. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 to n - 1; 0 when n is 0. */
static inline int rng_below(struct rng *r, int n)
{
	return n > 0 ? (int)(rng_next(r) % n) : 0;
}

/* True pct times in a hundred. */
static inline int rng_chance(struct rng *r, int pct)
{
	return rng_below(r, 100) < pct;
}

#endif /* ALTUDP_TEST_H */
