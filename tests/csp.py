"""What a strict content security policy would block in a page's HTML."""

from html.parser import HTMLParser


class InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, styles and event handlers."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self.found.append("<script> without src")
        if tag == "style" and "nonce" not in attrs:
            self.found.append("<style>")
        for name in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
        if (attrs.get("href") or "").startswith("javascript:"):
            self.found.append(f"{tag} href=javascript:")
        # Links may leave the site; what the page loads or posts to may not.
        for name in ("src", "action"):
            if (attrs.get(name) or "").startswith(("http://", "https://", "//")):
                self.found.append(f"{tag} {name}={attrs[name]}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found
