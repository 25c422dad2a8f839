#!/usr/bin/env python3
"""Write invoices.csv: a shop's invoice log as churnkit reads it, purchases and refunds only.

The common case of a real export (an online retailer's invoices): customer, time, purchase
or cancellation, amount; no channel, no category, no views, points or coupons. 80
customers between 2023-01-02 and 2024-12-30, each buying at their own rhythm for a while;
about one purchase in twelve is partly refunded a few days later. Rows are in time order,
as an export is. Python's standard library only; the seed fixes every byte.

    python3 make_invoices.py > invoices.csv
"""
import random
import sys
from datetime import datetime, timedelta

rng = random.Random(20240601)
start = datetime(2023, 1, 2)
end = datetime(2024, 12, 30, 23, 59, 59)
rows = []
for i in range(80):
    cid = "C%04d" % (1001 + i)
    day = start + timedelta(days=rng.randrange(0, 640))
    mean_gap = rng.choice([10, 20, 35, 60, 90, 150])
    last = day + timedelta(days=rng.randrange(1, 720))
    while day <= min(last, end):
        t = day + timedelta(seconds=rng.randrange(8 * 3600, 21 * 3600))
        amount = round(rng.uniform(4.5, 320.0), 2)
        rows.append((t, cid, "purchase", amount))
        if rng.random() < 1 / 12:
            back = t + timedelta(days=rng.randrange(1, 15), seconds=rng.randrange(3600))
            if back <= end:
                rows.append((back, cid, "refund", round(amount * rng.choice([0.25, 0.5, 1.0]), 2)))
        day += timedelta(days=1 + int(rng.expovariate(1.0 / mean_gap)))
rows.sort()
out = sys.stdout
out.write("customer_id,ts,event,amount\n")
for t, cid, event, amount in rows:
    out.write("%s,%s,%s,%.2f\n" % (cid, t.strftime("%Y-%m-%d %H:%M:%S"), event, amount))
