"""A report section's text in its three forms.

stored:   what a draft keeps: plain text with ⟦figure id⟧ tokens (numbers stay the store's);
editable: what the textarea shows: each token as 〔467场〕, the figure as it reads;
segments: what the page and the exports render: paragraphs of text and links.
"""

import re
from collections import defaultdict, deque

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOKEN = re.compile(r"⟦([^⟦⟧]{1,200})⟧")
BRACKETED = re.compile(r"〔([^〔〕]{0,200})〕")
MISSING = "〔?〕"


def token(link) -> str:
    return f"⟦{link.id}⟧"


def stored_from_parts(paragraphs: list[list]) -> str:
    """Paragraphs of str and Link items → stored text."""
    return "\n\n".join("".join(p if isinstance(p, str) else token(p) for p in para) for para in paragraphs if para)


def token_ids(stored: str) -> list[str]:
    return TOKEN.findall(stored or "")


def to_editable(stored: str, resolve) -> str:
    def replace(match):
        link = resolve(match[1])
        return f"〔{link.display}〕" if link else MISSING

    return TOKEN.sub(replace, stored or "")


def from_editable(text: str, previous_stored: str, resolve, known_ids) -> str:
    """The stored form of an edited text. Each 〔…〕 must read as a figure of the report: the
    figures of the section's previous text first, in their order, then any other of the report.
    A bracket whose content is no figure (a number typed over) is refused."""
    text = (text or "").replace("\r\n", "\n").replace("⟦", "").replace("⟧", "")
    queues: dict[str, deque] = defaultdict(deque)
    last: dict[str, str] = {}
    for fid in token_ids(previous_stored):
        link = resolve(fid)
        if link:
            queues[link.display].append(fid)
    for fid in known_ids:
        link = resolve(fid)
        if link and link.display not in last:
            last[link.display] = fid
    unknown = []

    def replace(match):
        shown = match[1]
        if queues[shown]:
            fid = queues[shown].popleft()
            last[shown] = fid
            return f"⟦{fid}⟧"
        if shown in last:
            return f"⟦{last[shown]}⟧"
        unknown.append(match[0])
        return match[0]

    stored = BRACKETED.sub(replace, text)
    if unknown:
        raise ValidationError(
            _(
                "%(figures)s is not a figure of this report: numbers in 〔〕 come from the records. "
                "Restore the figure or remove the brackets."
            )
            % {"figures": "、".join(unknown)}
        )
    return stored.strip()


def to_segments(stored: str, resolve) -> list[list]:
    """Paragraphs, each a list of str and Link (a token that no longer resolves reads 〔?〕)."""
    out = []
    for para in re.split(r"\n\s*\n", (stored or "").strip()):
        if not para.strip():
            continue
        parts, pos = [], 0
        for match in TOKEN.finditer(para):
            if match.start() > pos:
                parts.append(para[pos : match.start()])
            link = resolve(match[1])
            parts.append(link if link else MISSING)
            pos = match.end()
        if pos < len(para):
            parts.append(para[pos:])
        out.append(parts)
    return out
