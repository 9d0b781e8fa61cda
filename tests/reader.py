"""A reader process for tests: opens the published file read-only once, keeps it open, and answers each SQL line
read from stdin with one JSON line (rows, or the error), until stdin closes."""

import json
import sys

import duckdb

con = duckdb.connect(sys.argv[1], read_only=True)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    try:
        print(json.dumps({"rows": con.execute(line).fetchall()}, default=str), flush=True)
    except duckdb.Error as error:
        print(json.dumps({"error": str(error)}), flush=True)
con.close()
