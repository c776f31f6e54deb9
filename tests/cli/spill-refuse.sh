#!/bin/sh
# SPDX-License-Identifier: ISC
# spill refuses a spill directory it must not use: exit 1, a message
# saying why, nothing delivered, no input read (the input is a file whose
# offset the next reader shares: it must get all) and the spill data left
# as it was.  Refused: a DIR holding spill data without --durable (the
# message points to --durable and --drain; a FIFO operand is not even
# opened), a DIR owned by another user, writable by group or others, a
# symbolic link to a directory, locked by a running spill, or whose lock
# is a symbolic link, a FIFO or a hard link.  Then what spill creates is
# private whatever the umask: its directory 0700 (-d DIR or the default
# one under $TMPDIR), segments, checkpoint and lock 0600.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

N=3000
seq 1 $N > "$T/in"
P=$T/pristine
D=$T/spool

json_field() {
	spill --info "$2" --format json 2>/dev/null |
	    sed -n "s/.*\"$1\":\([0-9a-z]*\).*/\1/p"
}

holds() {
	[ "$(json_field records "$1")" = "$2" ]
}

fresh() {
	rm -rf "$D"
	cp -Rp "$P" "$D"
}

# state DIR: what DIR holds, names, sizes and contents.
state() {
	(cd "$1" && ls -A && cat seg-* 2>/dev/null | cksum)
}

# refuse NAME ERE ARGS...: spill ARGS, reading $T/in, exits 1 with a
# message matching ERE, delivers nothing and reads no input.
refuse() {
	_name=$1
	_ere=$2
	shift 2
	{
		spill "$@" > "$T/out" 2> "$T/err"
		echo $? > "$T/rc"
		cat > "$T/rest"
	} < "$T/in"
	is "$(cat "$T/rc")" 1 "$_name: exit 1"
	like "$(cat "$T/err")" "^spill: .*$_ere" "$_name: the message"
	is "$(wc -c < "$T/out" | tr -d ' ')" 0 "$_name: nothing delivered"
	cmp -s "$T/in" "$T/rest"
	ok $? "$_name: no input read"
}

# unchanged NAME: $D holds what the pristine spool holds.
unchanged() {
	is "$(state "$D")" "$(state "$P")" "$1: the spill data untouched"
}

# The spool: every record on disk, the reader gone before reading any.
{
	spill --durable -d "$P" -m 4K --segment-size 16K < "$T/in"
	echo $? > "$T/rc"
} 2> /dev/null | wait_until 30 holds "$P" $N
is "$(cat "$T/rc")" 141 "setup: spill exits 141 when its reader goes away"
is "$(json_field records "$P")" $N "setup: the spool holds every record"

gone() {
	! alive "$1"
}

# Spill data without --durable.
fresh
refuse "data without --durable" \
    "holds spill data.*--durable.*--drain|--drain.*--durable" -d "$D"
unchanged "data without --durable"
fresh
rm -f "$T/fifo"
mkfifo "$T/fifo"
spill -d "$D" "$T/fifo" > "$T/out" 2> "$T/err" &
q=$!
wait_until 5 gone $q
ok $? "data without --durable: a FIFO operand is not opened"
kill -KILL $q 2>/dev/null
wait $q
is $? 1 "data without --durable, FIFO operand: exit 1"
unchanged "data without --durable, FIFO operand"

# Owned by another user: only root can give a directory away.
if [ "$(id -u)" != 0 ]; then
	skip_n 15 "giving a directory to another user needs root"
elif id nobody > /dev/null 2>&1; then
	rm -rf "$D"
	mkdir -m 700 "$D"
	chown nobody "$D"
	refuse "empty DIR owned by nobody" "owned by another user" -d "$D"
	is "$(ls -A "$D")" "" "empty DIR owned by nobody: nothing made in it"
	fresh
	chown nobody "$D"
	refuse "spool owned by nobody, --durable" "owned by another user" \
	    --durable -d "$D"
	unchanged "spool owned by nobody, --durable"
	refuse "spool owned by nobody, --drain" "owned by another user" \
	    --drain "$D"
	unchanged "spool owned by nobody, --drain"
else
	diag "no user nobody: ownership not tested"
fi

# Writable by group or others.
for mode in 770 707 720 702; do
	fresh
	chmod $mode "$D"
	refuse "mode $mode, --durable" "writable by group or others" \
	    --durable -d "$D"
	unchanged "mode $mode, --durable"
	is "$(stat -c %a "$D")" $mode "mode $mode: left as it was"
done
fresh
chmod 770 "$D"
refuse "mode 770, --drain" "writable" --drain "$D"
unchanged "mode 770, --drain"
rm -rf "$D"
mkdir -m 777 "$D"
refuse "empty DIR mode 777" "writable by group or others" -d "$D"
is "$(ls -A "$D")" "" "empty DIR mode 777: nothing made in it"

# A symbolic link to a directory.
fresh
ln -s "$D" "$T/link"
refuse "symlink to a spool, --durable" "symbolic link" --durable -d "$T/link"
unchanged "symlink to a spool, --durable"
refuse "symlink to a spool, --drain" "symbolic link" --drain "$T/link"
unchanged "symlink to a spool, --drain"
rm -f "$T/link"
mkdir -m 700 "$T/empty"
ln -s "$T/empty" "$T/link"
refuse "symlink to an empty DIR" "symbolic link" -d "$T/link"
is "$(ls -A "$T/empty")" "" "symlink to an empty DIR: nothing made there"

# Locked by a running spill: it reads a FIFO held open here.
fresh
rm -f "$T/fifo"
mkfifo "$T/fifo"
spill --durable -d "$D" < "$T/fifo" > "$T/out1" 2> "$T/err1" &
s=$!
exec 4> "$T/fifo"
wait_until 10 grep -q resuming "$T/err1"
ok $? "locked: the first spill resumes the spool"
wait_until 10 sh -c "[ \$(wc -l < '$T/out1') -eq $N ]"
ok $? "locked: the first spill delivers what the spool held"
refuse "locked, --durable" "in use by another spill" --durable -d "$D"
refuse "locked, --drain" "in use by another spill" --drain "$D"
refuse "locked, without --durable" "in use by another spill" -d "$D"
seq $((N + 1)) $((N + 5)) >&4
exec 4>&-
wait_until 10 gone $s
ok $? "locked: the first spill ends when its input does"
kill -KILL $s 2>/dev/null
wait $s
is $? 0 "locked: the first spill exits 0"
seq 1 $((N + 5)) > "$T/want"
cmp -s "$T/want" "$T/out1"
ok $? "locked: the first spill delivered everything, undisturbed"
is "$(ls "$D" | grep -c '^seg-')" 0 "locked: no segment left"

# The lock a symbolic link, a FIFO, a hard link.
fresh
rm "$D/lock"
ln -s "$T/target" "$D/lock"
refuse "lock a dangling symlink" "lock is a symbolic link" --durable -d "$D"
[ ! -e "$T/target" ]
ok $? "lock a dangling symlink: its target not created"
fresh
echo victim > "$T/victim"
chmod 644 "$T/victim"
rm "$D/lock"
ln -s "$T/victim" "$D/lock"
refuse "lock a symlink to a file" "lock is a symbolic link" --drain "$D"
is "$(cat "$T/victim"):$(stat -c %a "$T/victim")" "victim:644" \
    "lock a symlink to a file: the file untouched"
is "$(ls "$D" | grep -c '^seg-')" "$(ls "$P" | grep -c '^seg-')" \
    "lock a symlink to a file: the segments kept"
fresh
rm "$D/lock"
mkfifo "$D/lock"
refuse "lock a FIFO" "lock" --durable -d "$D"
fresh
rm "$D/lock"
ln "$T/victim" "$D/lock"
refuse "lock a hard link" "lock" --durable -d "$D"
is "$(cat "$T/victim")" victim "lock a hard link: the file untouched"

# Created with umask 000: DIR 0700, files 0600, while data is on disk.
# The reader takes some records (a checkpoint is written), then waits.
seq 1 30000 > "$T/big"
rm -f "$T/fifo"
mkfifo "$T/fifo"
(umask 000; exec spill --durable -d "$T/new" -m 4K --segment-size 16K \
    --checkpoint 50ms < "$T/big" > "$T/fifo" 2> "$T/err1") &
s=$!
exec 5< "$T/fifo"
head -c 20000 <&5 > /dev/null
wait_until 10 test -s "$T/new/checkpoint"
ok $? "umask 000: a checkpoint is written"
# modes DIR: the modes of what DIR holds, segments as "seg".
modes() {
	for f in "$1"/*; do
		n=${f##*/}
		case $n in
		seg-*.pfs) n=seg ;;
		esac
		echo "$(stat -c %a "$f") $n"
	done | sort -u | tr '\n' ' '
}
is "$(stat -c %a "$T/new")" 700 "umask 000: DIR 0700"
is "$(modes "$T/new")" "600 checkpoint 600 lock 600 seg " \
    "umask 000: segments, checkpoint and lock 0600"
exec 5<&-
wait $s
is $? 141 "umask 000: exit 141 when the reader goes"
is "$(stat -c %a "$T/new")/$(modes "$T/new")" \
    "700/600 checkpoint 600 lock 600 seg " "umask 000: the same after exit"

# A checkpoint alone (that one) is spill data too.
rm -rf "$D"
mkdir -m 700 "$D"
cp "$T/new/checkpoint" "$D/"
refuse "a checkpoint without --durable" "--durable" -d "$D"
is "$(ls -A "$D" | tr '\n' ' ')" "checkpoint lock " \
    "a checkpoint without --durable: kept"

# The default directory under $TMPDIR, while records overflow to it.
mkdir -m 700 "$T/tmp"
seq 1 300000 > "$T/big"
rm -f "$T/fifo"
mkfifo "$T/fifo"
(umask 000; TMPDIR=$T/tmp; export TMPDIR; exec spill -m 4K --segment-size 16K \
    < "$T/big" > "$T/fifo" 2> "$T/err1") &
s=$!
exec 5< "$T/fifo"
overflowing() {
	ls "$T"/tmp/*/seg-* > /dev/null 2>&1
}
wait_until 10 overflowing
ok $? "default DIR: records overflow to disk"
tdir=$(ls -d "$T"/tmp/* | head -n 1)
like "$tdir" "/pipeflow-spill\.[^/]{6}$" "default DIR: named after spill"
is "$(stat -c %a "$tdir")" 700 "default DIR: 0700"
is "$(stat -c %a "$tdir"/seg-* | sort -u | tr '\n' ' ')" "600 " \
    "default DIR: segments 0600"
cat <&5 > "$T/out"
exec 5<&-
wait $s
is $? 0 "default DIR: exit 0"
cmp -s "$T/big" "$T/out"
ok $? "default DIR: every record, in order"
is "$(ls -A "$T/tmp")" "" "default DIR: removed at exit"

done_testing
