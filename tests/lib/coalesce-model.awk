# SPDX-License-Identifier: ISC
# The reference model of coalesce's output, for any stall pattern:
#   awk -v keep=last|first -f coalesce-model.awk IN OUT
# IN holds records "SEQ KEY ..." (SEQ unique, increasing) or "SEQ" alone
# (no key, field 2 missing); OUT is what coalesce -k 2 delivered.  Checks
# that every delivered record is an input record, delivered once; that
# each key's last (keep=last) or first (keep=first) record is delivered;
# that every record without the key is delivered, in order; and that the
# output is in order of place: a record without the key, or a record kept
# first, sits where it arrived, a latest record where the first record of
# its key after the previous delivered one arrived (first-arrival order of
# the held keys).  Prints "delivered N" and exits 0, or names the first
# fault on stderr and exits 1.
NR == FNR {
	seq = $1
	line[seq] = $0
	if (NF >= 2) {
		k = $2
		key[seq] = k
		nk[k]++
		ks[k, nk[k]] = seq
		if (!(k in first))
			first[k] = seq
		last[k] = seq
	} else
		nokey++
	next
}
function fail(msg) {
	print "coalesce-model: output record " FNR ": " msg > "/dev/stderr"
	bad = 1
	exit 1
}
{
	seq = $1
	if (!(seq in line) || line[seq] != $0)
		fail("not an input record: " substr($0, 1, 60))
	if (seq in done)
		fail("delivered twice: " seq)
	done[seq] = 1
	n++
	if (!(seq in key)) {
		place = seq
		gotnokey++
	} else if (keep == "first")
		place = seq
	else {
		k = key[seq]
		if (!(k in ptr))
			ptr[k] = 1
		# the first record of k after the previous delivered one
		while (ptr[k] <= nk[k] && ks[k, ptr[k]] <= prev[k])
			ptr[k]++
		place = ks[k, ptr[k]]
		if (seq + 0 < place + 0)
			fail("record " seq " before its place " place)
		prev[k] = seq
	}
	if (place + 0 <= lastplace + 0)
		fail("out of order: place " place " after " lastplace)
	lastplace = place
}
END {
	if (bad)
		exit 1
	for (k in last) {
		want = keep == "first" ? first[k] : last[k]
		if (!(want in done)) {
			print "coalesce-model: key " k ": record " want \
			    " not delivered" > "/dev/stderr"
			exit 1
		}
	}
	if (gotnokey + 0 != nokey + 0) {
		print "coalesce-model: " gotnokey + 0 " of " nokey + 0 \
		    " records without the key delivered" > "/dev/stderr"
		exit 1
	}
	print "delivered " n + 0
}
