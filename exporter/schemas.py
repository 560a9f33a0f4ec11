"""Where the JSON Schema / RELAX NG files live, for every module that needs one."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
ARTICLE_SCHEMA = SCHEMA_DIR / "article.schema.json"


@cache
def load_json_schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    return data
