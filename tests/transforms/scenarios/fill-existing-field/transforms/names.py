"""The fill of the fill-existing-field scenario: a name cut to the new size limit."""


def short(fields, locale):
    name = fields.get("name", {}).get(locale)
    return None if name is None else name[:5]
