# SPDX-License-Identifier: ISC
# Helpers shared by the shell tests that read lagwatch's JSON reports.
# Source it after tap.sh, with $PY set to a python3 interpreter.

# final LOG: the last "final": true JSON object in LOG, flattened into "KEY VALUE" lines (such as "age.p50 1.2") in $T/final.
final() {
	"$PY" - "$1" > "$T/final" << 'EOF'
import json, sys
v = None
for line in open(sys.argv[1], errors="replace"):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if isinstance(o, dict) and o.get("final") is True:
        v = o
def flat(p, o):
    if isinstance(o, dict):
        for k in o:
            flat(p + k + ".", o[k])
    else:
        print(p[:-1], json.dumps(o))
if v is not None:
    flat("", v)
EOF
}

# get KEY: the value of KEY in $T/final (from final), unquoted; "-" if there is none.
get() {
	awk -v k="$1" '$1 == k { v = $2; gsub(/"/, "", v); print v; f = 1 }
	    END { if (!f) print "-" }' "$T/final"
}

# within X LO HI: LO <= X <= HI, as decimals (false if X is not a number).
within() {
	awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN {
		exit !(x ~ /^-?[0-9.]+(e-?[0-9]+)?$/ && x + 0 >= lo + 0 &&
		    x + 0 <= hi + 0) }'
}
