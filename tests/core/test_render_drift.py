"""Drift reports as the reader sees them (text, Markdown, JSON): who (name and email, or the id) and when
for each out-of-band change, each unpublished draft and each pending change."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion

from reconcile.drift import DriftReport, drift_report
from reconcile.model import LiveState, ResourceMeta, User
from reconcile.render.drift import render_drift_json, render_drift_markdown, render_drift_text
from tests.core.builders import content_type, field, model

ADA, GRACE = "7uqvFPPLzgtVaezGvjA9U6", "1xGZIRXr2WPnsLkKfREo0z"
USERS = {ADA: User(id=ADA, name="Ada Lovelace", email="ada@example.com")}  # Grace left the space

DECLARED = model(content_type("author", field("name")), content_type("page", field("slug")),
                 content_type("legacy", field("code")))
LIVE = model(content_type("author", field("name", name="Full name")), content_type("page", field("slug")),
             content_type("legacy", field("code")), content_type("promo", field("title")))


def _meta(version: int, published: int | None, by: str, at: str) -> ResourceMeta:
    return ResourceMeta(sys_id="x", version=version, published_version=published, updated_by=by, updated_at=at)


META = {
    "content_type:author": _meta(4, 3, ADA, "2026-03-02T10:15:00.000Z"),  # published edit
    "content_type:page": _meta(5, 3, ADA, "2026-03-03T08:00:00.000Z"),  # saved, not published
    "content_type:legacy": _meta(2, 1, ADA, "2026-01-01T00:00:00.000Z"),
    "content_type:promo": _meta(1, None, GRACE, "2026-03-04T12:30:00.000Z"),  # created, never published
}


def _report(*, baseline: bool) -> DriftReport:
    live = LiveState(model=LIVE, meta=META)
    snapshot_id = "20260301T000000Z-abcdef" if baseline else None
    report = drift_report(live, DECLARED, DECLARED if baseline else None, snapshot_id)
    return replace(report, users=USERS)


RENDERERS = {"text": render_drift_text, "markdown": render_drift_markdown, "json": render_drift_json}


@pytest.mark.parametrize("baseline", [True, False], ids=["baseline", "no-baseline"])
@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_drift_rendering(fmt: str, baseline: bool, snapshot: SnapshotAssertion) -> None:
    assert RENDERERS[fmt](_report(baseline=baseline), "prod") == snapshot


def test_who_is_the_name_and_email_else_the_id() -> None:
    report = _report(baseline=True)
    assert report.who(ADA) == "Ada Lovelace <ada@example.com>"
    assert report.who(GRACE) == GRACE
    assert report.who(None) == "unknown user"
    named = replace(report, users={ADA: User(id=ADA, name="Ada Lovelace")})
    assert named.who(ADA) == "Ada Lovelace"


def test_drafts_and_their_attribution() -> None:
    report = _report(baseline=True)
    drafts: dict[str, Any] = {i.change.address: (i.updated_by, i.updated_at) for i in report.drafts}
    assert drafts == {"content_types.page": (ADA, "2026-03-03T08:00:00.000Z"),
                      "content_types.promo": (GRACE, "2026-03-04T12:30:00.000Z")}
    promo = [i for i in report.out_of_band if i.change.address == "content_types.promo"]
    assert promo and promo[0].draft  # created out of band, only as a draft
    assert report.has_drift and report.user_ids() == {ADA, GRACE}
    document = json.loads(render_drift_json(report, "prod"))
    assert document["format_version"] == "1.1"
    assert {d["address"]: d["updated_by_name"] for d in document["unpublished_drafts"]} == {
        "content_types.page": "Ada Lovelace <ada@example.com>", "content_types.promo": None}


def test_a_published_environment_without_changes_has_no_drift() -> None:
    meta = {key: _meta(2, 1, ADA, "2026-01-01T00:00:00.000Z") for key in META if key != "content_type:promo"}
    live = LiveState(model=DECLARED, meta=meta)
    report = drift_report(live, DECLARED, DECLARED, "x")
    assert not report.has_drift and not report.drafts and report.user_ids() == set()
    text = render_drift_text(report, "prod")
    assert text.endswith("No drift: the live environment matches the models and the baseline.\n")
