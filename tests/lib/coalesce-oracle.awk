# SPDX-License-Identifier: ISC
# An independent oracle of coalesce -k 2 with everything held: one record
# per key, the latest (or with -v keep=first the first), where the key
# first arrived; records without field 2 keep their own place.
{
	if (NF < 2) {
		out[n++] = $0
		next
	}
	if (!($2 in slot)) {
		slot[$2] = n + 0
		out[n++] = $0
	} else if (keep != "first")
		out[slot[$2]] = $0
}
END {
	for (i = 0; i < n; i++)
		print out[i]
}
