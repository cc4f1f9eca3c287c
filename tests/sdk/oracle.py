"""The official SDK's models as an oracle for JSON bodies.

`problems(value, type_name)` walks a decoded JSON value against the SDK
model (or primitive) named by `type_name`, as the SDK's `openapi_types` and
`attribute_map` declare it, and lists every key the model does not have and
every value of the wrong JSON type. `load(value, type_name)` then builds the
SDK model object itself from the value (its constructor refuses unknown
keyword arguments), so a body that passes has loaded into the SDK's model.
"""

import datetime
import re

from huaweicloudsdkapig.v2 import model as sdk_models

LIST = re.compile(r"list\[(.+)\]")
DICT = re.compile(r"dict\(([^,]+), (.+)\)")


def _json_keys(cls):
    """JSON key -> (attribute name, declared type)."""
    return {key: (attr, cls.openapi_types[attr]) for attr, key in cls.attribute_map.items()}


def _primitive(value, type_name, path):
    if type_name == "str":
        ok = isinstance(value, str)
    elif type_name == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif type_name == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif type_name == "bool":
        ok = isinstance(value, bool)
    elif type_name in ("datetime", "date"):
        # The API writes `2020-07-23T07:11:57Z` or with nanoseconds; server
        # channels carry "" in microservice_info (habit 5).
        ok = isinstance(value, str) and (value == "" or _is_time(value))
    elif type_name == "object":
        ok = True
    else:
        return None
    return [] if ok else [f"{path}: {value!r} is not a {type_name}"]


def _is_time(s):
    trimmed = re.sub(r"\.\d+Z$", "Z", s)
    try:
        datetime.datetime.strptime(trimmed, "%Y-%m-%dT%H:%M:%SZ")
        return True
    except ValueError:
        return False


def problems(value, type_name, path="$", allow_null=True):
    """Every unknown key and mistyped value of `value` against `type_name`."""
    if value is None:
        return [] if allow_null else [f"{path}: null"]
    m = LIST.fullmatch(type_name)
    if m:
        if not isinstance(value, list):
            return [f"{path}: expected a list for {type_name}"]
        out = []
        for i, item in enumerate(value):
            out += problems(item, m.group(1), f"{path}[{i}]", allow_null)
        return out
    m = DICT.fullmatch(type_name)
    if m:
        if not isinstance(value, dict):
            return [f"{path}: expected an object for {type_name}"]
        out = []
        for k, item in value.items():
            out += problems(item, m.group(2), f"{path}.{k}", allow_null)
        return out
    prim = _primitive(value, type_name, path)
    if prim is not None:
        return prim
    cls = getattr(sdk_models, type_name, None)
    if cls is None:
        return [f"{path}: the SDK has no model {type_name}"]
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({type_name})"]
    keys = _json_keys(cls)
    out = []
    for k, item in value.items():
        if k not in keys:
            out.append(f"{path}.{k}: not a field of the SDK's {type_name}")
            continue
        out += problems(item, keys[k][1], f"{path}.{k}", allow_null)
    return out


def load(value, type_name):
    """The SDK model object for `value` (call after `problems` is empty)."""
    if value is None:
        return None
    m = LIST.fullmatch(type_name)
    if m:
        return [load(v, m.group(1)) for v in value]
    cls = getattr(sdk_models, type_name, None)
    if cls is None:
        return value
    keys = _json_keys(cls)
    kwargs = {keys[k][0]: load(v, keys[k][1]) for k, v in value.items()}
    return cls(**kwargs)


def query_problems(query, request_type):
    """Query parameters against a request model: every name must be one of
    its fields, every value must parse as the field's type."""
    cls = getattr(sdk_models, request_type)
    out = []
    for name, raw in query.items():
        if name not in cls.attribute_map.values():
            out.append(f"query {name}: not a parameter of the SDK's {request_type}")
            continue
        attr = next(a for a, k in cls.attribute_map.items() if k == name)
        declared = cls.openapi_types[attr]
        if declared == "int" and not re.fullmatch(r"-?\d+", str(raw)):
            out.append(f"query {name}={raw!r}: not an int")
    return out
