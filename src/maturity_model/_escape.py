r"""The one escaper: text from models and assessments made safe for HTML and Markdown.

Every display that puts a name, an id, a practice text or a subject into markup calls one
of these; nothing else in the package escapes by hand.

- :func:`html_text` — inside an element, and inside a double- or single-quoted attribute.
- :func:`html_attr` — the same for an attribute, on one line.
- :func:`md_text` — running Markdown (a paragraph, a heading, a list item, a table cell):
  one line, no markup, no link, no HTML.
- :func:`md_cell` — a Markdown table cell (``|`` cannot end the cell).
- :func:`md_code` — a Markdown code span that shows the text exactly.
- :func:`html_link`, :func:`md_link` — a link, clickable only for an ``http(s)`` URL;
  anything else is shown as text.

>>> md_text("# [x](javascript:alert(1)) <script>")
'\\# \\[x\\](javascript:alert(1)) &lt;script&gt;'
"""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import Final

__all__ = ["html_attr", "html_link", "html_text", "md_cell", "md_code", "md_link", "md_text",
           "web_url"]

# Characters that mean something in (GitHub-flavoured) Markdown wherever they stand.
_MD_SPECIAL: Final = str.maketrans({c: "\\" + c for c in "\\`*_[]#|!~"})
# A line that starts with one of these may become a list, a quote or a heading.
_BLOCK_START: Final = re.compile(r"^(?:[-+=>]|\d+(?=[.)](?:\s|$)))")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def html_text(value: object) -> str:
    """``value`` as text that is safe inside HTML elements and quoted attributes.

    >>> html_text('<b title="x">&</b>')
    '&lt;b title=&quot;x&quot;&gt;&amp;&lt;/b&gt;'
    """
    return html.escape(str(value), quote=True)


def html_attr(value: object) -> str:
    r"""``value`` for a quoted attribute value: escaped, and on one line.

    >>> html_attr("a\n'b'")
    'a &#x27;b&#x27;'
    """
    return html.escape(_one_line(value), quote=True)


def md_text(value: object) -> str:
    r"""``value`` as literal text in Markdown: one line, markup and HTML escaped.

    Newlines become spaces (a value can never open a heading, a list or a table), the
    characters of Markdown markup are backslash-escaped, and ``<``, ``>``, ``&`` become
    entities, so neither a link nor HTML can be smuggled in.

    >>> md_text("a|b\n# c")
    'a\\|b \\# c'
    >>> md_text("- item"), md_text("1. one"), md_text("1.0")
    ('\\- item', '1\\. one', '1.0')
    """
    flat = html.escape(_one_line(value), quote=False).translate(_MD_SPECIAL)
    if flat[:1].isdigit():  # "1. x" would be a list item: escape its dot, not the digit
        return re.sub(r"^(\d+)([.)])", r"\1\\\2", flat) if _BLOCK_START.match(flat) else flat
    return _BLOCK_START.sub(lambda m: "\\" + m.group(0), flat)


def md_cell(value: object) -> str:
    r"""``value`` for a Markdown table cell (what :func:`md_text` gives: ``|`` is escaped).

    >>> md_cell("a|b")
    'a\\|b'
    """
    return md_text(value)


def md_code(value: object) -> str:
    r"""``value`` as a Markdown code span, shown exactly, safe in a table cell.

    The fence is longer than any run of backticks in the text; ``|`` is escaped because
    a table ends a cell at ``|`` even inside code. A text with ``<``, ``>`` or ``&`` is
    given as :func:`md_text` instead: some renderers pass code spans through to HTML.

    >>> md_code("cm.vc_x")
    '`cm.vc_x`'
    >>> md_code("a`b|c")
    '``a`b\\|c``'
    >>> md_code("<b>")
    '&lt;b&gt;'
    """
    text = _one_line(value)
    if any(c in text for c in "<>&"):
        return md_text(text)
    text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def web_url(url: object) -> str | None:
    """``url`` when it is an ``http(s)`` URL with a host and no space or control character.

    >>> web_url("https://ci.example.com/a b"), web_url("javascript:alert(1)")
    (None, None)
    >>> web_url("HTTPS://ci.example.com/x")
    'HTTPS://ci.example.com/x'
    """
    if not isinstance(url, str) or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def html_link(text: object, url: object) -> str:
    """A link to an ``http(s)`` URL showing ``text`` (the URL when empty); else the text.

    >>> html_link("CI <job>", "https://ci.example.com/?a=1&b=2")
    '<a href="https://ci.example.com/?a=1&amp;b=2" rel="noopener noreferrer">CI &lt;job&gt;</a>'
    >>> html_link("x", "javascript:alert(1)")
    'x: javascript:alert(1)'
    """
    target, shown = _link(text, url)
    if target is None:
        return html_text(shown)
    return f'<a href="{html_attr(target)}" rel="noopener noreferrer">{html_text(shown)}</a>'


def md_link(text: object, url: object) -> str:
    r"""A Markdown link to an ``http(s)`` URL, safe in a table cell; else the text.

    The link text is :func:`md_text`; the destination is percent-encoded where Markdown
    or a table would read a character (``(``, ``)``, ``|``, ``<``, ``>``, spaces).

    >>> md_link("CI [main]", "https://ci.example.com/a_(b)|c")
    '[CI \\[main\\]](https://ci.example.com/a_%28b%29%7Cc)'
    >>> md_link("", "file:///etc/passwd")
    'file:///etc/passwd'
    """
    target, shown = _link(text, url)
    if target is None:
        return md_text(shown)
    encoded = urllib.parse.quote(target, safe=":/?#@!$&'*+,;=%-._~[]")
    return f"[{md_text(shown)}]({encoded})"


def _link(text: object, url: object) -> tuple[str | None, str]:
    """A link's ``http(s)`` target (``None`` for any other URL) and the text it shows.

    A link shows ``text``, or the URL when ``text`` is empty; what cannot be a link shows
    ``text: url``.
    """
    target = web_url(url)
    if target is None and text and url:
        return None, f"{text}: {url}"
    return target, str(text) if text else str(url)
