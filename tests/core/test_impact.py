"""How severe a field modification is (``reconcile.impact``): widening a rule is safe, only a change
that can invalidate existing entries or API consumers is breaking."""

from __future__ import annotations

from typing import Any

import pytest

from reconcile.impact import field_impact
from reconcile.model import Field, Items


def f(*validations: dict[str, Any], type_: Any = "Symbol", **kwargs: Any) -> Field:
    return Field(id="x", name="X", type=type_, validations=validations, **kwargs)


def rich(*validations: dict[str, Any]) -> Field:
    return f(*validations, type_="RichText")


def asset(*validations: dict[str, Any]) -> Field:
    return f(*validations, type_="Link", link_type="Asset")


def resource(*allowed: dict[str, Any]) -> Field:
    return f(type_="ResourceLink", allowed_resources=allowed)


def links(*validations: dict[str, Any]) -> Field:
    return f(type_="Array", items=Items(type="Link", link_type="Entry", validations=validations))


CRN = "crn:contentful:::content:spaces/abc"
NODE = "entry-hyperlink"
# (name, before, after, impact)
CASES: list[tuple[str, Field, Field, str]] = [
    ("no change", f({"size": {"max": 5}}), f({"size": {"max": 5}}), "safe"),
    ("more node types", rich({"enabledNodeTypes": ["hr"]}), rich({"enabledNodeTypes": ["hr", "heading-1"]}), "safe"),
    (
        "fewer node types",
        rich({"enabledNodeTypes": ["hr", "heading-1"]}),
        rich({"enabledNodeTypes": ["hr"]}),
        "breaking",
    ),
    ("more marks", rich({"enabledMarks": ["bold"]}), rich({"enabledMarks": ["bold", "code"]}), "safe"),
    ("fewer marks", rich({"enabledMarks": ["bold", "code"]}), rich({"enabledMarks": ["bold"]}), "breaking"),
    ("more link types", links({"linkContentType": ["a"]}), links({"linkContentType": ["a", "b"]}), "safe"),
    ("fewer link types", links({"linkContentType": ["a", "b"]}), links({"linkContentType": ["a"]}), "breaking"),
    (
        "more mimetypes",
        asset({"linkMimetypeGroup": ["image"]}),
        asset({"linkMimetypeGroup": ["image", "video"]}),
        "safe",
    ),
    ("in grown", f({"in": ["a"]}), f({"in": ["a", "b"]}), "safe"),
    ("in shrunk", f({"in": ["a", "b"]}), f({"in": ["a"]}), "breaking"),
    ("size max raised", f({"size": {"max": 5}}), f({"size": {"max": 9}}), "safe"),
    ("size min lowered", f({"size": {"min": 3, "max": 9}}), f({"size": {"min": 1, "max": 9}}), "safe"),
    ("size bound dropped", f({"size": {"min": 3, "max": 9}}), f({"size": {"max": 9}}), "safe"),
    ("size max lowered", f({"size": {"max": 9}}), f({"size": {"max": 5}}), "breaking"),
    ("size min added", f({"size": {"max": 9}}), f({"size": {"min": 1, "max": 9}}), "breaking"),
    ("range widened", f({"range": {"min": 1}}, type_="Integer"), f({"range": {"min": 0}}, type_="Integer"), "safe"),
    ("validation removed", f({"unique": True}), f(), "safe"),
    ("validation added", f(), f({"unique": True}), "breaking"),
    ("only the message", f({"unique": True, "message": "a"}), f({"unique": True, "message": "b"}), "safe"),
    (
        "image dimensions widened",
        asset({"assetImageDimensions": {"width": {"min": 800, "max": 4000}}}),
        asset({"assetImageDimensions": {"width": {"min": 400}}}),
        "safe",
    ),
    (
        "image dimensions narrowed",
        asset({"assetImageDimensions": {"width": {"min": 400}}}),
        asset({"assetImageDimensions": {"width": {"min": 400}, "height": {"min": 100}}}),
        "breaking",
    ),
    ("file size raised", asset({"assetFileSize": {"max": 5}}), asset({"assetFileSize": {"max": 9}}), "safe"),
    (
        "date range widened",
        f({"dateRange": {"min": "2020-01-01", "before": "2030-01-01"}}, type_="Date"),
        f({"dateRange": {"min": "2010-01-01T00:00:00Z"}}, type_="Date"),
        "safe",
    ),
    (
        "date range narrowed",
        f({"dateRange": {"min": "2010-01-01"}}, type_="Date"),
        f({"dateRange": {"min": "2020-01-01"}}, type_="Date"),
        "breaking",
    ),
    (
        "node rule widened",
        rich({"nodes": {NODE: [{"linkContentType": ["a"]}]}}),
        rich({"nodes": {NODE: [{"linkContentType": ["a", "b"]}]}}),
        "safe",
    ),
    ("node rule dropped", rich({"nodes": {NODE: [{"linkContentType": ["a"]}]}}), rich({"nodes": {}}), "safe"),
    ("node rule added", rich({"nodes": {}}), rich({"nodes": {NODE: [{"linkContentType": ["a"]}]}}), "breaking"),
    (
        "resource content types grown",
        resource({"type": "Contentful:Entry", "source": CRN, "contentTypes": ["a"]}),
        resource({"type": "Contentful:Entry", "source": CRN, "contentTypes": ["a", "b"]}),
        "safe",
    ),
    (
        "resource content types shrunk",
        resource({"type": "Contentful:Entry", "source": CRN, "contentTypes": ["a", "b"]}),
        resource({"type": "Contentful:Entry", "source": CRN, "contentTypes": ["a"]}),
        "breaking",
    ),
    ("made required", f(), f(required=True), "breaking"),
    ("required dropped", f(required=True), f(), "safe"),
    ("omitted", f(), f(omitted=True), "breaking"),
]


@pytest.mark.parametrize(("before", "after", "impact"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_field_impact(before: Field, after: Field, impact: str) -> None:
    assert field_impact(before, after) == impact
