# SPDX-License-Identifier: ISC
"""Named OIDs of GWAGENT-MIB for the tests, read from mibs/GWAGENT-MIB.txt
at import (through contrib/gwmib.py, the reader of the NMS generators), so
that no test spells a number the MIB already gives:

    from lab.mib import oid
    oid("gwRegStatusState")            -> "1.3.6.1.4.1.8072.9999.9999.7.1.2.1.1.4"
    oid("gwRegAllRegistered", 0)       -> "....2.3.1.0"  (an instance)
    oid("gwRegStatusState", 2, 1)      -> "....2.1.1.4.2.1"

Every OBJECT IDENTIFIER, MODULE-IDENTITY, OBJECT-IDENTITY, OBJECT-TYPE and
NOTIFICATION-TYPE of the module resolves; an unknown name raises KeyError.
"""
import os
import sys

TOP = os.environ.get("top_srcdir") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
MIB_PATH = os.path.join(TOP, "mibs", "GWAGENT-MIB.txt")

sys.path.insert(0, os.path.join(TOP, "contrib"))
import gwmib  # noqa: E402

MIB = gwmib.Mib(MIB_PATH)


def oid(name, *index):
    """The numeric OID of `name` (no leading dot), with the sub-identifiers
    of `index` appended (an instance: 0 for a scalar, the row index of a
    column)."""
    try:
        base = MIB.oid(name)
    except KeyError:
        raise KeyError("%s is not defined in %s" % (name, MIB_PATH)) from None
    return ".".join([base] + [str(i) for i in index])


def names():
    """Every name the module defines, in file order."""
    return list(MIB.objects)


def column(name):
    """The column number of a table column (the last arc of its OID)."""
    return int(oid(name).rsplit(".", 1)[1])


# The scalar instances most tests use: gwRegAllAction.0, gwRegistrationTime.0
# and the gwIniMgmt group (an INI load by URI, one INI line, their status).
REG_ALL = oid("gwRegAllAction", 0)
REG_TIME = oid("gwRegistrationTime", 0)
INI_URI = oid("gwIniLoadUri", 0)
INI_MODE = oid("gwIniLoadMode", 0)
INI_ACTION = oid("gwIniAction", 0)
INI_LINE = oid("gwIniLine", 0)
INI_STATUS = oid("gwIniActionStatus", 0)
INI_DIAG = oid("gwIniActionDiagnostics", 0)
INI_TIME = oid("gwIniActionTime", 0)
LINE_STATUS = oid("gwIniLineStatus", 0)
LINE_DIAG = oid("gwIniLineDiagnostics", 0)
LINE_TIME = oid("gwIniLineTime", 0)
