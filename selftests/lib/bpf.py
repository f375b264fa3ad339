# SPDX-License-Identifier: GPL-2.0
"""BPF programs of a few raw instructions, loaded and attached with bpf(2),
a cgroup v2 directory for the calling process, and socket maps
(map_create(MAP_SOCKMAP), map_update(fd, key, sock), map_delete()).

    with Cgroup() as cg:                   # the process moved into a new
        prog = load(CGROUP_SKB, EGRESS,    # cgroup, moved back and the
                    [mov(0, 0), EXIT])     # cgroup removed on exit
        cg.attach(prog, EGRESS)
        run_cnt(prog)                      # runs so far (bpf_stats_enabled)
"""

import ctypes
import os
import struct
import subprocess

from altudp import TEST_NAME

SYS_bpf = 321                   # x86_64
BPF_MAP_CREATE, BPF_MAP_UPDATE_ELEM, BPF_MAP_DELETE_ELEM = 0, 2, 3
BPF_PROG_LOAD, BPF_PROG_ATTACH, BPF_PROG_DETACH = 5, 8, 9
MAP_SOCKMAP, MAP_SOCKHASH = 15, 18                      # enum bpf_map_type
CGROUP_SKB, CGROUP_SOCK_ADDR = 8, 18                    # enum bpf_prog_type
EGRESS, UDP4_SENDMSG, UDP6_SENDMSG = 1, 14, 15          # enum bpf_attach_type
EXIT = struct.pack("=BBhi", 0x95, 0, 0, 0)

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _insn(code, dst=0, src=0, off=0, imm=0):
    if imm >= 1 << 31:
        imm -= 1 << 32
    return struct.pack("=BBhi", code, dst | src << 4, off, imm)


def mov(dst, imm):
    """dst = imm (BPF_ALU64 | BPF_MOV | BPF_K)"""
    return _insn(0xb7, dst, imm=imm)


def stx_w(dst, off, src):
    """*(u32 *)(dst + off) = src"""
    return _insn(0x63, dst, src, off)


def ldx_w(dst, src, off):
    """dst = *(u32 *)(src + off)"""
    return _insn(0x61, dst, src, off)


def jne(dst, imm, off):
    """if dst != imm goto +off"""
    return _insn(0x55, dst, off=off, imm=imm)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, len(attr))
    r = _libc.syscall(SYS_bpf, cmd, buf, len(attr))
    if r < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))
    return r


def map_create(map_type, value_size=8, entries=4):
    """A map with 4-byte keys (a socket map's values are socket fds)."""
    return bpf(BPF_MAP_CREATE, struct.pack("IIIII", map_type, 4, value_size, entries, 0))


def map_update(map_fd, key, sock):
    k = ctypes.c_uint32(key)
    v = ctypes.c_uint64(sock.fileno())
    return bpf(BPF_MAP_UPDATE_ELEM, struct.pack(
        "IIQQQ", map_fd, 0, ctypes.addressof(k), ctypes.addressof(v), 0))


def map_delete(map_fd, key):
    k = ctypes.c_uint32(key)
    return bpf(BPF_MAP_DELETE_ELEM, struct.pack(
        "IIQ", map_fd, 0, ctypes.addressof(k)))


def load(prog_type, attach_type, insns):
    """The fd of the loaded program; OSError with the verifier's log."""
    code = b"".join(insns)
    cbuf = ctypes.create_string_buffer(code, len(code))
    lic = ctypes.create_string_buffer(b"GPL")
    log = ctypes.create_string_buffer(1 << 16)

    def attr(level):
        return struct.pack("=IIQQIIQII16sII", prog_type, len(code) // 8,
                           ctypes.addressof(cbuf), ctypes.addressof(lic),
                           level, len(log) if level else 0,
                           ctypes.addressof(log) if level else 0, 0, 0,
                           b"altudp_test", 0, attach_type).ljust(128, b"\0")
    try:
        return bpf(BPF_PROG_LOAD, attr(0))
    except OSError:
        pass
    try:       # again, for the verifier's log
        return bpf(BPF_PROG_LOAD, attr(1))
    except OSError as e:
        raise OSError(e.errno, "%s: %s" % (e.strerror, log.value.decode(errors="replace")))


def run_cnt(fd):
    """Times the program ran, from its fdinfo (counted while
    kernel.bpf_stats_enabled is 1)."""
    with open("/proc/self/fdinfo/%d" % fd) as f:
        for line in f:
            if line.startswith("run_cnt:"):
                return int(line.split()[1])
    return None


class BpfStats:
    """kernel.bpf_stats_enabled set to 1, restored on exit."""

    def __enter__(self):
        with open("/proc/sys/kernel/bpf_stats_enabled") as f:
            self.old = f.read().strip()
        self._set("1")
        return self

    def __exit__(self, *exc):
        self._set(self.old)

    @staticmethod
    def _set(v):
        with open("/proc/sys/kernel/bpf_stats_enabled", "w") as f:
            f.write(v)


def cgroup2_root():
    """A cgroup2 mount point and whether it was mounted here: the first
    one mounted, else a new mount at /sys/fs/cgroup."""
    with open("/proc/mounts") as f:
        for line in f:
            mnt, fstype = line.split()[1:3]
            if fstype == "cgroup2":
                return mnt, False
    subprocess.run(("mount", "-t", "cgroup2", "none", "/sys/fs/cgroup"), check=True)
    return "/sys/fs/cgroup", True


class Cgroup:
    """A new cgroup v2 directory holding this process; on exit the process
    goes back to the root cgroup and the directory is removed (which
    detaches its programs), and a cgroup2 mounted for it unmounted."""

    def __init__(self):
        self.root, self.mounted = cgroup2_root()
        self.path = os.path.join(self.root, "altudp-%s-%d" % (TEST_NAME, os.getpid()))

    def __enter__(self):
        os.mkdir(self.path)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY)
        self._move(self.path)
        return self

    def __exit__(self, *exc):
        self._move(self.root)
        os.close(self.fd)
        os.rmdir(self.path)
        if self.mounted:
            subprocess.run(("umount", self.root), check=True)

    @staticmethod
    def _move(path):
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))

    def attach(self, prog, attach_type):
        bpf(BPF_PROG_ATTACH, struct.pack("=IIII", self.fd, prog, attach_type, 0))

    def detach(self, prog, attach_type):
        bpf(BPF_PROG_DETACH, struct.pack("=IIII", self.fd, prog, attach_type, 0))
