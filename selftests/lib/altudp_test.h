/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the C test programs (selftests/diff, selftests/fuzz, bench) share:
 * the constants an older libc lacks, and reading the module's protocol
 * number and other one-number files.
 */
#ifndef ALTUDP_TEST_H
#define ALTUDP_TEST_H

#include <stdio.h>
#include <time.h>

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

/* The number a procfs or sysfs file holds, or dflt. */
static inline long read_long_file(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v = dflt;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = dflt;
		fclose(f);
	}
	return v;
}

/* altudp's protocol number, -1 when the module is not loaded. */
static inline int altudp_protocol(void)
{
	return read_long_file("/sys/module/altudp/parameters/protocol", -1);
}

static inline double now_seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

#endif /* ALTUDP_TEST_H */
