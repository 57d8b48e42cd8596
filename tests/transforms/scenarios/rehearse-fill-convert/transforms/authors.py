"""The fill of the rehearse-fill-convert scenario: the first word of the name being converted to Text."""


def first_name(fields, locale):
    name = fields.get("name", {}).get(locale)
    if name is None:
        return None
    if name.startswith("!"):
        raise ValueError(f"cannot split {name!r}")
    return name.split(" ")[0]
