"""The JSON Feed schema verdict comes from jsonschema-rs (fast) and the messages
from jsonschema: both must agree on every document, valid or not."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.check.jsonfeed import _fast_validator, _validator
from exporter.render import FORMATS
from tests.support import article, examples, repo_config


def agree(document: Any) -> bool:
    fast = bool(_fast_validator().is_valid(document))
    reference = not any(True for _ in _validator().iter_errors(document))
    assert fast == reference, json.dumps(document)[:500]
    return fast


BASE = json.loads(
    FORMATS["json"].render(
        [
            article(title="A", body="*b*"),
            article(title="B", webUrl="https://news.example.com/2", images=[]),
        ],
        repo_config(),
    )
)

MUTATIONS = [
    ("version", 1),
    ("version", "not a url"),
    ("home_page_url", "/relative"),
    ("feed_url", "javascript:alert(1)"),
    ("title", None),
    ("items", {}),
    ("_ext", "not an object"),
    ("_ext", {"ok": 1}),
    ("unknown", 1),
    ("expired", "yes"),
    ("authors", [{}]),
    ("authors", [{"name": "x", "url": "nope"}]),
    ("hubs", [{"type": "WebSub"}]),
]
ITEM_MUTATIONS = [
    ("id", 5),
    ("id", None),
    ("url", "relative/path"),
    ("url", "https://exa mple.com/"),
    ("date_published", "2021-02-09"),
    ("date_published", "2021-02-09T04:31:00"),
    ("date_published", "2021-02-30T04:31:00Z"),
    ("tags", ["a", "a"]),
    ("tags", "a"),
    ("image", "data:image/png;base64,AA"),
    ("attachments", [{"url": "https://x.example/a.mp3"}]),
    ("attachments", [{"url": "https://x.example/a.mp3", "mime_type": "audio/mpeg"}]),
    ("_x", 1),
    ("weird", 1),
]


def test_our_feed_is_valid_in_both_engines() -> None:
    assert agree(BASE) is True


def test_engines_agree_on_feed_level_mutations() -> None:
    verdicts = []
    for key, value in MUTATIONS:
        document = copy.deepcopy(BASE)
        document[key] = value
        verdicts.append(agree(document))
    assert not all(verdicts) and any(verdicts)


def test_engines_agree_on_item_mutations_and_removals() -> None:
    verdicts = []
    for key, value in ITEM_MUTATIONS:
        document = copy.deepcopy(BASE)
        document["items"][0][key] = value
        verdicts.append(agree(document))
    for key in ("id", "content_html", "content_text", "url"):
        document = copy.deepcopy(BASE)
        for item in document["items"]:
            item.pop(key, None)
        verdicts.append(agree(document))
    assert not all(verdicts) and any(verdicts)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30)
    | st.sampled_from(["https://example.com/", "2021-02-09T04:31:00Z", "mailto:a@b.c"]),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=examples(150), deadline=None)
@given(key=st.sampled_from([*sorted(BASE["items"][0]), "_ext", "x"]), value=JSON)
def test_engines_agree_on_arbitrary_item_values(key: str, value: Any) -> None:
    document = copy.deepcopy(BASE)
    document["items"][0][key] = value
    agree(document)
