"""An admin change page's form as a browser would send it back unchanged."""

from html.parser import HTMLParser

from django.contrib.auth import get_user_model


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self.in_form = False
        self.select: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post" and "id" in attrs:
            self.in_form = attrs["id"].endswith("_form")
        if not self.in_form or "name" not in attrs and tag not in ("option",):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.data.append((self.select, attrs.get("value", "")))
        elif tag == "textarea":
            self.textarea, self.text = attrs["name"], ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # The browser drops the one newline that follows <textarea>.
            self.data.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def change_form(client, url: str) -> dict:
    """The form on the admin page at ``url``, filled as it was shown (a dict; one value a key,
    a list where the form sends several)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    reader = _FormReader()
    reader.feed(page.content.decode())
    form: dict = {}
    for name, value in reader.data:
        if name in form:
            form[name] = [*(form[name] if isinstance(form[name], list) else [form[name]]), value]
        else:
            form[name] = value
    return form


def opened_twice(admin_client, client, url: str) -> tuple[dict, dict]:
    """The page at ``url`` opened by two staff members (``client`` logs in as the admin too):
    each one's form, as shown."""
    client.force_login(get_user_model().objects.get(username="admin"))
    return change_form(admin_client, url), change_form(client, url)


def saved_from_both(admin_client, client, url: str, first: dict, second: dict):
    """Two staff members open ``url``; one saves ``first`` (changes, None to untick), then the
    other, from the page opened before, saves ``second``. The second save's response."""
    first_form, second_form = opened_twice(admin_client, client, url)
    for form, changes in ((first_form, first), (second_form, second)):
        for name, value in changes.items():
            form.pop(name, None) if value is None else form.__setitem__(name, value)
    assert admin_client.post(url, first_form).status_code == 302
    return client.post(url, second_form, HTTP_ACCEPT_LANGUAGE="en")
