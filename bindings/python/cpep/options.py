"""Engine options: Python keyword arguments to the ``options_json`` of ``cpep_open``.

The engine owns the set of options and their types (an unknown key or a wrong type is refused by
``cpep_open``, naming the key), so this module only translates spelling and a few Python values;
it never keeps a list of keys that would fall behind the engine's.
"""

import datetime
import json
import re

_SNAKE_PART = re.compile(r"_([a-z0-9])")


def camel_case(key):
    """``busy_timeout_ms`` -> ``busyTimeoutMs``; camelCase keys are returned unchanged."""
    return _SNAKE_PART.sub(lambda m: m.group(1).upper(), key)


def _json_value(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("a naive datetime is ambiguous as the engine's clock; add a tzinfo")
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        text = utc.isoformat(timespec="microseconds" if utc.microsecond else "seconds")
        return text + "Z"
    return value


def options_json(options):
    """The JSON text for ``options`` (a mapping), or ``None`` when there is nothing to send.

    Keys may be camelCase, as in the contract, or snake_case; a value of ``None`` means "use the
    engine's default" and is left out. Giving one option under both spellings is a TypeError.
    """
    converted = {}
    for key, value in options.items():
        name = camel_case(key)
        if name in converted:
            raise TypeError("option %r given twice (as %r and another spelling)" % (name, key))
        if value is None:
            converted[name] = None
            continue
        converted[name] = _json_value(value)
    sent = {k: v for k, v in converted.items() if v is not None}
    if not sent:
        return None
    return json.dumps(sent, separators=(",", ":"))
