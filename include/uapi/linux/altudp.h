/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * altudp: an alternate IPv4 UDP socket whose transmit path is the module's.
 *
 *	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_ALTUDP);
 *
 * The number only selects the socket protocol at socket() time, as
 * IPPROTO_MPTCP does; on the wire the datagrams are plain UDP (17).
 * It lies above 255 so that it can never be an IP protocol number, and
 * below IPPROTO_MAX (263) so that inet_create() accepts it.  256 is
 * IPPROTO_SMC, 261 is used by the QUIC module, 262 is IPPROTO_MPTCP.
 * A system where 258 collides loads the module with protocol=N, and
 * /sys/module/altudp/parameters/protocol holds the number in force.
 */
#ifndef _UAPI_LINUX_ALTUDP_H
#define _UAPI_LINUX_ALTUDP_H

#define IPPROTO_ALTUDP		258

#endif /* _UAPI_LINUX_ALTUDP_H */
