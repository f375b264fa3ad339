# SPDX-License-Identifier: GPL-2.0
#
# The C test library, for the Makefiles of the C test programs: each
# program is compiled with these sources in one command, which leaves no
# object file behind for two VMs building at once to share.
#
#   TESTLIB      this folder
#   TESTLIB_SRCS its .c files, to compile with the program's own
#   TESTLIB_DEPS what a program's build depends on here

TESTLIB := $(dir $(lastword $(MAKEFILE_LIST)))
TESTLIB_SRCS := $(TESTLIB)altudp_test.c $(TESTLIB)sock.c
TESTLIB_DEPS := $(TESTLIB_SRCS) $(TESTLIB)altudp_test.h $(TESTLIB)lib.mk
