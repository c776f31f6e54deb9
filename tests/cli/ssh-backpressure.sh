#!/bin/sh
# SPDX-License-Identifier: ISC
# pipeflow(7)'s recipe across hosts:
#   ssh src 'extract | bqueue -m 256M --name far' | load
# against an sshd this test starts on 127.0.0.1 (a throwaway host key and
# an authorized key of its own).  While the loader is stopped, TCP and
# ssh's window carry the pressure back: bqueue on the far side fills to
# its bound and the extract is held back, far from done.  When the loader
# goes on, every byte arrives, in order.
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/proc.sh"

sshd=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd" ] || skip_all "no sshd (Debian's openssh-server)"
command -v ssh > /dev/null 2>&1 || skip_all "no ssh"
command -v ssh-keygen > /dev/null 2>&1 || skip_all "no ssh-keygen"

S=$T/ssh
mkdir -m 700 "$S"
ssh-keygen -q -t ed25519 -N '' -f "$S/host" > /dev/null
ssh-keygen -q -t ed25519 -N '' -f "$S/client" > /dev/null
cp "$S/client.pub" "$S/authorized_keys"
chmod 600 "$S/authorized_keys"
# As root, sshd wants its privilege separation directory.
if [ "$(id -u)" = 0 ] && [ ! -d /run/sshd ]; then
	mkdir -p -m 755 /run/sshd 2> /dev/null
fi

# A free port: try a few at random.
started=
for try in 1 2 3 4 5 6 7 8; do
	port=$(random_port "$try")
	cat > "$S/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $S/host
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
AcceptEnv LC_ALL
EOF
	"$sshd" -D -e -f "$S/sshd_config" 2> "$S/sshd.log" &
	sshd_pid=$!
	if wait_until 5 grep -q "Server listening" "$S/sshd.log"; then
		started=1
		break
	fi
	kill "$sshd_pid" 2> /dev/null
	wait "$sshd_pid" 2> /dev/null
done
if [ -z "$started" ]; then
	sed 's/^/# /' "$S/sshd.log"
	skip_all "sshd did not start on 127.0.0.1"
fi
trap 'kill $sshd_pid 2>/dev/null; rm -rf "$T"' EXIT

# rsh HOST-CMD: the command run on the far side, by ssh.
rsh() {
	ssh -q -F /dev/null -i "$S/client" -p "$port" \
	    -o StrictHostKeyChecking=no -o UserKnownHostsFile="$S/known" \
	    -o BatchMode=yes -o ConnectTimeout=10 127.0.0.1 "$@"
}
if ! rsh true 2> "$S/ssh.err"; then
	sed 's/^/# /' "$S/ssh.err" "$S/sshd.log"
	skip_all "cannot log in to the test's sshd"
fi
ok 0 "logged in to the test's sshd on 127.0.0.1:$port"

N=3000000
seq 1 $N > "$T/in"
mkdir "$T/st"
metric_file=$T/st/far.prom
mkfifo "$T/p"
# The loader: cat, stopped for a while below.
cat "$T/p" > "$T/out" &
loader=$!
rsh "cat '$T/in' | PIPEFLOW_STATUS_DIR='$T/st' '$top_builddir/bqueue' \
    -m 256K --name far --status-interval 100ms" > "$T/p" 2> "$T/far.err" &
pipeline=$!

wait_until 10 test -s "$metric_file"
ok $? "the far side's bqueue publishes its status"
kill -STOP $loader
sleep 2
in1=$(metric pipeflow_records_in_total)
sleep 1
in2=$(metric pipeflow_records_in_total)
fill=$(metric pipeflow_buffer_bytes)
cap=$(metric pipeflow_buffer_capacity_bytes)
got=$(wc -c < "$T/out" | tr -d ' ')
diag "loader stopped: extract at $in1 -> $in2 of $N records, bqueue holds $fill of $cap bytes, loader has $got bytes"
is "$in2" "$in1" "the extract is held back while the loader is stopped"
[ "$in2" -lt $N ]
ok $? "the extract is far from done"
[ "$fill" -ge $((cap * 9 / 10)) ]
ok $? "bqueue on the far side is full"
kill -CONT $loader

wait $pipeline
is "$?" 0 "ssh and the far side exit 0"
wait $loader
cmp -s "$T/in" "$T/out"
ok $? "every byte arrives, in order"
done_testing
