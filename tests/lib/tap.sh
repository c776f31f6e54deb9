# SPDX-License-Identifier: ISC
# TAP helpers for the shell tests: source it, call the checks, end with
# `done_testing'.  Each test gets $T, a private directory removed at exit.
set -u

T=$(mktemp -d "${TMPDIR:-/tmp}/pftest.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
# The default status directory, $XDG_RUNTIME_DIR/pipeflow, private to the
# test: tests that run side by side may use the same --name, which one
# directory holds once.
mkdir -m 700 "$T/.runtime" || exit 99
XDG_RUNTIME_DIR=$T/.runtime
export XDG_RUNTIME_DIR
_tap_n=0
_tap_failed=0

ok() {
	# ok COND-STATUS NAME: pass if the status is 0
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

is() {
	# is GOT WANT NAME
	_tap_n=$((_tap_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
		_tap_failed=$((_tap_failed + 1))
	fi
}

like() {
	# like GOT EXTENDED-REGEX NAME
	_tap_n=$((_tap_n + 1))
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		echo "ok $_tap_n - $3"
	else
		echo "not ok $_tap_n - $3"
		echo "#   got:  '$1'"
		echo "#   want match: '$2'"
		_tap_failed=$((_tap_failed + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

skip_n() {
	# skip_n N REASON: N checks that cannot run here, skipped
	_skip_k=$1
	shift
	while [ "$_skip_k" -gt 0 ]; do
		_tap_n=$((_tap_n + 1))
		echo "ok $_tap_n # SKIP $*"
		_skip_k=$((_skip_k - 1))
	done
}

diag() {
	echo "# $*"
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
