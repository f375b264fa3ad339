// SPDX-License-Identifier: GPL-2.0
/*
 * altudp_fuzz: seeded random sequences of socket calls on altudp sockets.
 *
 * A sequence opens an altudp socket, IPv4 or (where the module has them)
 * IPv6, and makes up to --ops random calls on it: sendmsg/sendto/sendmmsg
 * with random lengths, iovec shapes, flags, destinations (IPv6 ones,
 * v4-mapped, link-local with scopes, IPv4 ones on an IPv6 socket) and
 * well- or ill-formed control messages of every level, IPv6 extension
 * headers among them;
 * setsockopt/getsockopt with random levels, names, lengths and values;
 * connect, disconnect (AF_UNSPEC), bind, shutdown, error queue reads,
 * ioctls, close and reopen.  Meanwhile another thread changes IP_OPTIONS
 * (IPv6 sockets: extension headers, IPV6_MTU, IPV6_ADDRFORM), UDP_CORK,
 * UDP_SEGMENT, the connection and sends on the same socket, and sometimes
 * closes it.  Sequence i of --seed S has seed S + i, so
 * "--seed S+i --count 1" replays it (the racing thread aside).
 *
 * With --fail, the sequences' own calls (not the racing thread's) run with
 * the task's make-it-fail set: the kernel's fault injection (failslab,
 * fail_page_alloc, fail_usercopy), configured by the caller with its
 * task filter on, fails some of their allocations and user copies.
 *
 * The sequences run in a child process.  A failure is the child dying of a
 * signal, a sequence stuck for 30 s, or the kernel's taint flags changing
 * (a WARN or BUG); it is printed with its seed and a replay command.
 *
 * Usage: altudp_fuzz [--seconds S] [--count N] [--seed S] [--ops N]
 *                    [--dst ADDR] [--src ADDR] [--dst6 ADDR] [--src6 ADDR]
 *                    [--proto P] [--fail]
 * Prints "sequences N (IPv6 N6) calls M (K messages sent)" at the end;
 * exit status 1 on a failure.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

#define STUCK_SECONDS	30

struct fuzz_cfg cfg;
struct shared *sh;
unsigned char data[MAX_LEN];
_Atomic int cur_fd = -1;
_Atomic int cur_family = AF_INET;
atomic_bool stop;
static int fail_fd = -1;

/*
 * This thread's /proc/thread-self/make-it-fail.  The write is a user copy
 * that may itself be failed: it is repeated until it takes.
 */
static void make_it_fail(int on)
{
	for (int i = 0; fail_fd >= 0 && i < 1000; i++)
		if (pwrite(fail_fd, on ? "1" : "0", 1, 0) == 1 || errno != EFAULT)
			break;
}

static void sequence(uint64_t seed)
{
	struct rng r = { seed };
	pthread_t t;
	int racing = rng_chance(&r, 70);
	int ops = 1 + rng_below(&r, cfg.ops);
	uint64_t calls = 0;

	atomic_store(&cur_fd, open_sock(&r));
	atomic_store(&stop, false);
	if (racing && pthread_create(&t, NULL, racer, &seed))
		racing = 0;
	make_it_fail(1);
	for (int i = 0; i < ops; i++, calls++) {
		int fd = pick_fd();

		switch (rng_below(&r, 20)) {
		case 0 ... 8:
			op_send(&r, fd);
			break;
		case 9 ... 11:
			op_setsockopt(&r, fd);
			break;
		case 12:
			op_getsockopt(&r, fd);
			break;
		case 13 ... 14:
			op_connect(&r, fd);
			break;
		case 15:
			op_bind(&r, fd);
			break;
		case 16 ... 18:
			op_misc(&r, fd);
			break;
		default:			/* close and reopen */
			close_fd();
			atomic_store(&cur_fd, open_sock(&r));
		}
	}
	make_it_fail(0);
	atomic_store(&stop, true);
	if (racing)
		pthread_join(t, NULL);
	close_fd();
	atomic_fetch_add(&sh->calls, calls);
}

static unsigned long tainted(void)
{
	return read_long_file("/proc/sys/kernel/tainted", 0);
}

static void child(uint64_t seed, uint64_t count, double seconds)
{
	unsigned long taint = tainted();
	double end = now_seconds() + seconds;

	signal(SIGPIPE, SIG_IGN);
	if (cfg.fail) {
		fail_fd = open("/proc/thread-self/make-it-fail", O_WRONLY);
		if (fail_fd < 0) {
			snprintf(sh->why, sizeof(sh->why),
				 "--fail: /proc/thread-self/make-it-fail: %s", strerror(errno));
			atomic_store(&sh->failed, 1);
			_exit(2);
		}
		/* A page fault of the fuzzer's own (its code comes over 9p in
		 * the test VM) failed by fail_page_alloc would kill it with
		 * SIGBUS: every page is faulted in and locked first.
		 */
		if (mlockall(MCL_CURRENT | MCL_FUTURE)) {
			snprintf(sh->why, sizeof(sh->why), "--fail: mlockall: %s",
				 strerror(errno));
			atomic_store(&sh->failed, 1);
			_exit(2);
		}
	}
	for (uint64_t i = 0; (!count || i < count) && (count || now_seconds() < end); i++) {
		atomic_store(&sh->seed, seed + i);
		sequence(seed + i);
		atomic_fetch_add(&sh->sequences, 1);
		if (atomic_load(&cur_family) == AF_INET6)
			atomic_fetch_add(&sh->sequences6, 1);
		if (tainted() != taint) {
			snprintf(sh->why, sizeof(sh->why),
				 "kernel taint changed from %lu to %lu (WARN or BUG)",
				 taint, tainted());
			atomic_store(&sh->failed, 1);
			_exit(3);
		}
	}
	_exit(0);
}

static void usage(void)
{
	die("usage: altudp_fuzz [--seconds S] [--count N] [--seed S] [--ops N]\n"
	    "                   [--dst ADDR] [--src ADDR] [--dst6 ADDR] [--src6 ADDR]\n"
	    "                   [--proto P] [--fail]");
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL) * 1000003 ^ getpid(), count = 0, last = 0;
	double seconds = 10, stuck_since;
	const char *dst = "10.99.1.2", *src = "10.99.1.1";
	const char *dst6 = "fd00:99:1::2", *src6 = "fd00:99:1::1";
	int status;
	const struct test_opt opts[] = {
		{ "seconds", ARG_DOUBLE, &seconds },
		{ "count", ARG_U64, &count },
		{ "seed", ARG_U64, &seed },
		{ "ops", ARG_INT, &cfg.ops },
		{ "dst", ARG_STR, &dst },
		{ "src", ARG_STR, &src },
		{ "dst6", ARG_STR, &dst6 },
		{ "src6", ARG_STR, &src6 },
		{ "proto", ARG_INT, &cfg.proto },
		{ "fail", ARG_SET, &cfg.fail },
		{ }
	};
	pid_t pid;

	cfg.ops = 64;
	cfg.proto = -1;
	if (test_parse_opts(argc, argv, opts))
		usage();
	if (cfg.proto < 0)
		cfg.proto = altudp_protocol();
	if (cfg.proto < 0)
		die("altudp_fuzz: altudp is not loaded");
	if (inet_pton(AF_INET, dst, &cfg.dst) != 1 || inet_pton(AF_INET, src, &cfg.src) != 1 ||
	    inet_pton(AF_INET6, dst6, &cfg.dst6) != 1 ||
	    inet_pton(AF_INET6, src6, &cfg.src6) != 1 || cfg.ops < 1)
		usage();
	status = socket(AF_INET6, SOCK_DGRAM, cfg.proto);
	cfg.inet6 = status >= 0;
	if (status >= 0)
		close(status);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = i * 7;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die_errno("mmap");
	printf("seed %" PRIu64 ", %s %g, protocol %d, %s -> %s, %s\n", seed,
	       count ? "count" : "seconds", count ? (double)count : seconds, cfg.proto, src, dst,
	       cfg.inet6 ? "IPv6 too" : "no IPv6 socket");
	fflush(stdout);

	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (!pid)
		child(seed, count, seconds);

	stuck_since = now_seconds();
	while (waitpid(pid, &status, WNOHANG) == 0) {
		uint64_t done = atomic_load(&sh->sequences);

		if (done != last) {
			last = done;
			stuck_since = now_seconds();
		} else if (now_seconds() - stuck_since > STUCK_SECONDS) {
			snprintf(sh->why, sizeof(sh->why), "a sequence made no progress for %d s",
				 STUCK_SECONDS);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			atomic_store(&sh->failed, 1);
			break;
		}
		usleep(100000);
	}
	if (WIFSIGNALED(status) && !atomic_load(&sh->failed)) {
		snprintf(sh->why, sizeof(sh->why), "the fuzzer died of signal %d",
			 WTERMSIG(status));
		atomic_store(&sh->failed, 1);
	}
	printf("sequences %" PRIu64 " (IPv6 %" PRIu64 ") calls %" PRIu64
	       " (%" PRIu64 " messages sent)\n",
	       atomic_load(&sh->sequences), atomic_load(&sh->sequences6),
	       atomic_load(&sh->calls), atomic_load(&sh->sent));
	if (atomic_load(&sh->failed)) {
		printf("FAIL seed %" PRIu64 ": %s\n", atomic_load(&sh->seed), sh->why);
		printf("replay: %s --seed %" PRIu64
		       " --count 1 --ops %d --dst %s --src %s --dst6 %s --src6 %s --proto %d%s\n",
		       argv[0], atomic_load(&sh->seed), cfg.ops, dst, src, dst6, src6, cfg.proto,
		       cfg.fail ? " --fail" : "");
		return 1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
