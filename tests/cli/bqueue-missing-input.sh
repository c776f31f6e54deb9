#!/bin/sh
# SPDX-License-Identifier: ISC
# A FILE operand that cannot be opened is a runtime error: exit 1, a
# message naming the file and the reason, nothing on standard output.
. "$top_srcdir/tests/lib/tap.sh"

bqueue "$T/no-such-file" > "$T/out" 2> "$T/err" < /dev/null
is $? 1 "nonexistent FILE: exit 1"
like "$(cat "$T/err")" "^bqueue: .*$T/no-such-file: No such file or directory" \
    "nonexistent FILE: message names the file"
is "$(wc -c < "$T/out" | tr -d ' ')" 0 "nonexistent FILE: nothing on stdout"

mkdir "$T/dir"
bqueue "$T/dir/missing/x" > "$T/out" 2> "$T/err" < /dev/null
is $? 1 "missing directory: exit 1"
like "$(cat "$T/err")" "$T/dir/missing/x" \
    "missing directory: message names the path"

# An output file that cannot be created is the same kind of error.
echo x | bqueue -o "$T/dir/missing/out" 2> "$T/err"
is $? 1 "-o into a missing directory: exit 1"
like "$(cat "$T/err")" "$T/dir/missing/out: No such file or directory" \
    "-o into a missing directory: message names the file"

done_testing
