"""Stable, language-independent names in the OpenAPI schema (a drf-spectacular post-processing hook).

Client generators name classes after a schema's `title` and enum members after their position;
both made the generated code depend on the reader's language (titles are translated labels)
and on the order of choices (a filter lists them sorted, a body in declared order). Here:

- `title` is dropped everywhere but the document's own (its text, when the schema has no
  description, becomes the description: descriptions may be translated, names may not);
- every string enum gets `x-enum-varnames` derived from its stored codes ("60_69" ->
  VALUE_60_69, "" -> BLANK), so a member's name never depends on its position;
- a filter's inline enum that lists exactly the values of a component enum becomes a reference
  to it (one class for the filter and the body);
- a choice that may be blank (`oneOf: [XEnum, BlankEnum]`) becomes one enum `XOrBlankEnum`
  holding "" too, and a nullable choice (`oneOf: [XEnum, NullEnum]`) a nullable reference.
"""

import re

BLANK = "#/components/schemas/BlankEnum"
NULL = "#/components/schemas/NullEnum"
REF = "#/components/schemas/"


def stable_names(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    _walk(result.get("paths", {}), _drop_title)
    _walk(schemas, _drop_title)
    _fold_blank_and_null(result, schemas)
    _share_parameter_enums(result.get("paths", {}), schemas)
    _walk(result, _add_varnames)
    _public_operations(result.get("paths", {}))
    return result


def _public_operations(paths: dict) -> None:
    """`security: [{}]` (no credentials needed) is left out, which says the same to a reader and
    lets generators call the operation without a token."""
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            if operation.get("security") == [{}]:
                del operation["security"]


def enum_varname(value: str) -> str:
    """An enum member's name from its stored code: "elderly" -> ELDERLY, "60_69" -> VALUE_60_69."""
    if value == "":
        return "BLANK"
    if value.startswith("-") and len(value) > 1:  # an ordering: "-occurred_on" -> OCCURRED_ON_DESC
        return f"{enum_varname(value[1:])}_DESC"
    name = re.sub(r"\W+", "_", value, flags=re.ASCII).strip("_").upper()
    if not name or not name[0].isalpha():
        name = f"VALUE_{name}"
    return name


def _walk(node, visit) -> None:
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            visit(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _drop_title(schema: dict) -> None:
    title = schema.get("title")
    if not isinstance(title, str):
        return
    schema.pop("title")
    wrapped = schema.get("allOf")
    if set(schema) == {"allOf"} and isinstance(wrapped, list) and len(wrapped) == 1 and set(wrapped[0]) == {"$ref"}:
        # drf-spectacular wraps a reference only to give it the (translated) label: without the
        # label it is the plain reference the schema has in a language where no label is shown.
        schema.pop("allOf")
        schema["$ref"] = wrapped[0]["$ref"]
    else:
        schema.setdefault("description", title)


def _add_varnames(schema: dict) -> None:
    values = schema.get("enum")
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        return
    names, seen = [], set()
    for value in values:
        name = base = enum_varname(value)
        suffix = 2
        while name in seen:
            name, suffix = f"{base}_{suffix}", suffix + 1
        seen.add(name)
        names.append(name)
    schema["x-enum-varnames"] = names


def _fold_blank_and_null(result: dict, schemas: dict) -> None:
    def fold(schema: dict) -> None:
        options = schema.get("oneOf")
        if not isinstance(options, list) or len(options) != 2:
            return
        refs = [o.get("$ref") for o in options if isinstance(o, dict)]
        if len(refs) != 2 or not all(refs):
            return
        main = next((r for r in refs if r not in (BLANK, NULL)), None)
        if main is None:
            return
        if BLANK in refs:
            name = main.removeprefix(REF).removesuffix("Enum") + "OrBlankEnum"
            if name not in schemas:
                base = schemas[main.removeprefix(REF)]
                schemas[name] = {
                    "enum": [*base["enum"], ""],
                    "type": "string",
                    "description": base.get("description", ""),
                }
            schema.pop("oneOf")
            schema["$ref"] = REF + name
        elif NULL in refs:
            schema.pop("oneOf")
            schema["allOf"] = [{"$ref": main}]
            schema["nullable"] = True

    _walk(result.get("paths", {}), fold)
    _walk(list(schemas.values()), fold)
    text = repr(result.get("paths")) + repr(schemas)
    for unused in ("BlankEnum", "NullEnum"):
        if unused in schemas and f"'{REF}{unused}'" not in text:
            del schemas[unused]


def _share_parameter_enums(paths: dict, schemas: dict) -> None:
    by_values: dict[frozenset, list[str]] = {}
    for name, schema in schemas.items():
        if isinstance(schema.get("enum"), list) and all(isinstance(v, str) for v in schema["enum"]):
            by_values.setdefault(frozenset(schema["enum"]), []).append(name)
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                values = schema.get("enum")
                if not isinstance(values, list) or parameter.get("name") == "format":
                    continue
                names = sorted(by_values.get(frozenset(values), []))
                if names:
                    parameter["schema"] = {"$ref": REF + names[0]}
