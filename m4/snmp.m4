# gw_CHECK_SNMP: find Net-SNMP's agent library, modelled on lldpd's
# lldp_CHECK_SNMP.  pkg-config netsnmp-agent first, then a sanitised
# net-snmp-config.  Fails only when --with-snmp=yes was requested.
AC_DEFUN([gw_CHECK_SNMP], [
  AC_ARG_WITH([snmp],
    [AS_HELP_STRING([--with-snmp], [build the SNMP agent @<:@default=auto@:>@])],
    [], [with_snmp=auto])
  NETSNMP_VERSION=""
  AS_IF([test "x$with_snmp" != xno], [
    PKG_CHECK_MODULES([NETSNMP], [netsnmp-agent], [gw_snmp_found=yes], [
      AC_PATH_TOOL([NETSNMP_CONFIG], [net-snmp-config], [no])
      AS_IF([test "x$NETSNMP_CONFIG" != xno], [
        gw_snmp_found=yes
        # keep only -I/-D and -l/-L/-Wl that point at something real
        NETSNMP_CFLAGS=""
        for f in `$NETSNMP_CONFIG --base-cflags`; do
          case "$f" in
            -I/usr/include) ;;
            -I*) test -d "${f#-I}" && NETSNMP_CFLAGS="$NETSNMP_CFLAGS $f" ;;
            -D_FORTIFY_SOURCE*) ;;
            -D*|-U*) NETSNMP_CFLAGS="$NETSNMP_CFLAGS $f" ;;
          esac
        done
        NETSNMP_LIBS=""
        for f in `$NETSNMP_CONFIG --agent-libs`; do
          case "$f" in
            -l*|-L*) NETSNMP_LIBS="$NETSNMP_LIBS $f" ;;
          esac
        done
      ], [gw_snmp_found=no])
    ])
    AS_IF([test "x$gw_snmp_found" = xyes], [
      save_CFLAGS="$CFLAGS"; save_LIBS="$LIBS"
      CFLAGS="$CFLAGS $NETSNMP_CFLAGS"; LIBS="$LIBS $NETSNMP_LIBS"
      AC_MSG_CHECKING([whether a Net-SNMP agent can be linked])
      AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
]], [[init_agent("x");]])], [AC_MSG_RESULT([yes])], [AC_MSG_RESULT([no]); gw_snmp_found=no])
      AS_IF([test "x$gw_snmp_found" = xyes], [
        AC_CHECK_FUNCS([netsnmp_enable_subagent snmp_select_info2], [],
          [gw_snmp_found=no])
        # the embedded master's SNMPv2-MIB and SNMP-FRAMEWORK-MIB modules
        # come from libnetsnmpmibs
        AS_IF([test "x$gw_snmp_found" = xyes], [
          AC_CHECK_FUNCS([init_system_mib init_snmp_mib init_snmpEngine], [],
            [gw_snmp_found=no])
        ])
      ])
      CFLAGS="$save_CFLAGS"; LIBS="$save_LIBS"
    ])
    AS_IF([test "x$gw_snmp_found" = xyes], [
      with_snmp=yes
      NETSNMP_VERSION=`$PKG_CONFIG --modversion netsnmp-agent 2>/dev/null || echo unknown`
      AC_DEFINE([USE_SNMP], [1], [Define to build the SNMP agent])
    ], [
      AS_IF([test "x$with_snmp" = xyes],
        [AC_MSG_ERROR([Net-SNMP agent library not found (Debian package: libsnmp-dev)])])
      with_snmp=no
    ])
  ])
  AC_SUBST([NETSNMP_CFLAGS])
  AC_SUBST([NETSNMP_LIBS])
  AM_CONDITIONAL([USE_SNMP], [test "x$with_snmp" = xyes])
])
