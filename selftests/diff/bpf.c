// SPDX-License-Identifier: GPL-2.0
/*
 * The runner in a cgroup v2 of its own, and the two BPF_CGROUP_UDP4_SENDMSG
 * programs that K_NET attaches to it and detaches: the native and the
 * altudp socket of a sequence both send from it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diff.h"

static char root[256], path[320];
static int cg_fd = -1, mounted;
static int prog_fd[2] = { -1, -1 };	/* rewriting, refusing */
static int attached[2];

/* struct bpf_sock_addr */
#define USER_IP4	4
#define USER_PORT	24

#define INSN(c, d, s, o, i)	((struct bpf_insn){ .code = (c), .dst_reg = (d), \
				  .src_reg = (s), .off = (o), .imm = (i) })
#define LDX_W(d, s, o)	INSN(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_W(d, o, s)	INSN(BPF_STX | BPF_MEM | BPF_W, d, s, o, 0)
#define MOV(d, i)	INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define JNE(d, i, o)	INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define EXIT		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(__NR_bpf, cmd, a, sizeof(*a));
}

/* An address or port as the context holds it, in network order. */
static int32_t be32(const char *a)
{
	struct in_addr in;

	inet_pton(AF_INET, a, &in);
	return (int32_t)in.s_addr;
}

static int32_t be_port(int port)
{
	return htons(port);
}

static int prog_load(const struct bpf_insn *insn, int n)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_SOCK_ADDR;
	a.expected_attach_type = BPF_CGROUP_UDP4_SENDMSG;
	a.insns = (uintptr_t)insn;
	a.insn_cnt = n;
	a.license = (uintptr_t)"GPL";
	return sys_bpf(BPF_PROG_LOAD, &a);
}

static int cg_move(const char *dir)
{
	char p[352], pid[16];
	int fd, n;

	snprintf(p, sizeof(p), "%s/cgroup.procs", dir);
	n = snprintf(pid, sizeof(pid), "%d", getpid());
	fd = open(p, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, pid, n) == n ? 0 : -errno;
	close(fd);
	return n;
}

int cgroup_setup(void)
{
	const struct bpf_insn rewrite[] = {
		LDX_W(2, 1, USER_IP4),
		JNE(2, be32(NET "2"), 4),
		LDX_W(2, 1, USER_PORT),
		JNE(2, be_port(9000), 2),
		MOV(2, be32(ALT)),
		STX_W(1, USER_IP4, 2),
		MOV(0, 1),
		EXIT,
	};
	const struct bpf_insn refuse[] = {
		LDX_W(2, 1, USER_PORT),
		JNE(2, be_port(9), 2),
		MOV(0, 0),
		EXIT,
		MOV(0, 1),
		EXIT,
	};
	char line[512], mnt[256], type[64];
	FILE *f = fopen("/proc/mounts", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %255s %63s", mnt, type) == 2 &&
		    !strcmp(type, "cgroup2") && !root[0])
			snprintf(root, sizeof(root), "%s", mnt);
	if (f)
		fclose(f);
	if (!root[0]) {
		snprintf(root, sizeof(root), "/sys/fs/cgroup");
		if (mount("none", root, "cgroup2", 0, NULL))
			return -errno;
		mounted = 1;
	}
	snprintf(path, sizeof(path), "%s/altudp-diff-%d", root, getpid());
	if (mkdir(path, 0755))
		return -errno;
	cg_fd = open(path, O_RDONLY | O_DIRECTORY);
	if (cg_fd < 0 || cg_move(path))
		return -errno;
	prog_fd[0] = prog_load(rewrite, ARRAY_SIZE(rewrite));
	prog_fd[1] = prog_load(refuse, ARRAY_SIZE(refuse));
	if (prog_fd[0] < 0 || prog_fd[1] < 0)
		return -errno;
	return 0;
}

void cgroup_cleanup(void)
{
	if (cg_fd >= 0)
		close(cg_fd);
	cg_fd = -1;
	if (path[0]) {
		cg_move(root);
		rmdir(path);
		path[0] = 0;
	}
	if (mounted)
		umount(root);
	mounted = 0;
}

static int attach(int i, int cmd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = cg_fd;
	a.attach_bpf_fd = prog_fd[i];
	a.attach_type = BPF_CGROUP_UDP4_SENDMSG;
	a.attach_flags = cmd == BPF_PROG_ATTACH ? BPF_F_ALLOW_MULTI : 0;
	if (sys_bpf(cmd, &a))
		return -errno;
	attached[i] = cmd == BPF_PROG_ATTACH;
	return 0;
}

int bpf_attach(int which)
{
	if (cg_fd < 0)
		return -EOPNOTSUPP;
	return attach(which == N_BPF_REFUSE, BPF_PROG_ATTACH);
}

int bpf_detach_all(void)
{
	int i, err = 0;

	for (i = 0; i < 2; i++)
		if (attached[i])
			err = attach(i, BPF_PROG_DETACH) ?: err;
	return err;
}
