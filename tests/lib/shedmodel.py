# SPDX-License-Identifier: ISC
# The reference model of shed's buffer-full trigger, for the shell tests.
#
# usage: python3 shedmodel.py IN OUT DEADLETTER CAP PRIOS
#
# IN holds distinct lines, PRIOS the priority each should get (one a
# line); OUT and DEADLETTER are what shed delivered and shed while its
# consumer read nothing until input ended.  The records up to some K went
# into the queue; from K on, a store of CAP records held them, shedding
# the least important (the oldest among equals), or the arriving record
# when it is less important than all held, never priority 0.  Prints
# "order ok|bad", "split ok|bad", "p0shed N", "model ok|bad" and
# "count P N" for every priority.
import sys

inp = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
out = open(sys.argv[2], "rb").read().split(b"\n")[:-1]
dl = open(sys.argv[3], "rb").read().split(b"\n")[:-1]
cap = int(sys.argv[4])
prio = [int(p) for p in open(sys.argv[5]).read().split()]
where = {r: i for i, r in enumerate(inp)}
nums = [where.get(r, -1) for r in out]
shed = [where.get(r, -1) for r in dl]
print("order", "ok" if nums == sorted(nums) and -1 not in nums else "bad")
print("split", "ok" if sorted(nums + shed) == list(range(len(inp))) else "bad")
print("p0shed", sum(1 for i in shed if i >= 0 and prio[i] == 0))


def model(k):
    store = []
    for i in range(k, len(inp)):
        while len(store) >= cap:
            m = max(prio[j] for j in store)
            if prio[i] > m or m == 0:
                break
            store.remove(next(j for j in store if prio[j] == m))
        else:
            store.append(i)
    return list(range(k)) + store


lcp = 0
while lcp < len(nums) and nums[lcp] == lcp:
    lcp += 1
good = any(model(k) == nums for k in range(max(0, lcp - cap), lcp + 1))
print("model", "ok" if good else "bad")
for p in range(10):
    print("count", p, sum(1 for i in shed if i >= 0 and prio[i] == p))
