"""Answers that are not JSON, typed as what they are (a drf-spectacular post-processing hook).

drf-spectacular gives every renderer of a view the JSON schema of its serializer, so a list's
or the metrics' `text/csv` answer claimed the JSON shape (and a generated client crashed
decoding it). A CSV answer is a string; a spreadsheet is binary, and is also offered as
`application/octet-stream` (which the export answers when asked) so that generators that only
know that type still hand the bytes over.
"""

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OCTET = "application/octet-stream"


def typed_media(result, generator, request, public):
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if CSV in content:
                    content[CSV] = {
                        "schema": {
                            "type": "string",
                            "description": "CSV, UTF-8 with a byte-order mark, one header row.",
                        }
                    }
                if XLSX in content:
                    content[XLSX] = {"schema": {"type": "string", "format": "binary"}}
                    content.setdefault(OCTET, {"schema": {"type": "string", "format": "binary"}})
    return result
