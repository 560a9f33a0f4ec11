"""Where the JSON Schema / RELAX NG files live, for every module that needs one.

`exporter/schemas` is a link to the top-level `schemas/` folder, so the files are
package data in an installed wheel and the same files in a checkout.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


def schema_path(name: str) -> Path:
    return SCHEMA_DIR / name


@cache
def load_json_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_path(name).read_text(encoding="utf-8"))
    return data
