"""Rebuild the golden site after an intended change of output: `python tests/golden/update.py`.

The golden site is the example (mkdocs.yml and incidents/ at the repository's root) built at
the tests' fixed clock. tests/test_golden.py compares every build of it, cold and from a warm
cache, with these files byte for byte; review the diff of tests/golden/site/ before committing.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "site"
sys.path.insert(0, str(HERE.parent))

from conftest import EXAMPLE_NOW, copy_example  # noqa: E402
from statuspress.publishing.build import build_site  # noqa: E402


def build_example(root: Path) -> Path:
    """The example built cold at the fixed clock, into `root`/site."""
    copy_example(root)
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root / "site"


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        built = build_example(Path(scratch))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(built, GOLDEN)
    count = sum(1 for path in GOLDEN.rglob("*") if path.is_file())
    print(f"Wrote {count} files to {GOLDEN.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
