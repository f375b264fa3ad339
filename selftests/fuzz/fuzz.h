/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's pieces (altudp_fuzz.c says what it does):
 *
 *   random.c       the random arguments of the calls
 *   ops.c          the calls on the socket, and the racing thread
 *   altudp_fuzz.c  the sequences, the child that runs them, the command
 *                  line and the watch for failures
 */
#ifndef ALTUDP_FUZZ_H
#define ALTUDP_FUZZ_H

#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "altudp_test.h"

#define MAX_LEN		70000

/* ------------------------------------------------------- altudp_fuzz.c */

struct fuzz_cfg {
	struct in_addr dst, src;
	struct in6_addr dst6, src6;
	int proto, ops, fail;
	bool inet6;		/* the module has IPv6 sockets */
};

extern struct fuzz_cfg cfg;

/* What the parent watches: the sequence running and the totals. */
struct shared {
	_Atomic uint64_t seed;
	_Atomic uint64_t sequences;
	_Atomic uint64_t sequences6;
	_Atomic uint64_t calls;
	_Atomic uint64_t sent;
	_Atomic int failed;
	char why[200];
};

extern struct shared *sh;

/* What the sends send. */
extern unsigned char data[MAX_LEN];
/* The socket of the sequence and its family; the racing thread's stop. */
extern _Atomic int cur_fd;
extern _Atomic int cur_family;
extern atomic_bool stop;

/* ------------------------------------------------------------- random.c */

uint32_t rand_len(struct rng *r);
int rand_int(struct rng *r);
int rand_ipopts(struct rng *r, unsigned char *p, int max);
int rand_exthdr(struct rng *r, unsigned char *p, int max, bool rthdr);
void rand_name(struct rng *r, struct sockaddr_storage *ss, socklen_t *len);
int rand_flags(struct rng *r);

/* Per-message storage for sendmsg/sendmmsg. */
struct msgbuf {
	struct sockaddr_storage name;
	struct iovec iov[8];
	unsigned char control[512];
};

void rand_msg(struct rng *r, struct msghdr *m, struct msgbuf *b);

/* ---------------------------------------------------------------- ops.c */

int pick_fd(void);
int open_sock(struct rng *r);
void close_fd(void);
void op_send(struct rng *r, int fd);
void op_setsockopt(struct rng *r, int fd);
void op_getsockopt(struct rng *r, int fd);
void op_connect(struct rng *r, int fd);
void op_bind(struct rng *r, int fd);
void op_misc(struct rng *r, int fd);
/* The racing thread; arg points to the sequence's seed. */
void *racer(void *arg);

#endif /* ALTUDP_FUZZ_H */
