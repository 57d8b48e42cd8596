"""The fills of the fill-first-name scenario (docs/transforms.md)."""


def first_name(fields, locale):
    full = fields.get("fullName", {}).get(locale)
    if full is None:
        return None  # leave this locale empty
    if " " not in full:
        raise ValueError(f"no space in {full!r}")
    return full.split(" ")[0]
