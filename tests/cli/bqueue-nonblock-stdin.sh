#!/bin/sh
# SPDX-License-Identifier: ISC
# Standard input and output made non-blocking by someone else (the flag
# lives on the description the whole pipeline shares): bqueue polls and
# retries, the data passes byte-exact, no EAGAIN error.  And bqueue never
# sets O_NONBLOCK on those shared descriptions itself, neither while it
# runs nor after.
. "$top_srcdir/tests/lib/tap.sh"

command -v python3 > /dev/null 2>&1 || skip_all "python3 is not installed"

# wrap set|keep REPORT CMD...: run CMD with fd 0 and 1 made non-blocking
# (set) or left as they are (keep); write to REPORT on which of them the
# flag was seen before CMD, while it ran (sampled) and after; exit as CMD
# did.
cat > "$T/wrap.py" <<'PY'
import fcntl, os, subprocess, sys, time

def nonblock(fd):
    return fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_NONBLOCK != 0

how, report, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
if how == "set":
    for fd in (0, 1):
        fcntl.fcntl(fd, fcntl.F_SETFL,
                    fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
before = [fd for fd in (0, 1) if nonblock(fd)]
p = subprocess.Popen(cmd)
during = set()
while p.poll() is None:
    during.update(fd for fd in (0, 1) if nonblock(fd))
    time.sleep(0.005)
after = [fd for fd in (0, 1) if nonblock(fd)]


def fds(l):
    return " ".join(map(str, sorted(l))) or "none"

with open(report, "w") as f:
    f.write("before %s\nduring %s\nafter %s\n" % (
        fds(before), fds(during), fds(after)))
rc = p.returncode
sys.exit(128 - rc if rc < 0 else rc)
PY

{
	head -c 300000 /dev/urandom
	printf '\n\0\n'
	seq 1 100000
	printf 'no final newline'
} > "$T/in"

for mode in "" -z --bytes; do
	m=${mode:-lines}
	stallpipe 1 65536 5000 < "$T/in" |
	    python3 "$T/wrap.py" set "$T/report" bqueue $mode -m 64K \
	    2> "$T/err" |
	    stallpipe 2 16384 5000 > "$T/out"
	cmp -s "$T/in" "$T/out"
	ok $? "$m: non-blocking stdin and stdout: byte-exact"
	is "$(cat "$T/err")" "" "$m: non-blocking stdin and stdout: no error"
	like "$(cat "$T/report")" "before 0 1" \
	    "$m: the flags were set on the shared descriptions"

	stallpipe 3 65536 5000 < "$T/in" |
	    python3 "$T/wrap.py" keep "$T/report" bqueue $mode -m 64K \
	    2> "$T/err" |
	    stallpipe 4 16384 5000 > "$T/out"
	cmp -s "$T/in" "$T/out"
	ok $? "$m: blocking stdin and stdout: byte-exact"
	is "$(cat "$T/report")" \
	    "$(printf 'before none\nduring none\nafter none')" \
	    "$m: O_NONBLOCK never set on the shared descriptions"
done

# Exit status passes through the wrapper: a failing bqueue is seen.
printf 'x\n' | python3 "$T/wrap.py" set "$T/report" bqueue -m foo \
    2> /dev/null > /dev/null
is $? 2 "the wrapper passes the exit status on"

done_testing
