from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.utils.http import urlencode


class FormClient(Client):
    """Django's test client, posting a form urlencoded, as the pages' forms (and browsers) do.

    Django's own posts every form as multipart, which public pages refuse (config.bodies); a
    form with a file still goes as multipart.
    """

    def post(self, path, data=None, content_type=None, **extra):
        if content_type is None:
            if isinstance(data, dict) and any(hasattr(v, "read") for v in data.values()):
                content_type = MULTIPART_CONTENT
            else:
                content_type = "application/x-www-form-urlencoded"
                if data is None or isinstance(data, dict):
                    data = urlencode(data or {}, doseq=True)
        return super().post(path, data, content_type, **extra)
