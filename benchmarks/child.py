"""`python -m benchmarks.child MODULE:FUNCTION KWARGS_JSON`: one measurement in a fresh process.

Prints the function's result (a dict) with this process's peak RSS as the last line of JSON."""
from __future__ import annotations

import importlib
import json
import sys

from benchmarks.measure import peak_rss_self_mb


def main() -> None:
    module, function = sys.argv[1].split(":")
    result = getattr(importlib.import_module(f"benchmarks.{module}"), function)(**json.loads(sys.argv[2]))
    print(json.dumps({**result, "peak_mb": round(peak_rss_self_mb(), 1)}))


if __name__ == "__main__":
    main()
