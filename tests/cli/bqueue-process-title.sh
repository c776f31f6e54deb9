#!/bin/sh
# The process title shows the state and the fill, as ps(1) prints it:
# "bqueue: normal 0%" while idle, "bqueue: saturated 100%" behind a
# consumer that takes nothing.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

[ -r /proc/self/cmdline ] || skip_all "needs /proc"
[ -n "${PF_VALGRIND:-}" ] && skip_all "under valgrind the title is valgrind's"

title() {
	tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null | sed 's/ *$//'
}

# Idle: input open, nothing coming.
mkfifo "$T/in"
bqueue -m 1M < "$T/in" > /dev/null &
bq=$!
exec 3> "$T/in"
wait_until 5 sh -c "tr '\\0' ' ' < /proc/$bq/cmdline | grep -q normal"
like "$(title $bq)" '^bqueue: normal 0%$' "idle: bqueue: normal 0%"
exec 3>&-
wait $bq

# Saturated: the consumer is stopped, the 1M buffer fills.
mkfifo "$T/out"
sh -c 'kill -STOP $$; exec cat > /dev/null' < "$T/out" &
cons=$!
head -c 20000000 /dev/zero | bqueue --bytes -m 1M > "$T/out" &
bq=$!
wait_until 10 sh -c "tr '\\0' ' ' < /proc/$bq/cmdline | grep -q saturated"
like "$(title $bq)" '^bqueue: saturated (9[0-9]|100)%$' \
    "full: bqueue: saturated at 90% or more"
kill -CONT $cons
wait $bq
is $? 0 "then everything is delivered: exit 0"
wait $cons
done_testing
