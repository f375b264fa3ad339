# SPDX-License-Identifier: GPL-2.0
#
# The build of a C test program with the test library, after the manner of
# the kernel's tools/testing/selftests/lib.mk.  A program's Makefile sets
#
#   PROG     the program's name, built as $(O)/$(PROG)
#   SRCS     its .c files; HDRS its own headers, if any
#   O        where to build it
#   LDLIBS   what it links with besides libc (-pthread)
#
# and includes this file.  The program and the library are compiled in one
# command: no object file is left for two VMs building at once to share.

TESTLIB := $(dir $(lastword $(MAKEFILE_LIST)))
TESTLIB_SRCS := $(TESTLIB)altudp_test.c $(TESTLIB)sock.c

CC ?= gcc
CFLAGS ?= -O2 -g -Wall -Wextra

all: $(O)/$(PROG)

# Built beside and renamed: two VMs may build at once.
$(O)/$(PROG): $(SRCS) $(HDRS) $(TESTLIB_SRCS) $(TESTLIB)altudp_test.h \
		$(TESTLIB)lib.mk Makefile
	@mkdir -p $(O)
	$(CC) $(CFLAGS) -I$(TESTLIB) -o $@.$$$$ $(SRCS) $(TESTLIB_SRCS) $(LDLIBS) && \
		mv -f $@.$$$$ $@

clean:
	rm -f $(O)/$(PROG)

.PHONY: all clean
