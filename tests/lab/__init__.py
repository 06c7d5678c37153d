# SPDX-License-Identifier: ISC
"""gwagent loopback lab: real snmpd, snmptrapd, Kamailio and SIPp on 127.0.0.1.

Every component runs in its own temporary directory on ports picked at run
time and is stopped by PID when its Lab closes, also when a test fails or
the run is interrupted (SIGINT/SIGTERM/atexit).
"""
from .proc import Lab, LabError, Process, free_port, which_or_none  # noqa: F401
