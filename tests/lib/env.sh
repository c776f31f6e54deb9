# SPDX-License-Identifier: ISC
# Sourced by the test harness before every test: a fixed locale, the built
# tools first on PATH, and a private scratch directory removed at exit.
LC_ALL=C
export LC_ALL
unset PIPEFLOW_STATUS_DIR NO_COLOR
PATH="$top_builddir:$top_builddir/tests/lib:$PATH"
export PATH
# make check-valgrind: the tools run under valgrind through wrappers.
if [ -n "${PF_VALGRIND:-}" ]; then
	PATH="$top_builddir/tests/valgrind:$PATH"
fi
