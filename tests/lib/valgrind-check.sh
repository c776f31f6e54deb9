#!/bin/sh
# Read the valgrind logs of make check-valgrind: print every report of a
# memory error, a definite leak or a descriptor left open at exit (other
# than those inherited), and fail if there was any.
dir=${1:?usage: valgrind-check.sh LOGDIR}
bad=0
n=0
for log in "$dir"/*; do
	[ -f "$log" ] || continue
	n=$((n + 1))
	if awk '
		/Open file descriptor [0-9]+:/ { fd = $0; next }
		fd != "" {
			if ($0 !~ /inherited from parent/) { print fd; bad = 1 }
			fd = ""
		}
		/Invalid (read|write|free)|uninitialised|Mismatched free|definitely lost in|Syscall param/ {
			print; bad = 1
		}
		END { exit bad }' "$log"; then
		:
	else
		echo "in $log" >&2
		bad=1
	fi
done
echo "valgrind: $n runs checked"
exit $bad
