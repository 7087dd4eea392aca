"""Markdown written by editors and employers, made safe to show: guides and job postings."""

import html

import markdown
import nh3
from django.utils.safestring import mark_safe

# What the Markdown may become: text structure and links, no scripts, styles or images.
ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code",
    "pre", "table", "thead", "tbody", "tr", "th", "td", "hr", "br",
}  # fmt: skip
# Links may only leave for the web or an e-mail: never javascript: or data: URLs.
ALLOWED_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str) -> str:
    """HTML with only the allowed tags and links left (nh3, Rust's ammonia)."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, url_schemes=ALLOWED_SCHEMES, link_rel="nofollow noopener"
    )


def render_markdown(text: str):
    """Markdown as sanitized HTML: whoever wrote it, no raw HTML survives but basic formatting."""
    return mark_safe(clean_html(markdown.markdown(text, extensions=["tables"])))  # noqa: S308


def html_as_text(fragment) -> str:
    """HTML as the words a reader sees, one space between them."""
    return " ".join(html.unescape(nh3.clean(str(fragment), tags=set())).split())


def plain_text(text: str) -> str:
    """Markdown as the words a reader sees (for search)."""
    return html_as_text(markdown.markdown(text, extensions=["tables"]))
