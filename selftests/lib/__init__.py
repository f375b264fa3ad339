# SPDX-License-Identifier: GPL-2.0
"""selftests/*.py begin with "import lib": this directory goes on sys.path,
where they find altudp, txcmp and udpcmp, whether run from the source tree
or from a copy made by make -C selftests install."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
