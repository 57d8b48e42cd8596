"""``python -m bench.fill [--entries 10000] [--rate 10] [--out FILE]``: a declared fill over N entries.

The emulator runs in its own process; N published entries of a `person` content type are seeded without
a rate limit; then the emulator is limited to ``--rate`` requests/second (the target's ``rate_limit`` too)
and ``reconcile apply`` adds a `firstName` field whose fill splits `fullName`, in this process, measured:
wall time, entries per second, requests per entry (lower bound: 1 PUT + 1 publish per published entry,
plus reads), and the peak memory of this process (``ru_maxrss``; it includes the interpreter and the seeding,
taken when the apply returns, before the emulator's request log is copied in; ``peak_rss_after_seeding_mb``:
the same before the apply).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.emulator_process import TOKEN, EmulatorProcess

TOKEN_ENV = "RECONCILE_BENCH_TOKEN"
PERSON = '''format = 1
id = "person"
name = "Person"

[[fields]]
id = "fullName"
name = "Full name"
type = "Symbol"
'''
FILLED = PERSON + '''
[[fields]]
id = "firstName"
name = "First name"
type = "Symbol"
fill = "transforms/people.py:first_name"
'''
FILL = '''def first_name(fields, locale):
    full = fields.get("fullName", {}).get(locale)
    return full.split(" ")[0] if full else None
'''


def _project(root: Path, base_url: str, rate: float) -> None:
    (root / "models" / "content_types").mkdir(parents=True)
    (root / "models" / "locales.toml").write_text(
        'format = 1\nlocales = [{ code = "en-US", name = "English (United States)", default = true }]\n')
    (root / "models" / "content_types" / "person.toml").write_text(PERSON)
    (root / "transforms").mkdir()
    (root / "transforms" / "people.py").write_text(FILL)
    (root / "reconcile.toml").write_text(
        f'[project]\ndefault_target = "bench"\n[targets.bench]\nkind = "contentful"\nspace_id = "local"\n'
        f'environment = "master"\nbase_url = "{base_url}"\ntoken_env = "{TOKEN_ENV}"\nrate_limit = {rate:g}\n')


def _seed(root: Path, base_url: str, entries: int) -> None:
    from reconcile import workflows
    from reconcile.backend import Backend

    project = workflows.load_project(None, None, root)
    assert workflows.apply(project, None, confirm=lambda _: True).ok
    backend = Backend(base_url=base_url, token=TOKEN, space_id="local", environment_id="master")
    for n in range(entries):
        written = backend.put_entry(f"p{n}", "person", {"fullName": {"en-US": f"First{n} Last{n}"}}, None)
        backend.publish_entry(f"p{n}", written.version)


def run(entries: int, rate: float) -> dict[str, object]:
    import os

    from reconcile import workflows

    os.environ[TOKEN_ENV] = TOKEN
    with EmulatorProcess(rate_limit=None) as emulator, tempfile.TemporaryDirectory(prefix="bench-fill-") as tmp:
        root = Path(tmp)
        _project(root, emulator.base_url, rate)
        _seed(root, emulator.base_url, entries)
        seeded_rss = _peak_rss_mb()
        (root / "models" / "content_types" / "person.toml").write_text(FILLED)
        emulator.set_rate_limit(rate)
        emulator.clear()
        started = time.monotonic()
        outcome = workflows.apply(workflows.load_project(None, None, root), None, confirm=lambda _: True)
        wall = time.monotonic() - started
        assert outcome.ok, outcome.report
        peak_rss = _peak_rss_mb()  # before the request log is copied into this process
        requests = emulator.log()
    by_kind = Counter(f"{r.method} {'entry' if '/entries' in r.path else 'other'}" for r in requests)
    return {
        "entries": entries,
        "rate_limit": rate,
        "wall_s": round(wall, 1),
        "entries_per_s": round(entries / wall, 2),
        "requests": len(requests),
        "requests_per_entry": round(len(requests) / entries, 3),
        "entry_writes_per_entry": round(sum(n for k, n in by_kind.items() if k.startswith("PUT entry")) / entries, 3),
        "requests_by_kind": dict(by_kind),
        "peak_rss_mb": peak_rss,
        "peak_rss_after_seeding_mb": seeded_rss,
    }


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fill", description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = run(args.entries, args.rate)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
